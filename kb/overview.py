"""The department overview of the knowledge base (/kb/overview/): freshness and
helpfulness across the units, for the department head and administrators; and who may
mark an article reviewed.

Who sees it: administrators (every unit) and the head of a unit that has units below it
(the department head: that unit and every unit below). A head of a unit without
sub-units sees their own unit on the admin dashboard (kb.panels.ReviewPanel) and is
refused here; so is everybody else.

The freshness counts are those of kb.freshness, the rule the dashboard, the digest and
the API's `?needs_review=true` use, so the numbers agree everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q

from intranet import roles
from intranet.models import Unit

from . import freshness
from .models import ArticleFeedback, ArticlePage
from .ownership import units_of


def is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(roles.ADMINISTRATORS))


def overview_unit_ids(user) -> frozenset[int]:
    """The units whose articles `user` oversees here; empty: the page is refused."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if is_administrator(user):
        return frozenset(Unit.objects.values_list("pk", flat=True))
    ids: set[int] = set()
    for unit in Unit.objects.filter(head=user, children__isnull=False).distinct():
        ids |= unit.descendant_ids()
    return frozenset(ids)


def _unit_keepers() -> tuple[frozenset[int], frozenset[int]]:
    """(heads' user ids, editors' and heads' group ids) of every unit."""
    rows = list(Unit.objects.values_list("head_id", "editors_group_id", "heads_group_id"))
    heads = frozenset(head for head, _editors, _heads in rows if head)
    groups = frozenset(group for _head, *pair in rows for group in pair if group)
    return heads, groups


def can_mark_reviewed(user, article: ArticlePage, request=None) -> bool:
    """The owning unit's editors and head, the department head above it, and
    administrators. With a request, a reader who keeps no unit at all is told so
    without a query of their units (the units' heads and groups are read once per KB
    generation: a unit's change bumps it)."""
    if user is None or not user.is_authenticated or article.owner_unit_id is None:
        return False
    if is_administrator(user):
        return True
    if request is not None:
        from .caching import shared

        heads, groups = shared(request, "unit-keepers", _unit_keepers)
        if user.pk not in heads and not (user.group_ids() & groups):
            return False
    if any(unit.pk == article.owner_unit_id for unit in units_of(user)):
        return True
    return article.owner_unit_id in overview_unit_ids(user)


@dataclass
class Counts:
    articles: int = 0
    needing_review: int = 0
    overdue: int = 0
    flagged: int = 0
    drafts: int = 0
    answers: int = 0
    helpful: int = 0

    @property
    def helpful_share(self) -> float | None:
        return 100 * self.helpful / self.answers if self.answers else None

    def add(self, other: Counts) -> None:
        for name in ("articles", "needing_review", "overdue", "flagged", "drafts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.answers += other.answers
        self.helpful += other.helpful


@dataclass
class UnitRow:
    unit: Unit
    counts: Counts = field(default_factory=Counts)


@dataclass
class HelpfulnessRow:
    article: ArticlePage
    helpful: int
    answers: int

    @property
    def share(self) -> float:
        return 100 * self.helpful / self.answers


SORTS = {
    # key: (sort key, reverse); the default puts the least helpful first.
    "share": (lambda r: (r.share, -r.answers, r.article.title), False),
    "-share": (lambda r: (-r.share, -r.answers, r.article.title), False),
    "answers": (lambda r: (r.answers, r.share, r.article.title), False),
    "-answers": (lambda r: (-r.answers, r.share, r.article.title), False),
    "title": (lambda r: (r.article.title,), False),
}
DEFAULT_SORT = "share"


def headline(unit_ids, today: dt.date | None = None) -> Counts:
    """The overview's totals (the dashboard panel shows them)."""
    today = freshness.today_or(today)
    live = ArticlePage.objects.live().filter(owner_unit_id__in=unit_ids)
    totals = live.aggregate(
        articles=Count("pk"),
        needing_review=Count("pk", filter=freshness.review_condition(today)),
        overdue=Count("pk", filter=freshness.overdue_condition(today)),
        flagged=Count("pk", filter=freshness.flagged_condition()),
    )
    drafts = waiting_drafts(unit_ids).count()
    return Counts(**totals, drafts=drafts)


def waiting_drafts(unit_ids):
    """Articles with changes not yet published (new articles included): drafts waiting
    for the editor to submit them or for the head to approve them."""
    return ArticlePage.objects.filter(owner_unit_id__in=unit_ids, has_unpublished_changes=True)


def unit_rows(unit_ids, today: dt.date | None = None) -> tuple[list[UnitRow], Counts]:
    today = freshness.today_or(today)
    units = list(
        Unit.objects.filter(pk__in=unit_ids)
        .filter(Q(kb_sections__isnull=False) | Q(kb_articles__isnull=False))
        .distinct()
        .order_by("sort_order", "name")
    )
    rows = {unit.pk: UnitRow(unit) for unit in units}
    live = ArticlePage.objects.live().filter(owner_unit_id__in=rows)
    grouped = (
        live.values("owner_unit_id")
        .annotate(
            articles=Count("pk"),
            needing_review=Count("pk", filter=freshness.review_condition(today)),
            overdue=Count("pk", filter=freshness.overdue_condition(today)),
            flagged=Count("pk", filter=freshness.flagged_condition()),
        )
        .order_by()  # the pages' default order (path) would split the groups
    )
    for values in grouped:
        counts = rows[values.pop("owner_unit_id")].counts
        for name, value in values.items():
            setattr(counts, name, value)
    for values in (
        waiting_drafts(list(rows)).values("owner_unit_id").annotate(n=Count("pk")).order_by()
    ):
        rows[values["owner_unit_id"]].counts.drafts = values["n"]
    for values in (
        ArticleFeedback.objects.filter(article__in=live)
        .values("article__owner_unit_id")
        .annotate(answers=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)))
        .order_by()
    ):
        counts = rows[values["article__owner_unit_id"]].counts
        counts.answers, counts.helpful = values["answers"], values["helpful"]
    total = Counts()
    for row in rows.values():
        total.add(row.counts)
    return list(rows.values()), total


def articles_needing_review(unit_ids, today: dt.date | None = None) -> list[ArticlePage]:
    return list(
        ArticlePage.objects.needing_review(today)
        .filter(owner_unit_id__in=unit_ids)
        .select_related("owner_unit")
        .order_by("next_review_due", "title")
    )


def helpfulness(unit_ids, sort: str = DEFAULT_SORT, unit_id: int | None = None):
    """Each live article with readers' answers: the number and share of «да»."""
    live = ArticlePage.objects.live().filter(owner_unit_id__in=unit_ids)
    if unit_id is not None:
        live = live.filter(owner_unit_id=unit_id)
    figures = {
        values["article_id"]: values
        for values in ArticleFeedback.objects.filter(article__in=live)
        .values("article_id")
        .annotate(answers=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)))
        .order_by()
    }
    articles = live.filter(pk__in=figures).select_related("owner_unit")
    rows = [HelpfulnessRow(a, figures[a.pk]["helpful"], figures[a.pk]["answers"]) for a in articles]
    key, reverse = SORTS.get(sort, SORTS[DEFAULT_SORT])
    rows.sort(key=key, reverse=reverse)
    return rows


def last_reviews(articles) -> dict[int, object]:
    """The latest «Отметить как проверенное» of each article: {article pk: review}."""
    from .models import ArticleReview

    latest = {}
    for review in (
        ArticleReview.objects.filter(article__in=articles)
        .select_related("reviewed_by")
        .order_by("article_id", "-reviewed_at")
    ):
        latest.setdefault(review.article_id, review)
    return latest
