"""Knowledge-base pages: a bounded number of queries as built (3 or 30 related articles,
attachments, acts; 3 or 30 articles in a section), fewer from the fragment cache
(kb.caching), and the cache never shows what changed or what the reader may not open:
publish, unpublish, move, delete, a legal act's amendment and a view restriction are
all checked through a filled cache."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client, RequestFactory
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from kb import caching
from kb.models import ArticleAttachment, ArticlePage, ArticleRelation, LegalAct
from tests.perf.conftest import assert_bounded, measure

pytestmark = pytest.mark.django_db

# The article page: 30 queries before this round; following (the reader's follow state),
# the edition history, acknowledgement requests and the review button added one each.
KB_CEILING = 34


@pytest.fixture
def uncached(settings):
    """The pages as built, without the fragment cache (the worst case)."""
    settings.KB_FRAGMENT_CACHE_SECONDS = 0


def _reader(kb, username="reader") -> Client:
    client = Client()
    client.force_login(kb["users"][username])
    return client


def _documents(start: int, count: int):
    Document = get_document_model()
    return [
        Document.objects.create(title=f"Форма {i}", file=ContentFile(b"%PDF-1.4", name=f"d{i}.pdf"))
        for i in range(start, start + count)
    ]


def _enrich(article, targets, documents, acts):
    for target in targets:
        article.related_links.add(ArticleRelation(target=target))
    for document in documents:
        article.attachments.add(ArticleAttachment(document=document))
    for act in acts:
        article.legal_acts.add(act)
    article.save_revision().publish()


def _acts(start: int, count: int):
    import datetime as dt

    return [
        LegalAct.objects.create(
            title=f"Об актах {i}",
            kind=LegalAct.Kind.REGIONAL_ACT,
            number=f"{i}-р",
            date=dt.date(2024, 1, 1 + i % 28),
        )
        for i in range(start, start + count)
    ]


def test_article_page_queries_do_not_grow(kb, make_article, uncached):
    section = kb["sections"]["declarations"]
    article = make_article(section, title="Статья со связями")
    targets = [make_article(section, title=f"Связанная {i}") for i in range(12)]
    _enrich(article, targets[:3], _documents(0, 3), _acts(0, 3))
    client = _reader(kb)
    client.get(article.url)
    few = measure(client, article.url)
    _enrich(article, targets[3:], _documents(3, 9), _acts(3, 9))
    many = measure(client, article.url)
    html = many.response.content.decode()
    assert "Связанная 11" in html and "Форма 11" in html and "Об актах 11" in html
    assert_bounded(few, many, ceiling=KB_CEILING)


def test_section_and_index_pages_do_not_grow(kb, make_article, uncached):
    from kb.models import Topic

    section = kb["sections"]["prohibitions"]
    topics = list(Topic.objects.all()[:2])
    client = _reader(kb)
    for n in range(3):
        make_article(section, title=f"Статья {n}", topics=topics)
    for url in (section.url, kb["index"].url):
        client.get(url)
    few = [measure(client, section.url), measure(client, kb["index"].url)]
    for n in range(3, 12):
        make_article(section, title=f"Статья {n}", topics=topics)
    many = [measure(client, section.url), measure(client, kb["index"].url)]
    assert "Статья 11" in many[0].response.content.decode()
    for before, after in zip(few, many, strict=True):
        assert_bounded(before, after, ceiling=KB_CEILING)


@pytest.mark.parametrize("page", ["article", "section", "index"])
def test_the_cached_fragments_are_served(kb, make_article, page):
    section = kb["sections"]["declarations"]
    article = make_article(section, title="Статья для кэша")
    _enrich(article, [make_article(section, title=f"Рядом {i}") for i in range(5)],
            _documents(0, 3), _acts(0, 3))  # fmt: skip
    url = {"article": article.url, "section": section.url, "index": kb["index"].url}[page]
    client = _reader(kb)
    client.get("/")  # warm the per-process caches outside the KB
    cold = measure(client, url)
    warm = measure(client, url)
    assert warm.count <= cold.count - 3, (cold.count, warm.count, warm.sql())
    assert _main(warm) == _main(cold), "the cached page is the page"
    # Another reader of the same visibility class is served from the same fragments.
    from tests.factories import UserFactory

    other = Client()
    other.force_login(UserFactory())  # a reader, as `reader` is
    assert measure(other, url).count <= warm.count + 1


def _main(measured) -> str:
    """The page's content, without the header (user name) and the CSRF tokens of the
    personal forms (following, feedback), which differ on every response."""
    html = measured.response.content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    main = main.split('<section class="kb-feedback"')[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', main)


def test_publish_unpublish_move_and_delete_reach_the_cached_pages(kb, make_article):
    declarations = kb["sections"]["declarations"]
    other = kb["sections"]["prohibitions"]
    article = make_article(declarations, title="Исходный заголовок")
    carrier = make_article(declarations, title="Статья со ссылкой")
    _enrich(carrier, [article], [], [])
    client = _reader(kb)
    pages = [declarations.url, carrier.url, kb["index"].url]

    def shown(title):
        return [title in client.get(url).content.decode() for url in pages]

    assert shown("Исходный заголовок") == [True, True, True]  # and now cached

    article = ArticlePage.objects.get(pk=article.pk)
    article.title = "Новый заголовок"
    article.save_revision().publish()
    assert shown("Новый заголовок") == [True, True, True]
    assert shown("Исходный заголовок") == [False, False, False]

    article.unpublish()
    assert shown("Новый заголовок") == [False, False, False]

    article = ArticlePage.objects.get(pk=article.pk)
    article.save_revision().publish()
    assert shown("Новый заголовок") == [True, True, True]
    article.move(other, pos="last-child")
    article = ArticlePage.objects.get(pk=article.pk)
    assert "Новый заголовок" not in client.get(declarations.url).content.decode()
    assert "Новый заголовок" in client.get(other.url).content.decode()
    assert f'href="{article.url}"' in client.get(carrier.url).content.decode(), "the new URL"

    article.delete()
    assert shown("Новый заголовок") == [False, False, False]


def test_a_draft_save_keeps_the_cache_and_the_live_title(kb, make_article):
    section = kb["sections"]["declarations"]
    article = make_article(section, title="Опубликованный заголовок")
    client = _reader(kb)
    client.get(section.url)
    before = caching.generation()
    article = ArticlePage.objects.get(pk=article.pk)
    article.title = "Черновой заголовок"
    article.save_revision()
    assert caching.generation() == before
    html = client.get(section.url).content.decode()
    assert "Опубликованный заголовок" in html and "Черновой заголовок" not in html


def test_a_preview_is_neither_cached_nor_served_from_the_cache(kb, make_article):
    section = kb["sections"]["declarations"]
    article = make_article(section, title="Живой заголовок")
    article = ArticlePage.objects.get(pk=article.pk)
    article.title = "Заголовок в предпросмотре"
    article.save_revision()
    draft = article.get_latest_revision_as_object()
    original = RequestFactory().get("/admin/")
    original.user = kb["users"]["editor"]
    preview = draft.make_preview_request(original_request=original).content.decode()
    assert "Заголовок в предпросмотре" in preview
    html = _reader(kb).get(article.url).content.decode()
    assert "Живой заголовок" in html and "Заголовок в предпросмотре" not in html
    preview = draft.make_preview_request(original_request=original).content.decode()
    assert "Заголовок в предпросмотре" in preview


def test_an_amended_act_flags_the_cached_list(kb, make_article):
    section = kb["sections"]["declarations"]
    (act,) = _acts(0, 1)
    make_article(section, title="Статья по акту", legal_acts=[act])
    client = _reader(kb)
    assert "требует проверки" not in _item(client.get(section.url), "Статья по акту")
    act.status = LegalAct.Status.AMENDED
    act.save()
    assert "проверк" in _item(client.get(section.url), "Статья по акту")


def _item(response, title: str) -> str:
    html = response.content.decode()
    start = html.index(title)
    return html[start : html.index("</li>", start)]


SECRET = "Закрытая методика для проверяющих"


@pytest.fixture
def restricted(kb, make_article):
    """A group-restricted article in a section, in a related block and among the
    recent articles; the head is in the group, the reader and the client are not."""
    section = kb["sections"]["declarations"]
    secret = make_article(section, title=SECRET, audience="public")
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.GROUPS
    )
    group, _created = Group.objects.get_or_create(name="Проверяющие (тест кэша)")
    restriction.groups.add(group)
    kb["users"]["head"].groups.add(group)
    carrier = make_article(section, title="Памятка со связанной закрытой", audience="public")
    _enrich(carrier, [secret], [], [])
    return {"urls": [section.url, carrier.url, kb["index"].url]}


@pytest.mark.parametrize("first", ["head", "reader", None])
def test_a_restricted_article_never_reaches_a_refused_reader_through_the_cache(
    kb, restricted, first
):
    """Whoever fills the cache first, the refused readers (another signed-in reader, an
    internal client, an anonymous visitor) never see the restricted article, and the
    group's member always does."""
    order = [first] + [who for who in ("head", "reader", "client", None) if who != first]
    for who in order:
        client = _reader(kb, who) if who else Client()
        for url in restricted["urls"]:
            response = client.get(url)
            if response.status_code == 302:  # the KB root is for signed-in readers
                continue
            html = response.content.decode()
            assert (SECRET in html) == (who == "head"), (who, url, order)


def test_a_new_view_restriction_applies_at_once_through_the_cache(kb, make_article):
    section = kb["sections"]["declarations"]
    article = make_article(section, title=SECRET)
    client = _reader(kb)
    assert SECRET in client.get(section.url).content.decode()  # cached with the article
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.GROUPS
    )
    group, _created = Group.objects.get_or_create(name="Проверяющие (тест кэша)")
    restriction.groups.add(group)
    assert SECRET not in client.get(section.url).content.decode()


def test_an_article_is_routed_in_one_query(kb, make_article, settings):
    """The KB root resolves "section/article" with one query of the article (Wagtail's
    walk costs two per level); drafts, unknown slugs and a wrong section still 404. (A
    second read is not routed at all with the whole-response cache: off here.)"""
    settings.KB_PAGE_CACHE = False
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    section = kb["sections"]["declarations"]
    article = make_article(section, title="Маршрутизируемая статья", slug="routed")
    draft = make_article(section, title="Снятая статья", slug="unpublished-one")
    draft.unpublish()
    client = _reader(kb)
    client.get(article.url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(article.url).status_code == 200
    sql = [q["sql"] for q in context.captured_queries]
    assert sum("""."slug" = 'routed'""" in q for q in sql) == 1, sql
    assert not any("""."slug" = 'declarations'""" in q for q in sql), "no walk via the section"
    index = kb["index"].url
    assert client.get(f"{index}declarations/unpublished-one/").status_code == 404
    assert client.get(f"{index}declarations/no-such-article/").status_code == 404
    assert client.get(f"{index}prohibitions/routed/").status_code == 404
    assert client.get(f"{index}declarations/").status_code == 200
    assert client.get(f"{index}declarations/routed/extra/").status_code == 404
