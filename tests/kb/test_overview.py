"""The department overview (/kb/overview/), the one freshness rule (kb.freshness) the
dashboard, the digest, the API and the overview share, and «Отметить как проверенное»."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intranet.models import Unit
from kb import overview
from kb.models import ArticleFeedback, ArticlePage, ArticleReview, Notification
from kb.services import send_review_digests

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
URL = reverse("kb:overview")


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _figure(html, table, row, name) -> int:
    soup = BeautifulSoup(html, "html.parser")
    cell = soup.select_one(f'[data-table="{table}"] tr[data-unit="{row}"] [data-figure="{name}"]')
    return int(cell.get_text(strip=True).replace("\xa0", ""))


@pytest.fixture
def overdue(kb, make_article):
    """Overdue since 12.10 of last year, not flagged: what the API used to leave out."""
    return make_article(
        kb["sections"]["declarations"],
        title="Просроченная статья без отметки",
        last_reviewed_on=TODAY - dt.timedelta(days=365 + 60),
        review_interval_days=365,
    )


def test_api_dashboard_digest_and_overview_agree(kb, overdue):
    assert overdue.is_overdue and not overdue.needs_review
    expected = set(ArticlePage.objects.needing_review().values_list("title", flat=True))
    assert overdue.title in expected

    chief = kb["users"]["chief"]
    api = _client(chief)
    items = api.get("/api/v2/kb/", {"needs_review": "true", "limit": 100}).json()["items"]
    assert {item["title"] for item in items} == expected
    assert all(item["needs_review"] for item in items)
    rest = api.get("/api/v2/kb/", {"needs_review": "false", "limit": 100}).json()["items"]
    assert not {item["title"] for item in rest} & expected
    assert not any(item["needs_review"] for item in rest)

    all_units = frozenset(Unit.objects.values_list("pk", flat=True))
    assert overview.headline(all_units).needing_review == len(expected)
    html = api.get(URL).content.decode()
    assert _figure(html, "units", "total", "needing_review") == len(expected)
    assert overdue.title in html

    editor = _client(kb["users"]["editor"])
    assert overdue.title in editor.get("/admin/").content.decode(), "the dashboard panel"
    send_review_digests(TODAY)
    digest = Notification.objects.filter(recipient=kb["users"]["editor"]).latest("created_at")
    assert overdue.title in digest.body


def test_overview_is_for_the_department_head_and_administrators(kb):
    users = kb["users"]
    for username in ("chief", "admin"):
        response = _client(users[username]).get(URL)
        assert response.status_code == 200, username
        assert "База знаний: обзор по управлению" in response.content.decode()
    for username in ("head", "head2", "editor", "reader", "executor", "client"):
        assert _client(users[username]).get(URL).status_code == 403, username
    anonymous = _client().get(URL)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_helpfulness_least_helpful_first_and_sortable(kb, make_article):
    section = kb["sections"]["conflict-of-interest"]
    weak = make_article(section, title="Малополезная статья")
    strong = make_article(section, title="Полезная статья")
    for helpful in (True, False, False):
        ArticleFeedback.objects.create(article=weak, unit=weak.owner_unit, helpful=helpful)
    for _ in range(2):
        ArticleFeedback.objects.create(article=strong, unit=strong.owner_unit, helpful=True)
    client = _client(kb["users"]["chief"])
    unit = f"&unit={weak.owner_unit_id}"

    def order(query):
        soup = BeautifulSoup(client.get(f"{URL}?{query}").content, "html.parser")
        rows = soup.select('[data-table="helpfulness"] tbody tr')
        return [int(row["data-article"]) for row in rows]

    assert order(f"sort=share{unit}").index(weak.pk) < order(f"sort=share{unit}").index(strong.pk)
    assert order(f"sort=-share{unit}").index(strong.pk) < order(f"sort=-share{unit}").index(weak.pk)
    soup = BeautifulSoup(client.get(URL).content, "html.parser")
    row = soup.select_one(f'[data-table="helpfulness"] tr[data-article="{weak.pk}"]')
    assert row.select_one('[data-figure="share"]').get_text(strip=True) == "33\xa0%"
    assert row.select_one('[data-figure="helpful"]').get_text(strip=True) == "1"
    assert row.select_one('[data-figure="answers"]').get_text(strip=True) == "3"


def test_waiting_drafts_are_counted(kb, make_article):
    article = make_article(kb["sections"]["declarations"], title="Статья с черновиком")
    client = _client(kb["users"]["chief"])
    before = _figure(client.get(URL).content.decode(), "units", "ОДС", "drafts")
    article.title = "Статья с черновиком (правка)"
    article.save_revision(user=kb["users"]["editor"])
    html = client.get(URL).content.decode()
    assert _figure(html, "units", "ОДС", "drafts") == before + 1
    assert "Статья с черновиком (правка)" in html


def test_mark_as_reviewed_records_who_and_when_and_clears_the_flag(kb):
    users = kb["users"]
    flagged = ArticlePage.objects.get(slug="kak-predstavit-spravku")  # ОДС, Указ № 460
    assert flagged.needs_review
    draft = flagged.save_revision(user=users["editor"])  # saved before the review
    url = reverse("kb:mark_reviewed", args=[flagged.pk])

    for username in ("editor2", "head2", "reader"):
        assert _client(users[username]).post(url).status_code == 403, username
    assert not ArticleReview.objects.filter(article=flagged).exists()
    assert _client(users["editor"]).get(url).status_code == 405

    response = _client(users["editor"]).post(url, {"next": URL})
    assert response.status_code == 302 and response["Location"] == URL
    article = ArticlePage.objects.get(pk=flagged.pk)
    assert not article.needs_review and article.review_reason == ""
    assert article.last_reviewed_on == TODAY and not article.is_overdue
    review = ArticleReview.objects.get(article=flagged)
    assert review.reviewed_by == users["editor"] and "460" in review.cleared_reason
    assert flagged not in ArticlePage.objects.needing_review()

    # Publishing the draft saved before the review does not undo it.
    draft.publish(user=users["head"])
    assert ArticlePage.objects.get(pk=flagged.pk).last_reviewed_on == TODAY

    # An unsafe «next» goes back to the article instead.
    response = _client(users["chief"]).post(url, {"next": "https://evil.example/"})
    assert response["Location"] == article.url


def test_article_page_offers_the_button_to_its_unit_only(kb):
    article = ArticlePage.objects.get(slug="kak-predstavit-spravku")
    action = reverse("kb:mark_reviewed", args=[article.pk])
    assert action in _client(kb["users"]["editor"]).get(article.url).content.decode()
    assert action in _client(kb["users"]["chief"]).get(article.url).content.decode()
    assert action not in _client(kb["users"]["editor2"]).get(article.url).content.decode()
    assert action not in _client(kb["users"]["reader"]).get(article.url).content.decode()


def test_dashboard_panel_for_the_department_head_and_administrators(kb, overdue):
    all_units = frozenset(Unit.objects.values_list("pk", flat=True))
    counts = overview.headline(all_units)
    html = _client(kb["users"]["chief"]).get("/admin/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    panel = soup.select_one("#kb-overview-section") or soup.find(id="kb-overview")
    assert panel is not None, "the panel is on the chief's dashboard"
    assert "База знаний: управление" in html and URL in html
    figure = soup.select_one('[data-figure="needing_review"]').get_text(strip=True)
    assert int(figure) == counts.needing_review
    assert (
        "База знаний: управление" in _client(kb["users"]["admin"]).get("/admin/").content.decode()
    )
    assert (
        "База знаний: управление"
        not in _client(kb["users"]["head"]).get("/admin/").content.decode()
    )


def test_department_heads_feedback_report_covers_the_units_below(kb, make_article):
    article = make_article(kb["sections"]["conflict-of-interest"], title="Статья ОКИ")
    ArticleFeedback.objects.create(article=article, unit=article.owner_unit, helpful=False)
    assert ArticleFeedback.objects.for_user(kb["users"]["chief"]).filter(article=article)
    assert not ArticleFeedback.objects.for_user(kb["users"]["head"]).filter(article=article)
