"""The header's links to the staff directory and to personal reception, and Wagtail's
userbar: on the pages Wagtail serves, for those who edit them, and nowhere else (its
admin scripts and styles are a megabyte the cases desk has no use for)."""

import pytest
from django.urls import reverse

from intranet.demo import DEMO_PASSWORD
from intranet.models import StaffDirectoryPage
from kb.models import ArticlePage

USERBAR_MARKS = ["<wagtail-userbar", "wagtailadmin/js/userbar.js", "wagtailadmin/css/core.css"]


def _get(client, username: str, path: str) -> str:
    client.login(username=username, password=DEMO_PASSWORD)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def _nav_link(url: str, label: str) -> str:
    return f'<li><a href="{url}">{label}</a></li>'


@pytest.mark.parametrize("path", ["/cases/", "/cases/mine/", "/cases/reception/", "/search/?q=x"])
def test_no_userbar_on_pages_wagtail_does_not_serve(client, demo, path):
    html = _get(client, "editor", path)
    for mark in USERBAR_MARKS:
        assert mark not in html, (path, mark)


def test_editor_has_the_userbar_on_a_knowledge_base_article(client, demo):
    article = ArticlePage.objects.live().first()
    html = _get(client, "editor", article.url)
    for mark in USERBAR_MARKS:
        assert mark in html, mark


def test_reader_has_no_userbar_even_on_an_article(client, demo):
    html = _get(client, "reader", ArticlePage.objects.live().first().url)
    assert "<wagtail-userbar" not in html


def test_header_links_to_the_directory_and_to_reception(client, org):
    html = _get(client, "reader", "/cases/mine/")
    directory = StaffDirectoryPage.objects.live().get()
    assert _nav_link(directory.url, "Справочник сотрудников") in html
    assert _nav_link(reverse("reception:points"), "Личный приём") in html


def test_header_follows_the_directory_page_when_it_moves(client, org):
    directory = StaffDirectoryPage.objects.get()
    directory.slug = "people"
    directory.save()
    html = _get(client, "reader", "/cases/mine/")
    assert _nav_link("/people/", "Справочник сотрудников") in html
    assert "/staff/" not in html


def test_no_directory_link_when_the_page_is_not_published(client, org):
    StaffDirectoryPage.objects.get().unpublish()
    html = _get(client, "reader", "/cases/mine/")
    assert "Справочник сотрудников" not in html


def test_signed_out_visitor_gets_no_links_inside(client, org):
    html = client.get(reverse("login")).content.decode()
    assert "Справочник сотрудников" not in html
    assert reverse("reception:points") not in html


def test_header_links_cost_one_query_with_one_site(rf, org):
    """With one Wagtail site the header's links are read in one query on the page table:
    the request's site is not looked up (Wagtail's lookup is a query of its own, on
    every page of the cases desk); Wagtail keeps the site root paths in the cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from intranet import navigation

    navigation.section_urls(rf.get("/cases/"))  # Wagtail caches the site root paths
    request = rf.get("/cases/")
    with CaptureQueriesContext(connection) as queries:
        urls = navigation.section_urls(request)
    assert urls["staff_directory"] == StaffDirectoryPage.objects.live().get().url
    assert len(queries) == 1, [query["sql"] for query in queries]


def test_header_links_follow_the_requests_site_with_several_sites(rf, org):
    from wagtail.models import Page, Site

    from intranet import navigation

    directory = StaffDirectoryPage.objects.live().get()
    Site.objects.create(hostname="other.example", port=80, root_page=Page.get_first_root_node())
    request = rf.get("/cases/", HTTP_HOST="other.example")
    urls = navigation.section_urls(request)
    # The other site's root is above the home page: its address of the directory is
    # not the default site's.
    assert urls["staff_directory"] == directory.get_url(request) != "/staff/"
