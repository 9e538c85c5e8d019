"""Playwright (Python) driving Debian's Chromium against pytest-django's live server
(the browser itself, one per test process, is the `browser` fixture of tests/conftest.py)."""

import pytest


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def login(live_server):
    """Log a Playwright page in through the login form as a demo user."""
    from intranet.demo import DEMO_PASSWORD

    def _login(page, username: str, password: str = DEMO_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        return page

    return _login
