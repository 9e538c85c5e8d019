"""Facet counts: of the matched cases in one pass (database backends), of the articles'
topics, and the facets of a response from all of them."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from search.services.results import (
    CASE,
    CASE_TOPIC_TO_KB,
    KINDS,
    Facet,
    FacetValue,
    SearchResponse,
)


def _article_topic_counts(ids: list[int]) -> Counter:
    """Topic facet of the matching articles (by key: no second search)."""
    from django.db import connection

    from kb.models import ArticlePage

    counts: Counter = Counter()
    if not ids:
        return counts
    through = ArticlePage.topics.through
    links = through.objects.all()
    if connection.vendor == "postgresql":
        # One array parameter, not thousands of placeholders.
        column = through._meta.get_field("articlepage").column
        links = links.extra(
            where=[f'"{through._meta.db_table}"."{column}" = ANY(%s)'], params=[ids]
        )
    else:
        links = links.filter(articlepage_id__in=ids)
    for row in links.values("topic__slug").annotate(n=Count("pk")):
        counts[row["topic__slug"]] += row["n"]
    return counts


CASE_FACET_COLUMNS = ("topic", "unit", "year", "status", "regime")


def count_cap() -> int:
    """How many matching cases a search counts at most (``SEARCH_COUNT_CAP``; 0: all).

    Counting the facets of a very broad query reads every match (some 1.3 µs a row on
    PostgreSQL: 40–65 ms for the 30,000 cases of «конфликт интересов» at 100,000), so
    beyond the cap the cases' count reads «более N» and their facets are those of the
    first N matches, as Elasticsearch's are counted over a sample (FACET_SAMPLE)."""
    return max(0, int(getattr(settings, "SEARCH_COUNT_CAP", 0) or 0))


def _case_facet_rows(queryset: QuerySet, cap: int = 0) -> dict:
    """Facet counts of matched cases in one pass: {"total": n, "topic": Counter, ...},
    with `cap`, the facets of the first `cap` matches and the total of up to `cap` + 1
    (a total over `cap` means there are more).

    One GROUP BY over the five facet columns together (a few hundred to a couple of
    thousand combinations: a single hash aggregate over the matches, where GROUPING
    SETS ran five: 55 against 90 ms for the 30,000 matches of a common phrase at
    100,000 cases), rolled up per column in the same statement, so that a few dozen
    rows come back instead of every combination (adding those up here took 5–7 ms)."""
    from django.db import connections
    from django.db.models import F

    names = [f"f_{name}" for name in CASE_FACET_COLUMNS]
    inner = (
        queryset.order_by()
        .annotate(
            f_topic=F("topic"),
            f_unit=F("unit_id"),
            f_year=ExtractYear("received_at"),
            f_status=F("status"),
            f_regime=F("regime"),
        )
        .values(*names)
    )
    if cap:
        inner = inner[: cap + 1]
    sql, params = inner.query.sql_with_params()
    columns = ", ".join(names)
    parts = [
        f"SELECT '{name}', CAST(f_{name} AS TEXT), SUM(n) FROM grouped GROUP BY f_{name}"
        for name in CASE_FACET_COLUMNS
    ]
    if cap:
        # The facets of the first `cap` matches; the total of up to `cap` + 1.
        counted = f"(SELECT * FROM matched LIMIT {int(cap)}) AS counted"
        parts.append("SELECT '', CAST(NULL AS TEXT), COUNT(*) FROM matched")
    else:
        counted = "matched"
        parts.append("SELECT '', CAST(NULL AS TEXT), SUM(n) FROM grouped")
    query = (
        f"WITH matched AS ({sql}), grouped AS (SELECT {columns}, COUNT(*) AS n "
        f"FROM {counted} GROUP BY {columns}) " + " UNION ALL ".join(parts)
    )
    rows: dict = {name: Counter() for name in CASE_FACET_COLUMNS}
    rows["total"] = 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(query, params)
        for name, value, count in cursor.fetchall():
            if not name:
                rows["total"] = int(count or 0)
                continue
            if value is not None and name == "unit":
                value = int(value)
            elif value is not None and name == "year":
                value = int(float(value))  # EXTRACT gives a numeric on PostgreSQL
            rows[name][value] += int(count)
    return rows


def _facets(
    matched: dict[str, QuerySet],
    response: SearchResponse,
    filters,
    case_rows=None,
    article_rows=None,
) -> list[Facet]:
    from cases.choices import Regime, Status
    from intranet.models import Unit
    from kb.models import ArticlePage, Topic

    topics: Counter = Counter()
    units: Counter = Counter()
    years: Counter = Counter()
    statuses: Counter = Counter()
    regimes: Counter = Counter()
    if article_rows is not None:
        topics.update(article_rows["topic"])
        units.update(article_rows["unit"])
        years.update(article_rows["year"])
    if case_rows is not None:  # the database backends' one pass over the matched cases
        for code, count in case_rows["topic"].items():
            slug = CASE_TOPIC_TO_KB.get(code)
            if slug:
                topics[slug] += count
        for unit, count in case_rows["unit"].items():
            if unit:
                units[unit] += count
        for year, count in case_rows["year"].items():
            if year:
                years[int(year)] += count
        statuses.update(case_rows["status"])
        regimes.update(case_rows["regime"])
    for kind, queryset in matched.items():
        if kind == CASE:  # Elasticsearch: counted over a sample of its hits
            for row in queryset.values("topic").annotate(n=Count("pk")):
                slug = CASE_TOPIC_TO_KB.get(row["topic"])
                if slug:
                    topics[slug] += row["n"]
            for row in queryset.values("unit").annotate(n=Count("pk")):
                if row["unit"]:
                    units[row["unit"]] += row["n"]
            for row in (
                queryset.annotate(y=ExtractYear("received_at")).values("y").annotate(n=Count("pk"))
            ):
                if row["y"]:
                    years[row["y"]] += row["n"]
            for row in queryset.values("status").annotate(n=Count("pk")):
                statuses[row["status"]] += row["n"]
            for row in queryset.values("regime").annotate(n=Count("pk")):
                regimes[row["regime"]] += row["n"]
        else:
            through = ArticlePage.topics.through
            for row in (
                through.objects.filter(articlepage__in=queryset.values("pk"))
                .values("topic__slug")
                .annotate(n=Count("pk"))
            ):
                topics[row["topic__slug"]] += row["n"]
            for row in queryset.values("owner_unit").annotate(n=Count("pk")):
                if row["owner_unit"]:
                    units[row["owner_unit"]] += row["n"]
            for row in (
                queryset.annotate(y=ExtractYear("last_published_at"))
                .values("y")
                .annotate(n=Count("pk"))
            ):
                if row["y"]:
                    years[row["y"]] += row["n"]

    topic_names = dict(Topic.objects.values_list("slug", "name"))
    topic_order = {slug: i for i, slug in enumerate(topic_names)}
    unit_names = {
        unit.pk: unit.short_name or unit.name for unit in Unit.objects.filter(pk__in=list(units))
    }
    facets = [
        Facet(
            "kind",
            _("Kind"),
            [
                FacetValue(value, str(label), response.counts.get(value, 0), response.kind == value)
                for value, label in KINDS
            ],
        ),
        Facet(
            "topic",
            _("Topic"),
            [
                FacetValue(slug, topic_names.get(slug, slug), count, filters.get("topic") == slug)
                for slug, count in sorted(topics.items(), key=lambda i: topic_order.get(i[0], 99))
            ],
        ),
        Facet(
            "unit",
            _("Owner unit"),
            [
                FacetValue(
                    str(pk), unit_names.get(pk, str(pk)), count, filters.get("unit") == str(pk)
                )
                for pk, count in units.most_common()
            ],
        ),
        Facet(
            "status",
            _("Case status"),
            [
                FacetValue(
                    value,
                    str(Status(value).label) if value in Status.values else value,
                    count,
                    filters.get("status") == value,
                )
                for value, count in statuses.most_common()
            ],
        ),
        Facet(
            "regime",
            _("Regime"),
            [
                FacetValue(
                    value,
                    str(Regime(value).label) if value in Regime.values else value,
                    count,
                    filters.get("regime") == value,
                )
                for value, count in regimes.most_common()
            ],
        ),
        Facet(
            "year",
            _("Period"),
            [
                FacetValue(str(year), str(year), count, filters.get("year") == str(year))
                for year, count in sorted(years.items(), reverse=True)
            ],
        ),
    ]
    # A selected value stays listed (with 0) so it can be unselected.
    for facet in facets[1:]:
        chosen = filters.get(facet.name)
        if chosen and not any(v.selected for v in facet.values):
            facet.values.append(FacetValue(chosen, chosen, 0, True))
    return facets
