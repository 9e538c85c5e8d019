"""The production calendar: holidays, transferred days off, working Saturdays, overrides."""

import datetime as dt

import pytest

from intranet.workdays import ProductionCalendar, get_calendar

D = dt.date
cal = ProductionCalendar()


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2025, 1, 8), False),  # New Year holidays
        (D(2025, 1, 9), True),
        (D(2025, 5, 2), False),  # transferred from Saturday 04.01.2025
        (D(2025, 11, 1), True),  # a working Saturday
        (D(2025, 11, 3), False),  # the Monday it freed
        (D(2025, 12, 31), False),
        (D(2026, 1, 9), False),
        (D(2026, 1, 12), True),
        (D(2026, 3, 9), False),  # 8 March fell on a Sunday
        (D(2026, 11, 4), False),
        (D(2027, 2, 20), True),  # working Saturday of 2027
        (D(2027, 2, 22), False),
        (D(2027, 1, 8), False),
    ],
)
def test_is_working_day(day, working):
    assert cal.is_working_day(day) is working


def test_working_saturday_works_by_the_hours_of_the_day_it_replaced():
    assert cal.schedule_weekday(D(2025, 11, 1)) == 0  # Monday 03.11.2025
    assert cal.schedule_weekday(D(2027, 2, 20)) == 0  # Monday 22.02.2027
    assert cal.schedule_weekday(D(2026, 11, 25)) == 2


def test_working_day_arithmetic_over_the_new_year():
    # The 1st working day after 30.12.2026 (Wed): 31.12 off, 01–08.01 holidays,
    # 09–10.01 weekend → Monday 11.01.2027.
    assert cal.add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 11)
    assert cal.next_working_day(D(2026, 12, 30)) == D(2027, 1, 11)
    assert cal.working_day_on_or_before(D(2027, 1, 5)) == D(2026, 12, 30)
    assert cal.working_day_on_or_after(D(2027, 1, 5)) == D(2027, 1, 11)
    assert cal.working_days_between(D(2026, 12, 29), D(2027, 1, 12)) == 3  # 30.12, 11.01, 12.01
    assert cal.working_days_between(D(2027, 1, 12), D(2027, 1, 12)) == 0


@pytest.mark.django_db
def test_database_overrides_win_over_the_library():
    from intranet.models import CalendarOverride

    CalendarOverride.objects.create(date=D(2026, 11, 25), is_working=False, reason="Региональный")
    CalendarOverride.objects.create(date=D(2026, 11, 28), is_working=True, reason="Отработка")
    calendar = get_calendar()
    assert not calendar.is_working_day(D(2026, 11, 25))
    assert calendar.is_working_day(D(2026, 11, 28))
    assert calendar.is_working_day(D(2026, 11, 26))
