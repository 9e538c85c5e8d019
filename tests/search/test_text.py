"""Stems, highlighting and synonyms: pure functions, no database."""

from search import acts
from search.analysis import analyse
from search.highlight import highlight, snippet
from search.services import clean_query
from search.stemming import query_stems, stem, stem_text
from search.synonyms import DEFAULT_GROUPS


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


def alternatives(query):
    return [set(term.alternatives) for term in analyse(query, groups=DEFAULT_GROUPS).terms]


def test_synonyms_are_alternatives_of_inflected_phrases():
    assert "справка о доходах" in alternatives("декларацию")[0]
    assert "декларация" in alternatives("справкой о доходах")[0]
    assert "справки бк" in alternatives("БК")[0]
    assert {"сувенир", "подарок"} <= alternatives("подарили")[0]
    assert alternatives("отпуск") == [{"отпуск"}]
    assert "декларац" in analyse("справки о доходах", groups=DEFAULT_GROUPS).stems


def test_question_and_stop_words_are_dropped_after_stemming():
    # «такое» stems to «так», «какие» to «как»: stop words, not required terms.
    assert query_stems("что такое конфликт интересов") == ["конфликт", "интерес"]
    assert query_stems("какие сведения входят в справку") == ["сведен", "вход", "справк"]
    assert [t.word for t in analyse("можно ли принять подарок", groups=[]).terms] == [
        "принять",
        "подарок",
    ]
    # A query of nothing else keeps them.
    assert query_stems("что такое") == ["что", "так"]


def test_priyom_is_not_the_preposition_pri():
    assert stem("прием") == stem("приема") == stem("приемом") == "прием"
    assert stem_text("приём при входе").split()[0] != stem_text("при")
    assert stem("приемная") == "приемн"


def test_references_to_acts_are_one_term():
    assert acts.split_query("указ 559") == (["указ559"], "")
    assert acts.split_query("Указ № 460") == (["указ460"], "")
    assert acts.split_query("273-ФЗ") == (["фз273"], "")
    assert acts.split_query("ст 12 59 ФЗ") == (["фз59"], "")
    assert acts.split_query("постановление 10 подарки") == (["постановление10"], "подарки")
    assert acts.terms("Указом Президента РФ от 18.05.2009 № 559 и статьёй 10 N 273-ФЗ") == [
        "указ559",
        "фз273",
    ]
    assert acts.terms("распоряжением Правительства РФ от 28.12.2016 N 2867-р") == [
        "распоряжение2867"
    ]
    assert acts.terms("в 2020 году по закону 5 дней") == []


def test_clean_query_keeps_only_words():
    assert clean_query('справка" OR 1=1 -- *') == "справка OR 1 1"
    assert clean_query("  ") == ""
    assert len(clean_query("а" * 1000)) == 200
