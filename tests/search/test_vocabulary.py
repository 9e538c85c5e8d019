"""Ranking and the words people type (issue 21), on whichever database the tests run
on (SQLite by default, PostgreSQL with DATABASE_URL): length normalisation and field
weights, question words, «приём», synonyms kept in the admin, acts by number, typos
with a suggestion, the wrong keyboard layout."""

import pytest

from search import services, vocabulary

pytestmark = pytest.mark.django_db


def article(corpus, title, *, summary="", paragraphs=(), acts=()):
    from kb.demo import publish_article
    from kb.models import ArticlePage

    body = [("paragraph", "".join(f"<p>{text}</p>" for text in paragraphs))] if paragraphs else []
    return publish_article(
        corpus.sections["declarations"],
        title=title,
        slug=f"test-{abs(hash(title)) % 10**8}",
        kind=ArticlePage.Kind.FAQ,
        summary=summary,
        body=body,
        legal_acts=list(acts),
    )


def titles(user, query, kind="article"):
    return [hit.title for hit in services.search(user, query, kind=kind).hits]


FILLER = (
    "Отдел ведёт учёт поступающих документов, готовит проекты ответов, согласует их с "
    "руководителем и направляет заявителю в установленный срок. "
)


def test_short_answer_outranks_long_document_mentioning_the_words(corpus):
    # A long procedure that mentions the words again and again, and a short article
    # whose summary answers: the short one first, on every backend.
    article(
        corpus,
        "Регламент работы отдела кадров",
        paragraphs=[FILLER * 30 + "Декретный отпуск оформляется приказом. " + FILLER * 30] * 6,
    )
    article(
        corpus,
        "Памятка для сотрудников",
        summary="Справку за супругу в декретном отпуске сдают как обычно.",
    )
    found = titles(corpus.users["reader"], "декретный отпуск")
    assert found.index("Памятка для сотрудников") < found.index("Регламент работы отдела кадров")


def test_summary_outranks_body(corpus):
    article(corpus, "Вопрос первый", paragraphs=["Про командировку за границу тоже спрашивают."])
    article(corpus, "Вопрос второй", summary="Командировка за границу и справка.")
    found = titles(corpus.users["reader"], "командировка за границу")
    assert found[:2] == ["Вопрос второй", "Вопрос первый"]


def test_question_words_are_not_required(corpus):
    # «такое» and «какие» stem to stop words: the articles are found without them.
    assert "Подарки на официальных мероприятиях" in titles(
        corpus.users["reader"], "какие подарки на официальных мероприятиях"
    )
    result = services.search(corpus.users["reader"], "что такое подарки", kind="article")
    assert not result.any_word
    assert result.hits[0].title == "Подарки на официальных мероприятиях"


def test_priyom_is_not_the_preposition(corpus):
    article(corpus, "Часы работы", summary="Приём посетителей по вторникам.")
    article(corpus, "Справка при увольнении", summary="Что сдать при уходе со службы.")
    for query in ("приём", "прием", "приёма посетителей"):
        found = titles(corpus.users["reader"], query)
        assert "Часы работы" in found, query
        assert "Справка при увольнении" not in found, query


def test_synonym_kept_in_the_admin_applies_at_once(corpus, client):
    from django.urls import reverse

    from search.models import SynonymGroup

    reader = corpus.users["reader"]
    assert titles(reader, "презент") == []
    url = reverse("search_synonyms:add")
    # Staff with admin access but not the knowledge base's editors: refused.
    client.force_login(corpus.users["executor"])
    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {"terms": "подарок, презент"}).status_code in (302, 403)
    assert not SynonymGroup.objects.filter(terms__contains="презент").exists()
    client.force_login(corpus.users["editor"])
    assert client.get(reverse("search_synonyms:index")).status_code == 200
    response = client.post(url, {"terms": "подарок, презент", "note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Подарки на официальных мероприятиях" in titles(reader, "презент")
    # A group of one word is refused with a Russian message; what was typed stays.
    response = client.post(url, {"terms": "сувенирчик", "note": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "хотя бы два" in html and "сувенирчик" in html


def test_yo_and_ye_are_the_same_letter(corpus):
    article(corpus, "Отчёт о проверке", summary="Итоги проверки за четвёртый квартал.")
    for query in ("отчет о проверке", "отчёт о проверке", "четвертый квартал"):
        assert "Отчёт о проверке" in titles(corpus.users["reader"], query), query


def test_act_reference_finds_every_article_citing_the_act(corpus):
    from kb.models import LegalAct

    decree = LegalAct.objects.create(
        kind=LegalAct.Kind.PRESIDENTIAL_DECREE, number="559", date="2009-05-18", title="О сведениях"
    )
    law = LegalAct.objects.create(
        kind=LegalAct.Kind.FEDERAL_LAW, number="59-ФЗ", date="2006-05-02", title="Об обращениях"
    )
    article(corpus, "Сроки справок", summary="Когда сдавать.", acts=[decree])
    article(corpus, "Проверка сведений", paragraphs=["Согласно Указу Президента РФ № 559."])
    article(corpus, "Ответы на обращения", summary="Тридцать дней.", acts=[law])
    article(corpus, "Другое", paragraphs=["Пункт 559 перечня и указ губернатора."])
    reader = corpus.users["reader"]
    for query in ("указ 559", "Указ № 559", "указа 559"):
        assert set(titles(reader, query)) == {"Сроки справок", "Проверка сведений"}, query
    assert titles(reader, "ст. 12 59-ФЗ") == ["Ответы на обращения"]
    assert titles(reader, "59 фз") == ["Ответы на обращения"]


def test_typo_is_corrected_when_nothing_is_found(corpus):
    vocabulary.rebuild()
    reader = corpus.users["reader"]
    result = services.search(reader, "подакри", kind="article")
    assert result.corrected == "подарки"
    assert "Подарки на официальных мероприятиях" in {hit.title for hit in result.hits}
    assert any("подарки" in notice for notice in result.notices)
    # Known words are left alone.
    assert services.search(reader, "подарки", kind="article").corrected == ""


def test_typo_suggestion_when_little_is_found(corpus):
    vocabulary.rebuild()
    # «справкм» finds nothing, «конфликт» finds little: the whole query is offered.
    result = services.search(corpus.users["reader"], "конфликт интерисов")
    assert result.total >= 1
    assert result.suggestion == "конфликт интересов" or result.corrected == "конфликт интересов"


def test_typo_suggestion_when_any_word_alone_finds_plenty(demo):
    """«конфликт» alone finds several articles of the demo, so the any-word fallback
    shows them; the misspelt «интерсов» still gets «Возможно, вы имели в виду …»."""
    from django.contrib.auth import get_user_model

    vocabulary.rebuild()
    reader = get_user_model().objects.get(username="reader")
    assert services.search(reader, "конфликт").total >= 3
    result = services.search(reader, "конфликт интерсов")
    assert result.total >= 3
    assert result.suggestion == "конфликт интересов"
    # A query whose every word finds plenty is left alone.
    assert services.search(reader, "конфликт интересов").suggestion == ""


def test_wrong_keyboard_layout_is_read_as_russian(corpus):
    vocabulary.rebuild()
    reader = corpus.users["reader"]
    result = services.search(reader, "gjlfhrb", kind="article")  # «подарки»
    assert result.query == "gjlfhrb"
    assert result.corrected == "подарки"
    assert "Подарки на официальных мероприятиях" in {hit.title for hit in result.hits}
    # Latin words that are no Russian word of the knowledge base stay as typed.
    assert services.search(reader, "email", kind="article").corrected == ""


def test_vocabulary_holds_no_word_of_a_case(corpus):
    vocabulary.rebuild()
    from search.models import VocabularyWord

    assert VocabularyWord.objects.filter(word="декретном").count() == 0  # a case's word
    assert VocabularyWord.objects.filter(word="подарки").exists()


def test_elasticsearch_analyzer_gets_the_admin_synonyms_and_the_acts(corpus):
    from search.backends._elasticsearch import search_analysis
    from search.models import SynonymGroup

    SynonymGroup.objects.create(terms="подарок, презент")
    analysis = search_analysis()
    assert "подарок, презент" in analysis["filter"]["domain_synonyms"]["synonyms"]
    search_chain = analysis["analyzer"]["default_search"]
    assert "domain_synonyms" in search_chain["filter"]
    # Stop words after stemming; the acts read at search time as at index time.
    assert search_chain["filter"].index("russian_stop") > search_chain["filter"].index(
        "russian_stemmer"
    )
    assert {"act_decree", "act_law"} <= set(search_chain["char_filter"])
    assert analysis["char_filter"]["act_decree"]["type"] == "pattern_replace"


@pytest.mark.parametrize("version", ["8", "9"])
def test_elasticsearch_query_reads_every_field_with_the_projects_boosts(version):
    """A search of every field reads Elasticsearch's catch-all field and the boost fields
    of this project's classes (search.fields: title 5, summary and keywords 2.5, …), a
    model's own boosts replaced; a search of named fields keeps modelsearch's way with
    those boosts too. Built without a server: the query body only."""
    import importlib

    from modelsearch.query import PlainText

    from kb.models import ArticlePage

    backend = importlib.import_module(f"search.backends.elasticsearch{version}")
    compiler = backend.SearchQueryCompiler(ArticlePage.objects.all(), PlainText("подарок"))
    fields = compiler.get_inner_query()["multi_match"]["fields"]
    assert fields[0] == "_all_text"
    assert {"_all_text_boost_5_0^5.0", "_all_text_boost_2_5^2.5"} <= set(fields)
    named = backend.SearchQueryCompiler(
        ArticlePage.objects.all(), PlainText("подарок"), fields=["title"]
    )
    assert named.get_inner_query() == {
        "match": {"title": {"query": "подарок", "operator": "and", "boost": 5.0}}
    }
