"""Wagtail API v2 endpoint /api/v2/kb/: public material for anonymous callers, internal
material for signed-in staff, filters by section, kind and topic."""

import pytest
from django.test import Client

from kb.models import ArticlePage

pytestmark = pytest.mark.django_db

URL = "/api/v2/kb/"


def _titles(response):
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def test_anonymous_callers_get_public_articles_only(kb):
    anonymous = Client()
    titles = _titles(anonymous.get(URL))
    public = set(
        ArticlePage.objects.live().filter(audience="public").values_list("title", flat=True)
    )
    assert titles == public and len(public) >= 4
    internal = ArticlePage.objects.get(slug="kak-predstavit-spravku")
    assert anonymous.get(f"{URL}{internal.pk}/").status_code == 404
    assert _titles(anonymous.get(URL, {"search": "справку"})) <= public


def test_staff_get_internal_articles_too(kb):
    staff = Client()
    staff.force_login(kb["users"]["reader"])
    titles = _titles(staff.get(URL, {"limit": 100}))
    assert titles == set(ArticlePage.objects.live().values_list("title", flat=True))
    internal = ArticlePage.objects.get(slug="kak-predstavit-spravku")
    detail = staff.get(f"{URL}{internal.pk}/").json()
    assert detail["kind"] == "instruction"
    assert detail["owner_unit"]["short_name"] == "ОДС"
    assert {t["slug"] for t in detail["topics"]} == {"declarations"}
    acts = {a["number"]: a for a in detail["legal_acts"]}
    assert acts["460"]["status"] == "amended"
    assert "от 25.12.2008 № 273-ФЗ" in acts["273-ФЗ"]["citation"]
    assert detail["needs_review"] is True
    assert detail["last_reviewed_on"] and detail["next_review_due"]
    assert any(block["type"] == "steps" for block in detail["body"])


def test_drafts_are_never_served(kb, make_article):
    article = make_article(kb["sections"]["declarations"], title="Скрытая", audience="public")
    article.unpublish()
    staff = Client()
    staff.force_login(kb["users"]["reader"])
    assert "Скрытая" not in _titles(staff.get(URL, {"limit": 100}))


def test_filters_by_section_kind_and_topic(kb):
    staff = Client()
    staff.force_login(kb["users"]["editor"])
    section = kb["sections"]["declarations"]
    in_section = set(ArticlePage.objects.child_of(section).live().values_list("title", flat=True))
    assert _titles(staff.get(URL, {"section": section.pk})) == in_section
    assert _titles(staff.get(URL, {"section": "declarations"})) == in_section

    faq = _titles(staff.get(URL, {"kind": "faq", "limit": 100}))
    assert faq == set(ArticlePage.objects.live().filter(kind="faq").values_list("title", flat=True))
    assert len(faq) >= 5

    topic = _titles(staff.get(URL, {"topic": "conflict-of-interest", "limit": 100}))
    assert "Что такое конфликт интересов и когда о нём сообщать?" in topic
    assert "Можно ли работать по совместительству?" in topic  # second topic
    assert "Как представить справку о доходах: пошаговая инструкция" not in topic

    both = _titles(staff.get(URL, {"section": "declarations", "kind": "typical_answer"}))
    assert both == {"Типовой ответ: срок и порядок представления справки о доходах"}

    anonymous = Client()
    public_faq = _titles(anonymous.get(URL, {"section": "declarations", "kind": "faq"}))
    assert public_faq == {"30 апреля я буду в отпуске. Можно ли сдать справку позже?"}

    assert staff.get(URL, {"kind": "poem"}).status_code == 400
    assert staff.get(URL, {"section": "nope"}).status_code == 400
    assert staff.get(URL, {"bogus": "1"}).status_code == 400
