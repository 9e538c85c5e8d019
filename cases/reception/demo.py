"""Demo reception (idempotent): booking settings of the demo point, bookings of the next
reception days (tomorrow's list included, each reminder channel once), and past visits
with their cards: answered orally with consent, and one turned into a written case."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cases.reception import services
from cases.reception.models import (
    Booking,
    BookingEvent,
    CardOutcome,
    EventKind,
    PointSettings,
    ReminderChannel,
)
from cases.reception.slots import Planner
from intranet.reception import day_slots

SEED_HOURS = {  # seed 001 §4: Mon–Thu 9:00–18:00, Fri 9:00–17:00, lunch 12:00–12:48
    **{weekday: (dt.time(9), dt.time(18)) for weekday in range(4)},
    4: (dt.time(9), dt.time(17)),
}

FUTURE = [
    ("client", "declarations", ReminderChannel.EMAIL,
     "Как заполнить справку о доходах, если в течение года сменил должность?"),
    ("client2", "conflict", ReminderChannel.PORTAL,
     "Супруг работает в организации-подрядчике: нужно ли уведомлять?"),
    ("client", "prohibitions", ReminderChannel.PHONE,
     "Можно ли преподавать по совместительству в частном вузе?"),
]  # fmt: skip

PAST = [
    ("client2", "declarations", "Какие доходы супруга указывать в справке?",
     CardOutcome.ORAL, "Посетитель спросил, указывать ли пособие супруга по уходу за ребёнком.",
     "Пособия указываются в разделе 1 справки супруга как иные доходы."),
    ("client", "law", "Порядок уведомления о склонении к коррупции",
     CardOutcome.WRITTEN, "Посетитель просит письменно разъяснить, в какой срок и кому "
     "направлять уведомление о склонении к коррупционному правонарушению.", ""),
    ("client2", "sites", "Нужно ли указывать страницу в соцсети, которую не веду?", None, "", ""),
]  # fmt: skip


def _ensure_hours(point) -> None:
    from intranet.models import ReceptionHours

    if point.hours.exists():
        return
    for weekday, (opens, closes) in SEED_HOURS.items():
        ReceptionHours.objects.create(
            page=point, weekday=weekday, opens=opens, closes=closes,
            lunch_start=dt.time(12), lunch_end=dt.time(12, 48), sort_order=weekday,
        )  # fmt: skip


def _past_days(planner: Planner, count: int) -> list[dt.date]:
    days, day = [], planner.today
    while len(days) < count:
        day -= dt.timedelta(days=1)
        if planner.schedule.hours_on(day, planner.calendar):
            days.append(day)
    return days


def seed(stdout=None) -> dict:
    from intranet.accounts.models import User
    from intranet.models import ReceptionPointPage

    point = ReceptionPointPage.objects.live().order_by("path").first()
    if point is None:
        return {"bookings": 0}
    _ensure_hours(point)
    PointSettings.objects.get_or_create(point=point)
    if Booking.objects.exists():
        return {"bookings": 0}
    names = ["client", "client2", "registrar", "executor"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) < 4:
        return {"bookings": 0}
    made = 0
    with transaction.atomic():
        planner = Planner(point)
        # From tomorrow on: a visit seeded for later today would pass while the demo (or
        # a test run on it) is still in use, and the list would change under it.
        days = [day for day, free in planner.days() if free and day > planner.today]
        # Tomorrow's list (or the next reception day's) gets the first two visitors.
        for index, (username, topic, channel, question) in enumerate(FUTURE):
            day = days[0 if index < 2 else min(1, len(days) - 1)] if days else None
            slots = planner.free(day) if day else []
            if not slots:
                continue
            slot = slots[min(2 + index, len(slots) - 1)]
            contact = "+7 (921) 555-01-02" if channel == ReminderChannel.PHONE else ""
            services.book(users[username], point, slot.starts, topic=topic, question=question,
                          reminder_channel=channel, reminder_contact=contact)  # fmt: skip
            made += 1
        for day, (username, topic, question, outcome, message, answer) in zip(
            _past_days(planner, len(PAST)), PAST, strict=True
        ):
            made += _past_visit(planner, day, users, username, topic, question, outcome,
                                message, answer)  # fmt: skip
    if stdout is not None:
        stdout.write(f"Личный приём: записей {made}.")
    return {"bookings": made}


def _past_visit(planner, day, users, username, topic, question, outcome, message, answer) -> int:
    slot = day_slots(planner.schedule, day, planner.calendar, planner.rules.slot_minutes,
                     planner.tz)[2]  # fmt: skip
    client = users[username]
    booked_at = slot.starts - dt.timedelta(days=3)
    booking = Booking.objects.create(
        point=planner.point, starts_at=slot.starts, ends_at=slot.ends, client=client,
        topic=topic, question=question, reminder_channel=ReminderChannel.EMAIL,
        reminder_contact=client.email, unit=services.unit_for_topic(topic), created_at=booked_at,
        reminder_sent_at=slot.starts - dt.timedelta(hours=20),
    )  # fmt: skip
    BookingEvent.objects.create(
        booking=booking, kind=EventKind.BOOKED, actor=client, at=booked_at,
        message=f"Записан на {services.when(booking)}.",
    )  # fmt: skip
    BookingEvent.objects.create(
        booking=booking, kind=EventKind.REMINDED, at=booking.reminder_sent_at,
        message=f"Напоминание отправлено по электронной почте на {client.email}.",
    )  # fmt: skip
    if outcome is None:
        return 1
    recorder = users["registrar"] if outcome == CardOutcome.WRITTEN else users["executor"]
    services.record_card(booking, recorder, message=message, outcome=outcome, answer=answer,
                         oral_consent=outcome == CardOutcome.ORAL)  # fmt: skip
    return 1
