"""Typical answers are for staff (kb.audience): an internal client and an anonymous
visitor never see one, in any place that shows articles: the article's own address, the
section and root listings, the related-articles block, the staff search and its
suggestions, the question form's KB suggestions and the headless API. A typical answer
marked public is hidden too. Each test also checks that staff (a reader, an executor)
still see it, so that the refusal is not a page nobody can open."""

import pytest
from django.test import Client

from kb.models import ArticlePage, ArticleRelation
from tests.kb.conftest import kb, make_article  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

TITLE = "Типовой ответ: сроки уведомления о подарке"
WORD = "подарочного"
REFUSED = ["client", None]
STAFF = ["reader", "executor"]


@pytest.fixture
def answer(kb, make_article):  # noqa: F811
    """A public typical answer in the ОДС section, and a public FAQ relating to it."""
    section = kb["sections"]["declarations"]
    answer = make_article(
        section,
        title=TITLE,
        kind=ArticlePage.Kind.TYPICAL_ANSWER,
        audience=ArticlePage.Audience.PUBLIC,
        summary=f"Ответ о сроках {WORD} уведомления",
        answer_text="Уважаемый(ая) {имя_заявителя}! Уведомление подаётся в течение трёх дней.",
    )
    carrier = make_article(section, title="Памятка о подарках", audience="public")
    carrier.related_links.add(ArticleRelation(target=answer))
    carrier.save_revision().publish()
    return {
        "answer": ArticlePage.objects.get(pk=answer.pk),
        "carrier": ArticlePage.objects.get(pk=carrier.pk),
        "section": section,
    }


def _as(kb, who) -> Client:  # noqa: F811
    client = Client()
    if who is not None:
        client.force_login(kb["users"][who])
    return client


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("who", REFUSED)
def test_the_article_page_is_refused(kb, answer, who):  # noqa: F811
    client = _as(kb, who)
    for url in (answer["answer"].url, answer["answer"].url + "?print=1"):
        response = client.get(url)
        if who is None:
            assert response.status_code == 302 and "/login/" in response["Location"]
        else:
            assert response.status_code == 404
        assert TITLE not in _text(response)
    # The demo's own typical answer too (internal).
    demo = ArticlePage.objects.get(slug="to-srok-spravki")
    assert client.get(demo.url).status_code in (302, 404)


@pytest.mark.parametrize("who", STAFF)
def test_staff_open_the_article_page(kb, answer, who):  # noqa: F811
    response = _as(kb, who).get(answer["answer"].url)
    assert response.status_code == 200 and TITLE in _text(response)


@pytest.mark.parametrize("who", REFUSED)
def test_no_listing_shows_it(kb, answer, who):  # noqa: F811
    client = _as(kb, who)
    section = answer["section"].url
    for url in (section, kb["index"].url, section + "?kind=typical_answer"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert TITLE not in _text(response), url
    # The section's filter offers no «typical answer» kind.
    assert 'value="typical_answer"' not in _text(client.get(answer["section"].url))


def test_staff_listing_shows_it(kb, answer):  # noqa: F811
    html = _as(kb, "reader").get(answer["section"].url).content.decode()
    assert TITLE in html and 'value="typical_answer"' in html


@pytest.mark.parametrize("who", REFUSED)
def test_no_related_block_shows_it(kb, answer, who):  # noqa: F811
    response = _as(kb, who).get(answer["carrier"].url)
    assert response.status_code == 200
    assert TITLE not in _text(response)
    assert "Памятка о подарках" in _text(response)


def test_staff_related_block_shows_it(kb, answer):  # noqa: F811
    assert TITLE in _as(kb, "reader").get(answer["carrier"].url).content.decode()


def test_staff_search_finds_nothing_for_a_client(kb, answer):  # noqa: F811
    from search import services

    client_user = kb["users"]["client"]
    for kind in ("", services.TYPICAL_ANSWER, services.ARTICLE):
        result = services.search(client_user, WORD, kind=kind)
        assert TITLE not in {hit.title for hit in result.hits}, kind
        assert not result.counts.get(services.TYPICAL_ANSWER), kind
    assert services.suggest(client_user, "Типовой ответ") == [] or all(
        item["title"] != TITLE for item in services.suggest(client_user, "Типовой ответ")
    )
    client = _as(kb, "client")
    for url in (
        f"/search/?q={WORD}",
        f"/search/?q={WORD}&kind=typical_answer",
        "/search/suggest/?q=Типовой",
        f"/api/search/?q={WORD}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert TITLE not in _text(response), url
    # The search page offers a client no «typical answers» tab; staff have it.
    assert "Типовые ответы" not in _text(client.get(f"/search/?q={WORD}"))
    assert "Типовые ответы" in _as(kb, "executor").get(f"/search/?q={WORD}").content.decode()
    assert services.hit_for(client_user, services.TYPICAL_ANSWER, answer["answer"].pk) is None
    # Staff do find it.
    staff = services.search(kb["users"]["executor"], WORD, kind=services.TYPICAL_ANSWER)
    assert TITLE in {hit.title for hit in staff.hits}


def test_anonymous_search_finds_nothing(kb, answer):  # noqa: F811
    from django.contrib.auth.models import AnonymousUser

    from search import services

    result = services.search(AnonymousUser(), WORD)
    assert TITLE not in {hit.title for hit in result.hits}


def test_question_form_suggestions_leave_it_out(kb, answer):  # noqa: F811
    client = _as(kb, "client")
    response = client.get("/cases/new/suggestions/", {"subject": f"Сроки {WORD} уведомления"})
    assert response.status_code == 200
    assert TITLE not in _text(response)
    # Opening it by its key, as a suggestion's link would, is refused.
    from django.urls import reverse

    opened = client.get(reverse("cases:suggestion_open", args=[answer["answer"].pk]))
    assert opened.status_code == 404


@pytest.mark.parametrize("who", REFUSED)
def test_the_api_never_serves_it(kb, answer, who):  # noqa: F811
    client = _as(kb, who)
    pk = answer["answer"].pk
    for url in (
        "/api/v2/kb/?limit=100",
        "/api/v2/kb/?kind=typical_answer",
        f"/api/v2/kb/?search={WORD}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert pk not in {item["id"] for item in response.json()["items"]}, url
    assert client.get(f"/api/v2/kb/{pk}/").status_code == 404
    found = client.get(f"/api/v2/kb/find/?html_path={answer['answer'].url_path}")
    assert found.status_code == 404


def test_the_api_serves_it_to_staff(kb, answer):  # noqa: F811
    response = _as(kb, "executor").get(f"/api/v2/kb/{answer['answer'].pk}/")
    assert response.status_code == 200 and response.json()["answer_text"]


def test_a_client_who_is_also_an_executor_is_staff(kb, answer):  # noqa: F811
    from intranet import roles
    from kb.audience import sees_typical_answers
    from tests.factories import UserFactory

    both = UserFactory(roles=[roles.CLIENTS, roles.EXECUTORS])
    only = UserFactory(roles=[roles.CLIENTS])
    assert sees_typical_answers(both) and not sees_typical_answers(only)


def test_clients_and_staff_do_not_share_cached_fragments(kb, answer, settings):  # noqa: F811
    """The section list cached for a reader (with the typical answer) is not served to
    a client: they are different visibility classes (kb.caching)."""
    settings.KB_FRAGMENT_CACHE_SECONDS = 600
    url = answer["section"].url
    assert TITLE in _as(kb, "reader").get(url).content.decode()
    assert TITLE not in _as(kb, "client").get(url).content.decode()
