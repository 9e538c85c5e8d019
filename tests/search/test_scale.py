"""What keeps the search fast at 100,000 cases (bench/search_latency.py) without changing
what it answers: pages of a tab continue one another, the number of queries does not
grow with the number of hits, and on PostgreSQL cases are searched on their own
generated columns (search.backends.postgres)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import services

pytestmark = pytest.mark.django_db


def _more_cases(org, count):
    from cases import services as case_services

    with_subject = []
    for number in range(count):
        case = case_services.submit_question(
            org.client,
            subject=f"Справка о доходах: вопрос {number}",
            text="Как указать доходы от вклада в справке о доходах?",
        )
        with_subject.append(case)
    return with_subject


@pytest.mark.parametrize("rank_all_up_to", [300, 0])
def test_pages_of_a_tab_continue_one_another(
    corpus, django_capture_on_commit_callbacks, monkeypatch, rank_all_up_to
):
    """Also with every search taking the path of many matches (RANK_ALL_UP_TO 0): the
    title matches first, ranked on the subject's own vector on PostgreSQL."""
    from cases import services as case_services
    from search.backends import postgres

    monkeypatch.setattr(postgres, "RANK_ALL_UP_TO", rank_all_up_to)

    with django_capture_on_commit_callbacks(execute=True):
        _more_cases(corpus.org, 6)
        case_services.submit_question(
            corpus.org.client,
            subject="Вопрос о вкладе",
            text="Нужно ли указывать вклад в справке о доходах, если счёт закрыт?",
        )
    client = corpus.users["client"]
    whole = services.search(client, "справка о доходах", kind=services.CASE, per_page=50)
    assert whole.total == 8  # seven new ones and the client's own case
    paged = []
    for page in (1, 2, 3):
        result = services.search(client, "справка о доходах", kind=services.CASE, page=page,
                                 per_page=3)  # fmt: skip
        assert result.total == 8
        paged += [hit.pk for hit in result.hits]
    assert paged == [hit.pk for hit in whole.hits]
    assert len(set(paged)) == 8
    if connection.vendor == "postgresql":
        # Subjects that hold the words come before texts that only mention them.
        assert whole.hits[-1].title == "Вопрос о вкладе"


def test_the_number_of_queries_does_not_grow_with_the_hits(
    corpus, django_capture_on_commit_callbacks
):
    registrar = corpus.users["registrar"]

    def queries():
        with CaptureQueriesContext(connection) as context:
            result = services.search(registrar, "справка о доходах")
        return len(context.captured_queries), result

    queries()  # the first search of a process also reads the site's root paths (cached)
    few, result = queries()
    assert result.counts["case"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        _more_cases(corpus.org, 6)
    many, result = queries()
    assert result.counts["case"] == 7 and len(result.groups["case"]) == services.GROUP_SIZE
    assert many == few
    assert many <= 25


def test_facet_counts_add_up_to_the_totals(corpus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _more_cases(corpus.org, 3)
    result = services.search(corpus.users["registrar"], "справка о доходах")
    facets = {facet.name: facet for facet in result.facets}
    assert sum(v.count for v in facets["status"].values) == result.counts["case"] == 4
    assert sum(v.count for v in facets["kind"].values) == result.total
    years = sum(v.count for v in facets["year"].values)
    assert years == result.counts["article"] + result.counts["typical_answer"] + 4


def test_cases_of_a_broad_query_are_counted_up_to_the_cap(
    corpus, settings, client, django_capture_on_commit_callbacks
):
    """Past SEARCH_COUNT_CAP matching cases the count stops: the cases' tab and the total
    read «более N», the case facets are those of the first N; below it, exact counts."""
    with django_capture_on_commit_callbacks(execute=True):
        _more_cases(corpus.org, 3)
    registrar = corpus.users["registrar"]
    settings.SEARCH_COUNT_CAP = 0
    exact = services.search(registrar, "справка о доходах")
    assert exact.counts["case"] == 4 and not exact.capped
    settings.SEARCH_COUNT_CAP = 2
    for kind in ("", services.CASE, services.ARTICLE):
        result = services.search(registrar, "справка о доходах", kind=kind)
        assert result.counts["case"] == 2 and result.capped == [services.CASE]
        assert result.counts["article"] == exact.counts["article"]
    facets = {facet.name: facet for facet in result.facets}
    assert sum(v.count for v in facets["status"].values) == 0  # not shown on the article tab
    result = services.search(registrar, "справка о доходах", kind=services.CASE)
    facets = {facet.name: facet for facet in result.facets}
    assert sum(v.count for v in facets["status"].values) == 2
    assert len(result.hits) == 2 and result.num_pages == 1
    assert result.as_dict()["capped"] == ["case"]
    client.force_login(registrar)
    page = client.get("/search/", {"q": "справка о доходах"}).content.decode()
    assert "более 2" in page
    assert "посчитано по первым 2 найденным" in page


@pytest.mark.postgres
def test_postgres_cases_live_in_their_own_columns(corpus):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.search.models import IndexEntry

    from search.models import CaseDocument

    case_type = ContentType.objects.get_for_model(CaseDocument)
    assert not IndexEntry.objects.filter(content_type=case_type).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM staffsearch_casedocument "
            "WHERE search_vector @@ plainto_tsquery('russian', 'справкой о доходах') "
            "AND title_vector @@ plainto_tsquery('russian', 'справкой о доходах')"
        )
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'staffsearch_casedocument'"
        )
        definitions = " ".join(row[0] for row in cursor.fetchall())
    for column in ("search_vector", "title_vector", "autocomplete_vector"):
        assert f"USING gin ({column})" in definitions
    # Suggestions of case subjects come from the autocomplete column.
    items = services.suggest(corpus.users["client"], "Справка о дох")
    assert [item["title"] for item in items if item["kind"] == services.CASE] == [
        "Справка о доходах супруги в декретном отпуске"
    ]


@pytest.mark.postgres
def test_postgres_document_rows_stay_narrow(corpus, django_capture_on_commit_callbacks):
    """Messages of some 900 characters (rows of over 2 KB with their vectors, which
    PostgreSQL would only shorten to its 2 KB target, three to a page) go to the TOAST
    table; the subject and its vectors stay in the row, uncompressed (staffsearch.0011, 0013):
    a search's scans over many matches read narrow rows, and the text is all there to
    match and highlight."""
    from cases import services as case_services
    from search.models import CaseDocument

    letters = "абвгдежзиклмнопрстуфхцчшэюя"
    # 110 different made-up words (incompressible, unlike a repeated phrase) and a real one.
    text = (
        " ".join(
            "".join(letters[(n * 7 + k * k * 3 + n * k) % len(letters)] for k in range(7))
            for n in range(110)
        )
        + " супруги"
    )
    with django_capture_on_commit_callbacks(execute=True):
        cases = [
            case_services.submit_question(
                corpus.org.client, subject=f"Длинный вопрос {n}", text=f"{text} слово{n}"
            )
            for n in range(30)
        ]
    keys = [case.pk for case in cases]
    assert CaseDocument.objects.filter(pk__in=keys, text__endswith="слово29").count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM staffsearch_casedocument "
            "WHERE case_id = ANY(%s) GROUP BY (ctid::text::point)[0]) AS pages",
            [keys],
        )
        rows_per_page = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM staffsearch_casedocument WHERE case_id = ANY(%s) "
            "AND search_vector @@ plainto_tsquery('russian', 'слово29 супруги')",
            [keys],
        )
        matched = cursor.fetchone()[0]
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
            "'staffsearch_casedocument'::regclass AND attname IN "
            "('title', 'title_vector', 'autocomplete_vector', 'search_vector')"
        )
        storage = dict(cursor.fetchall())
    assert len(text) > 850 and matched == 1
    # 9 to 13 at once (with the rows' first versions; the generated vector fields of
    # 0012 are laid out after the others); 3 when the row keeps the text or the vector
    # inline up to PostgreSQL's default 2 KB target. At the benchmark's 20,000 cases
    # both layouts hold 11.3 rows a page (bench/README.md).
    assert rows_per_page >= 8
    assert storage == {
        "title": "p",
        "title_vector": "p",
        "autocomplete_vector": "p",
        "search_vector": "e",  # in the TOAST table as it is (0013)
    }


def _entry_table_layout():
    """Our indexes on modelsearch's table, its options and its body column's storage."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'wagtailsearch_indexentry' "
            "AND indexname LIKE 'staffsearch%%'"
        )
        ours = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT c.reloptions, a.attstorage FROM pg_class c JOIN pg_attribute a "
            "ON a.attrelid = c.oid AND a.attname = 'body' "
            "WHERE c.oid = 'wagtailsearch_indexentry'::regclass"
        )
        options, storage = cursor.fetchone()
    return ours, options, storage


@pytest.mark.postgres
def test_postgres_modelsearch_table_is_left_as_modelsearch_made_it(corpus):
    """No migration of this app changes modelsearch's index table: no index of ours, no
    table option, the body vector's default storage (EXTENDED: compressed, TOASTed);
    staffsearch.0014 restores a database an earlier version changed, and only that."""
    import importlib

    from django.apps import apps

    restore = importlib.import_module("search.migrations.0014_restore_modelsearch_table").restore
    assert _entry_table_layout() == ([], None, "x")
    with connection.schema_editor() as editor:
        restore(apps, editor)  # on a table as modelsearch made it: nothing to do
    assert _entry_table_layout() == ([], None, "x")
    with connection.cursor() as cursor:  # what 0002, 0005 and 0006 used to do
        cursor.execute(
            "CREATE INDEX staffsearch_indexentry_title_body_gin ON wagtailsearch_indexentry "
            "USING GIN ((title || body))"
        )
        cursor.execute(
            "ALTER TABLE wagtailsearch_indexentry SET (toast_tuple_target = 8160), "
            "ALTER COLUMN body SET STORAGE EXTERNAL"
        )
    assert _entry_table_layout() == (
        ["staffsearch_indexentry_title_body_gin"],
        ["toast_tuple_target=8160"],
        "e",
    )
    with connection.schema_editor() as editor:
        restore(apps, editor)
    assert _entry_table_layout() == ([], None, "x")


@pytest.mark.postgres
def test_postgres_pages_are_matched_on_this_apps_vectors(
    corpus, django_capture_on_commit_callbacks
):
    """A page's vectors are copied into this app's own table (`search.PageVectors`,
    stored as 0016 says) whenever modelsearch's entry is written, and go with the page.
    The body vector holds the whole document, title included (weight A): a query whose
    words are split between the title and the text finds the article, every word
    required, and the search matches and ranks pages on these vectors alone, never on
    modelsearch's (compressed, unindexed ``title || body``)."""
    from modelsearch.backends import get_search_backend

    from kb.demo import publish_article
    from kb.models import ArticlePage
    from search.models import PageVectors

    with django_capture_on_commit_callbacks(execute=True):
        article = publish_article(
            corpus.sections["declarations"],
            title="Ламинирование бланков",
            slug="laminirovanie",
            body=[("paragraph", "<p>Порядок для выцветших подписей.</p>")],
        )
    assert PageVectors.objects.filter(page=article).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT body @@ to_tsquery('russian', 'ламинирование & выцветших'), "
            "title @@ to_tsquery('russian', 'ламинирование'), "
            "title @@ to_tsquery('russian', 'выцветших') "
            "FROM staffsearch_pagevectors WHERE page_id = %s",
            [article.pk],
        )
        assert cursor.fetchone() == (True, True, False)
        cursor.execute(
            "SELECT c.reloptions, "
            "array_agg(a.attname || '=' || a.attstorage::text ORDER BY a.attname) "
            "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
            "AND a.attname IN ('title', 'body') "
            "WHERE c.oid = 'staffsearch_pagevectors'::regclass GROUP BY c.reloptions"
        )
        assert cursor.fetchone() == (["toast_tuple_target=8160"], ["body=e", "title=p"])

    with CaptureQueriesContext(connection) as queries:
        found = services.search(corpus.users["registrar"], "ламинирование выцветших подписей")
        every_word = get_search_backend().search(
            "ламинирование выцветших подписей", ArticlePage.objects.live(), operator="and"
        )
        assert [page.pk for page in every_word] == [article.pk]
    found_keys = [hit.pk for hits in [found.hits, *found.groups.values()] for hit in hits]
    assert article.pk in found_keys
    matches = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
    page_matches = [sql for sql in matches if "staffsearch_casedocument" not in sql]
    assert page_matches
    for sql in page_matches:
        assert "staffsearch_pagevectors" in sql
        assert '"wagtailsearch_indexentry"."body" @@' not in sql
        assert '"wagtailsearch_indexentry"."title" @@' not in sql

    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not PageVectors.objects.filter(page_id=article.pk).exists()


def test_pages_of_the_article_tab_continue_one_another(corpus, django_capture_on_commit_callbacks):
    """The page of a kind that the one statement over the articles ranks (PostgreSQL)
    is the page the tab's own ranking gives: pages continue one another, the "all"
    tab shows the first of them, and a page past the last one is the last one."""
    from kb.demo import publish_article

    with django_capture_on_commit_callbacks(execute=True):
        for number in range(7):
            titled = number % 3 == 0
            publish_article(
                corpus.sections["declarations"],
                title=f"Опись ценностей {number}" if titled else f"Памятка {number}",
                slug=f"inventory-{number}",
                body=[("paragraph", "<p>" + "Опись ценностей служащего. " * (number + 1) + "</p>")],
            )
    reader = corpus.users["reader"]
    query = "опись ценностей"
    whole = services.search(reader, query, kind=services.ARTICLE, per_page=50)
    assert whole.total == 7
    paged = []
    for page in (1, 2, 3, 4):
        result = services.search(reader, query, kind=services.ARTICLE, page=page, per_page=2)
        paged += [hit.pk for hit in result.hits]
    assert paged == [hit.pk for hit in whole.hits]
    if connection.vendor == "postgresql":  # title matches first (search.backends.postgres)
        assert {hit.title for hit in whole.hits[:3]} == {f"Опись ценностей {n}" for n in (0, 3, 6)}
    every = services.search(reader, query)
    assert [hit.pk for hit in every.groups[services.ARTICLE]] == paged[: services.GROUP_SIZE]
    past = services.search(reader, query, kind=services.ARTICLE, page=99, per_page=2)
    assert past.page == 4
    assert [hit.pk for hit in past.hits] == paged[6:]
