"""The one staff search over knowledge base articles, typical answers and cases.

Everything that searches goes through here: the /search/ page, the JSON API, the
typical answers offered on a case page and the home page. The rules:

- Permissions are part of the query given to the engine, never a filter applied after
  it: articles through ``ArticlePage.objects.visible_to`` minus the pages whose view
  restrictions the request does not pass (the per-request pattern of
  ``wagtail/api/querysets.py``; ``.public()`` would drop login-only pages); cases
  through ``cases.permissions.visibility_filter`` (see `search.models`). Totals and
  facet counts are computed from the same permission-filtered match, so a case the user
  may not open is never shown and never counted.
- Every hit is re-checked against the database before it is shown (an index can be
  stale).
- Russian morphology and synonyms: see `search.backends` and `search.synonyms`.
- If Elasticsearch fails, the same search runs on the database backend, with a notice.
- On PostgreSQL the cases' share of a search (total, facets, page of keys) may run on a
  second connection while the articles are searched (`search.parallel`).
"""

from __future__ import annotations

import inspect
import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modelsearch.backends import get_search_backend
from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend
from modelsearch.query import PlainText

from search import highlight, limits, vocabulary
from search import parallel as parallel_search
from search.analysis import Analysis, analyse
from search.stemming import WORD_RE, words
from search.stemming import stem as stem_of

logger = logging.getLogger(__name__)

ARTICLE = "article"
TYPICAL_ANSWER = "typical_answer"
CASE = "case"
KINDS = [
    (ARTICLE, gettext_lazy("Articles")),
    (TYPICAL_ANSWER, gettext_lazy("Typical answers")),
    (CASE, gettext_lazy("Cases")),
]
KIND_LABELS = dict(KINDS)

# Case topics are codes (cases.topics); KB topics are rows with slugs. One facet value
# for both: the KB slug.
CASE_TOPIC_TO_KB = {
    "law": "anticorruption-law",
    "declarations": "declarations",
    "conflict": "conflict-of-interest",
    "sites": "internet-sites",
    "prohibitions": "prohibitions",
}
KB_TOPIC_TO_CASE = {slug: code for code, slug in CASE_TOPIC_TO_KB.items()}

FILTER_NAMES = ("topic", "unit", "status", "regime", "year")
CASE_ONLY_FILTERS = ("status", "regime")
GROUP_SIZE = 5  # hits per kind on the "all" tab
FACET_SAMPLE = 1000  # Elasticsearch: how many matches the facets are counted over
MAX_QUERY_LENGTH = 200
# Fewer matches than this with every word required, and any word will do; fewer with
# the query as typed, and its typos are looked for.
FEW_RESULTS = 3
ENGINE_DOWN_KEY = "search:engine-down:{}"


# ---------------------------------------------------------------------------- results


@dataclass
class Hit:
    kind: str
    pk: int
    title: str
    title_html: SafeString
    url: str
    snippet: SafeString
    meta: dict = field(default_factory=dict)
    # Where a knowledge-base hit belongs (its section's unit, its first topic's slug):
    # what the editors' readout of searches is grouped by (`search.readout`).
    unit_id: int | None = None
    topic: str = ""
    # Set by the page view: the link through the counting redirect (`views.open_result`).
    open_url: str = ""

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.pk,
            "title": self.title,
            "title_html": str(self.title_html),
            "url": self.url,
            "snippet": str(self.snippet),
            "meta": self.meta,
        }


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    url: str = ""  # set by the page view: this value toggled in the current URL


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass
class SearchResponse:
    query: str
    kind: str = ""
    page: int = 1
    per_page: int = 20
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    groups: dict[str, list[Hit]] = field(default_factory=dict)
    facets: list[Facet] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    backend: str = ""
    any_word: bool = False
    # The query the results are for when it is not the one typed (read in the Russian
    # keyboard layout, or its typos corrected because as typed it found nothing).
    corrected: str = ""
    # A correction of the query's typos offered when it found little: «Возможно, вы
    # имели в виду …».
    suggestion: str = ""
    took_ms: int = 0

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    def as_dict(self) -> dict:
        return {
            "query": self.query,
            "kind": self.kind,
            "page": self.page,
            "per_page": self.per_page,
            "num_pages": self.num_pages,
            "total": self.total,
            "counts": self.counts,
            "results": [hit.as_dict() for hit in self.hits],
            "groups": {kind: [hit.as_dict() for hit in hits] for kind, hits in self.groups.items()},
            "facets": [
                {
                    "name": facet.name,
                    "label": str(facet.label),
                    "values": [
                        {
                            "value": v.value,
                            "label": v.label,
                            "count": v.count,
                            "selected": v.selected,
                        }
                        for v in facet.values
                    ],
                }
                for facet in self.facets
            ],
            "filters": self.filters,
            "notices": self.notices,
            "backend": self.backend,
            "any_word": self.any_word,
            "corrected": self.corrected,
            "suggestion": self.suggestion,
            "took_ms": self.took_ms,
        }


# ------------------------------------------------------------------------ visibility


def _request_for(user, request=None):
    # PageViewRestriction.accept_request reads the user and, for passwords, the session.
    return request if request is not None else SimpleNamespace(user=user, session={})


def visible_articles(user, request=None) -> QuerySet:
    """Live KB articles the user may open, as a queryset the search engine can filter
    on: the KB's own rule, minus pages behind a view restriction the request does not
    pass (and their descendants)."""
    from wagtail.models import PageViewRestriction

    from kb.models import ArticlePage

    queryset = ArticlePage.objects.visible_to(user)
    request = _request_for(user, request)
    for restriction in PageViewRestriction.objects.select_related("page"):
        if not restriction.accept_request(request):
            queryset = queryset.not_descendant_of(restriction.page, inclusive=True)
    return queryset


def _materialise(condition: Q) -> Q:
    """A copy of `condition` with sub-querysets and sets turned into lists (an external
    engine cannot run a SQL subquery, and its JSON has no sets)."""
    clone = Q()
    clone.connector, clone.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            clone.children.append(_materialise(child))
        else:
            key, value = child
            if isinstance(value, QuerySet):
                fields = value._fields or ("pk",)
                value = [row[0] for row in value.values_list(fields[0])]
            elif isinstance(value, set | frozenset | tuple):
                value = sorted(value)
            clone.children.append((key, value))
    return clone


def visible_case_documents(user, *, external_engine: bool = False) -> QuerySet:
    """Case search documents of the cases the user may open (cases.permissions).

    The cases app's own Q object, applied to the document's copies of the columns it
    reads (client, executor, unit, confidentiality; co-executors through the live
    co-executor table), so the condition sits on the same row as the text vector and
    the facet columns: no join to the case table per match (at 100,000 cases that join
    alone cost more than the search). The copies follow the case after its transaction
    commits (`search.signals`); every hit is re-checked against the live case table
    before it is shown (`_case_hits`).

    The condition's sub-queries (the cases the user co-executes) are read first and
    sent as lists: an external engine cannot run a subquery, and on PostgreSQL a list
    leaves the planner free to combine the indexes on client, executor and key with
    the text index (a sub-query in the OR makes it read every text match first). So
    `external_engine` no longer changes the result; it is kept for the callers."""
    from cases.permissions import visibility_filter
    from search.models import CaseDocument

    condition = visibility_filter(user)
    if condition is None:
        return CaseDocument.objects.none()
    return CaseDocument.objects.filter(_materialise(condition))


# ------------------------------------------------------------------------ the search


def clean_query(query: str | None) -> str:
    """The words of the query, nothing the engines' syntax could read as an operator."""
    return " ".join(WORD_RE.findall((query or "")[:MAX_QUERY_LENGTH]))


def _backend_names() -> list[str]:
    from modelsearch.conf import get_app_config

    configured = get_app_config().get_search_backend_config()
    names = ["default"]
    if "database" in configured:
        names.append("database")
    return names


def engine_errors() -> tuple[type[BaseException], ...]:
    """The errors of an unreachable or failing search engine."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    return (TransportError, ApiError, ConnectionError, TimeoutError)


class _Run:
    """One search on one backend."""

    def __init__(
        self, backend, user, request, query: str, any_word: bool, analysis: Analysis | None = None
    ):
        self.backend = backend
        self.external = isinstance(backend, ElasticsearchBaseSearchBackend)
        self.user = user
        self.request = request
        self.query = query
        self.any_word = any_word
        self.analysis = analysis if analysis is not None else analyse(query)
        self._articles = None

    def visible_articles(self) -> QuerySet:
        """`visible_articles` once per search (it reads the view restrictions)."""
        if self._articles is None:
            self._articles = visible_articles(self.user, self.request)
        return self._articles

    # -- querysets per kind -------------------------------------------------------

    def article_base(self, filters: dict) -> QuerySet | None:
        """The articles of both kinds the user may open, with the filters applied."""
        if any(filters.get(name) for name in CASE_ONLY_FILTERS):
            return None
        queryset = self.visible_articles()
        if filters.get("topic"):
            queryset = queryset.filter(topics__slug=filters["topic"])
        if filters.get("unit"):
            queryset = queryset.filter(owner_unit=filters["unit"])
        if filters.get("year"):
            queryset = queryset.filter(last_published_at__year=int(filters["year"]))
        return queryset

    def base(self, kind: str, filters: dict) -> QuerySet | None:
        from kb.models import ArticlePage

        if kind in (ARTICLE, TYPICAL_ANSWER):
            queryset = self.article_base(filters)
            if queryset is None:
                return None
            if kind == TYPICAL_ANSWER:
                return queryset.filter(kind=ArticlePage.Kind.TYPICAL_ANSWER)
            return queryset.exclude(kind=ArticlePage.Kind.TYPICAL_ANSWER)
        queryset = visible_case_documents(self.user, external_engine=self.external)
        if filters.get("topic"):
            code = KB_TOPIC_TO_CASE.get(filters["topic"])
            if code is None:
                return None
            queryset = queryset.filter(topic=code)
        if filters.get("unit"):
            queryset = queryset.filter(unit=filters["unit"])
        if filters.get("status"):
            queryset = queryset.filter(status=filters["status"])
        if filters.get("regime"):
            queryset = queryset.filter(regime=filters["regime"])
        if filters.get("year"):
            queryset = queryset.filter(received_at__year=int(filters["year"]))
        return queryset

    def search_query(self):
        operator = "or" if self.any_word else "and"
        if self.external or not self.analysis:
            # Elasticsearch analyses the query itself (stop words after stemming, the
            # synonyms, the references to acts: search.backends._elasticsearch).
            return PlainText(self.query, operator=operator)
        return self.analysis.query(any_word=self.any_word)

    def results(self, queryset):
        return self.backend.search(self.search_query(), queryset, order_by_relevance=True)

    def matched(self, results, *, direct: bool = False) -> QuerySet:
        """All matches of `results` as a queryset of their model (for totals and
        facets). `direct`: the engine's own queryset (the match condition on the
        model's table, for a grouped query on it); otherwise a plain queryset of the
        model filtered on the matching keys."""
        compiler = results.query_compiler
        model = compiler.queryset.model
        if self.external:
            ids = [obj.pk for obj in results[:FACET_SAMPLE]]
            return model.objects.filter(pk__in=ids)
        kwargs = {}
        if "backend" in inspect.signature(compiler.search).parameters:
            kwargs["backend"] = self.backend
        queryset = compiler.search(compiler.get_config(self.backend), None, None, **kwargs)
        if direct:
            return queryset.order_by()
        return model.objects.filter(pk__in=queryset.order_by().values("pk"))

    def keyed(self, results) -> bool:
        """Whether the backend answers `results` by keys (`search.backends.postgres`):
        totals, facets and pages of hits without fetching or sorting whole rows."""
        compiler = results.query_compiler
        if self.external or not hasattr(compiler, "keyed"):
            return False
        compiler._backend = self.backend
        return compiler.keyed()

    def config(self, results):
        return results.query_compiler.get_config(self.backend)

    def article_rows(self, filters: dict, wanted: set[str], ranges: dict) -> dict | None:
        """Database backends: the matching articles of both kinds, as {"counts": {kind:
        n}, "unit": Counter, "year": Counter, "topic": Counter or None, "pages": {kind:
        ((start, stop), keys)}} (the totals; the unit, period and topic facets of the
        `wanted` kinds; the keys of `ranges`, {kind: (start, stop)}, best first), or
        None when no article can match the filters.

        A keyed backend (`search.backends.postgres`) answers all of it in one statement
        (`_article_summary`). Otherwise the matches come back as rows counted here,
        with "ids" (the keys of the wanted kinds) for the topic facet, "topic" None
        and no pages (`page_ids` asks the backend)."""
        from kb.models import ArticlePage

        base = self.article_base(filters)
        if base is None:
            return None
        results = self.results(base)
        year = ExtractYear("last_published_at")
        if self.keyed(results):
            return _article_summary(self, results, wanted, ranges, year)
        rows = (
            self.matched(results, direct=True)
            .annotate(_sy=year)
            .values_list("pk", "kind", "owner_unit_id", "_sy")
        )
        typical = ArticlePage.Kind.TYPICAL_ANSWER.value
        counts = {ARTICLE: 0, TYPICAL_ANSWER: 0}
        ids: list = []
        units: Counter = Counter()
        years: Counter = Counter()
        for pk, article_kind, unit, year in rows:
            each = TYPICAL_ANSWER if article_kind == typical else ARTICLE
            counts[each] += 1
            if each in wanted:
                ids.append(pk)
                units[unit] += 1
                years[year] += 1
        return {
            "counts": counts,
            "ids": ids,
            "unit": Counter({unit: n for unit, n in units.items() if unit}),
            "year": Counter({int(year): n for year, n in years.items() if year}),
            "topic": None,
            "pages": {},
        }

    def page_ids(self, kind, results, start: int, stop: int, article_rows=None) -> list:
        """The keys of the results from `start` to `stop`, best first."""
        if kind != CASE and article_rows is not None:
            page = article_rows["pages"].get(kind)
            if page is not None and page[0] == (start, stop):
                return page[1]
        if self.keyed(results):
            compiler = results.query_compiler
            rows = compiler.page_keys(self.config(results), start, stop, self.backend)
            return [pk for pk, _score in rows]
        return [obj.pk for obj in results[start:stop]]


def _article_summary(run, results, wanted: set[str], ranges: dict, year) -> dict:
    """`_Run.article_rows` on a keyed backend: one statement over the matching articles
    gives the totals of both kinds, the unit, period and topic facets of the `wanted`
    kinds, and the page of each kind of `ranges` ({kind: (start, stop)}): ranked among
    the title matches of the kind when they fill the page (they come first), else among
    all its matches; by title match, rank, key (descending). The matches are read once;
    only the ones ranked have their vectors read (joined on the index entry's key); no
    list of keys goes back and forth (thousands for a common word, which cost more to
    send, plan and sort than the ranking itself). `year`: the expression of the period.
    Returns {"counts", "unit", "year", "topic", "pages": {kind: ((start, stop), keys)}}."""
    from django.db import connections

    from kb.models import ArticlePage, Topic
    from search.backends.postgres import ENTRY, RANK, TITLE_FIRST

    match_sql, params, rank_sql, rank_params = results.query_compiler.match_and_rank_sql(
        run.config(results), run.backend, ("kind", "owner_unit_id"), _sy=year
    )
    through = ArticlePage.topics.through._meta
    link_article = through.get_field("articlepage").column
    link_topic = through.get_field("topic").column
    topic_table, topic_key = Topic._meta.db_table, Topic._meta.pk.column
    slug = Topic._meta.get_field("slug").column

    def among(kinds, column="grp") -> str:
        if not kinds:
            return "FALSE"
        return f"{column} IN (" + ", ".join(f"'{each}'" for each in sorted(kinds)) + ")"

    params.append(ArticlePage.Kind.TYPICAL_ANSWER.value)
    common = [
        f"m AS ({match_sql})",
        f"g AS (SELECT *, CASE WHEN kind = %s THEN '{TYPICAL_ANSWER}' ELSE '{ARTICLE}' END "
        "AS grp FROM m)",
        f"k AS (SELECT grp, COUNT(*) AS n, SUM({TITLE_FIRST}) AS t FROM g GROUP BY grp)",
    ]
    outputs = [
        "SELECT 'count', grp, n, CAST(t AS BIGINT) FROM k",
        f"SELECT 'unit', CAST(owner_unit_id AS TEXT), COUNT(*), 0 FROM g WHERE {among(wanted)} "
        "GROUP BY owner_unit_id",
        f"SELECT 'year', CAST(_sy AS TEXT), COUNT(*), 0 FROM g WHERE {among(wanted)} GROUP BY _sy",
        f"SELECT 'topic', tp.\"{slug}\", COUNT(*), 0 FROM g "
        f'JOIN "{through.db_table}" AS ln ON ln."{link_article}" = g.pk '
        f'JOIN "{topic_table}" AS tp ON tp."{topic_key}" = ln."{link_topic}" '
        f'WHERE {among(wanted)} GROUP BY tp."{slug}"',
    ]
    output_params: list = []
    spans: dict[tuple, list] = {}
    for each, span in ranges.items():
        spans.setdefault(span, []).append(each)
    for number, ((start, stop), kinds) in enumerate(sorted(spans.items())):
        # The candidates: the kind's title matches if there are enough of them for the
        # page, else all its matches; only they are joined to their ranks.
        common.append(
            f"r{number} AS (SELECT g.pk, g.grp, ROW_NUMBER() OVER (PARTITION BY g.grp "
            f"ORDER BY g.{TITLE_FIRST} DESC, x.{RANK} DESC, g.pk DESC) AS o "
            f"FROM g JOIN k ON k.grp = g.grp JOIN ({rank_sql}) AS x ON x.id = g.{ENTRY} "
            f"WHERE {among(kinds, 'g.grp')} AND (k.t < %s OR g.{TITLE_FIRST} = 1))"
        )
        params += [*rank_params, stop]
        outputs.append(f"SELECT 'page', grp, pk, o FROM r{number} WHERE o > %s AND o <= %s")
        output_params += [start, stop]
    query = "WITH " + ", ".join(common) + " " + " UNION ALL ".join(outputs)
    result = {
        "counts": {ARTICLE: 0, TYPICAL_ANSWER: 0},
        "unit": Counter(),
        "year": Counter(),
        "topic": Counter(),
        "pages": {},
    }
    pages: dict[str, list] = {}
    with connections[results.query_compiler.queryset.db].cursor() as cursor:
        cursor.execute(query, params + output_params)
        for name, value, count, position in cursor.fetchall():
            if name == "count":
                result["counts"][value] = int(count)
            elif name == "page":
                pages.setdefault(value, []).append((position, count))
            elif value is None:
                continue
            elif name == "unit":
                result["unit"][int(value)] += int(count)
            elif name == "year":
                result["year"][int(float(value))] += int(count)
            else:
                result["topic"][value] += int(count)
    for each, span in ranges.items():
        result["pages"][each] = (span, [pk for _position, pk in sorted(pages.get(each, []))])
    return result


def _engine_down(name: str) -> bool:
    return bool(cache.get(ENGINE_DOWN_KEY.format(name)))


def _mark_engine_down(name: str) -> None:
    cache.set(
        ENGINE_DOWN_KEY.format(name), True, getattr(settings, "SEARCH_ENGINE_RETRY_SECONDS", 30)
    )


def _with_fallback(work):
    """Run `work(backend, name)` on the default backend; if that is an external engine
    and it fails, run it on the database backend. Returns (result, name, notices)."""
    names = _backend_names()
    notices: list[str] = []
    for position, name in enumerate(names):
        backend = get_search_backend(name)
        is_last = position == len(names) - 1
        external = isinstance(backend, ElasticsearchBaseSearchBackend)
        if external and not is_last and _engine_down(name):
            notices.append(
                _("The search engine is unavailable; results come from the database search.")
            )
            continue
        try:
            return work(backend, name), name, notices
        except engine_errors() as exc:
            if not external or is_last:
                raise
            logger.warning("Search backend %r failed (%s); using the database", name, exc)
            _mark_engine_down(name)
            notices.append(
                _("The search engine is unavailable; results come from the database search.")
            )
    raise RuntimeError("no search backend answered")  # pragma: no cover


def search(
    user,
    query: str | None,
    *,
    kind: str = "",
    filters: dict | None = None,
    page: int = 1,
    per_page: int | None = None,
    request=None,
) -> SearchResponse:
    """Search everything `user` may open for `query`.

    `kind` picks a tab (ARTICLE, TYPICAL_ANSWER, CASE) and paginates it; empty means
    the first hits of each kind (`groups`). `filters` holds facet values (topic: a KB
    topic slug, unit: a unit id, status, regime, year). Totals and facets count only
    what the user may open. No query, no search (an empty response)."""
    started = time.monotonic()
    per_page = per_page or getattr(settings, "SEARCH_PAGE_SIZE", 20)
    cleaned = typed = clean_query(query)
    # Anonymous visitors search the public articles only: no typical answers, no cases,
    # and no reading of the vocabulary (its words come from internal articles too).
    public = not user.is_authenticated
    if public:
        kind = ARTICLE
    elif cleaned:
        cleaned = clean_query(vocabulary.fix_layout((query or "")[:MAX_QUERY_LENGTH]))
    kind = kind if kind in KIND_LABELS else ""
    filters = _clean_filters(filters or {})
    page = max(1, int(page or 1))
    response = SearchResponse(
        query=cleaned, kind=kind, page=page, per_page=per_page, filters=filters
    )
    if not cleaned:
        return response

    def found(result) -> int:
        return result.counts.get(kind, 0) if kind else sum(result.counts.values())

    def attempt(backend, parallel, text):
        """The search of `text`: every word required, or any of them when that finds
        less than FEW_RESULTS (the results holding every word still come first: they
        rank higher)."""
        analysis = analyse(text)
        args = (backend, user, request, text, kind, filters, page, per_page)
        result = _search_on(*args, False, parallel, analysis)
        if found(result) < FEW_RESULTS and len(analysis.terms) > 1:
            wider = _search_on(*args, True, parallel, analysis)
            if found(wider) > found(result):
                if found(result):
                    wider.notices = [
                        _(
                            "Few results hold every word of the query; results with some of "
                            "the words are shown too."
                        )
                    ]
                result = wider
        return result

    def work(backend, name):
        # Decided before the search's own transaction begins (search.parallel).
        parallel = (
            not isinstance(backend, ElasticsearchBaseSearchBackend) and parallel_search.available()
        )
        with _database_scans(backend):
            result = attempt(backend, parallel, cleaned)
            if found(result) >= FEW_RESULTS or public:
                return result
            fixed = vocabulary.corrected(words(cleaned))
            if fixed is None:
                return result
            fixed_text = " ".join(fixed)
            if not found(result):
                # Nothing as typed: the corrected query's results, and say so.
                other = attempt(backend, parallel, fixed_text)
                if found(other):
                    other.corrected = fixed_text
                    return other
            result.suggestion = fixed_text
        return result

    result, name, notices = _with_fallback(work)
    if cleaned != typed and not result.corrected:
        result.corrected = cleaned
    result.query = typed
    if result.corrected:
        notices.append(_("Showing results for «%(corrected)s».") % {"corrected": result.corrected})
    result.notices = notices + result.notices
    result.backend = name
    result.took_ms = int((time.monotonic() - started) * 1000)
    return result


def _database_scans(backend):
    """A database backend on PostgreSQL reads its matches through the text indexes
    (`search.backends.postgres.text_index_scans`); other backends run as they are."""
    from contextlib import nullcontext

    if isinstance(backend, ElasticsearchBaseSearchBackend):
        return nullcontext()
    from search.backends.postgres import text_index_scans

    return text_index_scans()


def _clean_filters(filters: dict) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for name in FILTER_NAMES:
        value = str(filters.get(name) or "").strip()[:64]
        if not value or not value.isprintable():  # NUL and control characters: not a value
            continue
        if name == "unit" and not (value.isdecimal() and len(value) <= 9):
            continue
        if name == "year" and not (value.isdecimal() and len(value) == 4):
            continue
        cleaned[name] = value
    return cleaned


def _search_on(
    backend,
    user,
    request,
    query,
    kind,
    filters,
    page,
    per_page,
    any_word,
    parallel=False,
    analysis=None,
):
    run = _Run(backend, user, request, query, any_word, analysis)
    response = SearchResponse(
        query=query, kind=kind, page=page, per_page=per_page, filters=filters, any_word=any_word
    )
    if any_word:
        response.notices.append(
            _("No result holds every word of the query; showing results with any of them.")
        )
    stems = run.analysis.stems or set(map(stem_of, words(query)))
    matched: dict[str, QuerySet] = {}
    article_rows = None
    results_by_kind = {}
    kinds = (ARTICLE, TYPICAL_ANSWER, CASE)
    cases = None  # database backends: the cases' share, (total, facet rows, page keys)
    if not run.external:
        # The cases' share starts first: with `parallel`, on another connection while
        # this thread does the articles' (search.parallel).
        kinds = (ARTICLE, TYPICAL_ANSWER)
        case_base = run.base(CASE, filters)
        if case_base is None:
            response.counts[CASE] = 0
        else:
            case_results = run.results(case_base)
            results_by_kind[CASE] = case_results
            cases = parallel_search.start(
                lambda: _case_share(run, case_results, kind, page, per_page), parallel=parallel
            )
        # The articles' totals, facets and pages (`_Run.article_rows`).
        wanted = {each for each in (ARTICLE, TYPICAL_ANSWER) if not kind or kind == each}
        if not kind:
            ranges = dict.fromkeys(wanted, (0, GROUP_SIZE))
        elif kind in wanted:
            ranges = {kind: ((page - 1) * per_page, page * per_page)}
        else:
            ranges = {}
        article_rows = run.article_rows(filters, wanted, ranges)
        if article_rows is not None and article_rows["topic"] is None:
            # Counted beside the ranking of the articles, like the cases' share.
            ids = article_rows["ids"]
            article_topics = parallel_search.start(
                lambda: _article_topic_counts(ids), parallel=parallel
            )
    for each in kinds:
        base = run.base(each, filters)
        if base is None:
            response.counts[each] = 0
            continue
        results = run.results(base)
        wanted = not kind or kind == each
        if each != CASE and article_rows is not None:
            response.counts[each] = article_rows["counts"][each]
        else:
            response.counts[each] = results.count()
            if response.counts[each] and wanted:
                matched[each] = run.matched(results)
        # The backend may plan the page of hits knowing how many there are.
        results.query_compiler.staffsearch_count = response.counts[each]
        results_by_kind[each] = results

    case_rows = None
    case_ids: list = []

    def collect_cases():
        """The cases' share, waited for as late as possible."""
        nonlocal case_rows, case_ids
        if cases is None:
            return
        response.counts[CASE], case_rows, case_ids = cases()

    if kind:
        if kind == CASE:
            collect_cases()
        response.total = response.counts.get(kind, 0)
        response.page = min(page, response.num_pages)
        start = (response.page - 1) * per_page
        results = results_by_kind.get(kind)
        ids = []
        if cases is not None and kind == CASE:
            ids = case_ids
        elif results is not None and response.total > start:
            ids = run.page_ids(kind, results, start, start + per_page, article_rows)
        response.hits = _hits(kind, ids, user, request, stems, run.visible_articles)
        if kind != CASE:
            collect_cases()  # for the count of the cases' tab
    else:
        ids_by_kind = {}
        articles = [each for each in (ARTICLE, TYPICAL_ANSWER) if response.counts.get(each)]
        for each in articles:
            ids_by_kind[each] = run.page_ids(
                each, results_by_kind[each], 0, GROUP_SIZE, article_rows
            )
        article_ids = [pk for each in articles for pk in ids_by_kind[each]]
        article_hits = _article_hits(article_ids, user, request, stems, run.visible_articles)
        collect_cases()
        if cases is not None:
            ids_by_kind[CASE] = case_ids
        elif response.counts.get(CASE) and CASE in results_by_kind:
            ids_by_kind[CASE] = run.page_ids(CASE, results_by_kind[CASE], 0, GROUP_SIZE)
        response.total = sum(response.counts.values())
        for each in (ARTICLE, TYPICAL_ANSWER, CASE):
            if not response.counts.get(each) or each not in ids_by_kind:
                continue
            if each == CASE:
                hits = _case_hits(ids_by_kind[each], user, stems)
            else:
                hits = [article_hits[pk] for pk in ids_by_kind[each] if pk in article_hits]
                for hit in hits:
                    hit.kind = each
            response.groups[each] = hits
    if article_rows is not None and article_rows["topic"] is None:
        article_rows["topic"] = article_topics()
    response.facets = _facets(matched, response, filters, case_rows, article_rows)
    return response


def _case_share(run, results, kind, page, per_page) -> tuple[int, dict | None, list]:
    """The cases' share of a search on a database backend: (total, facet rows or None
    when the cases are not shown, the keys of the cases shown). The total and facets
    come from one pass over the match (`_case_facet_rows`); the page is that of the
    cases' tab, or the first GROUP_SIZE on the "all" tab."""
    wanted = not kind or kind == CASE
    if wanted:
        rows = _case_facet_rows(run.matched(results, direct=True))
        total = rows["total"]
    else:
        rows, total = None, results.count()
    # The backend may plan the page of hits knowing how many there are.
    results.query_compiler.staffsearch_count = total
    if not wanted or not total:
        return total, rows, []
    if kind == CASE:
        pages = max(1, math.ceil(total / per_page))
        start = (min(page, pages) - 1) * per_page
        stop = start + per_page
    else:
        start, stop = 0, GROUP_SIZE
    return total, rows, run.page_ids(CASE, results, start, stop)


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


def _case_facet_rows(queryset: QuerySet) -> dict:
    """Facet counts of matched cases in one pass: {"total": n, "topic": Counter, ...}.

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
    sql, params = inner.query.sql_with_params()
    columns = ", ".join(names)
    parts = [
        f"SELECT '{name}', CAST(f_{name} AS TEXT), SUM(n) FROM grouped GROUP BY f_{name}"
        for name in CASE_FACET_COLUMNS
    ]
    parts.append("SELECT '', CAST(NULL AS TEXT), SUM(n) FROM grouped")
    query = (
        f"WITH grouped AS (SELECT {columns}, COUNT(*) AS n FROM ({sql}) AS matched "
        f"GROUP BY {columns}) " + " UNION ALL ".join(parts)
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


# ------------------------------------------------------------------------ hits


def _article_text(article) -> str:
    """What a snippet of an article is cut from: its summary, body and typical answer
    text. The body's plain text is kept on the article (`ArticlePage.body_text`); an
    article saved before it was (NULL) has its StreamField read here."""
    body = article.body_text
    if body is None:
        body = article.plain_body()
    text = " ".join(part for part in (article.summary, body, article.answer_text) if part)
    # Only what was indexed (search.limits): where a match can be, and never a scan of a
    # page of megabytes.
    return limits.cut(text, limits.document_max_bytes())


def hit_for(user, kind: str, pk: int, request=None) -> Hit | None:
    """The hit of `kind` and key `pk` if the user may open it (as the results page would
    show it), else None. Anonymous visitors open public articles only, as they search."""
    if kind not in KIND_LABELS or (not user.is_authenticated and kind != ARTICLE):
        return None
    hits = _hits(kind, [pk], user, request, set())
    if not hits:
        return None
    hit = hits[0]
    if kind != CASE:  # an article is opened as an article, a typical answer as one
        hit.kind = TYPICAL_ANSWER if hit.meta.get("kind") == "typical_answer" else ARTICLE
        if hit.kind != kind:
            return None
    return hit


def _hits(kind, ids, user, request, stems, articles=None) -> list[Hit]:
    """Hits for the keys `ids` of `kind` in their order, each re-checked against the
    database. `articles`: a callable giving `visible_articles(user, request)`."""
    if not ids:
        return []
    if kind == CASE:
        return _case_hits(ids, user, stems)
    by_key = _article_hits(ids, user, request, stems, articles)
    hits = [by_key[pk] for pk in ids if pk in by_key]
    for hit in hits:
        hit.kind = kind
    return hits


def _article_hits(ids, user, request, stems, articles=None) -> dict[int, Hit]:
    """{key: hit} of the articles of `ids` the user may open (re-checked here)."""
    if not ids:
        return {}
    visible = {
        page.pk: page
        for page in (articles() if articles else visible_articles(user, request))
        .filter(pk__in=ids)
        .defer("body")  # the snippet reads body_text
        .select_related("owner_unit")
        .prefetch_related("topics")
    }
    hits = {}
    for pk in ids:
        article = visible.get(pk)
        if article is None:
            continue
        hits[pk] = Hit(
            kind=TYPICAL_ANSWER if article.kind == "typical_answer" else ARTICLE,
            pk=pk,
            title=article.title,
            title_html=highlight.highlight(article.title, stems),
            url=article.get_url(request) or article.url or "",
            snippet=highlight.snippet(_article_text(article), stems),
            meta={
                "kind": article.kind,
                "kind_label": str(article.get_kind_display()),
                "answer_code": article.answer_code or "",
                "unit": article.owner_unit.short_name if article.owner_unit else "",
                "topics": [topic.name for topic in article.topics.all()],
                "date": article.last_published_at.date().isoformat()
                if article.last_published_at
                else "",
                "audience": article.audience,
            },
            unit_id=article.owner_unit_id,
            topic=next((topic.slug for topic in article.topics.all()), ""),
        )
    return hits


def _case_hits(ids, user, stems) -> list[Hit]:
    from django.db.models import BooleanField, ExpressionWrapper, Value

    from cases.models import Case
    from cases.permissions import visibility_filter

    if not ids:
        return []
    # Whether the user sees the case as staff (not merely as its client): the staff
    # page, not the client's.
    staff = visibility_filter(user, own=False)
    handled = (
        ExpressionWrapper(staff, output_field=BooleanField())
        if staff is not None
        else Value(False, output_field=BooleanField())
    )
    cases = {
        case.pk: case
        for case in Case.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("unit", "search_document")
        .annotate(_staffsearch_handled=handled)
    }
    staff_ids = {pk for pk, case in cases.items() if case._staffsearch_handled}
    hits = []
    for pk in ids:
        case = cases.get(pk)
        if case is None:
            continue
        document = getattr(case, "search_document", None)
        # The snippet comes from what was indexed (search.limits: at most 256 KB of the
        # text, comments and answers), where the match is: never a scan of a whole
        # message that may be megabytes long.
        if document is not None:
            source = (document.text, document.answers)
        else:  # indexed since, by a document that is gone now
            source = limits.fit([case.text, case.client_comments], limits.document_max_bytes())
        hits.append(
            Hit(
                kind=CASE,
                pk=pk,
                title=case.subject,
                title_html=highlight.highlight(case.subject, stems),
                url=case.get_absolute_url() if pk in staff_ids else case.get_client_url(),
                snippet=highlight.snippet(" ".join(p for p in source if p), stems),
                meta={
                    "registration_number": case.registration_number or "",
                    "status": case.status,
                    "status_label": str(case.get_status_display()),
                    "regime_label": str(case.get_regime_display()),
                    "unit": case.unit.short_name if case.unit else "",
                    "date": case.received_at.date().isoformat(),
                    "confidential": case.is_confidential,
                },
            )
        )
    return hits


# ------------------------------------------------------------------------ facets


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


# ------------------------------------------------------------------------ other uses


def suggest(user, prefix: str | None, *, limit: int = 8, request=None) -> list[dict]:
    """Titles starting with the words typed so far (the last one a prefix), among what
    `user` may open: for the search box's autocomplete."""
    cleaned = clean_query(prefix)
    if not cleaned or not user.is_authenticated:
        return []

    def work(backend, name):
        run = _Run(backend, user, request, cleaned, False)
        items: list[dict] = []
        articles = visible_articles(user, request)
        for article in backend.autocomplete(cleaned, articles)[:limit]:
            items.append(
                {
                    "kind": ARTICLE if article.kind != "typical_answer" else TYPICAL_ANSWER,
                    "id": article.pk,
                    "title": article.title,
                }
            )
        documents = run.base(CASE, {})
        ids = [doc.pk for doc in backend.autocomplete(cleaned, documents)[:limit]]
        hits = {hit.pk: hit for hit in _case_hits(ids, user, set())}
        pages = {p.pk: p for p in articles.filter(pk__in=[i["id"] for i in items])}
        result = []
        for item in items:
            page = pages.get(item["id"])
            if page is not None:
                result.append({**item, "url": page.get_url(request) or ""})
        result.extend(
            {"kind": CASE, "id": pk, "title": hits[pk].title, "url": hits[pk].url}
            for pk in ids
            if pk in hits
        )
        return result[:limit]

    result, _name, _notices = _with_fallback(work)
    return result


def typical_answers_for(user, text: str, *, limit: int = 5, request=None) -> list[Hit]:
    """Typical answers that fit a case (its subject and text), best first: for the case
    page. Any of the words may match; the ones matching most come first."""
    cleaned = clean_query(" ".join(words(text)[:30]))
    if not cleaned:
        return []

    def work(backend, name):
        run = _Run(backend, user, request, cleaned, True)
        base = run.base(TYPICAL_ANSWER, {})
        ids = run.page_ids(TYPICAL_ANSWER, run.results(base), 0, limit)
        return _hits(TYPICAL_ANSWER, ids, user, request, run.analysis.stems, run.visible_articles)

    result, _name, _notices = _with_fallback(work)
    return result
