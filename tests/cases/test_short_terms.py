"""Short terms are not cut to nothing (REGULATION.md § 0, the caveat of the
recommendation): the shift is set per regime and per term, a term never ends before the
first working day after the event, and "preceding" moves a last day back at most
CASES_SHIFT_BACK_MAX_DAYS (3) days.

The production calendar the tests use (`intranet.workdays.ProductionCalendar`, see
tests/cases/test_deadlines.py): 2025/2026 New Year: 31.12.2025 a day off, 01–11.01.2026
off, Mon 12.01.2026 the first working day; May 2026: Sat 09.05 holiday, Mon 11.05 day off.
"""

import datetime as dt

import pytest
from django.utils import timezone

from cases import deadlines, services
from cases.choices import Channel, Regime, ReplyChannel, Status
from cases.models import EventKind
from intranet.workdays import ProductionCalendar
from tests.cases.conftest import moscow

D = dt.date
CAL = ProductionCalendar()
P, F = "preceding", "following"
A, POS, IR = Regime.APPEAL, Regime.FEEDBACK, Regime.INFO_REQUEST

# The days of 2024–2027 when, before the floor, a 3-day registration term moved back
# ("preceding") ended on the day of receipt itself.
CUT_TO_NOTHING = [
    D(2024, 2, 22), D(2024, 3, 7), D(2024, 4, 27), D(2024, 5, 8), D(2024, 12, 28),
    D(2025, 4, 30), D(2025, 5, 7), D(2025, 6, 11), D(2025, 11, 1), D(2025, 12, 30),
    D(2026, 2, 20), D(2026, 3, 6), D(2026, 4, 30), D(2026, 5, 8), D(2026, 6, 11),
    D(2026, 12, 30), D(2027, 2, 20), D(2027, 3, 5), D(2027, 4, 30), D(2027, 5, 7),
    D(2027, 6, 11), D(2027, 11, 3), D(2027, 12, 30),
]  # fmt: skip

# The calendar-day terms of the desk: registration, forward/link, ПОС, other bodies, answer.
TERM_DAYS = [1, 3, 7, 10, 15, 30]


def _every_day(year):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("shift", [P, F])
@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_no_term_ends_before_the_first_working_day_after_the_event(year, shift):
    """Every day of 2024–2027 as the event, every term of the desk, both shifts."""
    for start in _every_day(year):
        floor = CAL.next_working_day(start)
        for days in TERM_DAYS:
            due = deadlines.add_term(start, deadlines.Term(days, deadlines.CALENDAR, shift), CAL)
            naive = start + dt.timedelta(days=days)
            why = f"{start} + {days} ({shift}) -> {due}"
            assert CAL.is_working_day(due), why
            assert due >= floor, why
            if due < naive:  # moved back: never further than 3 days
                assert shift == P and (naive - due).days <= 3, why
            if CAL.is_working_day(naive):
                assert due == naive, why
            if shift == F:
                assert due == CAL.working_day_on_or_after(naive), why
        for days in (1, 3, 5):
            due = deadlines.add_term(start, deadlines.Term(days, deadlines.WORKING, shift), CAL)
            assert due >= floor, f"{start} + {days} working days -> {due}"


@pytest.mark.parametrize("received", CUT_TO_NOTHING)
@pytest.mark.parametrize("shift", [P, F])
def test_registration_never_due_on_the_day_of_receipt(settings, received, shift):
    settings.CASES_DEADLINE_SHIFT = shift
    # Even with the registration term itself set to move back.
    for rules in ({}, {"appeal": {"register": (3, "calendar", P)}}):
        settings.CASES_REGIME_RULES = rules
        due = deadlines.registration_due(received, A, CAL)
        assert due >= CAL.next_working_day(received) > received, (received, rules, due)


# event, regime, which term, CASES_DEADLINE_SHIFT, expected, why
EXAMPLES = [
    (D(2026, 5, 8), A, "register", P, D(2026, 5, 12),
     "received Fri 08.05.2026 19:30; +3 = Mon 11.05 (day off); back to 08.05 would be the "
     "day of receipt: the registration term moves forward (ГК 193) -> Tue 12.05"),
    (D(2026, 5, 8), A, "register", F, D(2026, 5, 12), "11.05 -> Tue 12.05"),
    (D(2025, 12, 30), A, "register", P, D(2026, 1, 12),
     "+3 = Fri 02.01.2026 (holiday) -> Mon 12.01.2026, not Tue 30.12 (the day of receipt)"),
    (D(2025, 12, 12), A, "answer", P, D(2026, 1, 12),
     "+30 = Sun 11.01.2026; back to Tue 30.12.2025 (31.12 off) is 12 days, an 18-day term: "
     "forward to Mon 12.01.2026"),
    (D(2025, 12, 12), A, "answer", F, D(2026, 1, 12), "+30 = Sun 11.01 -> Mon 12.01.2026"),
    (D(2025, 12, 12), IR, "answer", P, D(2026, 1, 12), "8-FZ, the same 30 days"),
    (D(2025, 12, 1), A, "answer", P, D(2025, 12, 30),
     "+30 = Wed 31.12.2025 (off) -> Tue 30.12: one day back is kept"),
    (D(2025, 12, 1), A, "answer", F, D(2026, 1, 12), "+30 = 31.12.2025 -> Mon 12.01.2026"),
    (D(2026, 4, 11), A, "answer", P, D(2026, 5, 8),
     "+30 = Mon 11.05.2026 (off) -> Fri 08.05: 3 days back, a weekend and a bridge day"),
    (D(2026, 5, 7), A, "register", P, D(2026, 5, 12),
     "+3 = Sun 10.05.2026: the registration term moves forward (ГК 193) -> Tue 12.05"),
]  # fmt: skip


def _due(event, regime, which, calendar=CAL):
    if which == "register":
        return deadlines.registration_due(event, regime, calendar)
    return deadlines.answer_due(event, regime, calendar)


@pytest.mark.parametrize(("event", "regime", "which", "shift", "expected", "why"), EXAMPLES)
def test_the_examples_of_the_issue(settings, event, regime, which, shift, expected, why):
    settings.CASES_DEADLINE_SHIFT = shift
    assert _due(event, regime, which) == expected, why


def test_the_defaults_per_term_and_their_sources():
    rules = deadlines.rules_for(A)
    assert rules.register.shift == F  # ГК РФ art. 193
    assert rules.answer.shift is None  # CASES_DEADLINE_SHIFT
    for regime in Regime:
        assert deadlines.rules_for(regime).register.shift == F


# CASES_REGIME_RULES, registered, expected, why
OVERRIDES = [
    ({"appeal": {"shift": F}}, D(2025, 12, 1), D(2026, 1, 12),
     "the regime's shift: +30 = 31.12.2025 -> forward to 12.01.2026"),
    ({"appeal": {"answer": (30, "calendar", F)}}, D(2025, 12, 1), D(2026, 1, 12),
     "the term's own shift"),
    ({"appeal": {"answer": {"days": 30, "shift": F}}}, D(2025, 12, 1), D(2026, 1, 12),
     "the term as a mapping"),
    ({"appeal": {"shift": F, "answer": (30, "calendar", P)}}, D(2025, 12, 1), D(2025, 12, 30),
     "the term's own shift beats the regime's"),
    ({"internal": {"shift": F}}, D(2025, 12, 1), D(2025, 12, 30),
     "another regime's setting leaves the appeal alone"),
]  # fmt: skip


@pytest.mark.parametrize(("rules", "registered", "expected", "why"), OVERRIDES)
def test_the_shift_is_set_per_regime_and_per_term(settings, rules, registered, expected, why):
    settings.CASES_DEADLINE_SHIFT = P
    settings.CASES_REGIME_RULES = rules
    assert deadlines.answer_due(registered, A, CAL) == expected, why


def test_the_back_move_limit_is_a_setting(settings):
    settings.CASES_DEADLINE_SHIFT = P
    settings.CASES_SHIFT_BACK_MAX_DAYS = 12
    # 12.12.2025 + 30 = 11.01.2026 -> back to 30.12.2025 allowed when 12 days are.
    assert deadlines.answer_due(D(2025, 12, 12), A, CAL) == D(2025, 12, 30)
    settings.CASES_SHIFT_BACK_MAX_DAYS = 2
    assert deadlines.answer_due(D(2026, 4, 11), A, CAL) == D(2026, 5, 12)


@pytest.mark.parametrize(
    "rules",
    [
        {"appeal": {"shift": "sideways"}},
        {"appeal": {"register": (3, "calendar", "backwards")}},
    ],
)
def test_an_unknown_shift_is_refused(settings, rules):
    settings.CASES_REGIME_RULES = rules
    with pytest.raises(ValueError):
        deadlines.rules_for(A)


def _letter(org, received, registered):
    return services.register_message(
        org.registrar,
        channel=Channel.POST,
        subject="Письмо по почте",
        text="Прошу разъяснить порядок уведомления о подарке.",
        external={"name": "Сидоров Пётр Ильич", "postal_address": "СПб"},
        reply_channel=ReplyChannel.POST,
        reply_contact="СПб, Невский пр., 1",
        received_at=received,
        at=registered,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("shift", [P, F])
@pytest.mark.parametrize(
    ("registered", "late"),
    [
        (moscow(2026, 5, 12, 10, 0), False),  # Tue 12.05: the first working day after
        (moscow(2026, 5, 13, 10, 0), True),  # Wed 13.05: late
    ],
)
def test_registration_on_the_first_working_day_after_receipt_is_not_late(
    settings, org, shift, registered, late
):
    settings.CASES_DEADLINE_SHIFT = shift
    case = _letter(org, moscow(2026, 5, 8, 19, 30), registered)
    case.refresh_from_db()
    assert case.registration_deadline == D(2026, 5, 12)
    reason = case.events.get(kind=EventKind.REGISTERED).reason
    if late:
        assert reason == "Зарегистрировано после срока регистрации 12.05.2026."
    else:
        assert reason == ""


@pytest.mark.django_db
@pytest.mark.parametrize("shift", [P, F])
def test_a_portal_question_registered_by_the_registrar_on_time(settings, org, shift):
    settings.CASES_DEADLINE_SHIFT = shift
    settings.CASES_AUTO_REGISTER_PORTAL = False
    case = services.submit_question(
        org.client, subject="Вклад в справке", text="Как указать вклад, закрытый в декабре?",
        at=moscow(2025, 12, 30, 19, 30),
    )  # fmt: skip
    assert case.status == Status.RECEIVED
    assert case.registration_deadline == D(2026, 1, 12)
    services.register(case, org.registrar, at=moscow(2026, 1, 12, 9, 0))
    case.refresh_from_db()
    assert case.status == Status.REGISTERED
    assert case.events.get(kind=EventKind.REGISTERED).reason == ""
    assert timezone.localdate(case.registered_at) == D(2026, 1, 12)
