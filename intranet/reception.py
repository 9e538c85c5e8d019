"""Opening hours of reception points: "open now / closed now / opens at", computed from
the weekly hours, the lunch break and the production calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.workdays import ProductionCalendar


@dataclass(frozen=True)
class DayHours:
    opens: dt.time
    closes: dt.time
    lunch_start: dt.time | None = None
    lunch_end: dt.time | None = None

    def intervals(self) -> list[tuple[dt.time, dt.time]]:
        """Open intervals of the day: the lunch break splits the day in two."""
        if self.lunch_start and self.lunch_end:
            return [(self.opens, self.lunch_start), (self.lunch_end, self.closes)]
        return [(self.opens, self.closes)]


@dataclass
class WeeklySchedule:
    days: dict[int, DayHours] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable) -> WeeklySchedule:
        return cls(
            {
                row.weekday: DayHours(row.opens, row.closes, row.lunch_start, row.lunch_end)
                for row in rows
            }
        )

    def hours_on(self, day: dt.date, calendar: ProductionCalendar) -> DayHours | None:
        """The hours that apply on a date, or None if the point is closed all day. On a
        shortened pre-holiday day (ТК РФ ст. 95) the point closes one hour earlier; the
        lunch break stays where it is."""
        if not calendar.is_working_day(day):
            return None
        hours = self.days.get(calendar.schedule_weekday(day))
        if hours is None or not calendar.is_shortened_day(day):
            return hours
        return replace(hours, closes=_hour_earlier(hours.closes))


def _hour_earlier(time: dt.time) -> dt.time:
    if time.hour == 0:
        return dt.time(0)
    return time.replace(hour=time.hour - 1)


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    # When the state changes next: closing time if open, opening time if closed.
    changes_at: dt.datetime | None
    # The local date the status was computed for ("today" in the label).
    today: dt.date
    reason: str = ""

    @property
    def label(self) -> str:
        if self.is_open:
            return _("Open until %(time)s") % {"time": f"{self.changes_at:%H:%M}"}
        if self.changes_at is None:
            return _("Closed")
        return _("Closed, opens %(when)s") % {"when": self._when()}

    def _when(self) -> str:
        assert self.changes_at is not None
        today = self.today
        time = f"{self.changes_at:%H:%M}"
        if self.changes_at.date() == today:
            return _("today at %(time)s") % {"time": time}
        if self.changes_at.date() == today + dt.timedelta(days=1):
            return _("tomorrow at %(time)s") % {"time": time}
        day = self.changes_at.date()
        # «в понедельник, 30 ноября»: the weekday with its preposition and case, which a
        # date format's nominative "l" cannot give («откроется понедельник»).
        date = f"{ON_WEEKDAY[day.weekday()]}, {formats.date_format(day, 'j E')}"
        return _("%(date)s at %(time)s") % {"date": date, "time": time}


ON_WEEKDAY = (
    gettext_lazy("on Monday"),
    gettext_lazy("on Tuesday"),
    gettext_lazy("on Wednesday"),
    gettext_lazy("on Thursday"),
    gettext_lazy("on Friday"),
    gettext_lazy("on Saturday"),
    gettext_lazy("on Sunday"),
)


def opening_status(
    schedule: WeeklySchedule,
    now: dt.datetime,
    calendar: ProductionCalendar,
    horizon_days: int = 45,
) -> OpeningStatus:
    """Whether the point is open at `now` (an aware or naive local datetime), and when
    that changes. Looks at most `horizon_days` ahead for the next opening."""
    today, time = now.date(), now.time()
    hours = schedule.hours_on(today, calendar)
    reason = ""
    if hours is None:
        holiday = calendar.holiday_name(today)
        reason = holiday or _("non-working day")
    else:
        for start, end in hours.intervals():
            if start <= time < end:
                return OpeningStatus(True, _combine(now, today, end), today)
        if hours.lunch_start and hours.lunch_start <= time < hours.lunch_end:
            reason = _("lunch break")
        else:
            reason = _("outside reception hours")
    for offset in range(horizon_days + 1):
        day = today + dt.timedelta(days=offset)
        day_hours = schedule.hours_on(day, calendar)
        if day_hours is None:
            continue
        for start, _end in day_hours.intervals():
            if offset > 0 or start > time:
                return OpeningStatus(False, _combine(now, day, start), today, reason)
    return OpeningStatus(False, None, today, reason)


def _combine(now: dt.datetime, day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=now.tzinfo)


@dataclass(frozen=True)
class Slot:
    starts: dt.datetime
    ends: dt.datetime


def day_slots(
    schedule: WeeklySchedule,
    day: dt.date,
    calendar: ProductionCalendar,
    minutes: int,
    tz: dt.tzinfo,
    not_before: dt.datetime | None = None,
) -> list[Slot]:
    """Appointment slots of `minutes` on `day`: inside the open intervals only (never in
    the lunch break), none on a non-working day, none starting before `not_before`."""
    hours = schedule.hours_on(day, calendar)
    if hours is None or minutes <= 0:
        return []
    step = dt.timedelta(minutes=minutes)
    slots = []
    for start, end in hours.intervals():
        cursor = dt.datetime.combine(day, start, tzinfo=tz)
        limit = dt.datetime.combine(day, end, tzinfo=tz)
        while cursor + step <= limit:
            if not_before is None or cursor >= not_before:
                slots.append(Slot(cursor, cursor + step))
            cursor += step
    return slots
