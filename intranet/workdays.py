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


class ProductionCalendar:
    """Working and non-working days. `overrides` maps a date to True (working) or
    False (non-working) and wins over the library."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        self.overrides = dict(overrides or {})

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
        needle = f"substituted from {day:%m/%d/%Y}"
        for year in (day.year, day.year + 1):
            for other, name in _ru_year(year).items():
                if needle in name:
                    return other.weekday()
        return 0

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

    overrides = dict(CalendarOverride.objects.values_list("date", "is_working"))
    return ProductionCalendar(overrides)
