"""«Отметить как проверенное» from the admin: the article's «Актуальность» tab and the home
page's review panel open a confirmation page; confirming runs the one action of the
knowledge base, `kb.services.mark_reviewed` (the same as the button on the article page
and in the department overview: docs/knowledge_base.md).

- who: kb.overview.can_mark_reviewed (the owning unit's editors and head, the department
  head above it, administrators); the article must be live;
- what: who and when are recorded (ArticleReview), «дата проверки» becomes today and a
  flag raised by an amended act is cleared at once: the text does not change, so no
  revision and no approval are needed; a draft saved before keeps working and, once
  published, does not bring the older date back (kb.signals);
- and an entry «Отмечено как проверенное» in the page's history (Wagtail's log)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

LOG_ACTION = "kb.mark_reviewed"


class ReviewRefused(Exception):
    """The article cannot be marked reviewed now; the message says why, in Russian."""


def refusal_reason(article, user) -> str | None:
    """Why `user` cannot mark `article` reviewed now (None: they can)."""
    from .overview import can_mark_reviewed

    if not article.live:
        return _("Only a published article can be marked as reviewed.")
    if not can_mark_reviewed(user, article):
        return _("Only the editors and the head of the unit that keeps the article can do this.")
    return None


@transaction.atomic
def mark_reviewed(article, user, today: dt.date | None = None):
    """Confirm the review of `article` by `user` today (see the rule above)."""
    from . import services

    reason = refusal_reason(article, user)
    if reason:
        raise ReviewRefused(reason)
    today = today or timezone.localdate()
    review = services.mark_reviewed(article, user, today)
    log(instance=article, action=LOG_ACTION, user=user)
    return review
