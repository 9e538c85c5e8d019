"""The admin as unit editors and heads see it around their articles is in Russian: no
Python values (True, None, ISO dates), no English fragments of Wagtail, no Wagtail
Russian that says something else (issue 16). Each test opens the real admin page."""

import datetime as dt

import pytest
from django.urls import reverse

from kb.models import ArticlePage
from kb.services import record_feedback
from tests.html import soup as _soup
from tests.html import text as _text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ordinary(kb, make_article):
    """A published ОДС FAQ article: no typical answer, so no answer code."""
    return make_article(
        kb["sections"]["declarations"],
        title="Обычная статья ОДС",
        kind=ArticlePage.Kind.FAQ,
        last_reviewed_on=dt.date(2026, 10, 28),
    )


def test_feedback_listing_says_yes_and_no(client, kb, ordinary):
    record_feedback(ordinary, kb["users"]["reader"], False, "Не хватило примера")
    record_feedback(ordinary, kb["users"]["client"], True)
    client.force_login(kb["users"]["editor"])

    soup = _soup(client.get("/admin/kb/feedback/"))
    headings = [_text(th) for th in soup.select("table thead th")]
    column = headings.index("Полезно")
    cells = [_text(row.select("td")[column]) for row in soup.select("table tbody tr")]
    assert sorted(cells) == ["да", "нет"]
    table = _text(soup.select_one("table"))
    assert "False" not in table and "True" not in table

    response = client.get("/admin/kb/feedback/?export=csv")
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Не хватило примера" in csv
    assert ",нет," in csv and ",да," in csv
    assert "False" not in csv and "True" not in csv


def test_answer_code_of_an_ordinary_article_is_a_dash(client, kb, ordinary):
    client.force_login(kb["users"]["editor"])
    soup = _soup(client.get(reverse("wagtailadmin_pages:edit", args=[ordinary.pk])))
    assert "Код типового ответа" in _text(soup.select_one("main"))
    # The answer code is the article's one read-only field.
    outputs = [_text(node) for node in soup.select(".w-field__textoutput")]
    assert outputs == ["—"], outputs


def test_review_date_is_shown_and_taken_as_dd_mm_yyyy(client, kb, ordinary):
    client.force_login(kb["users"]["editor"])
    soup = _soup(client.get(reverse("wagtailadmin_pages:edit", args=[ordinary.pk])))
    field = soup.find("input", attrs={"name": "last_reviewed_on"})
    assert field["value"] == "28.10.2026"

    # The comparison of a draft with the published version.
    ordinary.last_reviewed_on = dt.date(2026, 10, 27)
    revision = ordinary.save_revision(user=kb["users"]["editor"])
    soup = _soup(
        client.get(
            reverse("wagtailadmin_pages:revisions_compare", args=[ordinary.pk, "live", revision.pk])
        )
    )
    text = _text(soup.select_one("main"))
    assert "Дата проверки" in text
    assert "28.10.2026" in text and "27.10.2026" in text
    assert "2026-10-2" not in text


def test_explorer_counts_are_russian(client, kb, ordinary):
    client.force_login(kb["users"]["editor"])
    section = kb["sections"]["declarations"]
    count = ArticlePage.objects.child_of(section).count()

    soup = _soup(client.get(reverse("wagtailadmin_explore", args=[section.pk])))
    header = _text(soup.select_one("table thead th.title"))
    assert f"1–{count} из {count}" in header
    assert " of " not in header and "страниц" not in header
    assert _text(soup.select_one(".pagination__end")) == f"Всего: {count}"

    # An article has no children: no «1-0 of 0 страницы», no «0 страницы».
    soup = _soup(client.get(reverse("wagtailadmin_explore", args=[ordinary.pk])))
    assert _text(soup.select_one("table thead th.title")) == "Заголовок"
    assert _text(soup.select_one(".pagination__end")) == "Всего: 0"
    assert " of " not in _text(soup.select_one("main"))


@pytest.mark.parametrize("url", ["/admin/documents/add/", "/admin/documents/multiple/add/"])
def test_document_upload_help_is_russian(client, kb, url):
    client.force_login(kb["users"]["editor"])
    text = _text(_soup(client.get(url)).select_one("main"))
    assert "Максимальный размер файла: 20,0 МБ." in text
    assert "Maximum filesize" not in text


@pytest.fixture
def submitted(kb, ordinary):
    """The ordinary article's draft, submitted by the ОДС editor to the unit's workflow."""
    ordinary.summary = "Новая редакция"
    ordinary.save_revision(user=kb["users"]["editor"])
    ordinary.get_workflow().start(ordinary, kb["users"]["editor"])
    return ordinary


def test_head_is_asked_to_check_not_to_give_feedback(client, kb, submitted):
    client.force_login(kb["users"]["head"])
    soup = _soup(client.get("/admin/"))
    text = _text(soup.select_one("main"))
    assert "Ожидают вашей проверки" in text and submitted.title in text
    assert "В ожидании вашего отзыва" not in text


def test_head_decides_with_russian_buttons(client, kb, submitted):
    client.force_login(kb["users"]["head"])
    soup = _soup(client.get(reverse("wagtailadmin_pages:edit", args=[submitted.pk])))
    buttons = {_text(node) for node in soup.select("footer button, footer a")}
    assert {
        "Согласовать и опубликовать",
        "Согласовать с комментарием и опубликовать",
        "Вернуть на доработку",
    } <= buttons, buttons
    assert not {"Запрос изменений", "Согласовать и Опубликовать"} & buttons

    # Returned for changes, the editor resubmits with a Russian button.
    task_state = submitted.current_workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, kb["users"]["head"], "reject")
    client.force_login(kb["users"]["editor"])
    soup = _soup(client.get(reverse("wagtailadmin_pages:edit", args=[submitted.pk])))
    buttons = {_text(node) for node in soup.select("footer button, footer a")}
    assert "Отправить повторно: Согласование руководителем: ОДС" in buttons, buttons
    assert not any(label.startswith("Обновить") for label in buttons)
