"""Informing visitors (seed 000 §2.1): the day before the visit each booked visitor gets a
reminder on the channel they chose, once.

- e-mail: queued in the outbox (`intranet.outbox`), which sends it, tries again with
  backoff and keeps each try; the booking holds the message (`reminder_message`) and is
  marked reminded when the mail server accepts it (`_follow`). The message's key (the
  booking and the time of its visit) makes a second run, or two runs at once, queue
  nothing more; a moved booking gets a new reminder and its old one is closed;
- portal: the reminder is shown on the visitor's "my bookings" page;
- phone: nobody can phone automatically: the visitor is marked "to call" on the
  registrar's list of the day, and the registrar records the call.

A registrar who moves or cancels a client's booking tells the client by e-mail, through
the outbox too (`notify_change`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.reception.models import Booking, BookingEvent, EventKind, ReminderChannel
from intranet import links, outbox
from intranet.models import MessageStatus, OutgoingMessage

REMINDER = "reception.reminder"
CHANGE = "reception.change"


def due(day: dt.date):
    """Active bookings on `day` whose reminder has been neither given nor queued."""
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return Booking.objects.active().filter(
        starts_at__gte=low,
        starts_at__lt=low + dt.timedelta(days=1),
        reminder_sent_at__isnull=True,
        reminder_message__isnull=True,
    )


def _letter(booking: Booking) -> tuple[str, str]:
    context = {"booking": booking, "start": timezone.localtime(booking.starts_at)}
    subject = render_to_string("reception/email/reminder_subject.txt", context).strip()
    return subject, render_to_string("reception/email/reminder.txt", context)


def remind(booking_id: int, now: dt.datetime | None = None) -> str:
    """One reminder: "queued" (e-mail, in the outbox), "portal", "phone" (left for the
    registrar), "done" (already given, queued or no longer active)."""
    now = now or timezone.now()
    booking = Booking.objects.select_related("point", "client").filter(pk=booking_id).first()
    if (
        booking is None
        or booking.reminder_sent_at is not None
        or booking.reminder_message_id is not None
        or not booking.is_active
    ):
        return "done"
    if booking.reminder_channel == ReminderChannel.PHONE:
        return "phone"
    with transaction.atomic():
        if booking.reminder_channel == ReminderChannel.PORTAL:
            # A conditional update: of two runs at once, one records the reminder.
            if not Booking.objects.filter(pk=booking.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now, updated_at=now
            ):
                return "done"
            _record(booking, _("Reminder shown in the portal."), now)
            return "portal"
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _letter(booking)
        message = outbox.queue(
            kind=REMINDER,
            to=booking.reminder_contact,
            subject=subject,
            body=body,
            key=f"{REMINDER}:{booking.pk}:{booking.starts_at:%Y%m%dT%H%M%z}",
        )
        Booking.objects.filter(pk=booking.pk).update(reminder_message=message, updated_at=now)
    return "queued"


def _follow(message: OutgoingMessage) -> None:
    """The mail server accepted a reminder: the booking is reminded (once)."""
    if message.status != MessageStatus.SENT:
        return
    booking = Booking.objects.filter(reminder_message=message, reminder_sent_at__isnull=True)
    booking = booking.first()
    if booking is None:
        return  # moved or reminded meanwhile
    Booking.objects.filter(pk=booking.pk).update(
        reminder_sent_at=message.sent_at, updated_at=timezone.now()
    )
    _record(booking, _("Reminder sent by e-mail to %(to)s.") % {"to": message.recipient},
            message.sent_at)  # fmt: skip


outbox.register(REMINDER, gettext_lazy("Reminder of a reception visit"), on_change=_follow)
outbox.register(CHANGE, gettext_lazy("Reception booking changed by a registrar"))


def _record(booking: Booking, message: str, now) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        BookingEvent.objects.create(
            booking=booking, kind=EventKind.REMINDED, message=str(message), at=now
        )


def send_reminders(today: dt.date | None = None, now: dt.datetime | None = None) -> dict:
    """Remind the visitors of the day after `today` (default: the local date)."""
    now = now or timezone.now()
    today = today or timezone.localtime(now).date()
    counts: dict[str, int] = {}
    for pk in due(today + dt.timedelta(days=1)).order_by("starts_at").values_list("pk", flat=True):
        outcome = remind(pk, now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def withdraw(message_id: int | None, by) -> None:
    """Close a reminder not yet sent: its booking was moved or cancelled."""
    message = OutgoingMessage.objects.filter(pk=message_id).first() if message_id else None
    if message is not None:
        with translation.override(settings.LANGUAGE_CODE):
            outbox.cancel(message, by, _("The booking has changed."))


def notify_change(booking: Booking, message: str) -> None:
    """Tell the visitor that a registrar cancelled or moved their booking: an e-mail
    when e-mail is their channel (otherwise the change is on their "my bookings" page).
    Call inside the transaction of the change: it goes once that commits."""
    if booking.reminder_channel != ReminderChannel.EMAIL or not booking.reminder_contact:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your reception booking has changed")
        body = "\n\n".join([str(message), booking.point.title, booking.point.address,
                            links.absolute(reverse("reception:mine"))])  # fmt: skip
    outbox.queue(kind=CHANGE, to=booking.reminder_contact, subject=subject, body=body)
