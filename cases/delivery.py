"""Delivery of letters to the client: answers and notices, on the chosen channel and the
additional one, with nothing lost (DESIGN.md "Answers").

1. ``queue_letters`` creates one ``Delivery`` row per channel in the transaction that
   decides to write (registering the answer, asking a question, extending, forwarding,
   re-dating). The e-mail is queued in the outbox (``intranet.outbox``), which sends it
   once that transaction commits, tries again with backoff, keeps every try and the
   Message-ID, and sends again what was left behind (broker down); the delivery follows
   its message (``_follow``, registered with the outbox): "sent" when the mail server
   accepted it, "failed" while it is not. The portal shows the letter as soon as the
   transaction commits: its delivery is marked then and there. Post, pickup and phone
   wait for the registrar (printable letter), who marks each with the day it was
   posted, handed over or told.
2. A failed e-mail stays failed in the "delivery problems" queue until a person sends
   it again (``retry``) or marks it sent by other means (``mark_delivered``, which
   closes its outbox message). When its last try fails the registrars are notified
   (cases.notifications.delivery_failed).
3. The first answer letter done makes the case "sent", the last one closes it; each is
   on the case's timeline in honest words: an e-mail "sent (accepted by the mail
   server)", never "delivered".
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import letters, notifications
from cases.choices import ReplyChannel, Status
from cases.models import (
    Case,
    CaseEvent,
    Delivery,
    DeliveryPurpose,
    DeliveryStatus,
    EventKind,
)
from intranet import outbox
from intranet.models import MessageStatus, OutgoingMessage
from intranet.security import client_text

LETTER = "cases.letter"

HAND_CHANNELS = frozenset({ReplyChannel.POST, ReplyChannel.PICKUP, ReplyChannel.PHONE})
AUTO_CHANNELS = frozenset({ReplyChannel.EMAIL, ReplyChannel.PORTAL})
# The acknowledgement of receipt goes where it costs nobody any work: by e-mail and in
# the portal. A client who chose post, pickup or phone gets no printed acknowledgement
# (docs/letters.md).
ACKNOWLEDGED_CHANNELS = AUTO_CHANNELS


def acknowledged_channels(case: Case) -> list[tuple[str, str]]:
    """(channel, contact) on which the acknowledgement of receipt of `case` goes: the
    client's automatic channels that have an address."""
    return [
        (channel, contact)
        for channel, contact in channels_of(case)
        if channel in ACKNOWLEDGED_CHANNELS and (channel != ReplyChannel.EMAIL or contact)
    ]


def channels_of(case: Case) -> list[tuple[str, str]]:
    """(channel, contact) the client chose, the additional one included (seed 001: the
    answer is duplicated on the additional channel). A portal channel needs a portal
    user; without one it is left out."""
    result = []
    for channel, contact in (
        (case.reply_channel, case.reply_contact),
        (case.extra_reply_channel, case.extra_reply_contact),
    ):
        if not channel or any(channel == c for c, _ in result):
            continue
        if channel == ReplyChannel.PORTAL and not case.client_id:
            continue
        if channel == ReplyChannel.EMAIL and not contact:
            contact = (case.client.email if case.client_id else "") or (
                case.external_client.email if case.external_client_id else ""
            )
        result.append((channel, contact))
    if case.client_id and not any(c == ReplyChannel.PORTAL for c, _ in result):
        # A portal user always sees the letter in the portal too.
        result.append((ReplyChannel.PORTAL, ""))
    return result


def _answer_files(answer) -> list[outbox.Attachment]:
    if answer is None:
        return []
    files = []
    for attachment in answer.attachments.all():
        with attachment.file.open("rb") as handle:
            files.append(
                outbox.Attachment(
                    attachment.original_name,
                    handle.read(),
                    attachment.content_type or "application/octet-stream",
                )
            )
    return files


def queue_letters(
    case: Case,
    *,
    purpose: str,
    subject: str,
    body: str,
    answer=None,
    attachments: list[outbox.Attachment] | tuple = (),
    letter=None,
    only: frozenset | None = None,
) -> list[Delivery]:
    """Create the delivery rows for one letter on every channel of the case; the e-mail
    goes to the outbox, sent once the current transaction commits, with the answer's
    files and `attachments` (e.g. the letter as a PDF). Call inside the deciding
    transaction, with the case it locked. The letter is plain text and carries what
    people typed (names, questions, reasons, the answer): it goes out without bidi,
    zero-width or control characters (intranet.security.client_text), whatever its
    parts were. `letter` is the OutgoingLetter it is (cases.letters): its PDF goes with
    the e-mail. `only`: the channels to use among the case's (the acknowledgement of
    receipt goes on the automatic ones alone, ACKNOWLEDGED_CHANNELS)."""
    subject, body = client_text(subject), client_text(body)
    deliveries = []
    for channel, contact in channels_of(case):
        if only is not None and channel not in only:
            continue
        delivery = Delivery(
            case=case,
            answer=answer,
            letter=letter,
            purpose=purpose,
            channel=channel,
            contact=contact,
            subject=subject[:255],
            body=body,
        )
        if channel == ReplyChannel.EMAIL:
            files = [*_answer_files(answer), *attachments]
            pdf = letters.attachment_for(delivery)
            if pdf is not None:
                files.append(outbox.Attachment(*pdf))
            delivery.outgoing = _queue_email(delivery, files)
        elif channel == ReplyChannel.PORTAL:
            _mark_in_portal(delivery)  # written once, already delivered
        delivery.save()
        deliveries.append(delivery)
    for delivery in deliveries:
        if delivery.channel == ReplyChannel.PORTAL:
            _after_done(delivery, case=case)
    return deliveries


def _queue_email(delivery: Delivery, attachments) -> OutgoingMessage:
    return outbox.queue(
        kind=LETTER,
        to=delivery.contact,
        subject=delivery.subject,
        body=delivery.body,
        attachments=attachments,
    )


def _mark_in_portal(delivery: Delivery) -> None:
    """The letter is in the client's portal once the transaction commits."""
    delivery.status = DeliveryStatus.DELIVERED
    delivery.delivered_at = delivery.sent_at = timezone.now()


def _follow(message: OutgoingMessage) -> None:
    """The outbox changed the status of a letter's e-mail: the delivery follows, and a
    sent one is recorded on the timeline (called in the outbox's transaction)."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("answer")
        .filter(outgoing=message)
        .first()
    )
    if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
        return
    if message.status == MessageStatus.SENT:
        if delivery.status == DeliveryStatus.SENT:
            return
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = message.sent_at
        delivery.save()
        _after_done(delivery)
    elif message.status in {MessageStatus.FAILED, MessageStatus.QUEUED}:
        delivery.status = message.status
        delivery.save()
        if message.status == MessageStatus.FAILED and message.attempts >= outbox.max_attempts():
            # The outbox gave up: the registrars are told (it waits for one of them).
            notifications.delivery_failed(delivery)
    # Closed in the outbox by a person: the delivery stays as it is, in the delivery
    # problems if it failed, until the registrar marks it.


outbox.register(LETTER, gettext_lazy("Letter to a client (cases desk)"), on_change=_follow)


def _timeline_message(delivery: Delivery) -> str:
    """What the client and the desk read on the timeline: no more than is known."""
    values = {
        "what": delivery.get_purpose_display(),
        "contact": delivery.contact,
        "date": f"{delivery.handed_on:%d.%m.%Y}" if delivery.handed_on else "",
    }
    if delivery.status == DeliveryStatus.SENT:
        message = _("%(what)s sent by e-mail to %(contact)s (accepted by the mail server).")
    elif delivery.channel == ReplyChannel.PORTAL:
        message = _("%(what)s placed in the portal.")
    elif delivery.channel == ReplyChannel.POST:
        message = _("%(what)s sent by post on %(date)s.")
    elif delivery.channel == ReplyChannel.PICKUP:
        message = _("%(what)s handed over in person on %(date)s.")
    elif delivery.channel == ReplyChannel.PHONE:
        message = _("%(what)s told by phone on %(date)s.")
    else:
        message = _("%(what)s sent by other means on %(date)s.")
    return message % values


def _after_done(delivery: Delivery, actor=None, case: Case | None = None) -> None:
    """Record the letter on the timeline and move the case on: the first answer letter
    done makes it "sent", the last one closes it. `case`: the caller's locked case."""
    if case is None:
        case = Case.objects.select_for_update().get(pk=delivery.case_id)
    previous = case.status
    if delivery.purpose == DeliveryPurpose.ANSWER:
        pending = (
            Delivery.objects.filter(answer_id=delivery.answer_id, purpose=DeliveryPurpose.ANSWER)
            .exclude(status__in=[DeliveryStatus.SENT, DeliveryStatus.DELIVERED])
            .exists()
        )
        if case.status in {Status.ANSWERED, Status.SENT}:
            case.status = Status.SENT if pending else Status.CLOSED
            if case.status == Status.CLOSED:
                case.closed_at = timezone.now()
            case.save(update_fields=["status", "closed_at", "updated_at"])
    with translation.override(settings.LANGUAGE_CODE):
        message = _timeline_message(delivery)
        if case.status == Status.CLOSED and previous != Status.CLOSED:
            message += " " + _("The answer has gone out on every channel: the case is closed.")
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.DELIVERY,
        actor=actor,
        message=message.strip(),
        reason=delivery.note,
        visible_to_client=True,
        from_status=previous,
        to_status=case.status,
        data={"delivery": delivery.pk, "channel": delivery.channel, "status": delivery.status},
    )


def retry(delivery: Delivery, by) -> Delivery:
    """A person sends a failed e-mail again (after the mail server is back, say): the
    outbox tries it afresh with the same Message-ID."""
    if delivery.is_done or delivery.channel in HAND_CHANNELS:
        return delivery
    with transaction.atomic():
        if delivery.outgoing_id:
            # The message first, then (in the outbox's follow-up) the delivery: the
            # order every sending takes, so the two never wait on each other.
            outbox.retry(delivery.outgoing, by)
        else:
            # A delivery queued before the outbox existed: its e-mail is made now.
            delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
            if delivery.is_done:
                return delivery
            if delivery.channel == ReplyChannel.PORTAL:
                _mark_in_portal(delivery)
                delivery.save()
                _after_done(delivery)
                return delivery
            delivery.outgoing = _queue_email(delivery, _answer_files(delivery.answer))
            delivery.status = DeliveryStatus.QUEUED
            delivery.save()
    delivery.refresh_from_db()
    return delivery


def letter_date(delivery: Delivery) -> dt.date:
    """The day the letter was registered (an answer's outgoing date), else made."""
    if delivery.answer_id and delivery.answer.outgoing_date:
        return delivery.answer.outgoing_date
    return timezone.localdate(delivery.created_at)


def check_handed_on(delivery: Delivery, on: dt.date) -> None:
    """The day a person gives for a letter: not in the future, not before the letter."""
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    registered = letter_date(delivery)
    if on < registered:
        raise ValidationError(
            {
                "on": _("The letter is dated %(date)s: the date cannot be earlier.")
                % {"date": f"{registered:%d.%m.%Y}"}
            }
        )


@transaction.atomic
def mark_delivered(delivery: Delivery, by, note: str = "", on: dt.date | None = None) -> Delivery:
    """A person records that the letter went out, on the day `on` (default today): posted,
    handed over at the reception point, told by phone, or an e-mail that failed sent by
    other means (its outbox message is closed)."""
    on = on or timezone.localdate()
    check_handed_on(delivery, on)
    if delivery.outgoing_id:
        outbox.cancel(delivery.outgoing, by, client_text(note))  # the message first
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.is_done:
        return delivery
    delivery.status = DeliveryStatus.DELIVERED
    delivery.delivered_at = timezone.now()
    delivery.handed_on = on
    delivery.delivered_by = by
    delivery.note = client_text(note)
    delivery.save()
    _after_done(delivery, actor=by)
    return delivery
