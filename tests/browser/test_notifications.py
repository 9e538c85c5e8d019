"""The bell in a real browser: the executor's unread count rises when a case is assigned
to him, and he opens the case from the notification; on a 320 px phone the bell stays in
sight, labelled, without sideways scrolling."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _count(page) -> int:
    return int(page.locator("a.bell").get_attribute("data-unread"))


def test_the_executor_sees_the_bell_rise_and_opens_the_case(demo, live_server, page, login):
    from cases import services
    from intranet.models import Unit
    from tests.cases.factories import CaseFactory

    page.set_viewport_size({"width": 320, "height": 640})
    login(page, "executor")
    page.goto(f"{live_server.url}/cases/mine/")
    before = _count(page)

    case = CaseFactory(state="triaged", subject="Уведомление о подарке: как оформить")
    services.assign(case, demo["registrar"], unit=Unit.objects.get(short_name="ОДС"),
                    executor=demo["executor"])  # fmt: skip

    page.reload()
    bell = page.locator("a.bell")
    assert _count(page) == before + 1
    assert bell.is_visible()
    assert bell.locator(".bell-count").inner_text() == str(before + 1)
    assert f"Уведомления: {before + 1} непрочитанн" in bell.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    with page.expect_navigation():
        bell.click()
    assert page.locator("h1").inner_text() == "Уведомления"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    item = page.get_by_role("link", name=f"Вам назначено сообщение {case.registration_number}")
    with page.expect_navigation():
        item.click()
    assert page.url == f"{live_server.url}{case.get_absolute_url()}"
    assert "Уведомление о подарке: как оформить" in page.locator("main").inner_text()
    assert _count(page) == before
