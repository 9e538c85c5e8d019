"""The lists of the cases desk on a phone (issue 16): at 375 px (and 320 px) no page
scrolls sideways, and each list's rows are cards whose number, subject, deadline and
status are inside the screen, even with a subject of 255 letters without a space (the
longest a subject can be). At 1280 px the lists stay tables. How lists are laid out on
phones: docs/CONVENTIONS.md, «Lists on phones»."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 375, "height": 800}
SMALL_PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
# One word as long as a subject may be (Case.subject, max_length=255).
LONG_SUBJECT = ("Уведомлениеоподарке" * 14)[:255]

SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"
# Elements of the content that reach past the right edge (even where a parent clips
# them), except inside a strip meant to scroll sideways by itself (the desk's own menu).
STICKING_OUT = """() => [...document.querySelectorAll('main *, body.reception-print *')]
    .filter(el => { const b = el.getBoundingClientRect();
                    if (!(b.width > 0 && b.right > window.innerWidth + 1)) return false;
                    for (let p = el.parentElement; p; p = p.parentElement) {
                      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return false;
                    }
                    return true; })
    .slice(0, 3).map(el => el.tagName.toLowerCase() + '.' + el.className)"""
# The horizontal extent of an element, to compare with the viewport.
BOX = "el => { const b = el.getBoundingClientRect(); return [b.left, b.right, b.width]; }"


@pytest.fixture
def long_case(demo):
    """A case of the demo's client with the long subject, assigned in ОДС, so it is in
    the client's «Мои вопросы» and the registrar's queue."""
    from intranet.accounts.models import User
    from tests.cases.factories import CaseFactory

    client = User.objects.get(username="client")
    return CaseFactory(subject=LONG_SUBJECT, client=client, state="assigned")


@pytest.fixture
def long_answered_case(demo):
    """An answered case of ОДС with the long subject, waiting in the head's review queue."""
    from cases import services
    from cases.models import AnswerKind
    from cases.quality.models import UnitReviewSettings
    from cases.quality.services import review_queue
    from intranet.accounts.models import User
    from intranet.models import Unit
    from tests.cases.factories import CaseFactory

    executor, head = User.objects.get(username="executor"), User.objects.get(username="head")
    UnitReviewSettings.objects.update_or_create(
        unit=Unit.objects.get(short_name="ОДС"), defaults={"sample_percent": 100}
    )
    case = CaseFactory(subject=LONG_SUBJECT, state="assigned")
    services.save_answer(case, executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(case, executor)
    if services.needs_approval(case, AnswerKind.MERITS):
        services.approve_answer(case, head)
    services.register_answer(case, executor)
    assert review_queue(head).filter(pk=case.pk).exists()
    return case


def _phone(browser, live_server, username):
    from django.test import Client

    from intranet.accounts.models import User

    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", viewport=PHONE)
    client = Client()
    client.force_login(User.objects.get(username=username))
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _open(page, url):
    response = page.goto(url)
    assert response.status == 200, url


def _fits(page, what=""):
    """No sideways scroll at 375 px and at 320 px; back at 375 px afterwards."""
    for size in (SMALL_PHONE, PHONE):
        page.set_viewport_size(size)
        extra = page.evaluate(SIDEWAYS)
        assert extra <= 0, f"{what or page.url} scrolls {extra} px sideways at {size['width']} px"
        assert page.evaluate(STICKING_OUT) == [], f"{what or page.url} at {size['width']} px"


def _inside(locator, what):
    assert locator.count() >= 1, f"{what}: not on the page"
    left, right, width = locator.first.evaluate(BOX)
    assert width > 0, f"{what}: not shown"
    assert left >= 0 and right <= PHONE["width"], f"{what}: {left:.0f}..{right:.0f} px"


def _cells_inside(row, what):
    """Every labelled cell of a row is inside the screen."""
    cells = row.locator("td[data-label]")
    assert cells.count() >= 2, f"{what}: the row's cells carry no labels"
    for index in range(cells.count()):
        cell = cells.nth(index)
        _inside(cell, f"{what}, {cell.get_attribute('data-label')}")


def test_client_lists_fit_a_phone(long_case, live_server, browser):
    context, page = _phone(browser, live_server, "client")
    try:
        _open(page, f"{live_server.url}/cases/mine/")
        _fits(page)
        row = page.locator(f'tr[data-case="{long_case.pk}"]')
        _inside(row.get_by_role("link", name=long_case.registration_number), "number")
        _inside(row.get_by_role("link", name=LONG_SUBJECT), "subject")
        _inside(row.locator(".deadline"), "deadline")
        _inside(row.locator(".case-status"), "status")
        assert row.locator(".case-status").inner_text() == "Назначено"
        # Each value is shown under its column's name.
        label = row.locator(".case-status").evaluate(
            "el => getComputedStyle(el, '::before').content"
        )
        assert label == '"Статус"'

        _open(page, f"{live_server.url}{long_case.get_client_url()}")
        page.get_by_text("Отозвать вопрос").click()
        _fits(page)
        _inside(page.locator("h1"), "the subject as the heading")
        _inside(page.locator("#withdraw-reason"), "the reason to withdraw")

        _open(page, f"{live_server.url}/cases/reception/mine/")
        _fits(page)
        _cells_inside(page.locator("table.bookings tbody tr").first, "my bookings")

        _open(page, f"{live_server.url}/cases/reception/")
        _fits(page)
        _inside(page.locator("table.hours td").first, "opening hours")
    finally:
        context.close()


def test_registrar_lists_fit_a_phone(long_case, live_server, browser):
    context, page = _phone(browser, live_server, "registrar")
    try:
        _open(page, f"{live_server.url}/cases/?queue=all&sort=-received_at")
        _fits(page)
        row = page.locator("table.cases-table tbody tr").first
        assert row.get_attribute("data-case") == str(long_case.pk)
        _inside(row.get_by_role("link", name=long_case.registration_number), "number")
        _inside(row.get_by_role("link", name=LONG_SUBJECT), "subject")
        _inside(row.locator(".deadline"), "deadline")
        _inside(row.locator(".case-status"), "status")
        _cells_inside(row, "the queue")
        # The filters are stacked, one under another, inside the screen.
        selects = page.locator("form.filters select")
        for index in range(selects.count()):
            _inside(selects.nth(index), f"filter {selects.nth(index).get_attribute('name')}")
        first, last = selects.first.bounding_box(), selects.last.bounding_box()
        assert first["x"] == last["x"] and first["y"] < last["y"]

        _open(page, f"{live_server.url}/cases/retention/")
        _fits(page)
        _cells_inside(page.locator("table.case-files tbody tr").first, "case files")

        # The list of the first day the demo has visitors on (from tomorrow: today's list
        # may be empty, at the weekend or after hours).
        from django.utils import timezone

        from cases.reception.models import Booking

        first = Booking.objects.active().filter(starts_at__gt=timezone.now()).earliest("starts_at")
        day = f"?day={timezone.localdate(first.starts_at):%Y-%m-%d}"
        for url in ("/cases/reception/day/", "/cases/reception/day/print/"):
            _open(page, f"{live_server.url}{url}{day}")
            _fits(page)
            _cells_inside(page.locator("table.reception-day tbody tr").first, url)
    finally:
        context.close()


def test_head_lists_fit_a_phone(long_answered_case, live_server, browser):
    context, page = _phone(browser, live_server, "head")
    try:
        _open(page, f"{live_server.url}/cases/quality/")
        _fits(page)
        row = page.locator(f'tr[data-case="{long_answered_case.pk}"]')
        _cells_inside(row, "the review queue")
        _inside(row.get_by_text(LONG_SUBJECT), "subject")

        _open(page, f"{live_server.url}/cases/quality/{long_answered_case.pk}/")
        _fits(page)
        _inside(page.locator("#id_comment"), "the review's comment")

        # The log of consultations (the registrar sees only the ones they recorded).
        _open(page, f"{live_server.url}/cases/consultations/")
        _fits(page)
        _cells_inside(page.locator("table.consultations tbody tr").first, "consultations")
    finally:
        context.close()


def test_lists_stay_tables_on_a_desktop(long_case, live_server, browser):
    """At 1280 px the queue and «Мои вопросы» are tables with their header row, and the
    long subject wraps inside its column instead of widening the page."""
    for username, url, table in (
        ("registrar", "/cases/?queue=all&sort=-received_at", "table.cases-table"),
        ("client", "/cases/mine/", "table.my-questions"),
    ):
        context, page = _phone(browser, live_server, username)
        try:
            page.set_viewport_size(DESKTOP)
            _open(page, f"{live_server.url}{url}")
            assert page.evaluate(SIDEWAYS) <= 0, f"{url} scrolls sideways at 1280 px"
            assert page.locator(f"{table} thead").is_visible()
            row = page.locator(f'{table} tr[data-case="{long_case.pk}"]')
            cells = row.locator("td")
            displays = {cells.nth(i).evaluate("el => getComputedStyle(el).display")
                        for i in range(cells.count())}  # fmt: skip
            assert displays == {"table-cell"}
            label = cells.first.evaluate("el => getComputedStyle(el, '::before').content")
            assert label == "none"
            # The columns are side by side in one line of the table.
            tops = {round(cells.nth(i).bounding_box()["y"]) for i in range(cells.count())}
            assert len(tops) == 1
        finally:
            context.close()
