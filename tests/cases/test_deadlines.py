"""The deadline policy on real 2025–2027 dates of the Russian production calendar.

Every expected date below was worked out by hand from the calendar (the `holidays`
library, RU, as transferred by the Government decrees), and the reasoning is written
next to it, so a wrong implementation cannot make its own output the expectation.

2025: 01–08.01 holidays; 02.05 and 08.05 days off (transferred); 09.05 holiday;
      01.11 (Sat) a working day, 03.11 day off, 04.11 holiday; 31.12 day off.
2026: 01–08.01 holidays, 09.01 day off; 09.05 (Sat) holiday, 11.05 day off; 31.12 day off.
2027: 01–08.01 holidays; 20.02 (Sat) a working day, 22.02 day off, 23.02 holiday;
      01.05 (Sat) holiday, 03.05 day off; 09.05 (Sun), 10.05 day off; 31.12 day off.
"""

import datetime as dt

import pytest

from cases import deadlines
from cases.choices import DeadlineState, Regime
from cases.deadlines import Term
from intranet.workdays import ProductionCalendar

D = dt.date
CAL = ProductionCalendar()


@pytest.mark.parametrize(
    ("registered", "shift", "expected", "why"),
    [
        (
            D(2025, 12, 1),
            "preceding",
            D(2025, 12, 30),
            "+30 = Wed 31.12.2025, a transferred day off -> Tue 30.12",
        ),
        (
            D(2025, 12, 5),
            "preceding",
            D(2026, 1, 12),
            "+30 = Sun 04.01.2026 in the New Year holidays; back to Tue 30.12.2025 is 5 days "
            "(more than CASES_SHIFT_BACK_MAX_DAYS, a 25-day term) -> forward to Mon 12.01",
        ),
        (
            D(2025, 12, 5),
            "following",
            D(2026, 1, 12),
            "+30 = 04.01.2026; 05-08.01 holidays, 09.01 off, 10-11.01 weekend -> Mon 12.01",
        ),
        (
            D(2025, 4, 2),
            "preceding",
            D(2025, 4, 30),
            "+30 = Fri 02.05.2025 (off), 01.05 holiday -> Wed 30.04",
        ),
        (
            D(2025, 4, 2),
            "following",
            D(2025, 5, 5),
            "+30 = 02.05.2025 (off), 03-04.05 weekend -> Mon 05.05",
        ),
        (
            D(2025, 10, 2),
            "preceding",
            D(2025, 11, 1),
            "+30 = Sat 01.11.2025, a working Saturday: stays",
        ),
        (
            D(2026, 12, 10),
            "preceding",
            D(2027, 1, 11),
            "+30 = Sat 09.01.2027; 01-08.01 holidays, 31.12.2026 off: back to Wed 30.12.2026 "
            "is 10 days -> forward to Mon 11.01.2027",
        ),
        (
            D(2026, 12, 10),
            "following",
            D(2027, 1, 11),
            "+30 = Sat 09.01.2027, Sun 10.01 -> Mon 11.01.2027",
        ),
        (
            D(2026, 12, 9),
            "preceding",
            D(2027, 1, 11),
            "+30 = Fri 08.01.2027, a holiday: back to Wed 30.12.2026 is 9 days -> forward to "
            "Mon 11.01.2027",
        ),
        (
            D(2026, 4, 11),
            "preceding",
            D(2026, 5, 8),
            "+30 = Mon 11.05.2026, Victory Day moved from Sat 09.05 -> Fri 08.05",
        ),
        (
            D(2027, 3, 1),
            "preceding",
            D(2027, 3, 31),
            "+30 = Wed 31.03.2027, an ordinary working day",
        ),
    ],
)
def test_answer_deadline_59fz(registered, shift, expected, why):
    assert deadlines.answer_due(registered, Regime.APPEAL, CAL, shift) == expected, why


@pytest.mark.parametrize(
    ("received", "expected", "why"),
    [
        (
            D(2025, 12, 30),
            D(2026, 1, 12),
            "+3 = Fri 02.01.2026 (holiday); back to Tue 30.12 is the day itself, before the "
            "first working day after receipt (the floor) -> forward to Mon 12.01.2026",
        ),
        (
            D(2025, 12, 31),
            D(2026, 1, 12),
            "+3 = 03.01.2026; the preceding working day 30.12 is before receipt -> forward to "
            "Mon 12.01.2026",
        ),
        (D(2025, 10, 29), D(2025, 11, 1), "+3 = Sat 01.11.2025, a working Saturday"),
        (D(2027, 2, 18), D(2027, 2, 20), "+3 = Sun 21.02.2027 -> Sat 20.02, a working Saturday"),
    ],
)
def test_registration_deadline(received, expected, why):
    assert deadlines.registration_due(received, Regime.APPEAL, CAL, "preceding") == expected, why


@pytest.mark.parametrize(
    ("regime", "registered", "expected", "why"),
    [
        (
            Regime.APPEAL,
            D(2025, 12, 29),
            D(2026, 1, 15),
            "working days after Mon 29.12.2025: 30.12 (1); 31.12-11.01 off; 12 (2), 13 (3), "
            "14 (4), 15.01 (5)",
        ),
        (
            Regime.APPEAL,
            D(2025, 10, 29),
            D(2025, 11, 6),
            "30.10 (1), 31.10 (2), Sat 01.11 working (3), 03.11 off, 04.11 holiday, "
            "05.11 (4), 06.11 (5)",
        ),
        (
            Regime.APPEAL,
            D(2025, 4, 29),
            D(2025, 5, 12),
            "30.04 (1), 01-04.05 off, 05 (2), 06 (3), 07 (4), 08-11.05 off, 12.05 (5)",
        ),
        (
            Regime.FEEDBACK,
            D(2025, 12, 26),
            D(2026, 1, 12),
            "ПОС: +10 = Mon 05.01.2026 (holiday); back to 30.12.2025 is 6 days -> 12.01.2026; "
            "the 5-working-day target (14.01.2026) is later, so the statutory date caps it",
        ),
    ],
)
def test_urgent_target_never_later_than_statutory(regime, registered, expected, why):
    with_cap = deadlines.urgent_target(registered, regime, CAL, "preceding")
    assert with_cap == expected, why
    assert with_cap <= deadlines.answer_due(registered, regime, CAL, "preceding")


@pytest.mark.parametrize(
    ("func", "regime", "start", "expected", "why"),
    [
        (
            deadlines.answer_due,
            Regime.FEEDBACK,
            D(2025, 4, 28),
            D(2025, 5, 7),
            "ПОС 10 calendar days: +10 = Thu 08.05.2025 (off) -> Wed 07.05",
        ),
        (
            deadlines.answer_due,
            Regime.INFO_REQUEST,
            D(2025, 4, 2),
            D(2025, 4, 30),
            "8-FZ 30 days: +30 = 02.05.2025 (off) -> 30.04",
        ),
        (
            deadlines.delay_notice_due,
            Regime.INFO_REQUEST,
            D(2027, 2, 15),
            D(2027, 2, 20),
            "8-FZ delay notice 7 days: +7 = Mon 22.02.2027 (off), Sun 21 -> Sat 20.02 (working)",
        ),
        (
            deadlines.forward_due,
            Regime.APPEAL,
            D(2027, 2, 16),
            D(2027, 2, 20),
            "forward in 7 days: +7 = Tue 23.02.2027 (holiday), 22 off, 21 Sun -> Sat 20.02",
        ),
        (
            deadlines.link_due,
            Regime.APPEAL,
            D(2026, 1, 2),
            D(2026, 1, 12),
            "link in 7 days: +7 = Fri 09.01.2026 (off); every day back to 30.12.2025 is off "
            "and before registration -> forward to Mon 12.01",
        ),
        (
            deadlines.other_body_due,
            Regime.APPEAL,
            D(2026, 4, 24),
            D(2026, 5, 8),
            "other bodies 15 days: +15 = Sat 09.05.2026 (holiday) -> Fri 08.05",
        ),
        (
            deadlines.answer_due,
            Regime.INCIDENT,
            D(2027, 4, 30),
            D(2027, 5, 13),
            "Incident Management 7 working days: 01-03.05 off, 04 (1), 05 (2), 06 (3), 07 (4), "
            "08-10.05 off, 11 (5), 12 (6), 13.05 (7)",
        ),
    ],
)
def test_other_rules(func, regime, start, expected, why):
    assert func(start, regime, CAL, "preceding") == expected, why


def test_information_request_has_no_link_delay_for_appeals():
    assert deadlines.delay_notice_due(D(2026, 3, 2), Regime.APPEAL, CAL) is None


def test_extension_once_and_at_most_30_days():
    # 30.12.2025 + 30 = Thu 29.01.2026, a working day.
    assert deadlines.extended_due(D(2025, 12, 30), Regime.APPEAL, 30, 0, CAL) == D(2026, 1, 29)
    with pytest.raises(deadlines.ExtensionNotAllowed):
        deadlines.extended_due(D(2025, 12, 30), Regime.APPEAL, 31, 0, CAL)
    with pytest.raises(deadlines.ExtensionNotAllowed):
        deadlines.extended_due(D(2025, 12, 30), Regime.APPEAL, 10, 1, CAL)
    # 8-FZ: at most 15 more days. 30.04.2025 + 15 = Thu 15.05.2025, a working day.
    assert deadlines.extended_due(D(2025, 4, 30), Regime.INFO_REQUEST, 15, 0, CAL) == D(2025, 5, 15)
    with pytest.raises(deadlines.ExtensionNotAllowed):
        deadlines.extended_due(D(2025, 4, 30), Regime.INFO_REQUEST, 16, 0, CAL)


def test_a_proposed_date_gives_the_fewest_days_that_reach_it():
    """The executor's proposed deadline (cases.services.handling.request_extension)."""
    until = deadlines.extension_days_until
    assert until(D(2025, 12, 30), Regime.APPEAL, D(2026, 1, 29), 0, CAL) == 30
    with pytest.raises(deadlines.DateBeyondLimit) as exc:
        until(D(2025, 12, 30), Regime.APPEAL, D(2026, 1, 30), 0, CAL)
    assert exc.value.latest == D(2026, 1, 29)
    with pytest.raises(deadlines.DateNotLater):
        until(D(2025, 12, 30), Regime.APPEAL, D(2025, 12, 30), 0, CAL)
    with pytest.raises(deadlines.ExtensionNotAllowed):  # extended once already
        until(D(2025, 12, 30), Regime.APPEAL, D(2026, 1, 20), 1, CAL)
    # 8-FZ: at most 15 days. Wed 07.05.2025 is a working day: 7 days exactly.
    assert until(D(2025, 4, 30), Regime.INFO_REQUEST, D(2025, 5, 7), 0, CAL) == 7
    with pytest.raises(deadlines.DateBeyondLimit):
        until(D(2025, 4, 30), Regime.INFO_REQUEST, D(2025, 5, 16), 0, CAL)


@pytest.mark.parametrize(
    ("today", "due", "state", "why"),
    [
        (D(2025, 12, 26), D(2025, 12, 25), DeadlineState.OVERDUE, "yesterday"),
        (D(2025, 12, 26), D(2025, 12, 26), DeadlineState.DUE_SOON, "today"),
        (
            D(2025, 12, 26),
            D(2026, 1, 12),
            DeadlineState.DUE_SOON,
            "29.12 (1), 30.12 (2), 12.01.2026 (3): the 3rd working day",
        ),
        (D(2025, 12, 26), D(2026, 1, 13), DeadlineState.ON_TRACK, "the 4th working day"),
        (
            D(2025, 10, 29),
            D(2025, 11, 1),
            DeadlineState.DUE_SOON,
            "30.10 (1), 31.10 (2), Sat 01.11 working (3)",
        ),
        (
            D(2025, 10, 29),
            D(2025, 11, 5),
            DeadlineState.ON_TRACK,
            "05.11 is the 4th working day (03 and 04.11 off)",
        ),
        (D(2025, 10, 29), None, DeadlineState.NONE, "no deadline"),
    ],
)
def test_deadline_state(today, due, state, why):
    assert deadlines.deadline_state(due, today, CAL) == state, why


def test_regime_rules_are_configurable(settings):
    settings.CASES_REGIME_RULES = {"internal": {"answer": (10, "working"), "prefix": "ВЗ"}}
    rules = deadlines.rules_for(Regime.INTERNAL)
    assert rules.answer == Term(10, "working")
    assert rules.prefix == "ВЗ"
    # 30.12.2025 (1), 12.01 (2), 13, 14, 15, 16 (6), 19 (7), 20, 21, 22.01.2026 (10).
    assert deadlines.answer_due(D(2025, 12, 29), Regime.INTERNAL, CAL) == D(2026, 1, 22)
    # Other regimes keep their defaults.
    assert deadlines.rules_for(Regime.APPEAL).answer == Term(30)


def test_shift_setting_switches_direction(settings):
    settings.CASES_DEADLINE_SHIFT = "following"
    assert deadlines.answer_due(D(2025, 4, 2), Regime.APPEAL, CAL) == D(2025, 5, 5)
    settings.CASES_DEADLINE_SHIFT = "sideways"
    with pytest.raises(ValueError):
        deadlines.answer_due(D(2025, 4, 2), Regime.APPEAL, CAL)


@pytest.mark.django_db
def test_local_calendar_overrides_apply():
    from intranet.models import CalendarOverride

    # A regional day off on Tue 30.12.2025: +30 from 01.12 = 31.12 (off) -> 30.12 (now
    # off too) -> Mon 29.12.
    CalendarOverride.objects.create(date=D(2025, 12, 30), is_working=False, reason="тест")
    assert deadlines.answer_due(D(2025, 12, 1), Regime.APPEAL) == D(2025, 12, 29)
