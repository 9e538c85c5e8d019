"""The whole-response cache of articles (kb.page_cache): a second read is served before
Wagtail's routing and is the same page; what is personal stays personal; no reader
ever gets, through the cache, an article their visibility class may not open; every
change a reader could see reaches the cached page at once; the browser gets a private,
revalidated copy with an ETag."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from kb.models import ArticlePage, LegalAct

pytestmark = pytest.mark.django_db

SECRET = "Закрытая методика для проверяющих"


def _client(kb, username):
    client = Client()
    if username:
        client.force_login(kb["users"][username])
    return client


def _same(html: str) -> str:
    """The page with the per-response masked CSRF tokens left out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _routed(captured, slug) -> bool:
    return any(f"""."slug" = '{slug}'""" in q["sql"] for q in captured.captured_queries)


def test_a_second_read_skips_routing_and_is_the_same_page(kb, make_article):
    section = kb["sections"]["declarations"]
    article = make_article(
        section, title="Статья для чтения", slug="cached-read", audience="public"
    )
    for who in ("reader", "client", "editor", "head", "admin", None):
        client = _client(kb, who)
        with CaptureQueriesContext(connection) as first:
            cold = client.get(article.url)
        with CaptureQueriesContext(connection) as second:
            warm = client.get(article.url)
        assert cold.status_code == warm.status_code == 200, who
        if who == "reader":  # the first reader of all: Wagtail routed and rendered it
            assert _routed(first, "cached-read")
        assert not _routed(second, "cached-read"), who
        assert len(second.captured_queries) < len(first.captured_queries), who
        assert _same(warm.content.decode()) == _same(cold.content.decode()), who
        assert warm["Cache-Control"] == cold["Cache-Control"] == "private, no-cache"
        assert warm["ETag"] == cold["ETag"], who
        for response in (cold, warm):  # no marker of the personal parts is left
            assert not re.search(r"<!--/?[0-9a-f]{16}[:>-]", response.content.decode())
            assert "csrf-placeholder" not in response.content.decode()
    # Another reader of a class already served gets the entry on their first read.
    with CaptureQueriesContext(connection) as routed:
        _client(kb, "executor2").get(f"{article.url}")
    assert not _routed(routed, "cached-read")


def test_personal_parts_stay_personal(kb, make_article):
    from kb.following import set_following
    from kb.models import ArticleFeedback

    section = kb["sections"]["declarations"]
    article = make_article(section, title="Общая статья", slug="shared-read")
    reader, executor = kb["users"]["reader"], kb["users"]["executor"]
    set_following(reader, article, True)
    first = _client(kb, "reader")
    mine = first.get(article.url).content.decode()  # fills the cache
    assert reader.get_short_name() in mine and "Не следить за статьёй" in mine

    second = _client(kb, "executor")
    set_following(executor, section, True)
    html = second.get(article.url).content.decode()
    assert "Вы следите за всем разделом" in html
    assert "Вы следите за всем разделом" not in first.get(article.url).content.decode()
    assert executor.get_short_name() in html and reader.get_short_name() not in html
    assert "Следить за изменениями статьи" in html and "Не следить за статьёй" not in html
    # The executor's own CSRF token: the cached page's forms work for them.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(executor)
    csrf_client.cookies = second.cookies
    response = csrf_client.post(
        f"/kb/feedback/{article.pk}/", {"helpful": "yes", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302, response.status_code
    assert ArticleFeedback.objects.filter(article=article, user=executor).exists()
    # A message for the executor after the feedback shows on their page only.
    after = second.get(article.url).content.decode()
    assert 'class="message' in after
    assert 'class="message' not in first.get(article.url).content.decode()


def test_the_acknowledgement_notice_and_box_are_the_assignees(kb):
    from kb.acknowledgements.models import Line

    line = (
        Line.objects.filter(user__username="reader", confirmed_at=None)
        .select_related("sheet__article")
        .first()
    )
    article = line.sheet.article.specific
    from tests.factories import UserFactory

    other = Client()
    other.force_login(UserFactory())  # a reader nobody asked, of the reader's class
    assert "kb-ack-notice" not in other.get(article.url).content.decode()
    html = _client(kb, "reader").get(article.url).content.decode()
    assert "kb-ack-notice" in html and "button-acknowledge" in html
    html = other.get(article.url).content.decode()
    assert "kb-ack-notice" not in html and "button-acknowledge" not in html


@pytest.fixture
def group_restricted(kb, make_article):
    """A group-restricted article, and an article in a group-restricted section; the head
    is in the group, the reader and the client are not."""
    section = kb["sections"]["declarations"]
    group, _created = Group.objects.get_or_create(name="Проверяющие (тест кэша страниц)")
    kb["users"]["head"].groups.add(group)
    secret = make_article(section, title=SECRET, audience="public")
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    closed = kb["sections"]["prohibitions"]
    inside = make_article(closed, title=f"{SECRET} (раздел)", audience="public")
    restriction = PageViewRestriction.objects.create(
        page=closed, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    return [secret.url, inside.url]


def test_a_restricted_article_never_reaches_a_refused_reader(kb, group_restricted):
    """Whoever fills the cache first (each order in turn, the cache emptied between)."""
    from django.core.cache import cache

    for first in ("head", "reader", "client", None):
        cache.clear()
        order = [first] + [who for who in ("head", "reader", "client", None) if who != first]
        for who in order:
            client = _client(kb, who)
            for url in group_restricted:
                for _twice in range(2):
                    response = client.get(url)
                    shown = response.status_code == 200 and SECRET in response.content.decode()
                    assert shown == (who == "head"), (who, url, order, response.status_code)


def test_a_password_given_in_one_session_opens_nothing_for_another(kb, make_article):
    section = kb["sections"]["declarations"]
    article = make_article(section, title=SECRET, audience="public")
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="пароль-1"
    )
    insider = _client(kb, "reader")
    form = insider.get(article.url)
    assert SECRET not in form.content.decode()
    insider.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{article.pk}/",
        {"password": "пароль-1", "return_url": article.url},
    )
    assert SECRET in insider.get(article.url).content.decode()
    assert SECRET in insider.get(article.url).content.decode()
    outsider = _client(kb, "executor")
    assert SECRET not in outsider.get(article.url).content.decode()


def test_a_typical_answer_is_not_served_to_an_internal_client_from_staffs_entry(kb):
    answer = ArticlePage.objects.live().filter(kind=ArticlePage.Kind.TYPICAL_ANSWER).first()
    assert _client(kb, "executor").get(answer.url).status_code == 200
    assert _client(kb, "executor").get(answer.url).status_code == 200
    assert _client(kb, "client").get(answer.url).status_code == 404


def test_a_draft_and_a_preview_never_reach_readers(kb, make_article):
    section = kb["sections"]["declarations"]
    article = make_article(section, title="Живой заголовок")
    reader = _client(kb, "reader")
    reader.get(article.url)
    article = ArticlePage.objects.get(pk=article.pk)
    article.title = "Черновой заголовок"
    article.save_revision()
    original = RequestFactory().get("/admin/")
    original.user = kb["users"]["editor"]
    preview = article.get_latest_revision_as_object().make_preview_request(
        original_request=original
    )
    assert "Черновой заголовок" in preview.content.decode()
    for client in (reader, _client(kb, "editor")):
        html = client.get(article.url).content.decode()
        assert "Живой заголовок" in html and "Черновой заголовок" not in html


def test_publish_unpublish_move_and_an_amended_act_reach_the_cached_article(kb, make_article):
    section = kb["sections"]["declarations"]
    act = LegalAct.objects.create(
        title="Об актах кэша", kind=LegalAct.Kind.REGIONAL_ACT, number="77-р",
        date=dt.date(2024, 1, 10),
    )  # fmt: skip
    article = make_article(section, title="Исходный заголовок", legal_acts=[act])
    reader = _client(kb, "reader")
    assert "Исходный заголовок" in reader.get(article.url).content.decode()

    article = ArticlePage.objects.get(pk=article.pk)
    article.title = "Новый заголовок"
    article.save_revision().publish()
    assert "Новый заголовок" in reader.get(article.url).content.decode()

    act.status = LegalAct.Status.AMENDED
    act.save()
    assert "kb-warning" in reader.get(article.url).content.decode()

    article.unpublish()
    assert reader.get(article.url).status_code == 404
    article = ArticlePage.objects.get(pk=article.pk)
    article.save_revision().publish()
    old_url = article.url
    assert reader.get(old_url).status_code == 200
    article.move(kb["sections"]["prohibitions"], pos="last-child")
    article = ArticlePage.objects.get(pk=article.pk)
    moved = reader.get(old_url)  # Wagtail's redirect to the new address, not the old page
    assert moved.status_code == 301 and moved["Location"] == article.url
    assert "Новый заголовок" in reader.get(article.url).content.decode()


def test_the_browser_revalidates_with_the_etag(kb, make_article):
    from kb.following import set_following

    section = kb["sections"]["declarations"]
    article = make_article(section, title="Статья с проверкой")
    reader = _client(kb, "reader")
    first = reader.get(article.url)
    tag = first["ETag"]
    again = reader.get(article.url, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    # Something personal changed: the reader gets the page again.
    set_following(kb["users"]["reader"], article, True)
    changed = reader.get(article.url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    # Another reader's validator is not this reader's.
    assert _client(kb, "executor").get(article.url, HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_the_cache_can_be_switched_off(kb, make_article, settings):
    settings.KB_PAGE_CACHE = False
    section = kb["sections"]["declarations"]
    article = make_article(section, title="Без кэша страниц", slug="no-page-cache")
    reader = _client(kb, "reader")
    reader.get(article.url)
    with CaptureQueriesContext(connection) as second:
        response = reader.get(article.url)
    assert _routed(second, "no-page-cache") and "ETag" not in response


def test_a_new_release_of_the_static_files_is_a_new_key(kb, make_article, monkeypatch):
    """A shared cache outlives a deploy: pages naming the old hashed static files are
    not served after it (kb.caching.release)."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    from kb import caching

    article = make_article(kb["sections"]["declarations"], title="Статья релиза", slug="release")
    reader = _client(kb, "reader")
    reader.get(article.url)
    request = RequestFactory().get(article.url)
    before = caching.fragment_key(request, ["page"])
    monkeypatch.setattr(staticfiles_storage, "manifest_hash", "new-release", raising=False)
    request = RequestFactory().get(article.url)
    assert caching.fragment_key(request, ["page"]) != before
    with CaptureQueriesContext(connection) as again:
        reader.get(article.url)
    assert _routed(again, "release")


def test_a_page_not_stored_leaves_no_marker_nor_placeholder(kb):
    """A 404 (a typical answer asked for by an internal client) is rendered while the
    personal parts are recorded: it is sent without their markers and with the reader's
    own CSRF token in its sign-out form."""
    answer = ArticlePage.objects.live().filter(kind=ArticlePage.Kind.TYPICAL_ANSWER).first()
    response = _client(kb, "client").get(answer.url)
    html = response.content.decode()
    assert response.status_code == 404 and "csrfmiddlewaretoken" in html
    assert not re.search(r"<!--/?[0-9a-f]{16}[:>-]", html)
    assert "csrf-placeholder" not in html
