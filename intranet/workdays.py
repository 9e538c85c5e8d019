"""The Russian production calendar (производственный календарь).

Public holidays, transferred days off and working Saturdays come from the `holidays`
library (country RU), corrected by `CalendarOverride` rows for one-off regional days it
lacks. Every date rule of the product (deadlines, reception hours, slots) asks this
module, never `date.weekday()` directly."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import holidays

_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@lru_cache(maxsize=64)
def _ru_year(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("RU", years=year, language="en_US")


# Entries of `holidays` RU that are not the non-working holidays of ТК РФ ст. 112 itself:
# a day off moved by a transfer decree, or a holiday's day off moved off a weekend.
_NOT_A_HOLIDAY = ("substituted from", "(observed)")


class ProductionCalendar:
    """Working and non-working days. `overrides` maps a date to True (working) or
    False (non-working) and wins over the library; `shortened` maps a date to True
    (a shortened pre-holiday day) or False (a full day) and wins over the computation
    in `is_shortened_day`."""

    def __init__(
        self,
        overrides: dict[dt.date, bool] | None = None,
        shortened: dict[dt.date, bool] | None = None,
    ):
        self.overrides = dict(overrides or {})
        self.shortened = dict(shortened or {})

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _ru_year(day.year).is_working_day(day)

    def holiday_name(self, day: dt.date) -> str | None:
        names = holidays.country_holidays("RU", years=day.year, language="ru")
        return names.get(day)

    def is_transferred_workday(self, day: dt.date) -> bool:
        """A Saturday or Sunday made a working day by a transfer decree."""
        return day.weekday() >= 5 and self.is_working_day(day)

    def schedule_weekday(self, day: dt.date) -> int:
        """Which weekday's hours apply on `day`. A working Saturday works by the hours of
        the weekday whose day off it took (e.g. 01.11.2025 works as Monday 03.11.2025)."""
        if not self.is_transferred_workday(day):
            return day.weekday()
        swapped = self._swapped_day(day)
        return swapped.weekday() if swapped else 0

    def _swapped_day(self, day: dt.date) -> dt.date | None:
        """The weekday a working Saturday or Sunday took the place of (the day off the
        transfer decree moved its rest day to), or None."""
        needle = f"substituted from {day:%m/%d/%Y}"
        for year in (day.year, day.year + 1):
            for other, name in _ru_year(year).items():
                if needle in name:
                    return other
        return None

    def is_public_holiday(self, day: dt.date) -> bool:
        """A non-working holiday of ТК РФ ст. 112 (on whatever weekday it falls), not a
        day off moved by a transfer decree and not a weekend holiday's moved day off."""
        if self.overrides.get(day) is True:
            return False
        name = _ru_year(day.year).get(day)
        return bool(name) and not any(mark in name for mark in _NOT_A_HOLIDAY)

    def is_shortened_day(self, day: dt.date) -> bool:
        """A pre-holiday working day, one hour shorter (ТК РФ ст. 95): a working day whose
        next calendar day is a non-working holiday (ст. 112), e.g. 30.04, 08.05 (before
        Saturday 9 May), 11.06 and 03.11.2026. The day before an ordinary weekend or
        before a transferred day off is not: 30.12 before a transferred 31.12 is a full
        day. A working Saturday is shortened when the weekday whose day off it took is
        (02.11.2024 for 30.04.2024, 01.11.2025 for 03.11.2025). A `shortened` override
        row (the admin's calendar exception) wins either way."""
        if day in self.shortened:
            return self.shortened[day] and self.is_working_day(day)
        if not self.is_working_day(day):
            return False
        if self.is_public_holiday(day + dt.timedelta(days=1)):
            return True
        if self.is_transferred_workday(day):
            swapped = self._swapped_day(day)
            return bool(swapped) and self.is_public_holiday(swapped + dt.timedelta(days=1))
        return False

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def working_day_on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (counting starts the day after)."""
        day = start
        remaining = count
        while remaining > 0:
            day = self.next_working_day(day)
            remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: 0 when end <= start."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def get_calendar() -> ProductionCalendar:
    """The calendar with the overrides stored in the database."""
    from intranet.models import CalendarOverride

    rows = CalendarOverride.objects.values_list("date", "is_working", "shortened")
    overrides = {day: working for day, working, _short in rows}
    shortened = {day: short for day, _working, short in rows if short is not None}
    return ProductionCalendar(overrides, shortened)
