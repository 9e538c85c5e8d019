"""Cases reach the index through Celery after their transaction commits; pages are
indexed by Wagtail inline; `update_index` rebuilds everything; an unreachable
Elasticsearch neither breaks saving nor searching (the database answers)."""

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from search import services
from search.models import CaseDocument

pytestmark = pytest.mark.django_db

DEAD_ELASTICSEARCH = {
    "default": {
        "BACKEND": "search.backends.elasticsearch9",
        "URLS": ["http://127.0.0.1:9"],  # nothing listens on the discard port
        "INDEX_PREFIX": "search_test_",
        "TIMEOUT": 1,
        "OPTIONS": {"max_retries": 0},
    },
    "database": {"BACKEND": "search.backends.database", "SEARCH_CONFIG": "russian"},
}


def titles(user, query, kind=services.CASE):
    return {hit.title for hit in services.search(user, query, kind=kind).hits}


def test_a_case_is_indexed_only_after_its_transaction_commits(
    corpus, django_capture_on_commit_callbacks
):
    from cases import services as case_services

    client = corpus.users["client"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = case_services.submit_question(
            client, subject="Гостиница для командировки", text="Кто оплачивает гостиницу?"
        )
        assert not CaseDocument.objects.filter(pk=case.pk).exists()
    assert callbacks  # the index update waits for the commit
    for callback in callbacks:
        callback()
    assert titles(client, "гостиницы") == {"Гостиница для командировки"}


def test_a_rolled_back_save_queues_nothing(corpus, django_capture_on_commit_callbacks):
    from cases import services as case_services

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                case_services.submit_question(
                    corpus.users["client"], subject="Откат", text="Этого не было"
                )
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert titles(corpus.users["client"], "откат") == set()


def test_reassignment_reaches_the_index(corpus, django_capture_on_commit_callbacks):
    from cases import services as case_services

    case = corpus.cases.other
    assert titles(corpus.users["executor"], "аренда квартиры") == set()
    with django_capture_on_commit_callbacks(execute=True):
        case_services.reassign(
            case, corpus.users["registrar"], unit=corpus.org.units["ОКИ"],
            executor=corpus.users["executor2"], co_executors=[corpus.users["executor"]],
            reason="Нужна помощь",
        )  # fmt: skip
    document = CaseDocument.objects.get(pk=case.pk)
    assert document.executor_id == corpus.users["executor2"].pk
    assert titles(corpus.users["executor"], "аренда квартиры") == {case.subject}


def test_update_index_rebuilds_case_documents(corpus):
    CaseDocument.objects.all().delete()
    assert titles(corpus.users["registrar"], "аренда квартиры") == set()
    call_command("update_index", verbosity=0)
    assert CaseDocument.objects.count() == 3
    assert titles(corpus.users["registrar"], "аренда квартиры") == {corpus.cases.other.subject}
    article = "Что такое конфликт интересов"
    assert article in titles(corpus.users["reader"], "конфликта", kind=services.ARTICLE)


@override_settings(WAGTAILSEARCH_BACKENDS=DEAD_ELASTICSEARCH)
def test_unreachable_elasticsearch_falls_back_to_the_database(
    corpus, django_capture_on_commit_callbacks
):
    from cases import services as case_services
    from kb.demo import publish_article

    cache.clear()
    # Saving keeps working: a page (indexed inline) and a case (indexed after commit).
    with django_capture_on_commit_callbacks(execute=True):
        publish_article(
            corpus.sections["conflict"],
            title="Ценные подарки коллегам",
            slug="cennye-podarki",
            summary="Можно ли дарить подарки коллегам.",
        )
        case = case_services.submit_question(
            corpus.users["client"], subject="Подарок от подрядчика", text="Принять ли подарок?"
        )
    assert CaseDocument.objects.filter(pk=case.pk).exists()

    started = time.monotonic()
    result = services.search(corpus.users["client"], "подарков")
    assert result.backend == "database"
    assert result.notices  # the user is told
    assert result.counts["article"] >= 2
    assert result.counts["case"] == 1
    # The engine is not asked again for a while: the next search goes straight on.
    result = services.search(corpus.users["client"], "подарков")
    assert result.backend == "database" and result.notices
    assert time.monotonic() - started < 10
    cache.clear()


@pytest.mark.postgres
@pytest.mark.celery_worker
def test_a_real_worker_indexes_the_case(celery_worker, transactional_db):
    from cases import services as case_services
    from intranet import demo
    from intranet.accounts.models import User

    demo.seed()
    client = User.objects.get(username="client")
    case = case_services.submit_question(
        client, subject="Командировка в выходной день", text="Как оплачивается?"
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not CaseDocument.objects.filter(pk=case.pk).exists():
        time.sleep(0.2)
    assert titles(client, "командировки") == {"Командировка в выходной день"}


def test_only_a_registered_answer_is_searchable_with_its_case(
    corpus, django_capture_on_commit_callbacks
):
    from cases.models import Answer

    case = corpus.cases.own
    client = corpus.users["client"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = Answer.objects.create(
            case=case,
            body="<p>Черновик: сведения о пособии по уходу за ребёнком не указываются.</p>",
            author=corpus.users["executor"],
        )
    # A draft never reaches the client, not even as a snippet.
    assert titles(client, "пособие по уходу") == set()
    with django_capture_on_commit_callbacks(execute=True):
        answer.status = "registered"
        answer.save()
    result = services.search(client, "пособие по уходу", kind=services.CASE)
    assert [hit.title for hit in result.hits] == [case.subject]
    assert "<mark>пособии</mark>" in str(result.hits[0].snippet)


def _indexer(page):
    """The database backend's indexer of one page, as Wagtail's inline indexing makes it."""
    from modelsearch.backends import get_search_backend

    backend = get_search_backend()
    index = backend.get_index_for_model(type(page))
    return index.indexer_class(page, backend)


def test_an_article_is_read_once_for_all_its_index_columns(corpus):
    """Indexing an article reads its fields, related ones included (topics, tags, the
    acts it cites: a query each), once: every column of the index entry reuses them
    (modelsearch's indexer read them again for each column, three to five times)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kb.models import ArticlePage, LegalAct

    article = ArticlePage.objects.get(pk=corpus.articles.gift.pk)
    article.legal_acts = list(LegalAct.objects.all()[:2])
    article.tags.add("Подарки")
    article.save()
    indexer = _indexer(ArticlePage.objects.get(pk=article.pk))
    with CaptureQueriesContext(connection) as first:
        columns = [indexer.title]
    with CaptureQueriesContext(connection) as others:
        columns += [indexer.body, indexer.autocomplete]
        for name in ("title_text", "body_text"):  # PostgreSQL's plain-text columns
            columns.append(getattr(indexer, name, None))
    assert columns[0] and columns[1]
    assert len(first) >= 3  # topics, tags, cited acts
    assert len(others) == 0, [query["sql"] for query in others]


def test_an_act_named_in_the_title_alone_reaches_the_index(corpus):
    """The acts an article's title names are looked for in the title as written, not
    in the title column's stems (SQLite), where «№ 559» is lost: the stemmed «указ
    президент 559» names no act."""
    from django.db import connection

    from kb.demo import publish_article
    from search.stemming import stem_text

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's indexer reads the title as written (title_text)")
    article = publish_article(
        corpus.sections["declarations"],
        title="Указ Президента № 559: кто подаёт сведения",
        slug="ukaz-v-zagolovke",
        summary="Кому и когда.",
        body=[("paragraph", "<p>Сведения подают служащие из перечня должностей.</p>")],
    )
    indexer = _indexer(article)
    columns = [indexer.title, indexer.autocomplete, indexer.body]  # as the index writes them
    assert stem_text("указ559") in columns[2].split()
