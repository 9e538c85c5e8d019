"""Open now / closed now / opens at, for the reception point of seed 001:
Mon–Thu 9:00–18:00, Fri 9:00–17:00, lunch 12:00–12:48, on the production calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from intranet.reception import DayHours, WeeklySchedule, opening_status
from intranet.workdays import ProductionCalendar

MSK = ZoneInfo("Europe/Moscow")
LUNCH = (dt.time(12, 0), dt.time(12, 48))
SEED_001 = WeeklySchedule(
    {
        **{d: DayHours(dt.time(9), dt.time(18), *LUNCH) for d in range(4)},
        4: DayHours(dt.time(9), dt.time(17), *LUNCH),
    }
)


def at(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=MSK)


CASES = [
    # now, open?, next change (None: no change within the horizon), label
    ("Monday morning", at(2026, 11, 23, 10), True, at(2026, 11, 23, 12), "Открыто до 12:00"),
    (
        "before opening",
        at(2026, 11, 23, 8, 59),
        False,
        at(2026, 11, 23, 9),
        "Закрыто, откроется сегодня в 09:00",
    ),
    (
        "last minute before lunch",
        at(2026, 11, 23, 11, 59),
        True,
        at(2026, 11, 23, 12),
        "Открыто до 12:00",
    ),
    (
        "lunch starts",
        at(2026, 11, 23, 12),
        False,
        at(2026, 11, 23, 12, 48),
        "Закрыто, откроется сегодня в 12:48",
    ),
    (
        "lunch",
        at(2026, 11, 23, 12, 47),
        False,
        at(2026, 11, 23, 12, 48),
        "Закрыто, откроется сегодня в 12:48",
    ),
    ("lunch over", at(2026, 11, 23, 12, 48), True, at(2026, 11, 23, 18), "Открыто до 18:00"),
    (
        "Monday evening",
        at(2026, 11, 23, 18),
        False,
        at(2026, 11, 24, 9),
        "Закрыто, откроется завтра в 09:00",
    ),
    (
        "Friday before five",
        at(2026, 11, 27, 16, 59),
        True,
        at(2026, 11, 27, 17),
        "Открыто до 17:00",
    ),
    (
        "Friday after five: Thursday's hours do not apply",
        at(2026, 11, 27, 17, 30),
        False,
        at(2026, 11, 30, 9),
        "Закрыто, откроется в понедельник, 30 ноября в 09:00",
    ),
    ("Saturday", at(2026, 11, 28, 11), False, at(2026, 11, 30, 9), None),
    (
        "eve of a public holiday",
        at(2026, 11, 3, 18, 30),
        False,
        at(2026, 11, 5, 9),
        "Закрыто, откроется в четверг, 5 ноября в 09:00",
    ),
    (
        "public holiday (Unity Day, a Wednesday)",
        at(2026, 11, 4, 10),
        False,
        at(2026, 11, 5, 9),
        "Закрыто, откроется завтра в 09:00",
    ),
    (
        "transferred day off 31.12.2026, then the New Year holidays",
        at(2026, 12, 30, 18, 5),
        False,
        at(2027, 1, 11, 9),
        None,
    ),
    (
        "May holidays 2025 with the transferred 02.05",
        at(2025, 4, 30, 18, 1),
        False,
        at(2025, 5, 5, 9),
        None,
    ),
    (
        # Monday 03.11.2025, whose hours it works, is the eve of 4 November: shortened.
        "working Saturday 01.11.2025 keeps Monday's hours, an hour shorter",
        at(2025, 11, 1, 16, 30),
        True,
        at(2025, 11, 1, 17),
        "Открыто до 17:00",
    ),
    (
        "after the working Saturday: Monday 03.11 off, Tuesday 04.11 holiday",
        at(2025, 11, 1, 18, 30),
        False,
        at(2025, 11, 5, 9),
        None,
    ),
]


@pytest.mark.parametrize("name, now, is_open, changes_at, label", CASES, ids=[c[0] for c in CASES])
def test_opening_status(name, now, is_open, changes_at, label):
    status = opening_status(SEED_001, now, ProductionCalendar())
    assert status.is_open is is_open
    assert status.changes_at == changes_at
    if label is not None:
        assert status.label == label


def test_closed_reason_names_the_holiday_or_the_break():
    def reason(now):
        return opening_status(SEED_001, now, ProductionCalendar()).reason

    assert reason(at(2026, 11, 4, 10)) == "День народного единства"
    assert reason(at(2026, 11, 23, 12, 10)) == "обеденный перерыв"
    assert reason(at(2026, 11, 23, 19)) == "вне часов приёма"


def test_local_override_closes_an_ordinary_day():
    day_off = dt.date(2026, 11, 25)
    calendar = ProductionCalendar({day_off: False})
    status = opening_status(SEED_001, at(2026, 11, 25, 10), calendar)
    assert not status.is_open
    assert status.changes_at == at(2026, 11, 26, 9)


def test_no_hours_at_all_is_closed_without_a_next_opening():
    status = opening_status(WeeklySchedule({}), at(2026, 11, 23, 10), ProductionCalendar())
    assert not status.is_open
    assert status.changes_at is None
    assert status.label == "Закрыто"


@pytest.mark.django_db
def test_reception_page_shows_status_hours_and_rooms(client, org_demo):
    client.login(username="reader", password="demo-intranet-2026")
    html = client.get("/reception/").content.decode()
    assert 'data-testid="open-status"' in html
    assert ("Открыто до" in html) or ("Закрыто" in html)
    assert "Суворовский пр-кт, д. 67" in html
    assert "Пятница" in html and "09:00–17:00" in html
    assert "перерыв 12:00–12:48" in html
    assert "Кабинет 309" in html
    # Staff book a visit from the point's page (cases.reception).
    from intranet.models import ReceptionPointPage

    point = ReceptionPointPage.objects.live().get(url_path__endswith="/reception/")
    assert f'href="/cases/reception/{point.pk}/"' in html
    assert "Записаться на приём" in html
    client.logout()
    assert client.get("/reception/").status_code in (302, 403)  # login-walled


def _slot_times(day, not_before=None, minutes=30):
    from intranet.reception import day_slots

    return [
        f"{s.starts:%H:%M}"
        for s in day_slots(SEED_001, day, ProductionCalendar(), minutes, MSK, not_before)
    ]


def test_slots_skip_the_lunch_break():
    times = _slot_times(dt.date(2026, 11, 23))
    assert times[0] == "09:00"
    assert "11:30" in times and "12:00" not in times and "12:30" not in times
    assert "12:48" in times and times[-1] == "17:18"  # 17:18–17:48, next would end 18:18
    assert "11:45" not in times


def test_friday_slots_end_at_five():
    times = _slot_times(dt.date(2026, 11, 27))
    assert times[-1] == "16:18"


@pytest.mark.parametrize(
    "day",
    [dt.date(2026, 11, 4), dt.date(2026, 11, 28), dt.date(2025, 11, 3), dt.date(2026, 12, 31)],
    ids=["Unity Day", "Saturday", "transferred day off", "31 December 2026"],
)
def test_no_slots_on_non_working_days(day):
    assert _slot_times(day) == []


def test_working_saturday_has_monday_slots():
    # 01.11.2025 is a shortened pre-holiday day (ТК РФ ст. 95): Monday's slots less the
    # last hour.
    assert _slot_times(dt.date(2025, 11, 1)) == _slot_times(dt.date(2025, 11, 10))[:-2]


def test_no_slots_in_the_past():
    times = _slot_times(dt.date(2026, 11, 23), not_before=at(2026, 11, 23, 12, 50))
    assert times[0] == "13:18"


def test_the_weekday_takes_its_preposition_and_case():
    """«откроется в среду», «во вторник»: not the nominative «среда» a date format gives."""
    from django.utils import translation

    from intranet.reception import ON_WEEKDAY

    with translation.override("ru"):
        assert [str(day) for day in ON_WEEKDAY] == [
            "в понедельник",
            "во вторник",
            "в среду",
            "в четверг",
            "в пятницу",
            "в субботу",
            "в воскресенье",
        ]
