"""«Отметить как проверенное»: confirming an article's review in one action, instead of
typing today's date into «дата проверки» and submitting the article by hand.

The rule (docs/knowledge_base.md, "Review"):

- who: the people who edit the article (its unit's editors and head, administrators);
- what: a new revision of the *published* text with «дата проверки» set to today, so
  nothing unapproved goes out with it. An article with unpublished changes or already
  in moderation is refused with a plain message: its draft has to be finished first
  (and carries its own review date);
- a head (who may publish) publishes it at once; an editor's goes into the unit's
  approval workflow, and the head's approval publishes it. Publishing a revision
  reviewed on or after the day of the flag clears «требует проверки»
  (kb.signals.article_published), so the flag is cleared by the same approval as any
  other change;
- who and when are recorded: the revision's author and date, and an entry «Отмечено как
  проверенное» in the page's history (Wagtail's log)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

LOG_ACTION = "kb.mark_reviewed"


class ReviewRefused(Exception):
    """The article cannot be marked reviewed now; the message says why, in Russian."""


@dataclass
class ReviewOutcome:
    published: bool  # True: live at once; False: waiting for the head's approval
    reviewed_on: dt.date


def refusal_reason(article, user) -> str | None:
    """Why `user` cannot mark `article` reviewed now (None: they can)."""
    if not article.live:
        return _("Only a published article can be marked as reviewed.")
    if not article.permissions_for_user(user).can_edit():
        return _("Only the editors and the head of the unit that keeps the article can do this.")
    if article.workflow_in_progress:
        return _(
            "The article is waiting for approval. Once the head approves or returns it, "
            "mark it as reviewed."
        )
    if article.has_unpublished_changes:
        return _(
            "The article has unpublished changes. Check them, set «last reviewed on» on the "
            "«Review» tab and submit the article: the review is confirmed with them."
        )
    return None


@transaction.atomic
def mark_reviewed(article, user, today: dt.date | None = None) -> ReviewOutcome:
    """Confirm the review of `article` by `user` today (see the rule above)."""
    from .models import ArticlePage

    article = ArticlePage.objects.select_for_update().get(pk=article.pk)
    reason = refusal_reason(article, user)
    if reason:
        raise ReviewRefused(reason)
    today = today or timezone.localdate()
    live = article.live_revision.as_object() if article.live_revision else article
    live.last_reviewed_on = today
    revision = live.save_revision(user=user, log_action=False)
    log(instance=article, action=LOG_ACTION, user=user, revision=revision)
    if article.permissions_for_user(user).can_publish():
        revision.publish(user=user)
        return ReviewOutcome(published=True, reviewed_on=today)
    workflow = article.get_workflow()
    if workflow is None:
        raise ReviewRefused(_("The section has no approval workflow: ask the administrator."))
    workflow.start(ArticlePage.objects.get(pk=article.pk), user)
    return ReviewOutcome(published=False, reviewed_on=today)
