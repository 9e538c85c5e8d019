"""The unit report in a real browser: a head opens it and sees its SVG charts."""

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
