"""The client adds a file to an open question in a real browser; the executor is
notified, opens the case from the notification and finds the supplement and the file on
the staff case page."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_client_adds_a_file_and_the_executor_sees_it(org, live_server, browser, page, login,
                                                     tmp_path):  # fmt: skip
    from tests.cases.factories import CaseFactory

    case = CaseFactory(state="assigned", subject="Вклад в справке о доходах")
    scan = tmp_path / "выписка по вкладу.pdf"
    scan.write_bytes(b"%PDF-1.4\n% statement\n")

    login(page, "client")
    page.goto(f"{live_server.url}{case.get_client_url()}")
    form = page.locator("#supplement")
    form.get_by_label("Что вы хотите добавить").fill("Прилагаю выписку банка за декабрь.")
    form.get_by_label("Файлы").set_input_files(str(scan))
    with page.expect_navigation():
        form.get_by_role("button", name="Добавить к вопросу").click()
    assert "Сведения добавлены к вашему вопросу." in page.content()
    timeline = page.locator(".timeline")
    assert "Прилагаю выписку банка за декабрь." in timeline.inner_text()
    assert timeline.get_by_role("link", name="выписка по вкладу.pdf").is_visible()

    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    try:
        desk = context.new_page()
        desk.set_default_timeout(15_000)
        login(desk, "executor")
        desk.goto(f"{live_server.url}/notifications/")
        with desk.expect_navigation():
            desk.get_by_role(
                "link", name=f"Заявитель дополнил сообщение {case.registration_number}"
            ).click()
        assert desk.url == f"{live_server.url}{case.get_absolute_url()}"
        item = desk.locator(".timeline-item.event-supplement")
        assert "Клиент дополнил обращение" in item.inner_text()
        assert "Прилагаю выписку банка за декабрь." in item.inner_text()
        with desk.expect_download() as download:
            item.get_by_role("link", name="выписка по вкладу.pdf").click()
        assert download.value.suggested_filename == "выписка по вкладу.pdf"
        assert desk.get_by_role("link", name="выписка по вкладу.pdf").count() == 2  # + the list
    finally:
        context.close()
