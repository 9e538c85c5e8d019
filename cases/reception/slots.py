"""Appointment slots of a reception point: cut from the point's weekly hours
(`intranet.reception.day_slots`: inside the open intervals, so never in the lunch break,
Friday's shorter hours as entered), only on working days of the production calendar
(holidays and transferred days off have none; a working Saturday has the hours of the
weekday it works for), never in the past, at most `horizon_days` ahead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cases.reception.models import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_SLOT_MINUTES,
    Booking,
    PointSettings,
)
from intranet.reception import Slot, day_slots
from intranet.workdays import ProductionCalendar, get_calendar


@dataclass(frozen=True)
class PointRules:
    slot_minutes: int = DEFAULT_SLOT_MINUTES
    horizon_days: int = DEFAULT_HORIZON_DAYS
    booking_open: bool = True


def rules_for(point) -> PointRules:
    row = PointSettings.objects.filter(point=point).first()
    if row is None:
        return PointRules()
    return PointRules(row.slot_minutes, row.horizon_days, row.booking_open)


@dataclass(frozen=True)
class FreeSlot:
    starts: dt.datetime
    ends: dt.datetime
    free: bool = True

    @property
    def token(self) -> str:
        return self.starts.isoformat()


class Planner:
    """The slots of one point, computed once per request: the schedule, the calendar
    (with its database overrides) and the rules are read once."""

    def __init__(self, point, *, now: dt.datetime | None = None,
                 calendar: ProductionCalendar | None = None):  # fmt: skip
        self.point = point
        self.now = now or timezone.now()
        self.calendar = calendar or get_calendar()
        self.rules = rules_for(point)
        self.schedule = point.weekly_schedule()
        self.tz = timezone.get_current_timezone()

    @property
    def today(self) -> dt.date:
        return timezone.localtime(self.now, self.tz).date()

    @property
    def last_day(self) -> dt.date:
        return self.today + dt.timedelta(days=self.rules.horizon_days)

    def all_slots(self, day: dt.date) -> list[Slot]:
        """Every slot of the day that has not started yet, booked or not."""
        if not self.rules.booking_open or not (self.today <= day <= self.last_day):
            return []
        return day_slots(
            self.schedule, day, self.calendar, self.rules.slot_minutes, self.tz, self.now
        )

    def _taken(self, start: dt.date, end: dt.date, exclude=None) -> set[dt.datetime]:
        low = dt.datetime.combine(start, dt.time.min, tzinfo=self.tz)
        high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=self.tz)
        taken = Booking.objects.active().filter(
            point=self.point, starts_at__gte=low, starts_at__lt=high
        )
        if exclude is not None:
            taken = taken.exclude(pk=exclude.pk)
        return set(taken.values_list("starts_at", flat=True))

    def day(self, day: dt.date, exclude=None) -> list[FreeSlot]:
        """The day's slots, each marked free or taken."""
        taken = self._taken(day, day, exclude)
        return [FreeSlot(s.starts, s.ends, s.starts not in taken) for s in self.all_slots(day)]

    def free(self, day: dt.date, exclude=None) -> list[FreeSlot]:
        return [slot for slot in self.day(day, exclude) if slot.free]

    def days(self, exclude=None) -> list[tuple[dt.date, int]]:
        """(day, free slots) for every day of the horizon that has reception hours."""
        taken = self._taken(self.today, self.last_day, exclude)
        result = []
        day = self.today
        while day <= self.last_day:
            slots = self.all_slots(day)
            if slots:
                result.append((day, sum(1 for s in slots if s.starts not in taken)))
            day += dt.timedelta(days=1)
        return result

    def slot_at(self, starts: dt.datetime) -> Slot | None:
        """The slot starting exactly at `starts`, if it is a bookable slot (right time,
        working day, not past, within the horizon); whether it is free is not checked."""
        local = timezone.localtime(starts, self.tz)
        for slot in self.all_slots(local.date()):
            if slot.starts == local:
                return slot
        return None
