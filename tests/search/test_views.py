"""The search page and the JSON API: tabs with counts, facets, pagination, snippets."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_search_page_groups_results_by_kind(corpus, client):
    client.force_login(corpus.users["client"])
    response = client.get(reverse("search:page"), {"q": "справкой о доходах"})
    assert response.status_code == 200
    html = response.content.decode()
    # Typical answers are for staff (kb.audience): none for an internal client.
    assert 'data-kind="article"' in html and 'data-kind="typical_answer"' not in html
    assert "<mark>справки</mark>" in html.lower() or "<mark>справки</mark>" in html
    assert 'data-facet="topic"' in html
    result = response.context["result"]
    assert result.counts["case"] == 1  # the client's own case
    assert result.groups["case"][0].url == f"/cases/mine/{corpus.cases.own.pk}/"

    client.force_login(corpus.users["reader"])
    html = client.get(reverse("search:page"), {"q": "справкой о доходах"}).content.decode()
    assert 'data-kind="typical_answer"' in html


def test_search_page_filters_and_paginates_a_tab(corpus, client):
    client.force_login(corpus.users["registrar"])
    response = client.get(
        reverse("search:page"),
        {"q": "справки", "kind": "article", "topic": "declarations", "page": "1"},
    )
    result = response.context["result"]
    assert result.kind == "article"
    assert {hit.title for hit in result.hits} == {"Как заполнить справки о доходах за отчётный год"}
    topic = {facet.name: facet for facet in result.facets}["topic"]
    assert [v.value for v in topic.values if v.selected] == ["declarations"]
    response = client.get(reverse("search:page"), {"q": "справки", "page": "999", "kind": "case"})
    assert response.status_code == 200


def test_api_returns_json(corpus, client):
    client.force_login(corpus.users["registrar"])
    data = client.get(
        reverse("search:api"), {"q": "конфликта интересов", "kind": "article", "per_page": "1"}
    ).json()
    assert data["kind"] == "article"
    assert data["per_page"] == 1
    assert data["total"] >= 1
    assert data["results"][0]["title"] == "Что такое конфликт интересов"
    assert "<mark>" in data["results"][0]["title_html"]
    assert {facet["name"] for facet in data["facets"]} >= {"kind", "topic", "unit", "year"}
    assert data["backend"] == "default"


def test_empty_query_searches_nothing(corpus, client):
    client.force_login(corpus.users["reader"])
    response = client.get(reverse("search:page"), {"q": "  "})
    assert response.status_code == 200
    assert response.context["result"].total == 0


def test_typical_answers_tag_for_the_case_page(corpus, rf):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = corpus.users["executor"]
    html = Template("{% load search_tags %}{% typical_answers case %}").render(
        Context({"request": request, "case": corpus.cases.own})
    )
    assert f'data-id="{corpus.articles.typical.pk}"' in html
    assert "<mark>справки</mark>" in html


def test_search_page_offers_the_corrected_query(corpus, client):
    from urllib.parse import quote_plus

    from search import vocabulary

    vocabulary.rebuild()
    client.force_login(corpus.users["reader"])
    # «конфликт» finds one article, «интерисов» is a typo: «Возможно, вы имели в виду».
    html = client.get(reverse("search:page"), {"q": "конфликт интерисов"}).content.decode()
    assert "Возможно, вы имели в виду:" in html
    assert f"q={quote_plus('конфликт интересов')}" in html and "«конфликт интересов»" in html
    # Typed in the Latin layout: the results of the Russian words, and it says so.
    response = client.get(reverse("search:page"), {"q": "gjlfhrb"})
    html = response.content.decode()
    assert "Показаны результаты по запросу «подарки»" in html
    assert response.context["result"].total >= 1
    assert 'value="gjlfhrb"' in html  # what was typed stays in the box
