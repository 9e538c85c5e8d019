"""Stems, highlighting and synonyms: pure functions, no database."""

from search.highlight import highlight, snippet
from search.services import clean_query
from search.stemming import query_stems, stem_text
from search.synonyms import expand, highlight_stems


def test_inflected_forms_share_a_stem():
    assert query_stems("справкой о доходах") == query_stems("справки о доходах")
    assert query_stems("конфликта интересов") == query_stems("конфликт интересов")
    assert query_stems("ёлка") == query_stems("елка")


def test_stop_words_leave_the_query_but_not_the_index():
    assert query_stems("справка о доходах") == ["справк", "доход"]
    assert stem_text("справка о доходах") == "справк о доход"
    assert query_stems("о") == ["о"]


def test_highlight_marks_stems_and_escapes_html():
    html = str(highlight('Справки <b>о</b> "доходах" & расходах', {"справк", "доход"}))
    assert html == (
        "<mark>Справки</mark> &lt;b&gt;о&lt;/b&gt; &quot;<mark>доходах</mark>&quot; &amp; расходах"
    )


def test_snippet_is_cut_around_the_matches():
    text = " ".join(["слово"] * 100) + " конфликт интересов " + " ".join(["слово"] * 100)
    html = str(snippet(text, {"конфликт", "интерес"}))
    assert "<mark>конфликт</mark> <mark>интересов</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html.split()) < 60


def test_snippet_of_a_text_without_matches_is_its_start():
    assert str(snippet("Первое предложение. Второе.", {"нет"})) == "Первое предложение. Второе."


def test_synonyms_expand_inflected_phrases():
    assert "справка о доходах" in expand("декларацию")
    assert "декларация" in expand("справкой о доходах")
    assert "справки бк" in expand("БК")
    assert expand("отпуск") == []
    assert "декларац" in highlight_stems("справки о доходах")


def test_clean_query_keeps_only_words():
    assert clean_query('справка" OR 1=1 -- *') == "справка OR 1 1"
    assert clean_query("  ") == ""
    assert len(clean_query("а" * 1000)) == 200
