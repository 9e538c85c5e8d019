"""Russian morphology on whichever database the tests run on (SQLite by default,
PostgreSQL with DATABASE_URL): the same queries must find the same documents."""

import pytest

from search import services

pytestmark = pytest.mark.django_db

# query -> (kind, title) that must be found by it
MORPHOLOGY = [
    ("справкой о доходах", ("article", "Как заполнить справки о доходах за отчётный год")),
    ("справку о доходах", ("typical_answer", "Типовой ответ: срок представления справки")),
    ("конфликта интересов", ("article", "Что такое конфликт интересов")),
    ("конфликтом интересов", ("article", "Что такое конфликт интересов")),
    ("о подарке", ("article", "Подарки на официальных мероприятиях")),
    ("личной заинтересованностью", ("article", "Что такое конфликт интересов")),
    ("справками БК", ("article", "Как заполнить справки о доходах за отчётный год")),
    ("доходы супруги", ("case", "Справка о доходах супруги в декретном отпуске")),
    ("декретных отпусков", ("case", "Справка о доходах супруги в декретном отпуске")),
    # synonyms on the database backends
    ("декларация", ("article", "Как заполнить справки о доходах за отчётный год")),
    ("декларацию за отчётный год", ("article", "Как заполнить справки о доходах за отчётный год")),
]


@pytest.mark.parametrize(("query", "expected"), MORPHOLOGY)
def test_inflected_query_finds_the_document(corpus, found, query, expected):
    # The client sent the case above; typical answers are for staff (docs/knowledge_base.md).
    user = corpus.users["reader" if expected[0] == "typical_answer" else "client"]
    assert expected in found(user, query)


def test_highlighted_snippet_marks_other_forms(corpus):
    result = services.search(corpus.users["reader"], "справкой о доходах", kind="article")
    hit = next(h for h in result.hits if h.title.startswith("Как заполнить"))
    assert "<mark>справки</mark>" in str(hit.title_html)
    assert "<mark>доходах</mark>" in str(hit.title_html)
    assert "<mark>" in str(hit.snippet)


def test_article_snippet_is_cut_from_the_body_text(corpus):
    """The snippet of an article comes from its stored plain text (summary, body,
    typical answer text); an article saved before that text was kept (NULL) has its
    body read instead, with the same result."""
    from kb.models import ArticlePage

    def snippet():
        result = services.search(corpus.users["reader"], "программа справки бк", kind="article")
        (hit,) = [h for h in result.hits if h.pk == corpus.articles.declaration.pk]
        return str(hit.snippet)

    stored = snippet()
    assert "«<mark>Справки</mark> <mark>БК</mark>»" in stored, stored
    assert "<p>" not in stored
    ArticlePage.objects.filter(pk=corpus.articles.declaration.pk).update(body_text=None)
    assert snippet() == stored


def test_unrelated_query_finds_nothing(corpus):
    result = services.search(corpus.users["registrar"], "космодром ракета")
    assert result.total == 0
    assert all(count == 0 for count in result.counts.values())


def test_words_found_only_apart_fall_back_to_any_word(corpus):
    result = services.search(corpus.users["reader"], "подарок космодром")
    assert result.any_word
    assert result.notices
    assert result.counts["article"] >= 1


def test_suggestions_complete_title_prefixes(corpus):
    titles = [item["title"] for item in services.suggest(corpus.users["reader"], "Подар")]
    assert "Подарки на официальных мероприятиях" in titles
    titles = [item["title"] for item in services.suggest(corpus.users["reader"], "что такое конф")]
    assert titles == ["Что такое конфликт интересов"]


def test_typical_answers_for_a_case_text(corpus):
    case = corpus.cases.own
    hits = services.typical_answers_for(corpus.users["executor"], f"{case.subject} {case.text}")
    assert [hit.title for hit in hits] == ["Типовой ответ: срок представления справки"]


def test_typical_answers_for_a_case_are_cached_until_the_kb_changes(
    corpus, django_assert_max_num_queries
):
    """The case page asks again after every action: the second time the hits come from
    the cache (no search), for a colleague of the same visibility class too, never for
    someone who may open other articles; a change published in the knowledge base (the
    KB's generation) makes them stale."""
    from kb import caching
    from kb.models import ArticlePage

    case = corpus.cases.own
    text = f"{case.subject} {case.text}"
    generation = caching.generation()
    first = services.typical_answers_for(corpus.users["executor"], text)
    assert [hit.title for hit in first] == ["Типовой ответ: срок представления справки"]
    # The generation, the view restrictions with their groups, the user's groups (for
    # the restrictions and for the audience): no search.
    with django_assert_max_num_queries(5):
        again = services.typical_answers_for(corpus.users["executor2"], text)
    assert again == first
    # The head may read the restricted methodology (another visibility class): searched.
    with pytest.raises(pytest.fail.Exception), django_assert_max_num_queries(5):
        services.typical_answers_for(corpus.users["head"], text)

    page = ArticlePage.objects.get(pk=corpus.articles.typical.pk)
    page.title = "Типовой ответ: срок сдачи справки"
    page.save_revision().publish()
    assert caching.generation() != generation
    hits = services.typical_answers_for(corpus.users["executor"], text)
    assert [hit.title for hit in hits] == ["Типовой ответ: срок сдачи справки"]


def test_typical_answers_are_not_cached_when_the_kb_cache_is_off(
    corpus, settings, django_assert_max_num_queries
):
    settings.KB_FRAGMENT_CACHE_SECONDS = 0
    case = corpus.cases.own
    text = f"{case.subject} {case.text}"
    services.typical_answers_for(corpus.users["executor"], text)
    with pytest.raises(pytest.fail.Exception), django_assert_max_num_queries(5):
        services.typical_answers_for(corpus.users["executor"], text)


def test_typical_answers_are_not_cached_for_a_session_past_a_password(
    corpus, rf, django_assert_max_num_queries
):
    """A session that has opened a password-protected page may find more than its user's
    visibility class: its typical answers are neither cached nor served from the cache."""
    from wagtail.models import PageViewRestriction

    case = corpus.cases.own
    text = f"{case.subject} {case.text}"
    request = rf.get("/")
    request.user = corpus.users["executor"]
    request.session = {PageViewRestriction.passed_view_restrictions_session_key: [1]}
    services.typical_answers_for(request.user, text, request=request)
    with pytest.raises(pytest.fail.Exception), django_assert_max_num_queries(5):
        services.typical_answers_for(request.user, text, request=request)
