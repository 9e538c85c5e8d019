"""When a knowledge-base article needs review: the one rule (seed 001: the base «должна
актуализироваться на постоянной основе»).

An article needs review when it is live and either

- **overdue**: its next review date (last reviewed on + the review interval) is before
  today, or
- **flagged**: `needs_review` is set (a legal act it cites was amended or repealed,
  kb.services.flag_articles_citing).

The dashboard panel (kb.panels), the daily digest (kb.services.send_review_digests), the
API's `?needs_review=true` (kb.api), the department overview (kb.overview) and what
readers see on the article all ask here, so their counts agree."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def overdue_condition(today: dt.date | None = None) -> Q:
    return Q(next_review_due__lt=today_or(today))


def flagged_condition() -> Q:
    return Q(needs_review=True)


def review_condition(today: dt.date | None = None) -> Q:
    """The rule as a query condition on ArticlePage."""
    return overdue_condition(today) | flagged_condition()


def needing_review(queryset, today: dt.date | None = None):
    """The live articles of `queryset` that need review."""
    return queryset.live().filter(review_condition(today))


def not_needing_review(queryset, today: dt.date | None = None):
    """The articles of `queryset` that do not (the API's `?needs_review=false`)."""
    return queryset.exclude(review_condition(today))


def is_overdue(article, today: dt.date | None = None) -> bool:
    due = article.next_review_due
    return bool(due and due < today_or(today))


def needs_review(article, today: dt.date | None = None) -> bool:
    """The rule for one article (live or not: the caller decides)."""
    return bool(article.needs_review) or is_overdue(article, today)
