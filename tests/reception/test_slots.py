"""Slots of the demo reception point (seed 001: Mon–Thu 9:00–18:00, Fri 9:00–17:00,
lunch 12:00–12:48), 30 minutes unless its settings say otherwise, on the Russian
production calendar: the lunch break, Friday's hours, holidays, transferred days, the
past, the booking horizon, taken slots."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.reception import services
from cases.reception.models import BookingStatus, PointSettings
from cases.reception.slots import Planner
from intranet.models import CalendarOverride
from tests.reception.conftest import msk

pytestmark = pytest.mark.django_db


def times(planner, day):
    return [f"{s.starts:%H:%M}" for s in planner.day(day)]


def test_no_slot_in_the_lunch_break(point):
    planner = Planner(point, now=msk(2026, 11, 20, 8))
    monday = times(planner, dt.date(2026, 11, 23))
    assert monday[:6] == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    # 11:30–12:00 is the last slot before lunch; the next one starts when lunch ends.
    assert monday[6] == "12:48"
    for slot in planner.day(dt.date(2026, 11, 23)):
        start, end = slot.starts.time(), slot.ends.time()
        assert end <= dt.time(12) or start >= dt.time(12, 48), slot
    assert planner.slot_at(msk(2026, 11, 23, 12, 0)) is None
    assert planner.slot_at(msk(2026, 11, 23, 12, 30)) is None
    assert planner.slot_at(msk(2026, 11, 23, 11, 45)) is None  # not on the grid


def test_friday_has_its_shorter_hours(point):
    planner = Planner(point, now=msk(2026, 11, 20, 8))
    thursday = planner.day(dt.date(2026, 11, 26))
    friday = planner.day(dt.date(2026, 11, 27))
    assert f"{thursday[-1].ends:%H:%M}" == "17:48"  # Mon–Thu close at 18:00
    assert f"{friday[-1].starts:%H:%M}–{friday[-1].ends:%H:%M}" == "16:18–16:48"
    assert all(s.ends.time() <= dt.time(17) for s in friday)
    assert planner.slot_at(msk(2026, 11, 27, 16, 48)) is None  # would end 17:18
    assert len(friday) == len(thursday) - 2


@pytest.mark.parametrize(
    ("day", "now"),
    [
        (dt.date(2026, 11, 4), msk(2026, 11, 2, 8)),  # Unity Day, a Wednesday
        (dt.date(2026, 11, 28), msk(2026, 11, 20, 8)),  # Saturday
        (dt.date(2027, 1, 5), msk(2026, 12, 28, 8)),  # New Year holidays
        (dt.date(2026, 12, 31), msk(2026, 12, 28, 8)),  # transferred day off
    ],
    ids=["holiday", "saturday", "new-year", "transferred-day-off"],
)
def test_no_slots_on_non_working_days(point, day, now):
    planner = Planner(point, now=now)
    assert planner.day(day) == []
    assert day not in {d for d, _free in planner.days()}


def test_a_regional_day_off_from_the_calendar_table(point):
    CalendarOverride.objects.create(date=dt.date(2026, 11, 25), is_working=False)
    planner = Planner(point, now=msk(2026, 11, 20, 8))
    assert planner.day(dt.date(2026, 11, 25)) == []
    assert planner.day(dt.date(2026, 11, 24)) != []


def test_a_transferred_working_saturday_has_slots(point):
    # 01.11.2025 was a working Saturday (for Monday 03.11.2025): Monday's hours apply,
    # an hour shorter, as the day before the 04.11 holiday (ТК РФ art. 95).
    planner = Planner(point, now=msk(2025, 10, 27, 8))
    saturday = times(planner, dt.date(2025, 11, 1))
    monday = times(planner, dt.date(2025, 10, 27))
    assert saturday == [slot for slot in monday if slot < "16:30"]
    assert saturday[-1] == "16:18" and "12:00" not in saturday
    assert dt.date(2025, 11, 1) in {d for d, _free in planner.days()}
    assert planner.day(dt.date(2025, 11, 3)) == []  # the Monday it replaced is off


def test_no_slots_in_the_past(point, org):
    now = msk(2026, 11, 23, 12, 50)
    planner = Planner(point, now=now)
    assert times(planner, dt.date(2026, 11, 23))[0] == "13:18"
    assert planner.day(dt.date(2026, 11, 20)) == []  # last Friday
    assert planner.days()[0][0] == dt.date(2026, 11, 23)
    assert planner.slot_at(msk(2026, 11, 23, 12, 48)) is None  # started two minutes ago
    with pytest.raises(ValidationError):
        services.book(org.client, point, msk(2026, 11, 23, 10), topic="law",
                      question="Вопрос", now=now)  # fmt: skip


def test_slot_length_and_horizon_from_the_point_settings(point):
    PointSettings.objects.create(point=point, slot_minutes=20, horizon_days=7)
    planner = Planner(point, now=msk(2026, 11, 20, 8))
    monday = times(planner, dt.date(2026, 11, 23))
    assert monday[:4] == ["09:00", "09:20", "09:40", "10:00"]
    assert "12:00" not in monday and monday[monday.index("11:40") + 1] == "12:48"
    assert planner.day(dt.date(2026, 11, 30)) == []  # 10 days ahead: beyond the horizon
    assert max(d for d, _free in planner.days()) <= dt.date(2026, 11, 27)


def test_booking_closed_at_the_point(point):
    PointSettings.objects.create(point=point, booking_open=False)
    assert Planner(point, now=msk(2026, 11, 20, 8)).days() == []


def test_taken_slots_are_not_free_and_a_cancellation_frees_them(point, make_booking):
    taken = make_booking(msk(2026, 11, 23, 10))
    planner = Planner(point, now=msk(2026, 11, 20, 8))
    day = {f"{s.starts:%H:%M}": s.free for s in planner.day(dt.date(2026, 11, 23))}
    assert day["10:00"] is False and day["10:30"] is True
    counts = dict(planner.days())
    assert counts[dt.date(2026, 11, 23)] == counts[dt.date(2026, 11, 24)] - 1
    taken.status = BookingStatus.CANCELLED
    taken.save()
    assert all(s.free for s in planner.day(dt.date(2026, 11, 23)))
