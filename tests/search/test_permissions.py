"""Permissions are applied inside the query: tested from the refused side. A result
the user may not open is never shown and never counted (totals, tabs, facets)."""

import pytest
from django.urls import reverse

from search import services

pytestmark = pytest.mark.django_db

OWN = "Справка о доходах супруги в декретном отпуске"
OTHER = "Аренда квартиры у подрядчика ведомства"
CONFIDENTIAL = "Давление руководителя при закупке"
RESTRICTED = "Методичка проверки справок для руководителей"


def case_titles(user, query):
    result = services.search(user, query, kind=services.CASE, per_page=100)
    return {hit.title for hit in result.hits}, result


def test_a_client_finds_only_their_own_cases(corpus):
    client = corpus.users["client"]
    titles, result = case_titles(client, "аренда квартиры подрядчика")
    assert titles == set()
    assert result.total == 0
    assert result.counts["case"] == 0
    titles, _ = case_titles(client, "справка супруги")
    assert titles == {OWN}


def test_a_client_finds_nothing_of_another_clients_subject_anywhere(corpus):
    result = services.search(corpus.users["client"], OTHER)
    assert result.counts["case"] == 0
    assert "case" not in result.groups
    facet = {f.name: f for f in result.facets}
    assert facet["status"].values == []
    assert facet["regime"].values == []


def test_a_client_finds_public_and_internal_articles(corpus):
    client = corpus.users["client"]
    result = services.search(client, "конфликт интересов", kind=services.ARTICLE)
    assert "Что такое конфликт интересов" in {h.title for h in result.hits}  # public
    result = services.search(client, "справки БК", kind=services.ARTICLE)
    assert "Как заполнить справки о доходах за отчётный год" in {h.title for h in result.hits}


def test_view_restricted_pages_are_excluded_per_request(corpus):
    result = services.search(corpus.users["client"], "методичка проверки", kind="article")
    assert RESTRICTED not in {h.title for h in result.hits}
    assert result.total == 0
    result = services.search(corpus.users["head"], "методичка проверки", kind="article")
    assert RESTRICTED in {h.title for h in result.hits}


def test_confidential_cases_only_for_their_people(corpus):
    query = "давление руководителя"
    # The executor of the other unit, the registrar, the head of another unit, a reader.
    for name in ("executor", "registrar", "head", "reader", "client"):
        titles, result = case_titles(corpus.users[name], query)
        assert CONFIDENTIAL not in titles, name
        assert result.total == 0, name
    # Its client, its executor and the head of its unit.
    for name in ("client2", "executor2", "head2"):
        titles, _ = case_titles(corpus.users[name], query)
        assert titles == {CONFIDENTIAL}, name


def test_executors_find_only_cases_they_may_open(corpus):
    titles, _ = case_titles(corpus.users["executor"], "аренда квартиры")
    assert titles == set()  # another unit's case
    titles, _ = case_titles(corpus.users["executor2"], "аренда квартиры")
    assert titles == {OTHER}
    titles, _ = case_titles(corpus.users["registrar"], "аренда квартиры")
    assert titles == {OTHER}


def test_totals_and_facets_count_only_what_the_user_may_open(corpus):
    # "подрядчика" is in the other case and in the confidential one.
    registrar = services.search(corpus.users["registrar"], "подрядчика")
    executor2 = services.search(corpus.users["executor2"], "подрядчика")
    assert registrar.counts["case"] == 1
    assert executor2.counts["case"] == 2
    assert registrar.total == 1
    status = {f.name: f for f in registrar.facets}["status"]
    assert sum(value.count for value in status.values) == 1
    topic = {f.name: f for f in registrar.facets}["topic"]
    assert {v.value: v.count for v in topic.values} == {"conflict-of-interest": 1}


def test_the_case_rule_is_the_cases_apps_rule(corpus):
    """The document copies give the same answer as Case.objects.visible_to for every
    demo user (the rule an external engine applies)."""
    from cases.models import Case

    for user in corpus.users.values():
        expected = set(Case.objects.visible_to(user).values_list("pk", flat=True))
        on_copies = set(
            services.visible_case_documents(user, external_engine=True).values_list("pk", flat=True)
        )
        in_database = set(services.visible_case_documents(user).values_list("pk", flat=True))
        assert on_copies == expected == in_database, user.username


def test_a_stale_index_entry_is_rechecked_before_it_is_shown(corpus):
    """The index still says executor may open the case; the database says otherwise."""
    from cases.models import Case

    case = corpus.cases.own
    # Reassign behind the search's back: no signal, no reindex.
    Case.objects.filter(pk=case.pk).update(unit=corpus.org.units["ОКИ"], executor=None)
    result = services.search(corpus.users["executor"], "декретном отпуске", kind="case")
    assert result.hits == []


def test_api_and_suggestions_apply_the_same_rule(corpus, client):
    client.force_login(corpus.users["client"])
    data = client.get(reverse("search:api"), {"q": "аренда квартиры", "kind": "case"}).json()
    assert data["total"] == 0 and data["results"] == []
    data = client.get(reverse("search:suggest"), {"q": "Аренда кв"}).json()
    assert data["results"] == []
    data = client.get(reverse("search:suggest"), {"q": "Методичка"}).json()
    assert data["results"] == []
    client.force_login(corpus.users["client2"])
    data = client.get(reverse("search:suggest"), {"q": "Аренда кв"}).json()
    assert [item["title"] for item in data["results"]] == [OTHER]


def test_anonymous_gets_no_api_and_no_internal_article(corpus, client):
    # The login wall answers first (a redirect); the views refuse on their own too. (The
    # page is open: it searches the public articles, see below.)
    for name, query in (
        ("search:api", "справка"),
        ("search:suggest", "спр"),
    ):
        response = client.get(reverse(name), {"q": query})
        assert response.status_code in (302, 401)
        assert "Справка".encode() not in response.content
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from search import views

    request = RequestFactory().get("/search/api/", {"q": "справка"})
    request.user = AnonymousUser()
    assert views.search_api(request).status_code == 401
    assert services.search(AnonymousUser(), "справка").total == 0


def test_the_rule_for_an_external_engine_is_plain_data(corpus):
    """What is sent to Elasticsearch holds no subquery and no set."""
    from django.db.models import Q, QuerySet

    from cases.permissions import visibility_filter
    from search.services.visibility import _materialise

    def leaves(q):
        for child in q.children:
            if isinstance(child, Q):
                yield from leaves(child)
            else:
                yield child

    for user in corpus.users.values():
        condition = visibility_filter(user)
        if condition is None:
            continue
        for _key, value in leaves(_materialise(condition)):
            assert not isinstance(value, QuerySet | set | frozenset)


def test_anonymous_visitors_search_public_articles_only(corpus, client):
    # «справки о доходах»: an internal article, a typical answer and a case hold it;
    # «конфликт интересов»: the public FAQ, and a case.
    response = client.get(reverse("search:page"), {"q": "конфликт интересов"})
    assert response.status_code == 200
    result = response.context["result"]
    assert [hit.title for hit in result.hits] == ["Что такое конфликт интересов"]
    assert result.counts.get("case", 0) == 0 and result.counts.get("typical_answer", 0) == 0
    html = response.content.decode()
    assert 'data-kind="case"' not in html and "Аренда квартиры" not in html
    for query in ("справки о доходах", "срок представления", "методичка", "квартиры подрядчика"):
        result = client.get(reverse("search:page"), {"q": query, "kind": "case"}).context["result"]
        assert result.hits == [] and result.total == 0, query
    # The JSON API stays for signed-in staff.
    assert client.get(reverse("search:api"), {"q": "конфликт"}).status_code in (302, 401)
