"""Restricted knowledge-base material must not leak through any side door: the section
listing, the related-articles block, search and its suggestions, the headless API
(listing, search, detail, find), the admin's page chooser, the page's own address and
the admin's draft views (view draft, preview while editing, a revision's preview, the
edit form, the comparison of revisions). Three kinds of restricted material: an article
with a Wagtail view restriction to one group, an article that was never published, and
an unpublished revision of a live article. Checked from the side of a reader, an
internal client, anonymous visitors and staff of another unit; the owning unit's editor
and head open the same draft URLs and do see the text, so the URLs are the real ones."""

import html
import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
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
        response = client.get(page.url)  # the draft's address is the one it was live at
        assert response.status_code in (302, 403, 404), (page.url, response.status_code)
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


# ------------------------------------------------------------ drafts and revisions

DRAFT_TEXT = "Проект: порог для цифровых кошельков — триста тысяч рублей"
REVISION_TEXT = "Новая редакция: сведения представляются до первого июля"
LIVE_TEXT = "Действующая редакция: сведения представляются до тридцатого апреля"
PREVIEW_TEXT = "Набранный, но не сохранённый текст предпросмотра"
SECRETS = (DRAFT_TEXT, REVISION_TEXT, PREVIEW_TEXT)

# Who may not see the drafts of the ОДС section «declarations»: anonymous visitors,
# readers, internal clients, an executor of the same unit (no KB rights) and the editor
# and the head of another unit (ОКИ).
OUTSIDERS = [None, "reader", "client", "executor", "editor2", "head2"]
# Who may: the owning unit's (ОДС) section editor and head (kb.ownership).
OWNERS = ["editor", "head"]


def _shows(content: bytes, text: str) -> bool:
    """True when `text` is in the response in any form a page or JSON carries it: as
    is, HTML-escaped, or JSON-escaped (the admin's StreamField data is \\u-escaped)."""
    body = content.decode(errors="replace")
    forms = {text, html.escape(text), json.dumps(text)[1:-1], html.escape(json.dumps(text)[1:-1])}
    return any(form in body for form in forms)


def _preview_form(page, summary: str) -> dict:
    """The smallest edit form the admin's preview accepts (required fields are deferred
    in previews): the title and summary, empty body and inline formsets."""
    data = {
        "title": page.title,
        "slug": page.slug,
        "kind": page.kind,
        "audience": page.audience,
        "summary": summary,
        "body-count": "0",
        "last_reviewed_on": page.last_reviewed_on.isoformat(),
        "review_interval_days": str(page.review_interval_days),
    }
    for formset in ("attachments", "related_links"):
        for field, value in (("TOTAL", "0"), ("INITIAL", "0"), ("MIN_NUM", "0"),
                             ("MAX_NUM", "1000")):  # fmt: skip
            data[f"{formset}-{field}_FORMS"] = value
    return data


@pytest.fixture
def drafts(kb, make_article):  # noqa: F811
    """In the ОДС section: an article saved as a draft and never published, and a public
    live article whose latest revision (with new text) waits unpublished. Both drafts
    are saved by the section's editor; the secret text is in the summary (a plain field
    of the edit form) and in the body."""
    section = kb["sections"]["declarations"]
    editor = kb["users"]["editor"]
    draft = ArticlePage(title="Пороги для цифровых кошельков", slug="draft-wallet-thresholds",
                        summary=DRAFT_TEXT, body=[("paragraph", f"<p>{DRAFT_TEXT}</p>")],
                        live=False)  # fmt: skip
    section.add_child(instance=draft)
    draft_revision = draft.save_revision(user=editor)
    pending = make_article(
        section,
        title="Сроки представления сведений",
        summary=LIVE_TEXT,
        body=[("paragraph", f"<p>{LIVE_TEXT}</p>")],
        audience="public",
    )
    pending = ArticlePage.objects.get(pk=pending.pk)
    pending.summary = REVISION_TEXT
    pending.body = [("paragraph", f"<p>{REVISION_TEXT}</p>")]
    pending_revision = pending.save_revision(user=editor)
    draft.refresh_from_db()
    pending.refresh_from_db()
    assert not draft.live and pending.live and pending.has_unpublished_changes
    return {"draft": (draft, draft_revision, DRAFT_TEXT),
            "pending": (pending, pending_revision, REVISION_TEXT)}  # fmt: skip


def _draft_views(page, revision) -> dict[str, str]:
    """The admin's URLs that render a page's unpublished content."""
    urls = {
        "view draft": reverse("wagtailadmin_pages:view_draft", args=[page.pk]),
        "revision preview": reverse(
            "wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk]
        ),
        "preview on edit": reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]),
        "edit form": reverse("wagtailadmin_pages:edit", args=[page.pk]),
    }
    if page.live:
        urls["comparison with live"] = reverse(
            "wagtailadmin_pages:revisions_compare", args=[page.pk, "live", revision.pk]
        )
    return urls


def _open_as_owner(client, page, revision, text) -> None:
    """The owner opens every draft view of `page` and sees its unpublished text."""
    for name, url in _draft_views(page, revision).items():
        if name == "preview on edit":
            posted = client.post(url, _preview_form(page, PREVIEW_TEXT))
            assert posted.json() == {"is_valid": True, "is_available": True}
            response = client.get(url)
            assert response.status_code == 200
            assert _shows(response.content, PREVIEW_TEXT), name
            continue
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        if name != "comparison with live":  # shows the difference, not the whole text
            assert _shows(response.content, text), name


def test_the_owning_unit_sees_its_drafts_at_the_draft_urls(kb, drafts):  # noqa: F811
    """The URLs checked below are the real ones: the section's own editor and head open
    each of them and the unpublished text is there. (Roles are looped, not parametrized:
    each test seeds the whole demo.)"""
    for who in OWNERS:
        client = _as(kb["users"][who])
        for page, revision, text in drafts.values():
            _open_as_owner(client, page, revision, text)
        # The comparison shows the revision's new words against the live ones.
        page, revision, _text = drafts["pending"]
        compare = client.get(_draft_views(page, revision)["comparison with live"])
        assert "первого июля" in compare.content.decode(), who


def _refused(response, who) -> bool:
    """403, 404, or a redirect to a sign-in page (anonymous visitors and users without
    admin access) or to the admin's dashboard (Wagtail's refusal for staff without the
    page's rights)."""
    if response.status_code in (403, 404):
        return True
    if response.status_code != 302:
        return False
    location = response["Location"]
    # A signed-in person with admin access is sent to the dashboard, or from the edit
    # address to the section's read-only listing (kb.readonly), which lists no drafts.
    return location.startswith(("/admin/login/", "/accounts/login/", "/login/")) or (
        who is not None and (location == "/admin/" or location.startswith("/admin/kb/sections/"))
    )


def test_drafts_stay_closed_to_everyone_outside_the_owning_unit(kb, drafts):  # noqa: F811
    # The owner works on the drafts first (the previous test checks what they see):
    # whatever those views leave in a cache must not reach anybody else.
    owner = _as(kb["users"]["editor"])
    for page, revision, _text in drafts.values():
        for name, url in _draft_views(page, revision).items():
            if name == "preview on edit":
                owner.post(url, _preview_form(page, PREVIEW_TEXT))
            owner.get(url)
    for who in OUTSIDERS:
        _assert_closed_to(_as(kb["users"][who] if who else None), who, drafts)


def _assert_closed_to(client, who, drafts) -> None:
    for page, revision, _text in drafts.values():
        for name, url in _draft_views(page, revision).items():
            response = client.get(url)
            where = (who, name, response.status_code, response.get("Location"))
            assert _refused(response, who), where
            assert not any(_shows(response.content, s) for s in SECRETS), where
            if response.status_code == 302:  # the page it is sent to shows nothing either
                landing = client.get(response["Location"])
                assert not any(_shows(landing.content, s) for s in SECRETS), where
        preview = _draft_views(page, revision)["preview on edit"]
        posted = client.post(preview, _preview_form(page, "Подложенный текст"))
        assert _refused(posted, who), (who, "preview post", posted.status_code)
    # The never-published article has no page at its address for anyone.
    draft = drafts["draft"][0]
    response = client.get(draft.url)
    assert response.status_code in (302, 404), (who, "draft's address", response.status_code)
    assert not _shows(response.content, DRAFT_TEXT), (who, "draft's address")
    # The live article shows its published text, never the waiting revision.
    pending = drafts["pending"][0]
    response = client.get(pending.url)
    assert response.status_code == 200, (who, "live article", response.status_code)
    leaked = [s for s in SECRETS if _shows(response.content, s)]
    assert not leaked, (who, "live article", leaked)
    assert _shows(response.content, LIVE_TEXT), (who, "live article")


def test_once_published_the_draft_is_at_its_address(kb, drafts):  # noqa: F811
    """The addresses the outsiders were refused are the articles' real ones: after the
    head publishes, a reader finds the text there."""
    head, reader = kb["users"]["head"], _as(kb["users"]["reader"])
    for page, revision, text in drafts.values():
        revision.publish(user=head)
        response = reader.get(page.url)
        assert response.status_code == 200
        assert _shows(response.content, text)
