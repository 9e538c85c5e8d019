"""Who may do what at the reception, and every change of a booking or a card: each
function is one transaction, checks who may do it, and writes the booking's history.

- Every signed-in member of staff is an internal client and may book (as on the portal).
- A client sees, cancels and reschedules only their own bookings (others' are "not
  found"); registrars manage every booking.
- The day's list of visitors and the reception cards: registrars, executors and heads
  (the staff who receive visitors); not clients or readers.
- A card turns into a written case through `cases.services.register_message`, so only
  someone who may register messages (a registrar) creates the case; an executor's card
  with that outcome waits on the list for the registrar's one click."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases import permissions
from cases.choices import Channel, ReplyChannel
from cases.reception import reminders
from cases.reception.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    CardOutcome,
    EventKind,
    ReceptionCard,
    ReminderChannel,
)
from cases.reception.slots import Planner
from intranet.security import client_text


class SlotTaken(ValidationError):
    """Somebody else booked the slot first."""


def can_book(user) -> bool:
    return permissions.can_submit(user)


def can_manage(user) -> bool:
    """Cancel or reschedule anybody's booking, register a card's written case."""
    return permissions.is_registrar(user)


def can_see_day(user) -> bool:
    """The day's list of visitors and the reception cards."""
    return user.is_authenticated and permissions.can_use_workspace(user)


def when(booking_or_dt) -> str:
    value = getattr(booking_or_dt, "starts_at", booking_or_dt)
    return formats.date_format(timezone.localtime(value), "d.m.Y H:i")


def own_booking(user, pk: int, *, lock: bool = False) -> Booking:
    """A booking the user may change: their own, or any for a registrar. Anything else
    is "not found" (whether another client's booking exists is not told)."""
    if not user.is_authenticated:
        raise Http404
    bookings = Booking.objects.select_related("point", "client")
    if lock:
        bookings = bookings.select_for_update(of=("self",))
    if not can_manage(user):
        bookings = bookings.filter(client=user)
    booking = bookings.filter(pk=pk).first()
    if booking is None:
        raise Http404
    return booking


def staff_booking(user, pk: int) -> Booking:
    if not can_see_day(user):
        raise PermissionDenied
    booking = Booking.objects.select_related("point", "client", "unit").filter(pk=pk).first()
    if booking is None:
        raise Http404
    return booking


def _event(booking, kind, actor, message, at=None, **data) -> BookingEvent:
    return BookingEvent.objects.create(
        booking=booking, kind=kind, actor=actor, message=message, at=at or timezone.now(),
        data=data,
    )  # fmt: skip


def _slot_is_free(point, starts, exclude=None) -> bool:
    taken = Booking.objects.active().filter(point=point, starts_at=starts)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    return not taken.exists()


def _taken_error() -> SlotTaken:
    return SlotTaken(
        _("Sorry, somebody has just booked this time. Choose another free time: what you "
          "wrote is kept."),
        code="taken",
    )  # fmt: skip


def _check_contact(channel: str, contact: str, client) -> str:
    contact = client_text(contact)
    if channel == ReminderChannel.EMAIL:
        contact = contact or (client.email or "")
        if not contact:
            raise ValidationError(
                {"reminder_contact": _("Give the e-mail address for the reminder.")}
            )
    if channel == ReminderChannel.PHONE and not contact:
        raise ValidationError({"reminder_contact": _("Give the phone number for the reminder.")})
    return contact


def unit_for_topic(topic: str):
    from cases.services import suggest_unit

    return suggest_unit(topic)


def book(client, point, starts: dt.datetime, *, topic: str, question: str,
         reminder_channel: str = ReminderChannel.EMAIL, reminder_contact: str = "",
         now: dt.datetime | None = None) -> Booking:  # fmt: skip
    """Book the slot starting at `starts` for `client`. Raises SlotTaken when the slot is
    not free (checked first, and decided by the database's unique index when two people
    book at once), ValidationError when it is not a bookable slot."""
    if not can_book(client):
        raise PermissionDenied
    question = client_text(question)
    if not question:
        raise ValidationError({"question": _("Write your question in a few words.")})
    contact = _check_contact(reminder_channel, reminder_contact, client)
    planner = Planner(point, now=now)
    slot = planner.slot_at(starts)
    if slot is None:
        raise ValidationError(_("This time cannot be booked: choose a free time from the list."))
    try:
        with transaction.atomic():
            if not _slot_is_free(point, slot.starts):
                raise _taken_error()
            booking = Booking.objects.create(
                point=point, starts_at=slot.starts, ends_at=slot.ends, client=client,
                topic=topic, question=question, reminder_channel=reminder_channel,
                reminder_contact=contact, unit=unit_for_topic(topic),
            )  # fmt: skip
            _event(booking, EventKind.BOOKED, client,
                   _("Booked for %(when)s.") % {"when": when(booking)})  # fmt: skip
    except IntegrityError as exc:
        raise _taken_error() from exc
    return booking


def cancel(booking: Booking, by, *, shown_starts: str, reason: str = "") -> Booking:
    """Cancel a future booking: its client, or a registrar. `shown_starts` is the time
    the user saw (a booking rescheduled meanwhile is not cancelled blindly)."""
    with transaction.atomic():
        booking = own_booking(by, booking.pk, lock=True)
        _check_shown(booking, shown_starts)
        if not booking.is_active:
            raise ValidationError(_("The booking is already cancelled."))
        if booking.starts_at <= timezone.now():
            raise ValidationError(_("A past visit cannot be cancelled."))
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_at", "updated_at"])
        _withdraw_reminder(booking, by)
        message = _("Cancelled the visit of %(when)s.") % {"when": when(booking)}
        reason = client_text(reason)
        if reason:
            message += " " + _("Reason: %(reason)s") % {"reason": reason}
        _event(booking, EventKind.CANCELLED, by, message)
        _notify_if_not_own(booking, by, message)
    return booking


def reschedule(booking: Booking, by, starts: dt.datetime, *, shown_starts: str,
               now: dt.datetime | None = None) -> Booking:  # fmt: skip
    """Move a future booking to another free slot of the same point."""
    planner = Planner(booking.point, now=now)
    slot = planner.slot_at(starts)
    if slot is None:
        raise ValidationError(_("This time cannot be booked: choose a free time from the list."))
    try:
        with transaction.atomic():
            booking = own_booking(by, booking.pk, lock=True)
            _check_shown(booking, shown_starts)
            if not booking.is_active or booking.starts_at <= planner.now:
                raise ValidationError(_("Only a future booking can be moved."))
            if slot.starts == booking.starts_at:
                return booking
            if not _slot_is_free(booking.point, slot.starts, exclude=booking):
                raise _taken_error()
            old = booking.starts_at
            booking.starts_at, booking.ends_at = slot.starts, slot.ends
            # The reminder is for the new date.
            _withdraw_reminder(booking, by)
            booking.reminder_sent_at = booking.reminder_message = None
            booking.save()
            message = _("Moved from %(old)s to %(new)s.") % {"old": when(old),
                                                               "new": when(booking)}  # fmt: skip
            _event(booking, EventKind.RESCHEDULED, by, message,
                   old=timezone.localtime(old).isoformat(),
                   new=timezone.localtime(booking.starts_at).isoformat())  # fmt: skip
            _notify_if_not_own(booking, by, message)
    except IntegrityError as exc:
        raise _taken_error() from exc
    return booking


def _check_shown(booking: Booking, shown_starts: str) -> None:
    try:
        shown = dt.datetime.fromisoformat(shown_starts or "")
    except ValueError:
        raise ValidationError(_("The form is incomplete: open the booking again.")) from None
    if shown != booking.starts_at:
        raise ValidationError(
            _("The booking has changed meanwhile (now %(when)s): check it and try again.")
            % {"when": when(booking)}
        )


def _notify_if_not_own(booking: Booking, by, message: str) -> None:
    """A registrar changed the client's booking: tell the client."""
    if by.pk != booking.client_id:
        reminders.notify_change(booking, message)


def _withdraw_reminder(booking: Booking, by) -> None:
    """A reminder queued for the booking's old time is closed once the change is
    committed, outside the booking's lock (the outbox locks its message first)."""
    message_id = booking.reminder_message_id
    if message_id:
        transaction.on_commit(lambda: reminders.withdraw(message_id, by))


def mark_reminded(booking: Booking, by, *, shown_starts: str) -> Booking:
    """A registrar phoned the visitor (the phone channel has no automatic reminder)."""
    if not can_manage(by):
        raise PermissionDenied
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        _check_shown(booking, shown_starts)
        if booking.reminder_sent_at is None:
            booking.reminder_sent_at = timezone.now()
            booking.save(update_fields=["reminder_sent_at", "updated_at"])
            _event(booking, EventKind.REMINDED, by, _("Reminded by phone."))
    return booking


def record_card(booking: Booking, by, *, message: str, outcome: str, answer: str = "",
                oral_consent: bool = False) -> ReceptionCard:  # fmt: skip
    """Record (or correct) the reception card. An oral answer needs the client's
    consent; "turned into a written case" creates the case at once when `by` may register
    messages, else it waits for a registrar (see `register_case`)."""
    if not can_see_day(by):
        raise PermissionDenied
    message, answer = client_text(message), client_text(answer)
    errors = {}
    if not message:
        errors["message"] = _("Write down what the visitor said.")
    if outcome == CardOutcome.ORAL:
        if not answer:
            errors["answer"] = _("Write down the answer given orally.")
        if not oral_consent:
            errors["oral_consent"] = _(
                "An oral answer needs the client's consent; without it turn the message "
                "into a written case."
            )
    elif outcome != CardOutcome.WRITTEN:
        errors["outcome"] = _("Choose the outcome.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if not booking.is_active:
            raise ValidationError(_("The booking was cancelled: there was no visit."))
        if booking.starts_at > timezone.now() + dt.timedelta(minutes=30):
            raise ValidationError(_("The visit has not taken place yet."))
        card = ReceptionCard.objects.filter(booking=booking).first()
        if card is not None and card.case_id:
            raise ValidationError(
                _("The card has become the written case %(number)s: it is not changed any more.")
                % {"number": card.case.registration_number}
            )
        now = timezone.now()
        card = card or ReceptionCard(booking=booking, recorded_by=by)
        card.message, card.outcome = message, outcome
        card.answer = answer if outcome == CardOutcome.ORAL else ""
        card.oral_consent = bool(oral_consent) and outcome == CardOutcome.ORAL
        if card.oral_consent and card.consent_recorded_at is None:
            card.consent_recorded_at = now
        if not card.oral_consent:
            card.consent_recorded_at = None
        card.save()
        text = _("Card: %(outcome)s.") % {"outcome": card.get_outcome_display()}
        if card.oral_consent:
            text += " " + _("The client agreed to an oral answer.")
        _event(booking, EventKind.CARD, by, text, outcome=outcome)
        if outcome == CardOutcome.WRITTEN and permissions.can_register(by):
            card.case = register_case(card, by)
    return card


REPLY_FOR_REMINDER = {
    ReminderChannel.EMAIL: ReplyChannel.EMAIL,
    ReminderChannel.PORTAL: ReplyChannel.PORTAL,
    ReminderChannel.PHONE: ReplyChannel.PORTAL,
}


def case_values(card: ReceptionCard) -> dict:
    """What the written case is prefilled with: the visitor, the card's text, the
    personal-visit channel, the topic and the booking's reply channel."""
    booking = card.booking
    date = formats.date_format(timezone.localtime(booking.starts_at), "d.m.Y")
    reply = REPLY_FOR_REMINDER[ReminderChannel(booking.reminder_channel)]
    return {
        "channel": Channel.VISIT,
        "client": booking.client,
        "subject": (_("Personal reception of %(date)s: %(topic)s")
                    % {"date": date, "topic": booking.get_topic_display()})[:255],
        "text": card.message,
        "client_comments": _("Question when booking: %(question)s")
        % {"question": booking.question},
        "topic": booking.topic,
        "reply_channel": reply,
        "reply_contact": booking.reminder_contact if reply == ReplyChannel.EMAIL else "",
        "received_at": min(booking.starts_at, timezone.now()),
    }  # fmt: skip


def register_case(card: ReceptionCard, by):
    """Turn the card into a registered written case (one click), linked to the card."""
    from cases import services as case_services

    if not permissions.can_register(by):
        raise PermissionDenied
    with transaction.atomic():
        card = (
            ReceptionCard.objects.select_for_update()
            .select_related("booking__client")
            .get(pk=card.pk)
        )
        if card.case_id:
            return card.case
        if card.outcome != CardOutcome.WRITTEN:
            raise ValidationError(_("The card records an oral answer, not a written case."))
        case = case_services.register_message(by, **case_values(card))
        card.case = case
        card.save(update_fields=["case", "updated_at"])
        _event(card.booking, EventKind.CASE, by,
               _("Registered as the written case %(number)s.")
               % {"number": case.registration_number}, case=case.pk)  # fmt: skip
    return case


def day_list(point, day: dt.date):
    """The day's booked visitors of a point, in order of time."""
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    high = low + dt.timedelta(days=1)
    return (
        Booking.objects.active()
        .filter(point=point, starts_at__gte=low, starts_at__lt=high)
        .select_related("client", "card", "card__case", "unit", "reminder_message")
        .order_by("starts_at")
    )
