"""Reminders the day before: each visitor of tomorrow once, on their channel (e-mail
through the outbox, the portal, the registrar's phone call); a failed e-mail is tried
again by the outbox and the booking is reminded when it goes; a moved booking is
reminded of its new date and its old reminder closed; the beat entry fires at its hours
and reminds; a real SMTP server receives the letter."""

import email
import email.policy
import socket

import pytest
from django.core import mail
from django.urls import reverse

from cases.reception import reminders
from cases.reception.models import BookingStatus, EventKind
from cases.reception.tasks import REMINDER_TASK, send_reminders
from intranet.tasks import redispatch_outbox
from tests.reception.conftest import msk

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the outbox's sending) of what the block does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


TODAY = "2026-11-30"  # a Monday; the visits below are on Tuesday 01.12.2026


@pytest.fixture
def tomorrow(org, make_booking):
    return {
        "email": make_booking(msk(2026, 12, 1, 9), reminder_contact="ivanov@example.gov.ru"),
        "portal": make_booking(msk(2026, 12, 1, 9, 30), client=org.client2,
                               reminder_channel="portal", reminder_contact=""),
        "phone": make_booking(msk(2026, 12, 1, 10), reminder_channel="phone",
                              reminder_contact="+7 921 000-00-00"),
        "cancelled": make_booking(msk(2026, 12, 1, 10, 30), status=BookingStatus.CANCELLED),
        "later": make_booking(msk(2026, 12, 2, 9)),
        "today": make_booking(msk(2026, 11, 30, 15, 18)),
    }  # fmt: skip


def test_each_visitor_of_tomorrow_is_reminded_once(tomorrow, commit):
    with commit():
        result = send_reminders.delay(TODAY).get()
    assert result == {"queued": 1, "portal": 1, "phone": 1}
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["ivanov@example.gov.ru"]
    assert letter.subject == "Напоминание: личный приём 01.12.2026 09:00"
    assert "завтра, вторник, 1 декабря 2026, в 09:00" in letter.body
    assert "Суворовский пр-кт, д. 67" in letter.body and "/cases/reception/mine/" in letter.body
    tomorrow["email"].refresh_from_db()
    message = tomorrow["email"].reminder_message
    assert message.kind == reminders.REMINDER and message.status == "sent"
    assert letter.extra_headers["Message-ID"] == message.message_id
    for key in ("email", "portal"):
        tomorrow[key].refresh_from_db()
        assert tomorrow[key].reminder_sent_at is not None
        assert tomorrow[key].events.filter(kind=EventKind.REMINDED).count() == 1
    for key in ("phone", "cancelled", "later", "today"):
        tomorrow[key].refresh_from_db()
        assert tomorrow[key].reminder_sent_at is None, key
    # The next hourly run sends nothing again; the phone call is still left to do.
    with commit():
        assert send_reminders(TODAY) == {"phone": 1}
    assert len(mail.outbox) == 1


def test_the_portal_reminder_is_shown_to_the_visitor(client, org, tomorrow, monkeypatch):
    # "My bookings" shows the reminder with the upcoming visits: the page is read on
    # TODAY's afternoon, whatever the real date of the run.
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: msk(2026, 11, 30, 14))
    client.force_login(org.client2)
    reminder = "Напоминание: ваш приём 1 декабря в 09:30."
    assert reminder not in client.get(reverse("reception:mine")).content.decode()
    send_reminders(TODAY)
    assert reminder in client.get(reverse("reception:mine")).content.decode()


def test_a_failed_email_is_tried_again_by_the_outbox(tomorrow, commit, settings):
    settings.EMAIL_BACKEND = "tests.cases.test_answers.RefusingBackend"
    settings.OUTBOX_RETRY_BASE_SECONDS = settings.OUTBOX_REDISPATCH_MINUTES = 0
    with commit():
        assert send_reminders(TODAY)["queued"] == 1
    booking = tomorrow["email"]
    booking.refresh_from_db()
    message = booking.reminder_message
    assert booking.reminder_sent_at is None
    assert message.status == "failed" and "550" in message.last_error
    # The next run leaves it to the outbox: no second reminder queued.
    with commit():
        assert "queued" not in send_reminders(TODAY)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert redispatch_outbox() == 1
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None
    assert booking.events.filter(kind=EventKind.REMINDED).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id


def test_a_visitor_without_an_address_is_tried_at_most_the_limit(tomorrow, commit, settings):
    booking = tomorrow["email"]
    booking.reminder_contact = ""
    booking.save()
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = settings.OUTBOX_REDISPATCH_MINUTES = 0
    with commit():
        send_reminders(TODAY)
    for _ in range(4):
        redispatch_outbox()
    booking.refresh_from_db()
    message = booking.reminder_message
    assert message.attempts == 3 and message.status == "failed"
    assert message.next_attempt_at is None  # waits for a person now
    assert "Нет адреса электронной почты" in message.last_error
    assert booking.reminder_sent_at is None and mail.outbox == []


def test_a_moved_booking_is_reminded_of_its_new_date(org, point, free_slot, commit, settings):
    from django.utils import timezone

    from cases.reception import services

    settings.EMAIL_BACKEND = "tests.cases.test_answers.RefusingBackend"
    booking = services.book(org.client, point, free_slot(0).starts, topic="law", question="?")
    with commit():
        reminders.remind(booking.pk)
    booking.refresh_from_db()
    old = booking.reminder_message
    assert old.status == "failed"  # still tried by the outbox
    with commit():
        services.reschedule(booking, org.client, free_slot(1).starts,
                            shown_starts=booking.starts_token)  # fmt: skip
    booking.refresh_from_db()
    assert booking.reminder_sent_at is None and booking.reminder_message is None
    assert booking in reminders.due(timezone.localtime(booking.starts_at).date())
    old.refresh_from_db()
    assert old.status == "cancelled"  # the reminder of the old time never goes
    assert old.log.last().error.endswith("Запись изменилась.")


def test_the_registrar_records_the_phone_reminder(client, org, tomorrow):
    booking = tomorrow["phone"]
    url = reverse("reception:reminded", args=[booking.pk])
    client.force_login(org.client)
    assert client.post(url, {"shown": booking.starts_token}).status_code == 403
    client.force_login(org.registrar)
    assert client.post(url, {"shown": booking.starts_token}).status_code == 302
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None
    assert booking.events.get(kind=EventKind.REMINDED).actor == org.registrar
    assert "phone" not in send_reminders(TODAY)  # nobody is asked to call again


def test_the_beat_entry_reminds_tomorrows_visitors_at_its_hours(tomorrow, monkeypatch, commit):
    """The beat entry names a registered task; its crontab fires at five past each hour
    from 9:00 to 20:00 Moscow time and not at night; run as beat runs it (its own
    arguments, none) at 09:05 on TODAY, it reminds TODAY's tomorrow's visitors."""
    from django.utils import timezone

    from cases.reception.tasks import REMINDER_SCHEDULE
    from intranet.celery import app

    app.loader.import_default_modules()
    app.finalize()
    entry = app.conf.beat_schedule[REMINDER_SCHEDULE]
    task = app.tasks[entry["task"]]  # KeyError if beat would send an unknown task
    assert task.name == REMINDER_TASK
    schedule = entry["schedule"]

    def due(now, last_run):
        monkeypatch.setattr(schedule, "nowfun", lambda: now)
        return schedule.is_due(last_run)

    evening = msk(2026, 11, 29, 20, 5)  # the last run of the day before
    assert due(msk(2026, 11, 30, 9, 4), evening) == (False, 60.0)
    assert due(msk(2026, 11, 30, 9, 5), evening).is_due
    assert due(msk(2026, 11, 30, 10, 5), msk(2026, 11, 30, 9, 5)).is_due
    assert due(msk(2026, 11, 30, 20, 5), msk(2026, 11, 30, 19, 5)).is_due
    # After 20:05 the next run is 09:05 the next morning: nobody is reminded at night.
    night = due(msk(2026, 11, 30, 21, 5), msk(2026, 11, 30, 20, 5))
    assert not night.is_due and night.next == 12 * 3600

    monkeypatch.setattr(timezone, "now", lambda: msk(2026, 11, 30, 9, 5))
    with commit():
        result = task.apply(args=entry["args"], kwargs=entry["kwargs"]).get()
    assert result == {"queued": 1, "portal": 1, "phone": 1}
    assert [letter.to for letter in mail.outbox] == [["ivanov@example.gov.ru"]]
    assert "завтра, вторник, 1 декабря 2026, в 09:00" in mail.outbox[0].body


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server (aiosmtpd) on a free local port, used by this process."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append((envelope.rcpt_tos, message))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()


def test_the_reminder_goes_through_a_real_smtp_server(smtp_sink, tomorrow, commit):
    with commit():
        assert send_reminders(TODAY)["queued"] == 1
    [(recipients, message)] = smtp_sink.messages
    assert recipients == ["ivanov@example.gov.ru"]
    assert str(message["Subject"]).strip() == "Напоминание: личный приём 01.12.2026 09:00"
    assert "Суворовский пр-кт, д. 67" in message.get_content()
    with commit():
        assert send_reminders(TODAY).get("queued") is None  # once
    assert len(smtp_sink.messages) == 1
