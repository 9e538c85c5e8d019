"""Issue 7's head journey in a real browser: the head of a unit opens the quality review
queue, scores an answer on the checklist, and opens the unit report with its charts,
where the new score counts."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_head_scores_an_answer_and_opens_the_unit_report(page, login, live_server, demo):
    from cases.quality import services
    from cases.quality.models import QualityReview
    from intranet.accounts.models import User

    head = User.objects.get(username="head")
    waiting = list(services.review_queue(head)[:1])
    assert waiting, "the demo leaves answered cases of the head's unit to review"
    case = waiting[0]

    login(page, "head")
    page.goto(f"{live_server.url}/cases/quality/")
    row = page.locator(f"tr[data-case='{case.pk}']")
    assert row.is_visible()
    with page.expect_navigation():
        row.get_by_role("link").click()

    # Every checklist point is a radio group: mark "Yes" on all, "Partly" on plain language.
    points = page.locator("fieldset.checklist-point")
    assert points.count() >= 7
    for index in range(points.count()):
        point = points.nth(index)
        value = "1" if point.get_attribute("data-point") == "plain_language" else "2"
        point.locator(f"input[value='{value}']").check()
    page.fill("textarea[name=comment]", "Ответ полный; второй абзац упростить.")
    with page.expect_navigation():
        page.get_by_role("button", name="Сохранить оценку").click()

    assert page.url.rstrip("/").endswith("/cases/quality")
    assert page.get_by_text("Оценка сохранена.").is_visible()
    review = QualityReview.objects.get(case=case)
    assert review.reviewer == head
    assert (review.plain_language, review.complete) == (1, 2)
    assert 0 < review.total < 100
    assert page.locator("table").last.get_by_text(case.registration_number).count() == 1

    # The unit report: charts drawn, the quality section counts the review just saved.
    page.goto(f"{live_server.url}/cases/reports/")
    charts = page.locator("svg")
    assert charts.count() >= 3
    assert charts.first.is_visible()
    assert page.get_by_text("Оценка качества по подразделениям").count() >= 1
    assert page.get_by_role("link", name="XLSX").count() == 1
