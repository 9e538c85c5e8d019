"""Multi-model operations of the knowledge base, one transaction each: flagging articles
when a cited act changes, notifying the owners, the daily review digest, feedback. Mail
goes through the outbox (intranet.outbox)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet import links, outbox
from intranet.security import client_text

from . import freshness
from .events import articles_flagged
from .models import (
    ArticleFeedback,
    ArticlePage,
    ArticleReview,
    KBDigestLog,
    LegalAct,
    Notification,
)
from .ownership import unit_recipients

NOTIFICATION = "kb.notification"
REVIEW_DIGEST = "kb.digest"

outbox.register(NOTIFICATION, gettext_lazy("Knowledge base notice"))
outbox.register(REVIEW_DIGEST, gettext_lazy("Knowledge base review digest"))


def admin_edit_url(page) -> str:
    return links.absolute(reverse("wagtailadmin_pages:edit", args=[page.pk]))


# ------------------------------------------------------------------ notifications


def notify(users, subject: str, body: str, url: str = "", email: bool = True) -> list:
    """Create an in-app notification for each user; if `email`, the same text is
    queued in the outbox for those with an address, sent once the transaction
    commits."""
    notes = []
    for user in users:
        message = None
        if email and user.email:
            text = body if not url else f"{body}\n\n{url}"
            message = outbox.queue(kind=NOTIFICATION, to=user.email, subject=subject, body=text)
        notes.append(
            Notification.objects.create(
                recipient=user, subject=subject, body=body, url=url, message=message
            )
        )
    return notes


# ------------------------------------------------------------- amended legal acts


@transaction.atomic
def flag_articles_citing(act: LegalAct, today: dt.date | None = None) -> list[ArticlePage]:
    """Flag every article citing `act` as needing review and tell the owning units'
    editors and heads (one notification per person listing their articles)."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("%(act)s: %(status)s on %(date)s. Check the article against the new text.") % {
            "act": act.short_citation,
            "status": act.get_status_display().lower(),
            "date": f"{act.status_changed_on or today:%d.%m.%Y}",
        }
        articles = list(
            ArticlePage.objects.filter(legal_acts=act).select_related("owner_unit").order_by("path")
        )
        for article in articles:
            reasons = [line for line in article.review_reason.splitlines() if line]
            if reason not in reasons:
                reasons.append(reason)
            ArticlePage.objects.filter(pk=article.pk).update(
                needs_review=True,
                review_reason="\n".join(reasons),
                review_flagged_on=article.review_flagged_on or today,
            )
            article.needs_review = True
            article.review_reason = "\n".join(reasons)
        if articles:
            from .caching import bump

            bump()  # the lists show the "needs review" badge
            articles_flagged.send(sender=LegalAct, act=act, articles=articles)

        per_person: dict = defaultdict(list)
        people = {}
        for article in articles:
            if article.owner_unit is None:
                continue
            for user in unit_recipients(article.owner_unit):
                people[user.pk] = user
                per_person[user.pk].append(article)
        for user_pk, items in per_person.items():
            subject = _("Knowledge base: %(act)s changed, %(count)d article(s) to review") % {
                "act": act.short_citation,
                "count": len(items),
            }
            lines = [reason, ""] + [f"— {a.title}: {admin_edit_url(a)}" for a in items]
            notify([people[user_pk]], subject, "\n".join(lines), url=admin_edit_url(items[0]))
    # The readers who follow the articles (or their sections) are told too.
    from .following import tell_flagged

    tell_flagged(act, articles)
    return articles


# ------------------------------------------------------------------ review digest


def _digest_text(items: list[ArticlePage], today: dt.date) -> str:
    lines = [
        _("Knowledge base articles of your unit that need review:"),
        "",
    ]
    for article in items:
        reasons = []
        if freshness.is_overdue(article, today):
            reasons.append(
                _("review was due on %(date)s") % {"date": f"{article.next_review_due:%d.%m.%Y}"}
            )
        if article.needs_review:
            reasons.append(article.review_reason.replace("\n", "; ") or _("flagged for review"))
        lines.append(f"— {article.title} ({'; '.join(reasons)})")
        lines.append(f"  {admin_edit_url(article)}")
    lines += [
        "",
        _(
            "After checking an article, press «Mark as reviewed» on it (or, if the text "
            "has to change, edit it and submit it for publication)."
        ),
    ]
    return "\n".join(lines)


def send_review_digests(today: dt.date | None = None) -> int:
    """Send each editor and head ONE digest of the stale and flagged articles of their
    units, at most once a day (KBDigestLog). Returns the number of digests sent."""
    today = today or timezone.localdate()
    articles = list(
        ArticlePage.objects.needing_review(today)
        .exclude(owner_unit=None)
        .select_related("owner_unit")
        .order_by("owner_unit__sort_order", "path")
    )
    per_person: dict[int, list[ArticlePage]] = defaultdict(list)
    people = {}
    by_unit: dict = defaultdict(list)
    for article in articles:
        by_unit[article.owner_unit].append(article)
    for unit, items in by_unit.items():
        for user in unit_recipients(unit):
            people[user.pk] = user
            per_person[user.pk].extend(items)

    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user_pk, items in per_person.items():
            user = people[user_pk]
            try:
                with transaction.atomic():
                    _log, created = KBDigestLog.objects.get_or_create(
                        user=user, sent_on=today, defaults={"article_count": len(items)}
                    )
                    if not created:
                        continue
                    subject = _("Knowledge base: %(count)d article(s) need review") % {
                        "count": len(items)
                    }
                    body = _digest_text(items, today)
                    message = None
                    if user.email:
                        message = outbox.queue(
                            kind=REVIEW_DIGEST, to=user.email, subject=subject, body=body
                        )
                    Notification.objects.create(
                        recipient=user,
                        subject=subject,
                        body=body,
                        url=admin_edit_url(items[0]),
                        message=message,
                    )
                    sent += 1
            except IntegrityError:
                # A concurrent run recorded this person's digest first.
                continue
    return sent


# ------------------------------------------------------------------------ feedback


@transaction.atomic
def record_feedback(
    article: ArticlePage, user, helpful: bool, comment: str = ""
) -> ArticleFeedback:
    """Keep the reader's latest opinion of the article; the owner unit sees it."""
    values = {
        "helpful": helpful,
        "comment": client_text(comment),
        "unit_id": article.owner_unit_id,
        "created_at": timezone.now(),
    }
    if user is not None and user.is_authenticated:
        feedback, _created = ArticleFeedback.objects.update_or_create(
            article=article, user=user, defaults=values
        )
        return feedback
    return ArticleFeedback.objects.create(article=article, **values)


# ------------------------------------------------------------------------- review


@transaction.atomic
def mark_reviewed(article: ArticlePage, user, today: dt.date | None = None) -> ArticleReview:
    """«Отметить как проверенное»: `user` confirms the live article is current. Records
    who and when (ArticleReview), moves «last reviewed on» to today (so the next review
    date follows) and clears a flag raised by an amended act. Who may do it is
    kb.overview.can_mark_reviewed; the view checks it."""
    from .caching import bump

    today = today or timezone.localdate()
    article = ArticlePage.objects.select_for_update().get(pk=article.pk)
    review = ArticleReview.objects.create(
        article=article,
        reviewed_by=user,
        was_overdue=freshness.is_overdue(article, today),
        cleared_reason=article.review_reason if article.needs_review else "",
    )
    article.last_reviewed_on = today
    next_due = article.compute_next_review_due()
    ArticlePage.objects.filter(pk=article.pk).update(
        last_reviewed_on=today,
        next_review_due=next_due,
        needs_review=False,
        review_reason="",
        review_flagged_on=None,
    )
    bump()  # readers' pages and lists show the review date and the badges
    return review
