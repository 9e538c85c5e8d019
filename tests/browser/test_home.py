import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_logs_in_and_sees_russian_home_page(demo, live_server, page, login):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url, "anonymous visitors are sent to the login page"
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Вход в интранет"

    login(page, "reader")
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Интранет Администрации"
    assert page.get_by_role("link", name="Задать вопрос").is_visible()
    assert page.get_by_role("button", name="Найти").is_visible()
    assert page.get_by_text("Козлов Н. Е.").is_visible()


def test_wrong_password_shows_russian_error(demo, live_server, page, login):
    login(page, "reader", "not-the-password")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").inner_text().startswith("Неверное имя пользователя")
