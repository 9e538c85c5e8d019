"""Extensions of the statutory term (59-FZ art. 12 p. 2, 8-FZ art. 18 p. 6): only a
running term is extended, counted from the statutory date before its move off a
non-working day, never beyond the law's limit; the client is told the real days.

Dates were worked out by hand from the production calendar the tests use
(`intranet.workdays.ProductionCalendar`, see tests/cases/test_deadlines.py):
2024: 28.12 (Sat) a working day; 2025: 01–08.01 holidays, 08.05 day off, 09.05 holiday;
2026: 09.05 (Sat) holiday, 11.05 day off, 12.06 holiday; 2027: 20.02 (Sat) a working
day, 22.02 day off, 23.02 holiday, 09.05 (Sun), 10.05 day off.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import deadlines, services
from cases.choices import Regime, ReplyChannel
from cases.filters import apply_queue
from cases.models import Case, EventKind
from intranet.workdays import ProductionCalendar
from tests.cases.conftest import moscow

D = dt.date
CAL = ProductionCalendar()
A, IR = Regime.APPEAL, Regime.INFO_REQUEST
P, F = "preceding", "following"

# registered, regime, shift, days asked, statutory date, new date, days told, why
TABLE = [
    (D(2026, 4, 11), A, F, 30, D(2026, 5, 12), D(2026, 6, 10), 30,
     "11.04+30 = 11.05 (day off) -> 12.05; 11.05+30 = Wed 10.06, not 12.05+30 = 11.06 "
     "(61 days)"),
    (D(2026, 4, 11), A, P, 30, D(2026, 5, 8), D(2026, 6, 10), 30,
     "11.05 -> 08.05; extension counted from 11.05: Wed 10.06"),
    (D(2026, 4, 9), IR, F, 15, D(2026, 5, 12), D(2026, 5, 25), 15,
     "09.05 (holiday) -> 12.05; 09.05+15 = Sun 24.05 -> Mon 25.05, not 27.05"),
    (D(2026, 4, 9), IR, P, 15, D(2026, 5, 8), D(2026, 5, 22), 13,
     "09.05+15 = Sun 24.05 -> Fri 22.05: 13 days from 09.05"),
    (D(2026, 4, 8), A, P, 30, D(2026, 5, 8), D(2026, 6, 5), 28,
     "08.05 is a working day; +30 = Sun 07.06 -> Fri 05.06: 28 days, not «30»"),
    (D(2026, 4, 8), A, F, 30, D(2026, 5, 8), D(2026, 6, 8), 30,
     "08.05+30 = Sun 07.06 -> Mon 08.06 (ГК 193): still a 30-day term"),
    (D(2026, 4, 10), A, P, 30, D(2026, 5, 8), D(2026, 6, 9), 30,
     "10.05 (Sun) -> 08.05; 10.05+30 = Tue 09.06, not 08.05+30 -> 05.06"),
    (D(2024, 12, 2), A, P, 30, D(2025, 1, 9), D(2025, 1, 31), 30,
     "02.12+30 = 01.01; back to Sat 28.12.2024 (working) is 4 days -> forward to 09.01.2025; "
     "01.01+30 = Fri 31.01.2025"),
    (D(2024, 12, 2), A, F, 30, D(2025, 1, 9), D(2025, 1, 31), 30,
     "01.01 -> 09.01.2025; 01.01+30 = Fri 31.01, not 09.01+30 = 08.02 -> 10.02"),
    (D(2025, 4, 9), A, P, 30, D(2025, 5, 7), D(2025, 6, 6), 28,
     "09.05.2025 (holiday) -> 07.05; 09.05+30 = Sun 08.06 -> Fri 06.06"),
    (D(2025, 4, 9), A, F, 30, D(2025, 5, 12), D(2025, 6, 9), 30,
     "09.05 -> 12.05; 09.05+30 = Sun 08.06 -> Mon 09.06, not 12.05+30 = 11.06"),
    (D(2025, 12, 2), A, P, 10, D(2025, 12, 30), D(2026, 1, 12), 10,
     "01.01.2026 -> 30.12.2025; 01.01+10 = Sun 11.01, every day back to 01.01 is off, so "
     "forward to Mon 12.01 (floor)"),
    (D(2027, 4, 9), A, F, 30, D(2027, 5, 11), D(2027, 6, 8), 30,
     "09.05.2027 (Sun) -> 11.05; 09.05+30 = Tue 08.06, not 11.05+30 = 10.06"),
    (D(2027, 4, 9), A, P, 30, D(2027, 5, 7), D(2027, 6, 8), 30,
     "09.05 -> Fri 07.05; 09.05+30 = Tue 08.06"),
    (D(2027, 1, 23), IR, P, 15, D(2027, 2, 20), D(2027, 3, 9), 15,
     "22.02.2027 (day off) -> Sat 20.02 (working); 22.02+15 = Tue 09.03, not 20.02+15 = "
     "07.03 -> 05.03"),
    (D(2027, 1, 23), IR, F, 15, D(2027, 2, 24), D(2027, 3, 9), 15,
     "22.02 -> 24.02; 22.02+15 = Tue 09.03, not 24.02+15 = 11.03"),
]  # fmt: skip


def _last_day(registered, regime, statutory, shift):
    """The last day the extension is granted: the statutory date, or under 8-FZ the
    last day of the delay notice (art. 18 p. 6, tests/cases/test_fz8_procedure.py)."""
    return deadlines.delay_notice_due(registered, regime, CAL, shift) or statutory


@pytest.mark.parametrize(
    ("registered", "regime", "shift", "days", "statutory", "new", "told", "why"), TABLE
)
def test_extension_counted_from_the_unshifted_statutory_date(
    registered, regime, shift, days, statutory, new, told, why
):
    assert deadlines.answer_due(registered, regime, CAL, shift) == statutory, why
    start = deadlines.extension_start(statutory, regime, registered, CAL, shift)
    assert start == registered + dt.timedelta(days=30), why
    got = deadlines.extended_due(
        statutory, regime, days, 0, CAL, shift, registered=registered,
        at=_last_day(registered, regime, statutory, shift),
    )  # fmt: skip
    assert got == new, why
    limit = deadlines.rules_for(regime).extension.days
    # never later than the law's limit counted the same way from the statutory date
    assert got <= deadlines.add_term(start, deadlines.Term(limit), CAL, shift), why
    assert CAL.is_working_day(got), why
    assert min(days, (got - start).days) == told, why


def _registered(register_post, org, registered: dt.date, regime=A):
    at = moscow(registered.year, registered.month, registered.day, 10)
    case = register_post(
        regime=regime, received_at=at, at=at, reply_channel=ReplyChannel.EMAIL,
        reply_contact="client@example.gov.ru",
    )  # fmt: skip
    case = services.decide_urgency(case, org.registrar, urgent=False)
    return services.assign(case, org.registrar, unit=org.units["ОДС"], executor=org.executor)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("registered", "regime", "shift", "days", "statutory", "new", "told", "why"), TABLE
)
def test_the_service_extends_and_tells_the_real_days(
    registered, regime, shift, days, statutory, new, told, why,
    settings, org, register_post, django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.CASES_DEADLINE_SHIFT = shift
    case = _registered(register_post, org, registered, regime)
    assert case.statutory_deadline == statutory, why
    last = _last_day(registered, regime, statutory, shift)
    on_the_last_day = moscow(last.year, last.month, last.day, 17)
    with django_capture_on_commit_callbacks(execute=True):
        services.extend(case, org.head, days=days, reason="Запрошены документы", at=on_the_last_day)
    case.refresh_from_db()
    assert case.statutory_deadline == case.due_date == new, why
    event = case.events.get(kind=EventKind.EXTENDED)
    assert event.data["days"] == told and event.data["new"] == str(new), why
    letter = mail.outbox[-1].body
    assert f"на {told} д" in letter and new.strftime("%d.%m.%Y") in letter, (why, letter)


def _overdue_case(register_post, org):
    """Registered 40 days ago: the 30-day statutory date is behind us."""
    registered = timezone.localdate() - dt.timedelta(days=40)
    case = _registered(register_post, org, registered)
    assert case.statutory_deadline < timezone.localdate()
    return case


def _still_overdue(case, org):
    case.refresh_from_db()
    assert case.extension_count == 0 and not case.events.filter(kind=EventKind.EXTENDED)
    overdue = apply_queue(Case.objects.visible_to(org.head), "overdue", org.head)
    assert case in overdue


@pytest.mark.parametrize(
    ("regime", "due", "at", "allowed"),
    [
        (A, D(2026, 12, 1), D(2026, 12, 6), False),  # the case of the issue
        (A, D(2026, 12, 1), D(2026, 12, 2), False),  # the day after
        (A, D(2026, 12, 1), D(2026, 12, 1), True),  # the last day still runs
        (A, D(2026, 12, 1), D(2026, 11, 20), True),
        (IR, D(2025, 5, 7), D(2025, 5, 8), False),
        (IR, D(2025, 5, 7), D(2025, 5, 7), True),
    ],
)
def test_an_expired_term_is_not_extended(regime, due, at, allowed):
    if allowed:
        assert deadlines.extended_due(due, regime, 10, 0, CAL, P, at=at) > due
    else:
        with pytest.raises(deadlines.TermExpired):
            deadlines.extended_due(due, regime, 10, 0, CAL, P, at=at)


@pytest.mark.django_db
def test_service_refuses_an_overdue_case_and_it_stays_overdue(org, register_post):
    case = _overdue_case(register_post, org)
    with pytest.raises(ValidationError) as refused:
        services.extend(case, org.head, days=20, reason="Запрошены документы")
    assert "истёк" in " ".join(refused.value.message_dict["days"])
    _still_overdue(case, org)
    assert not mail.outbox


@pytest.mark.django_db
def test_page_refuses_an_overdue_case(client, org, register_post):
    case = _overdue_case(register_post, org)
    client.force_login(org.head)
    response = client.post(
        reverse("cases:extend", args=[case.pk]), {"days": "20", "reason": "Запрошены документы"}
    )
    assert response.status_code == 400
    assert "истёк" in response.content.decode()
    _still_overdue(case, org)


@pytest.mark.django_db
def test_api_refuses_an_overdue_case(org, register_post):
    case = _overdue_case(register_post, org)
    api = APIClient()
    api.force_authenticate(org.head)
    response = api.post(
        f"/api/cases/{case.pk}/extend/", {"days": 20, "reason": "Запрошены документы"}
    )
    assert response.status_code == 400
    assert "истёк" in response.content.decode()
    _still_overdue(case, org)


@pytest.mark.django_db
def test_a_running_term_is_still_extended_through_the_page(client, org, register_post):
    case = _registered(register_post, org, timezone.localdate() - dt.timedelta(days=2))
    client.force_login(org.head)
    response = client.post(
        reverse("cases:extend", args=[case.pk]), {"days": "20", "reason": "Запрошены документы"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.extension_count == 1


@pytest.mark.django_db
def test_the_page_shows_why_instead_of_the_form(client, org, register_post):
    """An overdue case offers the head no form that can only be refused: the section says
    why; a running term still shows the form."""
    overdue = _overdue_case(register_post, org)
    running = _registered(register_post, org, timezone.localdate() - dt.timedelta(days=2))
    client.force_login(org.head)
    page = client.get(reverse("cases:detail", args=[overdue.pk])).content.decode()
    assert reverse("cases:extend", args=[overdue.pk]) not in page
    assert "истёкший срок продлить нельзя" in page
    page = client.get(reverse("cases:detail", args=[running.pk])).content.decode()
    assert reverse("cases:extend", args=[running.pk]) in page


@pytest.mark.django_db
def test_a_refused_extension_leaves_the_report_figure(client, org, register_post):
    """«Просрочено сейчас» of the report counts the case before and after the refusal."""
    from cases.reports import figures

    case = _overdue_case(register_post, org)
    today = timezone.localdate()
    unit = [org.units["ОДС"].pk]
    assert figures.build(unit, today - dt.timedelta(days=60), today).overdue_now == 1
    client.force_login(org.head)
    client.post(reverse("cases:extend", args=[case.pk]), {"days": "20", "reason": "Документы"})
    assert figures.build(unit, today - dt.timedelta(days=60), today).overdue_now == 1
    _still_overdue(case, org)
