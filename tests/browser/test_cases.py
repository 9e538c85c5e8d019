"""The cases desk in a real browser: a client asks with an attachment, the registrar
decides urgency and assigns, the executor sees it in "mine" with the right deadline,
and the client sees the status change."""

import pytest
from django.utils import timezone

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def seeded(demo):
    """The whole demo, with the demo passwords (the `demo` world of tests/worlds.py)."""
    return demo


def _as(browser, login, username):
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, username)
    return context, page


def test_question_from_client_to_executor(seeded, live_server, browser, page, login, tmp_path):
    from cases import deadlines
    from cases.models import Case

    scan = tmp_path / "справка.pdf"
    scan.write_bytes(b"%PDF-1.4\n% test scan\n")

    # 1. The client asks a question with an attachment.
    login(page, "client")
    page.goto(f"{live_server.url}/cases/new/")
    assert page.locator("h1").inner_text() == "Задать вопрос"
    page.fill("#id_subject", "Как указать вклад в справке")
    page.select_option("#id_topic", "declarations")
    page.fill("#id_text", "Вклад открыт и закрыт в декабре. Нужно ли указывать счёт?")
    page.set_input_files("#id_attachments", str(scan))
    with page.expect_navigation():
        page.get_by_role("button", name="Отправить вопрос").click()
    case = Case.objects.get(subject="Как указать вклад в справке")
    assert page.url.endswith(case.get_client_url())
    assert page.locator(".case-status").inner_text() == "Зарегистрировано"
    assert page.get_by_role("link", name="справка.pdf").is_visible()

    # 2. The registrar decides the urgency and assigns the case.
    context, desk = _as(browser, login, "registrar")
    try:
        desk.goto(f"{live_server.url}/cases/?queue=unassigned")
        desk.get_by_role("link", name="Как указать вклад в справке").click()
        assert desk.get_by_role("button", name="Назначить").is_disabled()
        desk.get_by_label("Срочное", exact=True).check()
        desk.fill("#id_comment", "Справку сдаёт на этой неделе")
        with desk.expect_navigation():
            desk.get_by_role("button", name="Записать решение").click()
        assert "Решение о срочности записано" in desk.content()
        desk.select_option("#id_unit", label="Отдел по работе со сведениями о доходах, "
                           "расходах, об имуществе")  # fmt: skip
        desk.select_option("#id_executor", label="Васильев Павел Александрович (ОДС)")
        with desk.expect_navigation():
            desk.get_by_role("button", name="Назначить").click()
        assert desk.locator(".case-executor").inner_text() == "Васильев Павел Александрович"
    finally:
        context.close()

    case.refresh_from_db()
    registered_on = timezone.localdate(case.registered_at)
    expected = deadlines.urgent_target(registered_on, case.regime)
    assert case.due_date == expected

    # 3. The executor sees it in "mine" with the urgent target date.
    context, mine = _as(browser, login, "executor")
    try:
        mine.goto(f"{live_server.url}/cases/?queue=mine")
        row = mine.locator(f'tr[data-case="{case.pk}"]')
        assert row.is_visible()
        assert expected.strftime("%d.%m.%Y") in row.locator(".deadline").inner_text()
        assert "срочное" in row.inner_text()
    finally:
        context.close()

    # 4. The client sees the status change.
    page.goto(f"{live_server.url}/cases/mine/")
    assert "Назначено" in page.locator("tr", has_text="Как указать вклад").inner_text()
    page.goto(f"{live_server.url}{case.get_client_url()}")
    assert page.locator(".case-status").inner_text() == "Назначено"
    assert "Васильев Павел Александрович" in page.locator(".timeline").inner_text()
