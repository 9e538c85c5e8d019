"""The layout on a phone (375 px) and on a desktop (1280 px): the header's menu folds
behind «Меню» on a phone; what a reader opened a page for is on its first screen (the
article's title, the case's status and deadline)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _page(browser, live_server, login, username, viewport):
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, username)
    return context, page


def test_the_menu_folds_on_a_phone_and_opens_with_its_button(demo, live_server, browser, login):
    context, page = _page(browser, live_server, login, "executor", PHONE)
    try:
        page.goto(f"{live_server.url}/cases/mine/")
        menu = page.get_by_role("button", name="Меню")
        cases_link = page.get_by_role("navigation", name="Основное меню").get_by_role(
            "link", name="Мои вопросы"
        )
        assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
        assert not cases_link.is_visible()
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
        assert cases_link.is_visible()
        box = cases_link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        page.set_viewport_size(DESKTOP)
        assert not menu.is_visible() and cases_link.is_visible()
    finally:
        context.close()


def test_what_the_page_is_for_is_on_a_phones_first_screen(demo, live_server, browser, login):
    from cases.models import Case
    from kb.models import ArticlePage

    article = ArticlePage.objects.live().order_by("-depth", "pk").first()
    case = Case.objects.filter(executor__username="executor").exclude(status="closed").first()
    context, page = _page(browser, live_server, login, "executor", PHONE)
    try:
        page.goto(f"{live_server.url}{article.url}")
        # The title starts in the upper half of the first screen: no section list or
        # long breadcrumb above it.
        title = page.locator("h1").bounding_box()
        assert title["y"] <= PHONE["height"] / 2, title
        # The section's list comes after the article: its h2 follows the h1.
        headings = [text.strip() for text in page.locator("h1, h2").all_text_contents()]
        assert headings[0].split() == article.title.split() and "Разделы" in headings[1:]

        page.goto(f"{live_server.url}{case.get_absolute_url()}")
        for selector in (".case-status", ".case-key .deadline, .case-key dd:nth-of-type(1)"):
            box = page.locator(selector).first.bounding_box()
            assert box["y"] + box["height"] <= PHONE["height"], (selector, box)
    finally:
        context.close()


def test_the_desks_filters_fold_on_a_phone(demo, live_server, browser, login):
    """On a phone the cases desk's nine filters are folded under «Фильтры и сортировка»,
    so the first case is on the first screens; on a desktop, and whenever a filter is in
    use, they are open."""
    context, page = _page(browser, live_server, login, "registrar", PHONE)
    try:
        page.goto(f"{live_server.url}/cases/?queue=all")
        box = page.locator("details.filters-box")
        assert box.get_attribute("open") is None
        assert not page.locator("#id_sort").is_visible()
        first = page.locator("table.cases-table tbody tr").first.bounding_box()
        assert first["y"] < 2 * PHONE["height"], first
        page.get_by_text("Фильтры и сортировка").click()
        assert page.locator("#id_sort").is_visible()

        page.goto(f"{live_server.url}/cases/?queue=all&sort=-received_at")
        assert box.get_attribute("open") is not None
        page.set_viewport_size(DESKTOP)
        page.goto(f"{live_server.url}/cases/?queue=all")
        assert page.locator("#id_sort").is_visible()
    finally:
        context.close()
