"""Personal reception in a real browser: a client signs in, chooses the reception point,
a day and a free time, books, and finds the booking in "my bookings"; then the registrar
opens the day's list of visitors and sees the client on it."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

QUESTION = "Как указать в справке о доходах проценты по вкладу"


def test_client_books_a_slot_and_the_registrar_sees_the_visitor(
    browser, page, login, live_server, org_demo
):
    from cases.reception.models import Booking

    login(page, "client")
    page.goto(f"{live_server.url}/cases/reception/")
    with page.expect_navigation():
        page.get_by_role("link", name="Выбрать день и время").first.click()
    day = page.locator("input[name=day]").input_value()
    slot = page.locator("input[name=slot]").first
    time = slot.get_attribute("data-time")
    slot.check()
    page.select_option("#id_topic", "declarations")
    page.fill("#id_question", QUESTION)
    page.get_by_label("На портале").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Записаться").click()

    assert "/cases/reception/mine/" in page.url
    assert page.get_by_text("Вы записаны.").is_visible()
    booking = page.locator("article.booking").first
    assert QUESTION in booking.inner_text() and time in booking.inner_text()
    saved = Booking.objects.get()
    assert saved.client.username == "client" and saved.reminder_channel == "portal"

    # The registrar, in a browser of their own.
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    registrar = context.new_page()
    try:
        login(registrar, "registrar")
        registrar.goto(f"{live_server.url}/cases/reception/day/?day={day}")
        row = registrar.locator(f"tr[data-booking='{saved.pk}']")
        assert row.is_visible()
        text = row.inner_text()
        assert "Иванов Иван Иванович" in text and QUESTION in text and time in text
        with registrar.expect_popup() as popup:
            registrar.get_by_role("link", name="Версия для печати").click()
        printed = popup.value
        printed.wait_for_load_state("networkidle")
        assert printed.get_by_text("Иванов Иван Иванович").is_visible()
        assert printed.locator(".cases-nav, .main-nav").count() == 0
    finally:
        context.close()
