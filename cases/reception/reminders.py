"""Informing visitors (seed 000 §2.1): the day before the visit each booked visitor gets a
reminder on the channel they chose, once.

- e-mail: through Django's mail framework (whatever EMAIL_BACKEND / EMAIL_URL the
  deployment uses, as the answers' deliveries in `cases.delivery`), with a Message-ID of
  its own; a failure is recorded on the booking and tried again by the next run, at most
  MAX_ATTEMPTS times;
- portal: the reminder is shown on the visitor's "my bookings" page;
- phone: nobody can phone automatically: the visitor is marked "to call" on the
  registrar's list of the day, and the registrar records the call.

`reminder_sent_at` is set in the transaction that holds the booking's row lock (SELECT …
FOR UPDATE SKIP LOCKED), so two runs at once never send the same reminder twice."""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.reception.models import Booking, BookingEvent, EventKind, ReminderChannel
from intranet import links

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def due(day: dt.date):
    """Active bookings on `day` whose reminder has not gone out."""
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return Booking.objects.active().filter(
        starts_at__gte=low,
        starts_at__lt=low + dt.timedelta(days=1),
        reminder_sent_at__isnull=True,
        reminder_attempts__lt=MAX_ATTEMPTS,
    )


def _mail(booking: Booking, subject: str, body: str) -> None:
    domain = getattr(settings, "CASES_MESSAGE_ID_DOMAIN", "intranet.local")
    message = EmailMessage(
        subject,
        body,
        to=[booking.reminder_contact],
        headers={"Message-ID": make_msgid(f"reception{booking.pk}", domain)},
    )
    get_connection(fail_silently=False).send_messages([message])


def _letter(booking: Booking) -> tuple[str, str]:
    context = {"booking": booking, "start": timezone.localtime(booking.starts_at)}
    subject = render_to_string("reception/email/reminder_subject.txt", context).strip()
    return subject, render_to_string("reception/email/reminder.txt", context)


def remind(booking_id: int, now: dt.datetime | None = None) -> str:
    """One reminder: "sent", "portal", "phone" (left for the registrar), "done" (already
    sent), "busy" (another run has it), "failed"."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("point", "client")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None:
            return "busy"
        if booking.reminder_sent_at is not None or not booking.is_active:
            return "done"
        if booking.reminder_channel == ReminderChannel.PHONE:
            return "phone"
        if booking.reminder_channel == ReminderChannel.PORTAL:
            booking.reminder_sent_at = now
            booking.save(update_fields=["reminder_sent_at", "updated_at"])
            _record(booking, _("Reminder shown in the portal."), now)
            return "portal"
        booking.reminder_attempts += 1
        try:
            if not booking.reminder_contact:
                raise ValueError(_("No e-mail address for the reminder."))
            with translation.override(settings.LANGUAGE_CODE):
                subject, body = _letter(booking)
            _mail(booking, subject, body)
        except Exception as exc:
            booking.reminder_error = f"{type(exc).__name__}: {exc}"[:2000]
            booking.save(update_fields=["reminder_attempts", "reminder_error", "updated_at"])
            logger.warning("reception reminder %s failed: %s", booking.pk, booking.reminder_error)
            return "failed"
        booking.reminder_sent_at, booking.reminder_error = now, ""
        booking.save(
            update_fields=["reminder_sent_at", "reminder_attempts", "reminder_error", "updated_at"]
        )
        _record(booking, _("Reminder sent by e-mail to %(to)s.")
                % {"to": booking.reminder_contact}, now)  # fmt: skip
        return "sent"


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


def notify_change(booking_id: int, message: str) -> None:
    """Tell the visitor that a registrar cancelled or moved their booking: an e-mail
    when e-mail is their channel (otherwise the change is on their "my bookings" page)."""
    booking = Booking.objects.select_related("point").filter(pk=booking_id).first()
    if booking is None or booking.reminder_channel != ReminderChannel.EMAIL:
        return
    if not booking.reminder_contact:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your reception booking has changed")
        body = "\n\n".join([str(message), booking.point.title, booking.point.address,
                            links.absolute(reverse("reception:mine"))])  # fmt: skip
    try:
        _mail(booking, subject, body)
    except Exception:
        logger.warning("reception change notice %s not sent", booking_id, exc_info=True)
