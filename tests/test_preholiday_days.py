"""Shortened pre-holiday days (ТК РФ ст. 95): the working day right before a non-working
holiday (ст. 112) is one hour shorter. Computed by the production calendar, overridable
per day in the admin's calendar exceptions; the reception point closes an hour earlier
(lunch unchanged) and its booking slots end before the shortened closing.

Seed 001's point: Mon–Thu 9:00–18:00, Fri 9:00–17:00, lunch 12:00–12:48, 30-minute slots."""

import datetime as dt

import pytest

from cases.reception.slots import Planner
from intranet.reception import opening_status
from intranet.workdays import ProductionCalendar
from tests.reception.conftest import msk

D = dt.date


@pytest.fixture
def point(org):
    from intranet.models import ReceptionPointPage

    return ReceptionPointPage.objects.get()


# day, shortened?, why
DAYS = [
    # 2026: the four official shortened days.
    (D(2026, 4, 30), True, "Thu before 1 May"),
    (D(2026, 5, 8), True, "Fri before Saturday 9 May: a holiday on a weekend still counts"),
    (D(2026, 6, 11), True, "Thu before 12 June"),
    (D(2026, 11, 3), True, "Tue before 4 November"),
    (D(2026, 2, 20), False, "Fri before a weekend, the holiday is on Monday 23.02"),
    (D(2026, 3, 6), False, "Fri before Saturday; 8 March is a Sunday"),
    (D(2026, 12, 30), False, "31.12.2026 is a transferred day off, not a holiday"),
    (D(2026, 11, 27), False, "an ordinary Friday before a weekend"),
    (D(2026, 5, 1), False, "the holiday itself"),
    # 2024 (248 working days, 1979 hours at 40 h: five shortened days).
    (D(2024, 2, 22), True, "Thu before 23 February"),
    (D(2024, 3, 7), True, "Thu before 8 March"),
    (D(2024, 5, 8), True, "Wed before 9 May"),
    (D(2024, 6, 11), True, "Tue before 12 June"),
    (D(2024, 11, 2), True, "working Saturday that took Tue 30.04, the eve of 1 May"),
    (D(2024, 4, 27), False, "working Saturday that took Mon 29.04"),
    (D(2024, 12, 28), False, "working Saturday that took Mon 30.12, before a day off"),
    (D(2024, 12, 31), False, "a transferred day off"),
    # 2025 (247 working days, 1972 hours: four).
    (D(2025, 3, 7), True, "Fri before Saturday 8 March"),
    (D(2025, 4, 30), True, "Wed before 1 May"),
    (D(2025, 6, 11), True, "Wed before 12 June"),
    (D(2025, 11, 1), True, "working Saturday that took Mon 03.11, the eve of 4 November"),
    (D(2025, 5, 7), False, "08.05.2025 is a transferred day off, 9 May comes after it"),
    (D(2025, 12, 30), False, "31.12.2025 is a transferred day off"),
    # 2027 (from the package's transfers).
    (D(2027, 2, 20), True, "working Saturday that took Mon 22.02, the eve of 23 February"),
    (D(2027, 4, 30), True, "Fri before Saturday 1 May"),
    (D(2027, 6, 11), True, "Fri before Saturday 12 June"),
    (D(2027, 11, 3), True, "Wed before 4 November"),
    (D(2027, 12, 30), False, "31.12.2027 is a transferred day off"),
]


@pytest.mark.parametrize("day, shortened, why", DAYS, ids=[f"{d:%d.%m.%Y}" for d, *_ in DAYS])
def test_shortened_day_from_the_calendar(day, shortened, why):
    assert ProductionCalendar().is_shortened_day(day) is shortened, why


@pytest.mark.parametrize("year, count", [(2024, 5), (2025, 4), (2026, 4), (2027, 4)])
def test_shortened_days_per_year(year, count):
    cal = ProductionCalendar()
    days = [D(year, 1, 1) + dt.timedelta(n) for n in range(365)]
    assert sum(cal.is_shortened_day(d) for d in days) == count


# (override row: is_working, shortened), day, expected
OVERRIDES = [
    ((True, False), D(2026, 4, 30), False),  # the admin restores a full day
    ((True, True), D(2026, 11, 27), True),  # the admin shortens an ordinary Friday
    ((True, None), D(2026, 4, 30), True),  # a row without the mark: computed
    ((False, None), D(2026, 4, 30), False),  # made a day off: nothing to shorten
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row, day, expected", OVERRIDES, ids=["full", "shortened", "computed", "day-off"]
)
def test_admin_override_wins_both_ways(row, day, expected):
    from intranet.models import CalendarOverride
    from intranet.workdays import get_calendar

    CalendarOverride.objects.create(date=day, is_working=row[0], shortened=row[1], reason="т")
    assert get_calendar().is_shortened_day(day) is expected


def test_a_day_off_override_does_not_shorten_the_day_before():
    # Overrides make days off, not holidays: the eve of a regional day off is a full day.
    cal = ProductionCalendar({D(2026, 11, 26): False})
    assert not cal.is_shortened_day(D(2026, 11, 25))


# now, label (Mon–Thu close at 18:00, Fri at 17:00; an hour earlier on the eve)
STATUS = [
    (msk(2026, 4, 30, 15), "Открыто до 17:00"),
    (msk(2026, 5, 8, 15), "Открыто до 16:00"),
    (msk(2026, 6, 11, 15), "Открыто до 17:00"),
    (msk(2026, 11, 3, 15), "Открыто до 17:00"),
    (msk(2026, 11, 3, 10), "Открыто до 12:00"),  # lunch unchanged
    (msk(2026, 11, 3, 17, 30), "Закрыто, откроется в четверг, 5 ноября в 09:00"),
    (msk(2026, 11, 26, 15), "Открыто до 18:00"),  # an ordinary Thursday
    (msk(2026, 11, 27, 15), "Открыто до 17:00"),  # an ordinary Friday
]


@pytest.mark.django_db
@pytest.mark.parametrize("now, label", STATUS, ids=[f"{n:%d.%m %H:%M}" for n, _ in STATUS])
def test_reception_status_on_the_eve(point, now, label):
    status = opening_status(point.weekly_schedule(), now, ProductionCalendar())
    assert status.label == label


# day, last slot
LAST_SLOT = [
    (D(2026, 4, 30), "16:18–16:48"),
    (D(2026, 5, 8), "15:18–15:48"),
    (D(2026, 6, 11), "16:18–16:48"),
    (D(2026, 11, 3), "16:18–16:48"),
    (D(2026, 11, 26), "17:18–17:48"),  # an ordinary Thursday
    (D(2026, 11, 27), "16:18–16:48"),  # an ordinary Friday
]


@pytest.mark.django_db
@pytest.mark.parametrize("day, last", LAST_SLOT, ids=[f"{d:%d.%m}" for d, _ in LAST_SLOT])
def test_planner_last_slot_on_the_eve(point, day, last):
    planner = Planner(point, now=msk(day.year, day.month, day.day, 7))
    slots = planner.day(day)
    assert f"{slots[-1].starts:%H:%M}–{slots[-1].ends:%H:%M}" == last
    assert slots[6].starts.time() == dt.time(12, 48)  # lunch unchanged
    closes = planner.schedule.hours_on(day, planner.calendar).closes
    assert all(s.ends.time() <= closes for s in slots)
    after = slots[-1].starts + dt.timedelta(minutes=30)
    assert planner.slot_at(after) is None  # the next slot would end after closing


@pytest.mark.django_db
def test_admin_override_reaches_the_planner(point):
    from intranet.models import CalendarOverride

    CalendarOverride.objects.create(
        date=D(2026, 11, 3), is_working=True, shortened=False, reason="Полный день"
    )
    planner = Planner(point, now=msk(2026, 11, 2, 7))
    assert f"{planner.day(D(2026, 11, 3))[-1].ends:%H:%M}" == "17:48"


@pytest.mark.django_db
def test_admin_edits_the_mark(client, demo):
    from intranet.models import CalendarOverride

    client.force_login(demo["admin"])
    form = client.get("/admin/org/calendar/new/")
    assert form.status_code == 200
    html = form.content.decode()
    assert "Сокращённый предпраздничный день" in html and "сокращён на один час" in html
    data = {"date": "2026-11-27", "is_working": "on", "shortened": "True", "reason": "Указ"}
    client.post("/admin/org/calendar/new/", data)
    assert CalendarOverride.objects.get(date=D(2026, 11, 27)).shortened is True
    # A day off cannot be marked shortened.
    data = {"date": "2026-11-25", "shortened": "True", "reason": "Указ"}
    response = client.post("/admin/org/calendar/new/", data)
    assert not CalendarOverride.objects.filter(date=D(2026, 11, 25)).exists()
    assert "Сокращённым может быть только рабочий день." in response.content.decode()
