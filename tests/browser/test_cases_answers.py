"""The answer in a real browser: the executor asks the client a question, the client
replies in the portal, the executor inserts a typical answer from the knowledge base,
registers and sends it; the client reads it and rates it."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def assigned_case(demo):
    from cases import services
    from cases.models import UnitCaseSettings
    from intranet.accounts.models import User
    from intranet.models import Unit

    users = {u.username: u for u in User.objects.all()}
    unit = Unit.objects.get(short_name="ОДС")
    UnitCaseSettings.objects.update_or_create(unit=unit, defaults={"answers_need_approval": False})
    case = services.submit_question(
        users["client"],
        subject="До какого числа сдавать справку о доходах",
        text="Подскажите срок представления справки о доходах за прошлый год.",
        topic="declarations",
    )
    case = services.decide_urgency(case, users["registrar"], urgent=False)
    return services.assign(case, users["registrar"], unit=unit, executor=users["executor"])


def _as(browser, login, username):
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, username)
    return context, page


def test_clarify_reply_typical_answer_register_read_and_rate(
    assigned_case, live_server, browser, login
):
    from cases.models import Answer, Rating

    case = assigned_case
    desk_context, desk = _as(browser, login, "executor")
    client_context, portal = _as(browser, login, "client")
    try:
        # 1. The executor asks a question.
        desk.goto(f"{live_server.url}{case.get_absolute_url()}")
        desk.fill("#id_question", "Вы подаёте справку на себя или на члена семьи?")
        desk.get_by_role("button", name="Отправить вопрос").click()
        desk.wait_for_load_state("networkidle")
        assert desk.locator(".case-status").inner_text() == "Ждём ответа заявителя" or (
            "Вопрос направлен заявителю" in desk.content()
        )
        desk.goto(f"{live_server.url}/cases/?queue=waiting_client")
        assert desk.get_by_role("link", name=case.subject).is_visible()

        # 2. The client replies in the portal.
        portal.goto(f"{live_server.url}{case.get_client_url()}")
        assert (
            "на себя или на члена семьи" in portal.locator(".clarification-question").inner_text()
        )
        portal.fill("#id_text", "На себя.")
        portal.get_by_role("button", name="Отправить ответ").click()
        portal.wait_for_load_state("networkidle")
        assert "Ваш ответ отправлен" in portal.content()

        # 3. The executor finds a typical answer and inserts it.
        desk.goto(f"{live_server.url}{case.get_absolute_url()}")
        assert "На себя." in desk.locator("#clarifications").inner_text()
        desk.fill("#kb-query", "срок справки о доходах")
        desk.get_by_role("button", name="Найти").click()
        desk.wait_for_load_state("networkidle")
        desk.locator(".insert-typical").first.click()
        desk.wait_for_load_state("networkidle")
        body = desk.locator("#id_body").input_value()
        assert "Анна" in body or case.client_name.split()[0] in body
        assert "{имя_заявителя}" not in body
        # Placeholders the case cannot fill are named; the executor fills them in.
        body = body.replace("{срок_представления}", "30 апреля").replace("{телефон}", "576-44-01")
        desk.fill("#id_body", body)
        desk.get_by_role("button", name="Сохранить и отметить готовым").click()
        desk.wait_for_load_state("networkidle")
        desk.get_by_role("button", name="Зарегистрировать и отправить ответ").click()
        desk.wait_for_load_state("networkidle")
        answer = Answer.objects.get(case=case)
        assert answer.is_registered
        assert desk.locator(".outgoing-number").inner_text() == answer.outgoing_number

        # 4. The client reads the answer and rates it.
        portal.goto(f"{live_server.url}{case.get_client_url()}")
        assert answer.outgoing_number in portal.locator("#answer").inner_text()
        assert "30 апреля" in portal.locator(".answer-text").inner_text()
        portal.locator("#rate input[value='5']").check()
        portal.fill("#id_comment", "Спасибо, всё понятно.")
        portal.get_by_role("button", name="Оценить").click()
        portal.wait_for_load_state("networkidle")
        assert "Спасибо за оценку" in portal.content()
    finally:
        desk_context.close()
        client_context.close()
    rating = Rating.objects.get(case=case)
    assert rating.score == 5 and rating.unit.short_name == "ОДС"
    answer.refresh_from_db()
    assert answer.read_at is not None
