"""Delivery of letters to the client: answers and notices, on the chosen channel and the
additional one, with nothing lost (DESIGN.md "Answers").

The outbox pattern:

1. ``queue_letters`` creates one ``Delivery`` row per channel in the transaction that
   decides to write (registering the answer, asking a question, extending, forwarding);
   the task is sent only when that transaction commits (``transaction.on_commit``).
2. ``attempt(delivery_id)`` (run by the ``cases.deliver`` task) locks the row with
   SELECT … FOR UPDATE SKIP LOCKED, returns at once if it is already sent, and sends:
   e-mail through Django's mail framework with a Message-ID stored on the row (a repeated
   try of the same letter carries the same Message-ID); the portal shows the letter to
   the client at once; post, pickup and phone wait for a person (printable letter), who
   marks them delivered. Each try is logged (``DeliveryAttempt``).
3. A failed e-mail is retried by the task with exponential backoff; the beat task
   ``cases.redispatch_deliveries`` sends again every row still queued or failed after
   CASES_DELIVERY_REDISPATCH_MINUTES — so a letter whose task never reached the broker
   (broker down) goes out when the broker is back. After CASES_DELIVERY_MAX_ATTEMPTS
   tries a delivery stays failed in the "delivery problems" queue until a person retries
   it or marks it delivered by other means.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import letters
from cases.choices import ReplyChannel, Status
from cases.models import (
    Case,
    CaseEvent,
    Delivery,
    DeliveryAttempt,
    DeliveryPurpose,
    DeliveryStatus,
    EventKind,
)
from intranet.security import client_text

logger = logging.getLogger(__name__)

HAND_CHANNELS = frozenset({ReplyChannel.POST, ReplyChannel.PICKUP, ReplyChannel.PHONE})
AUTO_CHANNELS = frozenset({ReplyChannel.EMAIL, ReplyChannel.PORTAL})


def max_attempts() -> int:
    return int(getattr(settings, "CASES_DELIVERY_MAX_ATTEMPTS", 8))


def retry_base_seconds() -> int:
    return int(getattr(settings, "CASES_DELIVERY_RETRY_BASE_SECONDS", 60))


def backoff(retries: int) -> int:
    """Seconds before try number `retries + 1`: base, 2×base, 4×base, … at most 1 hour."""
    return min(retry_base_seconds() * (2**retries), 3600)


def redispatch_minutes() -> int:
    return int(getattr(settings, "CASES_DELIVERY_REDISPATCH_MINUTES", 10))


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


def queue_letters(
    case: Case, *, purpose: str, subject: str, body: str, answer=None, letter=None
) -> list[Delivery]:
    """Create the outbox rows for one letter on every channel of the case, and send
    them once the current transaction commits. Call inside the deciding transaction.
    The letter is plain text and carries what people typed (names, questions, reasons,
    the answer): it goes out without bidi, zero-width or control characters
    (intranet.security.client_text), whatever its parts were. `letter` is the
    OutgoingLetter it is (cases.letters): its PDF goes with the e-mail."""
    subject, body = client_text(subject), client_text(body)
    deliveries = [
        Delivery.objects.create(
            case=case,
            answer=answer,
            letter=letter,
            purpose=purpose,
            channel=channel,
            contact=contact,
            subject=subject[:255],
            body=body,
        )
        for channel, contact in channels_of(case)
    ]
    ids = [d.pk for d in deliveries if d.channel in AUTO_CHANNELS]
    if ids:
        transaction.on_commit(lambda: dispatch(ids))
    return deliveries


def dispatch(ids, queue: str | None = None) -> int:
    """Send the delivery task for each id (to `queue`, default: the default queue). A
    broker that is down is logged, not raised: the rows stay queued and the beat task
    sends them later. Returns how many went."""
    from cases.tasks import deliver

    options = {"queue": queue} if queue else {}
    sent = 0
    for pk in ids:
        try:
            deliver.apply_async((pk,), retry=False, **options)
        except Exception:
            logger.warning("delivery %s: broker unavailable, left for redispatch", pk)
            continue
        sent += 1
    return sent


def _log(delivery: Delivery, status: str, error: str = "") -> None:
    DeliveryAttempt.objects.create(delivery=delivery, status=status, error=error[:2000])


def _email(delivery: Delivery) -> None:
    message = EmailMessage(
        delivery.subject,
        delivery.body,
        to=[delivery.contact],
        headers={"Message-ID": delivery.message_id},
    )
    if delivery.answer_id:
        for attachment in delivery.answer.attachments.all():
            with attachment.file.open("rb") as handle:
                message.attach(
                    attachment.original_name,
                    handle.read(),
                    attachment.content_type or "application/octet-stream",
                )
    pdf = letters.attachment_for(delivery)
    if pdf is not None:
        message.attach(*pdf)
    get_connection(fail_silently=False).send_messages([message])


def attempt(delivery_id: int) -> str:
    """One try to deliver. Returns "done" (already sent), "busy" (another worker has
    it), "sent", "delivered" (portal), "manual" (waits for a person), "failed"."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case", "answer", "letter")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "busy"
        if delivery.is_done:
            return "done"
        if delivery.channel in HAND_CHANNELS:
            return "manual"
        now = timezone.now()
        delivery.attempts += 1
        if delivery.channel == ReplyChannel.PORTAL:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = delivery.sent_at = now
            delivery.last_error = ""
            delivery.save()
            _log(delivery, DeliveryStatus.DELIVERED)
            _after_done(delivery)
            return "delivered"
        if not delivery.message_id:
            domain = getattr(settings, "CASES_MESSAGE_ID_DOMAIN", "intranet.local")
            delivery.message_id = make_msgid(f"case{delivery.case_id}.d{delivery.pk}", domain)
        try:
            if not delivery.contact:
                raise ValueError(_("No e-mail address for the answer."))
            _email(delivery)
        except Exception as exc:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            delivery.next_attempt_at = now + dt.timedelta(seconds=backoff(delivery.attempts))
            delivery.save()
            _log(delivery, DeliveryStatus.FAILED, delivery.last_error)
            return "failed"
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.last_error = ""
        delivery.next_attempt_at = None
        delivery.save()
        _log(delivery, DeliveryStatus.SENT)
        _after_done(delivery)
        return "sent"


def _after_done(delivery: Delivery, actor=None) -> None:
    """Record the delivery on the timeline and move the case on: the first answer
    delivery makes it "sent", the last one closes it."""
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
        if delivery.status == DeliveryStatus.SENT:
            message = _("%(what)s sent: %(channel)s %(contact)s.")
        else:
            message = _("%(what)s delivered: %(channel)s %(contact)s.")
        message = message % {
            "what": delivery.get_purpose_display(),
            "channel": delivery.get_channel_display(),
            "contact": delivery.contact,
        }
        message = message.replace(" .", ".")  # no contact (the portal)
        if case.status == Status.CLOSED and previous != Status.CLOSED:
            message += " " + _("The answer has reached the client on every channel: closed.")
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


def due_for_redispatch(now=None):
    """Queued or failed automatic deliveries untouched for the redispatch interval and
    not past the attempt limit."""
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=redispatch_minutes())
    return Delivery.objects.filter(
        status__in=[DeliveryStatus.QUEUED, DeliveryStatus.FAILED],
        channel__in=AUTO_CHANNELS,
        updated_at__lte=limit,
        attempts__lt=max_attempts(),
    )


@transaction.atomic
def retry(delivery: Delivery, by) -> Delivery:
    """A person sends a failed delivery again (after fixing the address, say)."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.is_done or delivery.channel in HAND_CHANNELS:
        return delivery
    delivery.status = DeliveryStatus.QUEUED
    delivery.attempts = 0
    delivery.save()
    _log(
        delivery, DeliveryStatus.QUEUED, _("Sent again by %(name)s.") % {"name": by.get_full_name()}
    )
    pk = delivery.pk
    transaction.on_commit(lambda: dispatch([pk]))
    return delivery


@transaction.atomic
def mark_delivered(delivery: Delivery, by, note: str = "") -> Delivery:
    """A person records that the letter reached the client: handed over at the
    reception point, posted, told by phone, or sent by other means after a failure."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.is_done:
        return delivery
    now = timezone.now()
    delivery.status = DeliveryStatus.DELIVERED
    delivery.delivered_at = now
    delivery.delivered_by = by
    delivery.note = client_text(note)
    delivery.save()
    _log(delivery, DeliveryStatus.DELIVERED, delivery.note)
    _after_done(delivery, actor=by)
    return delivery
