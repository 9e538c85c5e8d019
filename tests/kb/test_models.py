"""Data rules of articles and typical answers."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kb.models import ArticlePage, LegalAct
from kb.typical_answers import placeholder_errors, placeholders, render


def test_render_fills_placeholders_and_reports_missing_ones():
    text = "Уважаемый(ая) {client_name}! Срок — до {deadline}. {client_name}, {executor_name}"
    result = render(text, {"client_name": "Иван Иванович", "deadline": "30.04.2027"})
    assert result.text.startswith("Уважаемый(ая) Иван Иванович! Срок — до 30.04.2027.")
    assert "{executor_name}" in result.text, "a missing value stays visible"
    assert result.missing == ["executor_name"]
    assert result.used == ["client_name", "deadline"]
    assert not result.complete
    assert render("{a}", {"a": ""}).missing == ["a"]
    assert placeholders(text) == ["client_name", "deadline", "executor_name"]


def test_render_never_evaluates_what_is_in_braces():
    result = render("{client_name.__class__} {0} {a[0]}", {"client_name": "x", "a": "y"})
    assert result.text == "{client_name.__class__} {0} {a[0]}"
    assert placeholder_errors("Здравствуйте, {client name}! {}") != []
    assert placeholder_errors("Здравствуйте, {client_name}!") == []


@pytest.mark.django_db
def test_owner_unit_comes_from_the_section_and_codes_are_stable(kb, make_article):
    article = make_article(
        kb["sections"]["internet-sites"],
        kind=ArticlePage.Kind.TYPICAL_ANSWER,
        answer_text="Уважаемый(ая) {client_name}!",
    )
    assert article.owner_unit.short_name == "ОДС"
    assert article.answer_code == "ТО-004", "after the demo's ТО-001…ТО-003"
    draft = article.get_latest_revision_as_object()
    draft.answer_code = None
    draft.title = "Новая редакция"
    draft.save_revision().publish()
    article.refresh_from_db()
    assert article.answer_code == "ТО-004", "the code survives new revisions"
    assert article.render_answer({"client_name": "Мария"}).text == "Уважаемый(ая) Мария!"
    other = make_article(kb["sections"]["internet-sites"], kind=ArticlePage.Kind.FAQ)
    assert other.answer_code is None


@pytest.mark.django_db
def test_typical_answer_needs_text_and_well_formed_placeholders(kb):
    section = kb["sections"]["declarations"]
    article = ArticlePage(title="Без текста", slug="bez-teksta", kind="typical_answer")
    with pytest.raises(ValidationError) as error:
        section.add_child(instance=article)
    assert "answer_text" in error.value.message_dict
    article = ArticlePage(
        title="Плохие скобки",
        slug="plohie",
        kind="faq",
        answer_text="Здравствуйте, {имя заявителя}",
    )
    with pytest.raises(ValidationError):
        section.add_child(instance=article)


@pytest.mark.django_db
def test_legal_act_citation_and_change_date(kb):
    act = LegalAct.objects.get(number="79-ФЗ", date=dt.date(2004, 7, 27))
    assert act.citation == (
        "Федеральный закон от 27.07.2004 № 79-ФЗ «О государственной гражданской службе "
        "Российской Федерации»"
    )
    assert LegalAct.objects.filter(number="79-ФЗ").count() == 2, "two different 79-FZ"
    act.status = LegalAct.Status.AMENDED
    act.save()
    assert act.status_changed_on is not None


@pytest.mark.django_db
def test_body_text_follows_the_published_body_not_drafts(kb, make_article):
    """The body's plain text (what search snippets are cut from) is the live body's
    words: headings, paragraphs and callouts without markup, block styles ("H2",
    "Информация") left out; a draft does not change it, publishing does."""
    article = make_article(
        kb["sections"]["internet-sites"],
        body=[
            ("heading", {"text": "Сроки представления", "level": "h2"}),
            ("paragraph", "<p>Справку подают <b>до 30 апреля</b>.</p>"),
            ("callout", {"kind": "warning", "text": "<p>Опоздание — проступок.</p>"}),
        ],
    )
    article.refresh_from_db()
    assert (
        article.body_text
        == "Сроки представления Справку подают до 30 апреля. Опоздание — проступок."
    )
    draft = article.get_latest_revision_as_object()
    draft.body = [("paragraph", "<p>Новая редакция</p>")]
    revision = draft.save_revision()
    article.refresh_from_db()
    assert "Справку подают" in article.body_text, "a draft leaves the live text"
    revision.publish()
    article.refresh_from_db()
    assert article.body_text == "Новая редакция"
    # A save of chosen fields that include the body keeps the text with it.
    article.body = [("paragraph", "<p>Поправка</p>")]
    article.save(update_fields=["body"])
    assert ArticlePage.objects.get(pk=article.pk).body_text == "Поправка"


def test_editors_write_placeholders_in_russian():
    """Editors write Russian names ({имя_заявителя}); each stands for a value of the case
    (the English keys the cases desk fills), and an unknown Russian name is reported as
    written, for the executor to fill in by hand."""
    text = "Уважаемый(ая) {имя_заявителя}! За {отчётный_год} год — до {срок_представления}."
    result = render(text, {"client_name": "Мария Петровна", "reporting_year": "2025"})
    assert result.text.startswith("Уважаемый(ая) Мария Петровна! За 2025 год")
    assert result.missing == ["срок_представления"]
    assert placeholder_errors(text) == []
    assert placeholder_errors("{имя заявителя}") != []
