"""The unit report in a real browser: a head opens it and sees its SVG charts, types the
period as ДД.ММ.ГГГГ in a browser set to English, and the charts fit a phone's screen."""

import os
import re

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def demo_with_a_case(demo):
    from cases import services
    from intranet.accounts.models import User
    from intranet.models import Unit

    users = {u.username: u for u in User.objects.all()}
    case = services.submit_question(
        users["client"],
        subject="До какого числа сдавать справку о доходах",
        text="Подскажите срок представления справки о доходах за прошлый год.",
        topic="declarations",
    )
    case = services.decide_urgency(case, users["registrar"], urgent=False)
    unit = Unit.objects.get(short_name="ОДС")
    return services.assign(case, users["registrar"], unit=unit, executor=users["executor"])


def test_head_sees_the_unit_report_with_charts(page, login, live_server, demo_with_a_case):
    login(page, "head")
    page.goto(f"{live_server.url}/cases/reports/")
    assert page.locator("h1").count() >= 1
    charts = page.locator("svg")
    assert charts.count() >= 1
    assert charts.first.is_visible()
    assert page.get_by_role("link", name="XLSX").count() == 1


def test_period_typed_as_dd_mm_yyyy_in_an_english_browser(
    browser, login, live_server, demo_with_a_case
):
    """An en-US browser would show its own MM/DD/YYYY picker for <input type="date">: the
    box is text, the browser's pattern check lets ДД.ММ.ГГГГ through, and the server
    reads it as a Russian date."""
    context = browser.new_context(locale="en-US", timezone_id="Europe/Moscow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, "head")
        page.goto(f"{live_server.url}/cases/reports/")
        start = page.locator("#id_start")
        assert start.get_attribute("type") == "text"
        assert start.get_attribute("placeholder") == "ДД.ММ.ГГГГ"
        start.fill("12/05/2026")  # the American way: the browser itself refuses it
        assert start.evaluate("box => box.validity.patternMismatch") is True
        start.fill("05.10.2026")
        page.locator("#id_end").fill("06.12.2026")
        assert start.evaluate("box => box.checkValidity()") is True
        with page.expect_navigation():
            page.get_by_role("button", name="Показать").click()
        assert "start=05.10.2026" in page.url
        assert page.get_by_role("heading", name="С 05.10.2026 по 06.12.2026").is_visible()
        assert page.locator("#id_start").input_value() == "05.10.2026"
        assert page.locator("[role=alert]").count() == 0
        urgent = page.locator('[data-figure="urgent_share"]').inner_text()
        assert re.fullmatch(r"\d+,\d\s%|—", urgent), urgent
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_charts_fit_the_screen(browser, login, live_server, demo_with_a_case, width):
    context = browser.new_context(
        locale="ru-RU", timezone_id="Europe/Moscow", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, "head")
        page.goto(f"{live_server.url}/cases/reports/?start=01.01.2026&end=06.12.2026")
        charts = page.locator("svg.chart")
        assert charts.count() >= 3
        # Nothing of the report is wider than its column (the site's header is not ours).
        assert page.evaluate(
            "(m => m.scrollWidth <= m.clientWidth)(document.querySelector('main'))"
        )
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (i, box)
            assert box["height"] > 20  # scaled with its aspect ratio, not squashed
        if os.environ.get("SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['SCREENSHOTS']}/reports-{width}.png", full_page=True)
    finally:
        context.close()
