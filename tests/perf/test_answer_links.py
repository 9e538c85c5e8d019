"""A link answer's article is found by its address in one query, whatever the number of
live articles (`cases.services.published_article`; before, every live article was
loaded to compare its URL), and the address and public-site rules stay those of
Wagtail: the article's own `url`, audience "public", no view restriction above it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cases import services
from cases.services.answers import _article_at
from kb.models import ArticlePage

pytestmark = pytest.mark.django_db


def _queries(url: str):
    with CaptureQueriesContext(connection) as context:
        found = services.published_article(url)
    return found, len(context.captured_queries)


def test_published_article_is_one_query(kb, make_article, django_assert_max_num_queries):
    section = (
        kb["sections"]["faq"] if "faq" in kb["sections"] else next(iter(kb["sections"].values()))
    )
    public = make_article(section, audience=ArticlePage.Audience.PUBLIC)
    public.url  # noqa: B018  (Wagtail's site root paths, cached as on any served page)
    found, few = _queries(public.full_url)
    assert found == public
    for _ in range(15):
        make_article(section, audience=ArticlePage.Audience.PUBLIC)
    with django_assert_max_num_queries(1):
        assert services.published_article(public.url) == public
    assert _queries(public.url.rstrip("/"))[1] == few == 1


def test_published_article_keeps_the_public_site_rules(kb, make_article):
    sections = list(kb["sections"].values())
    public = make_article(sections[0], audience=ArticlePage.Audience.PUBLIC, slug="ответ-по-ссылке")
    internal = make_article(sections[0], audience=ArticlePage.Audience.INTERNAL)
    hidden = make_article(sections[1], audience=ArticlePage.Audience.PUBLIC)
    PageViewRestriction.objects.create(page=sections[1], restriction_type="login")

    # The address as a browser copies it (percent-encoded), as an absolute URL or a path.
    assert "%D0" in public.url
    assert services.published_article(public.full_url) == public
    assert _article_at(internal.url) == internal
    assert services.published_article(internal.url) is None
    # A restriction on the section closes the articles under it, as PageQuerySet.public().
    assert _article_at(hidden.url) == hidden
    assert services.published_article(hidden.url) is None
    assert not services.is_on_public_site(hidden)
    assert services.is_on_public_site(public)
    public_ids = set(ArticlePage.objects.live().public().values_list("pk", flat=True))
    assert (hidden.pk in public_ids, public.pk in public_ids) == (False, True)
    for url in ("", "kb/", "/no/such/article/", "https://example.com/"):
        assert services.published_article(url) is None
