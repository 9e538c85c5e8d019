"""Running a search: the querysets of each kind on a backend, the articles' and the
cases' shares of a search, the fallback from Elasticsearch to the database, and the other
uses of the engine (suggestions, typical answers for a case)."""

from __future__ import annotations

import logging
import math
import time
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from modelsearch.backends import get_search_backend
from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend
from modelsearch.query import PlainText

from kb import caching as kb_caching
from search import vocabulary
from search.analysis import Analysis, analyse
from search.services.facets import _article_topic_counts, _case_facet_rows, _facets, count_cap
from search.services.hits import _article_hits, _case_hits, _hits
from search.services.results import (
    ARTICLE,
    CASE,
    CASE_ONLY_FILTERS,
    ENGINE_DOWN_KEY,
    FACET_SAMPLE,
    FEW_RESULTS,
    FILTER_NAMES,
    GROUP_SIZE,
    KB_TOPIC_TO_CASE,
    KIND_LABELS,
    MAX_QUERY_LENGTH,
    TYPICAL_ANSWER,
    Hit,
    SearchResponse,
)
from search.services.visibility import visible_articles, visible_case_documents
from search.stemming import WORD_RE, words
from search.stemming import stem as stem_of

logger = logging.getLogger(__name__)


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
        # The project's compilers (search.backends) say how to get every match; the
        # generic database backend (neither PostgreSQL nor SQLite's FTS5) is only
        # reached for a model it indexes, with modelsearch's own compiler.
        matches = getattr(compiler, "matches", None)
        if matches is not None:
            queryset = matches(self.backend)
        else:
            queryset = compiler.search(compiler.get_config(self.backend), None, None)
        if direct:
            return queryset.order_by()
        return model.objects.filter(pk__in=queryset.order_by().values("pk"))

    def keyed(self, results) -> bool:
        """Whether the backend answers `results` by keys (`search.backends.postgres`):
        totals, facets and pages of hits without fetching or sorting whole rows."""
        compiler = results.query_compiler
        if self.external or not hasattr(compiler, "keyed"):
            return False
        return compiler.bind(self.backend).keyed()

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
    from search.backends.postgres import ENTRY, RANK, RANK_KEY, TITLE_FIRST

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
            f"FROM g JOIN k ON k.grp = g.grp JOIN ({rank_sql}) AS x ON x.{RANK_KEY} = g.{ENTRY} "
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

    def attempt(backend, text):
        """The search of `text`: every word required, or any of them when that finds
        less than FEW_RESULTS (the results holding every word still come first: they
        rank higher). Returns (the result, how many held every word)."""
        analysis = analyse(text)
        args = (backend, user, request, text, kind, filters, page, per_page)
        result = _search_on(*args, False, analysis)
        every_word = found(result)
        if every_word < FEW_RESULTS and len(analysis.terms) > 1:
            wider = _search_on(*args, True, analysis)
            if found(wider) > found(result):
                if found(result):
                    wider.notices = [
                        _(
                            "Few results hold every word of the query; results with some of "
                            "the words are shown too."
                        )
                    ]
                result = wider
        return result, every_word

    def work(backend, name):
        result, every_word = attempt(backend, cleaned)
        # A misspelt word is offered a correction whenever the query as typed finds
        # little with every word, also when any of its words finds more («конфликт
        # интерсов»: «конфликт» alone finds plenty).
        if every_word >= FEW_RESULTS or public:
            return result
        fixed = vocabulary.corrected(words(cleaned))
        if fixed is None:
            return result
        fixed_text = " ".join(fixed)
        if not found(result):
            # Nothing as typed: the corrected query's results, and say so.
            other, _every_word = attempt(backend, fixed_text)
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
    case_rows = None
    case_ids: list = []
    case_share = False  # database backends: the cases' share computed below
    if not run.external:
        # Database backends: the cases' share (total, facets, page of keys) in one pass
        # over their matches, then the articles' (`_Run.article_rows`).
        kinds = (ARTICLE, TYPICAL_ANSWER)
        case_base = run.base(CASE, filters)
        if case_base is None:
            response.counts[CASE] = 0
        else:
            case_results = run.results(case_base)
            results_by_kind[CASE] = case_results
            response.counts[CASE], case_rows, case_ids, capped = _case_share(
                run, case_results, kind, page, per_page
            )
            case_share = True
            if capped:
                response.capped.append(CASE)
        wanted = {each for each in (ARTICLE, TYPICAL_ANSWER) if not kind or kind == each}
        if not kind:
            ranges = dict.fromkeys(wanted, (0, GROUP_SIZE))
        elif kind in wanted:
            ranges = {kind: ((page - 1) * per_page, page * per_page)}
        else:
            ranges = {}
        article_rows = run.article_rows(filters, wanted, ranges)
        if article_rows is not None and article_rows["topic"] is None:
            article_rows["topic"] = _article_topic_counts(article_rows["ids"])
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

    if kind:
        response.total = response.counts.get(kind, 0)
        response.page = min(page, response.num_pages)
        start = (response.page - 1) * per_page
        results = results_by_kind.get(kind)
        ids = []
        if case_share and kind == CASE:
            ids = case_ids
        elif results is not None and response.total > start:
            ids = run.page_ids(kind, results, start, start + per_page, article_rows)
        response.hits = _hits(kind, ids, user, request, stems, run.visible_articles)
    else:
        ids_by_kind = {}
        articles = [each for each in (ARTICLE, TYPICAL_ANSWER) if response.counts.get(each)]
        for each in articles:
            ids_by_kind[each] = run.page_ids(
                each, results_by_kind[each], 0, GROUP_SIZE, article_rows
            )
        article_ids = [pk for each in articles for pk in ids_by_kind[each]]
        article_hits = _article_hits(article_ids, user, request, stems, run.visible_articles)
        if case_share:
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
    response.facets = _facets(matched, response, filters, case_rows, article_rows)
    return response


def _case_share(run, results, kind, page, per_page) -> tuple[int, dict | None, list, bool]:
    """The cases' share of a search on a database backend: (total, facet rows or None
    when the cases are not shown, the keys of the cases shown, whether the total was
    capped). The total and facets come from one pass over the match
    (`_case_facet_rows`), counted up to `count_cap()` matches: beyond, the total is the
    cap (shown as «более N») and the facets are those of the first N matches. The page
    is that of the cases' tab (within the first N), or the first GROUP_SIZE on the
    "all" tab."""
    wanted = not kind or kind == CASE
    cap = count_cap()
    matches = run.matched(results, direct=True)
    if wanted:
        rows = _case_facet_rows(matches, cap)
        total = rows["total"]
    else:
        rows = None
        total = (matches[: cap + 1] if cap else matches).count()
    capped = bool(cap) and total > cap
    if capped:
        total = cap
    # The backend may plan the page of hits knowing how many there are.
    results.query_compiler.staffsearch_count = total
    if not wanted or not total:
        return total, rows, [], capped
    if kind == CASE:
        pages = max(1, math.ceil(total / per_page))
        start = (min(page, pages) - 1) * per_page
        stop = min(start + per_page, total)  # a capped total: the first N only
    else:
        start, stop = 0, GROUP_SIZE
    return total, rows, run.page_ids(CASE, results, start, stop), capped


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
    page. Any of the words may match; the ones matching most come first.

    The case page is rendered again after every action and for everyone who opens the
    case, with the same text: the hits are cached like the KB's fragments (kb.caching),
    keyed by the KB's generation (any published change makes them stale), the reader's
    visibility class (two people share hits only if they may open the same articles),
    the language and the words. A result that came from the fallback backend, because
    the search engine failed, is not kept."""
    cleaned = clean_query(" ".join(words(text)[:30]))
    if not cleaned:
        return []
    key = _typical_answers_key(user, cleaned, limit, request)
    cached = kb_caching.get(key) if key else None
    if cached is not None:
        return cached

    def work(backend, name):
        run = _Run(backend, user, request, cleaned, True)
        base = run.base(TYPICAL_ANSWER, {})
        ids = run.page_ids(TYPICAL_ANSWER, run.results(base), 0, limit)
        return _hits(TYPICAL_ANSWER, ids, user, request, run.analysis.stems, run.visible_articles)

    result, _name, notices = _with_fallback(work)
    if key and not notices:
        kb_caching.put(key, result)
    return result


def _typical_answers_key(user, cleaned: str, limit: int, request=None) -> str:
    """The cache key of a case's typical answers, "" when they are not cached: nor are
    they for a session that has opened a password-protected page (it may see what the
    visibility class of its user does not)."""
    if kb_caching.timeout() <= 0:
        return ""
    from wagtail.models import PageViewRestriction

    from kb.models import hidden_paths

    session = getattr(request, "session", None) or {}
    if session.get(PageViewRestriction.passed_view_restrictions_session_key):
        return ""

    visibility = kb_caching.visibility_key(user, hidden_paths(user))
    return kb_caching.fragment_key(request, ["typical-answers", visibility, limit, cleaned])
