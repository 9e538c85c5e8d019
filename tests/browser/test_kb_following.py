"""Following the knowledge base in a real browser: a reader follows a section; the
section's head publishes a new version of one of its articles in the admin with a note
for readers; the reader's bell rises, the notification is in the list, and it opens the
article with its new «Редакция от» and the note at the top of its history; the pages in
these states pass the crawl's checks (tests/browser/crawl.py)."""

import pytest
from django.utils import timezone

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NOTE = "Уточнено, как сдать справку во время отпуска"


def _count(page) -> int:
    return int(page.locator("a.bell").get_attribute("data-unread"))


def _click_in_footer_menu(page, selector):
    button = page.locator(selector).first
    if not button.is_visible():
        page.locator(
            "footer [data-w-dropdown-target='toggle'], footer .dropdown-toggle"
        ).first.click()
    button.click()


def test_reader_follows_a_section_and_opens_the_new_edition(demo, live_server, browser, login):
    from kb.models import ArticlePage

    article = ArticlePage.objects.get(slug="spravka-v-otpuske")  # ОДС
    section = article.get_parent()
    from tests.browser.test_crawl import AXE_SCRIPT, check_page

    reader_context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    reader_context.add_init_script(path=AXE_SCRIPT)
    reader = reader_context.new_page()
    head = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow").new_page()
    for tab in (reader, head):
        tab.set_default_timeout(15_000)

    # The reader follows the section from its page.
    login(reader, "reader")
    reader.goto(f"{live_server.url}{section.url}")
    with reader.expect_navigation():
        reader.get_by_role("button", name="Следить за разделом").click()
    assert "Вы следите за разделом" in reader.locator(".message").inner_text()
    assert reader.get_by_role("button", name="Не следить за разделом").is_visible()
    before = _count(reader)

    # The ОДС head publishes a new version with a note for readers.
    login(head, "head")
    head.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    head.fill("#id_change_note", NOTE)
    with head.expect_navigation():
        _click_in_footer_menu(head, "button[name='action-publish']")
    article.refresh_from_db()
    assert article.editions.first().note == NOTE

    # The reader's bell rises; the notification is in the list and opens the article.
    reader.reload()
    assert _count(reader) == before + 1
    with reader.expect_navigation():
        reader.locator("a.bell").click()
    item = reader.get_by_role("link", name=f"Новая редакция статьи «{article.title}»")
    assert NOTE in item.inner_text()
    with reader.expect_navigation():
        item.click()
    assert reader.url == f"{live_server.url}{article.url}"
    today = f"{timezone.localdate():%d.%m.%Y}"
    assert f"Редакция от {today}" in reader.locator(".kb-meta").inner_text()
    history = reader.locator(".kb-history li")
    assert history.first.inner_text() == f"{today} — {NOTE}"
    assert _count(reader) == before

    # The states the crawl of the demo does not meet pass its checks: the article of a
    # followed section with its history, and the list with a row and its button.
    for url in (article.url, "/kb/following/"):
        problems, _html = check_page(reader, f"{live_server.url}{url}")
        assert problems == [], (url, problems)
    assert reader.get_by_role("link", name=section.title).count() >= 1
    reader.context.close()
    head.context.close()
