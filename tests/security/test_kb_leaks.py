"""Restricted knowledge-base material must not leak through any side door: the section
listing, the related-articles block, search and its suggestions, the headless API
(listing, search, detail, find), the admin's page chooser. Two kinds of restricted
material: an article with a Wagtail view restriction to one group, and an unpublished
draft. Checked from the side of a reader, an internal client and anonymous visitors."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import PageViewRestriction

from kb.models import ArticlePage, ArticleRelation
from tests.kb.conftest import kb, make_article  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

SECRET = "Методика внутренней проверки деклараций"
DRAFT = "Проект разъяснения о цифровых активах"
WORD = "деклараций"


@pytest.fixture
def restricted(kb, make_article):  # noqa: F811
    section = kb["sections"]["declarations"]
    secret = make_article(section, title=SECRET, summary=f"Закрытая методика проверки {WORD}",
                          audience="public")  # fmt: skip
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.GROUPS
    )
    group, _ = Group.objects.get_or_create(name="Проверяющие (тест утечек)")
    restriction.groups.add(group)
    kb["users"]["head"].groups.add(group)
    draft = make_article(section, title=DRAFT, summary="Черновик о цифровых активах")
    draft.unpublish()
    carrier = make_article(section, title="Памятка со связанными статьями", audience="public")
    carrier.related_links.add(ArticleRelation(target=secret))
    carrier.related_links.add(ArticleRelation(target=draft))
    carrier.save_revision().publish()
    return {"secret": secret, "draft": draft, "carrier": ArticlePage.objects.get(pk=carrier.pk),
            "section": section}  # fmt: skip


def _as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _leaks(text: str) -> list[str]:
    return [title for title in (SECRET, DRAFT) if title in text]


@pytest.mark.parametrize("who", ["reader", "client", None])
def test_nothing_restricted_in_any_listing_search_or_api(kb, restricted, who):  # noqa: F811
    client = _as(kb["users"][who] if who else None)
    secret, draft = restricted["secret"], restricted["draft"]
    pages = [restricted["section"].url, restricted["carrier"].url]
    if who:  # the staff search and the section page need a signed-in user
        pages += [
            f"/search/?q={WORD}",
            f"/search/?q={WORD}&kind=article",
            "/search/suggest/?q=Методика",
            "/search/suggest/?q=Проект",
            f"/api/search/?q={WORD}",
            "/api/search/suggest/?q=Методика",
        ]
    pages += [
        "/api/v2/kb/?limit=100",
        f"/api/v2/kb/?search={WORD}",
        "/api/v2/kb/?search=Методика",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert not _leaks(response.content.decode()), (url, who)
    for page in (secret, draft):
        assert client.get(f"/api/v2/kb/{page.pk}/").status_code == 404
        found = client.get(f"/api/v2/kb/find/?html_path={page.url_path}")
        assert found.status_code == 404
        response = client.get(page.url) if page.live else client.get(f"/kb-draft-{page.pk}/")
        assert response.status_code in (302, 403, 404)
        assert not _leaks(response.content.decode())


def test_the_group_that_may_read_it_does_find_it(kb, restricted):  # noqa: F811
    """The restriction is real, not a page nobody can open: its group finds it."""
    client = _as(kb["users"]["head"])
    assert client.get(restricted["secret"].url).status_code == 200
    from search import services

    result = services.search(kb["users"]["head"], "методика проверки деклараций", kind="article")
    assert SECRET in {hit.title for hit in result.hits}
    assert SECRET in client.get(restricted["carrier"].url).content.decode()


def test_admin_page_chooser_is_closed_to_readers_and_clients(kb, restricted):  # noqa: F811
    for who in ("reader", "client"):
        client = _as(kb["users"][who])
        for url in ("/admin/choose-page/", f"/admin/choose-page/search/?q={WORD}",
                    f"/admin/choose-page/{restricted['section'].pk}/"):  # fmt: skip
            response = client.get(url)
            assert response.status_code in (302, 403), (url, who)
            assert not _leaks(response.content.decode())
