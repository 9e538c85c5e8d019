"""Requests to the head in a real browser: the executor asks for an extension to a
proposed date, the head approves it from the approvals queue, the new deadline shows."""

import datetime as dt

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _as(browser, login, username):
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, username)
    return context, page


def test_executor_asks_for_an_extension_and_the_head_approves_it(org, live_server, browser, login):
    from cases.models import EventKind
    from tests.cases.factories import CaseFactory

    case = CaseFactory(state="assigned", subject="Продление срока по справке")
    proposed = case.statutory_deadline + dt.timedelta(days=10)
    url = f"{live_server.url}{case.get_absolute_url()}"
    desk_context, desk = _as(browser, login, "executor")
    head_context, head = _as(browser, login, "head")
    try:
        desk.goto(url)
        desk.get_by_role("link", name="Попросить продление").click()
        desk.fill("#id_extension_request_until", proposed.strftime("%d.%m.%Y"))
        desk.fill("#id_extension_request_reason", "Ждём ответа из налоговой инспекции.")
        with desk.expect_navigation():
            desk.locator("#action-extend").get_by_role("button", name="Попросить продление").click()
        assert "направлена руководителю" in desk.locator(".message-success").inner_text()
        asked = case.events.get(kind=EventKind.EXTENSION_REQUESTED)
        new_due = dt.date.fromisoformat(asked.data["until"])

        head.goto(f"{live_server.url}/cases/approvals/")
        item = head.locator(f"#request-{asked.pk}")
        assert "Ждём ответа из налоговой инспекции." in item.inner_text()
        item.get_by_label("Причина решения").fill("Ответ инспекции задерживается.")
        with head.expect_navigation():
            item.get_by_role("button", name="Одобрить продление").click()
        assert "Запросов, ожидающих вашего решения, нет." in head.content()

        desk.goto(url)
        assert desk.locator(".case-statutory").inner_text().startswith(new_due.strftime("%d.%m.%Y"))
        assert "Ответ инспекции задерживается." in desk.locator(".event-extended").inner_text()
    finally:
        desk_context.close()
        head_context.close()
