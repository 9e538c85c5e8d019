"""The Elasticsearch path against a real engine: runs only when ELASTICSEARCH_URL is set
(CI's full stack); the fallback when it is unreachable is tested in test_indexing."""

import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from search import services

pytestmark = [pytest.mark.elasticsearch, pytest.mark.django_db]


@pytest.fixture
def elasticsearch(corpus):
    backends = {
        "default": {
            "BACKEND": "search.backends.elasticsearch"
            + __import__("os").environ.get("ELASTICSEARCH_VERSION", "9"),
            "URLS": [settings.ELASTICSEARCH_URL],
            "INDEX_PREFIX": f"test_{uuid.uuid4().hex[:8]}_",
            "TIMEOUT": 10,
            "INDEX_SETTINGS": {"settings": {"index": settings.RUSSIAN_ANALYSIS}},
        },
        "database": {"BACKEND": "search.backends.database", "SEARCH_CONFIG": "russian"},
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        call_command("update_index", verbosity=0)
        from wagtail.search.backends import get_search_backend

        backend = get_search_backend("default")
        backend.refresh_indexes()
        yield backend
        for index in backend.all_indexes():
            index.delete()


def test_russian_morphology_and_synonyms(elasticsearch, corpus):
    user = corpus.users["client"]
    result = services.search(user, "справкой о доходах", kind="article")
    assert result.backend == "default" and not result.notices
    assert "Как заполнить справки о доходах за отчётный год" in {h.title for h in result.hits}
    result = services.search(user, "конфликта интересов", kind="article")
    assert "Что такое конфликт интересов" in {h.title for h in result.hits}
    result = services.search(user, "декларацию", kind="article")
    assert "Как заполнить справки о доходах за отчётный год" in {h.title for h in result.hits}


def test_title_outranks_body(elasticsearch, corpus):
    result = services.search(corpus.users["reader"], "подарки", kind="article")
    assert result.hits[0].title == "Подарки на официальных мероприятиях"


def test_permissions_inside_the_engine_query(elasticsearch, corpus):
    titles = {h.title for h in services.search(corpus.users["client"], "аренда квартиры",
                                                kind="case").hits}  # fmt: skip
    assert titles == set()
    result = services.search(corpus.users["executor"], "давление руководителя", kind="case")
    assert result.total == 0
    result = services.search(corpus.users["executor2"], "давление руководителя", kind="case")
    assert [h.title for h in result.hits] == ["Давление руководителя при закупке"]
    result = services.search(corpus.users["client"], "методичка", kind="article")
    assert result.total == 0
