"""The outbox: every e-mail the portal sends (letters to clients, reception reminders,
knowledge-base notices and digests, knowledge-gap and case digests) goes through here,
and nothing sends mail any other way.

1. ``queue(...)`` stores the message (recipient, subject, text, optional HTML, stored
   attachments) with its Message-ID, in the caller's transaction; the sending task is
   sent only once that transaction commits (``transaction.on_commit``). A message with a
   ``key`` is stored once: queueing the same key again returns the first message.
2. ``attempt(pk)`` (the ``intranet.outbox.send`` task) locks the row with SELECT … FOR
   UPDATE SKIP LOCKED, returns at once if it is sent or closed, and sends it through
   Django's mail framework. Each try is logged (``MessageAttempt``); the lock is held
   until the outcome is stored, so a message is never sent twice by two workers, and
   every try carries the same Message-ID.
3. A failed message is tried again with exponential backoff (OUTBOX_RETRY_BASE_SECONDS,
   doubling, at most an hour) up to OUTBOX_MAX_ATTEMPTS tries; the beat task
   ``intranet.outbox.redispatch`` sends again every message still queued, or failed and
   due, after OUTBOX_REDISPATCH_MINUTES, so a message whose task never reached the
   broker (broker down) goes when it is back. After the last try the message stays
   failed, listed in the admin (Settings → Outgoing mail), until a person sends it again
   or closes it.

The app that queues a kind of message registers it (``register``): a label for the
admin, and optionally a function called with the message, in the transaction that holds
its lock, each time its status changes (sent, failed, queued again, closed). That is how
a case's delivery follows its e-mail without this module knowing about cases.

A kind may also bring its own way of sending (``register(..., send=...)``): the
knowledge base's webhooks are signed POSTs to other systems, stored, tried, retried,
listed and closed here like the e-mails (kb.integrations.webhooks). The sender raises
when the try failed; its message is the error a person reads."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.models import MessageAttachment, MessageAttempt, MessageStatus, OutgoingMessage

logger = logging.getLogger(__name__)

__all__ = [
    "Attachment",
    "SendRefused",
    "attempt",
    "backoff",
    "cancel",
    "discard",
    "dispatch",
    "due_for_redispatch",
    "label",
    "max_attempts",
    "queue",
    "register",
    "retry",
]


class SendRefused(Exception):
    """A failed try its sender explains in words for the person reading the outbox
    (Russian): recorded as its message alone, without the exception's class name."""


@dataclass(frozen=True)
class Attachment:
    """A file to send with a message: its bytes are stored with the message."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Kind:
    label: str
    on_change: Callable[[OutgoingMessage], None] | None = None
    send: Callable[[OutgoingMessage], None] | None = None


_KINDS: dict[str, Kind] = {}


def register(
    kind: str,
    label: str,
    on_change: Callable[[OutgoingMessage], None] | None = None,
    send: Callable[[OutgoingMessage], None] | None = None,
):
    """Declare a kind of message: its label in the admin and, optionally, what follows a
    change of its status and how it is sent (default: an e-mail through Django's mail
    framework). Called at import by the module that queues the kind."""
    _KINDS[kind] = Kind(label=label, on_change=on_change, send=send)


def label(kind: str) -> str:
    known = _KINDS.get(kind)
    return str(known.label) if known else kind


# ------------------------------------------------------------------------- settings


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8))


def retry_base_seconds() -> int:
    return int(getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 60))


def backoff(tries: int) -> int:
    """Seconds to wait after try number `tries` failed: base, 2×base, 4×base, … at
    most an hour."""
    return min(retry_base_seconds() * 2 ** max(tries - 1, 0), 3600)


def redispatch_minutes() -> int:
    return int(getattr(settings, "OUTBOX_REDISPATCH_MINUTES", 10))


def message_id_domain() -> str:
    """The right-hand side of Message-IDs: OUTBOX_MESSAGE_ID_DOMAIN, else the domain of
    DEFAULT_FROM_EMAIL."""
    configured = getattr(settings, "OUTBOX_MESSAGE_ID_DOMAIN", "")
    if configured:
        return configured
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "intranet.local"


# ---------------------------------------------------------------------------- queue


def queue(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    html_body: str = "",
    attachments: Iterable[Attachment] = (),
    key: str | None = None,
) -> OutgoingMessage:
    """Store one message to `to` and send it once the current transaction commits.
    Call it inside the transaction that decides to write: if that rolls back, nothing
    is sent. The subject is made one line (a line break in a header is refused)."""
    if key is not None:
        existing = OutgoingMessage.objects.filter(key=key).first()
        if existing is not None:
            return existing
    subject = " ".join(str(subject).split())[:255]
    try:
        with transaction.atomic():
            message = OutgoingMessage.objects.create(
                kind=kind,
                key=key,
                recipient=(to or "").strip(),
                subject=subject,
                body=body,
                html_body=html_body,
                message_id=make_msgid(kind.replace(".", "-"), message_id_domain()),
            )
            for item in attachments:
                stored = MessageAttachment(
                    message=message,
                    filename=item.filename[:255],
                    content_type=item.content_type or "application/octet-stream",
                )
                stored.file.save(item.filename, ContentFile(item.content), save=True)
    except IntegrityError:
        if key is None:
            raise
        # Queued meanwhile by a concurrent run with the same key.
        return OutgoingMessage.objects.get(key=key)
    pk = message.pk
    transaction.on_commit(lambda: dispatch([pk]))
    return message


def dispatch(ids: Iterable[int], queue: str | None = None) -> int:
    """Send the sending task for each id (to `queue`, default: the default queue). A
    broker that is down is logged, not raised: the messages stay queued and the beat
    task sends them later. Returns how many went."""
    # intranet.tasks imports this module (the task runs `attempt`): imported here.
    from intranet.tasks import send_message

    options = {"queue": queue} if queue else {}
    sent = 0
    for pk in ids:
        try:
            send_message.apply_async((pk,), retry=False, **options)
        except Exception:
            logger.warning("outgoing message %s: broker unavailable, left for redispatch", pk)
            continue
        sent += 1
    return sent


# -------------------------------------------------------------------------- sending


def _log(message: OutgoingMessage, status: str, error: str = "") -> None:
    MessageAttempt.objects.create(message=message, status=status, error=error[:2000])


def _changed(message: OutgoingMessage) -> None:
    """Tell the app that queued the message (see `register`). Its failure is logged and
    never undoes the outcome: a message the server accepted is recorded as sent."""
    kind = _KINDS.get(message.kind)
    if kind is None or kind.on_change is None:
        return
    try:
        with transaction.atomic():
            kind.on_change(message)
    except Exception:
        logger.exception("outgoing message %s: the %s follow-up failed", message.pk, message.kind)


def _send(message: OutgoingMessage) -> None:
    kind = _KINDS.get(message.kind)
    if kind is not None and kind.send is not None:
        kind.send(message)
        return
    if not message.recipient:
        raise SendRefused(_("No e-mail address to send to."))
    email = EmailMultiAlternatives(
        message.subject,
        message.body,
        to=[message.recipient],
        headers={"Message-ID": message.message_id},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for item in message.attachments.all():
        with item.file.open("rb") as handle:
            email.attach(item.filename, handle.read(), item.content_type)
    get_connection(fail_silently=False).send_messages([email])


def attempt(message_id: int) -> str:
    """One try. Returns "sent", "failed", "done" (already sent), "closed" (a person
    closed it), "stopped" (failed after the last try: only a person sends it again),
    "busy" (another worker holds it)."""
    with transaction.atomic():
        message = (
            OutgoingMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return "busy"
        if message.status == MessageStatus.SENT:
            return "done"
        if message.status == MessageStatus.CANCELLED:
            return "closed"
        if message.status == MessageStatus.FAILED and message.attempts >= max_attempts():
            return "stopped"
        now = timezone.now()
        message.attempts += 1
        try:
            _send(message)
        except Exception as exc:
            message.status = MessageStatus.FAILED
            error = str(exc) if isinstance(exc, SendRefused) else f"{type(exc).__name__}: {exc}"
            message.last_error = error[:2000]
            message.next_attempt_at = (
                now + dt.timedelta(seconds=backoff(message.attempts))
                if message.attempts < max_attempts()
                else None
            )
            message.save()
            _log(message, MessageStatus.FAILED, message.last_error)
            logger.warning(
                "outgoing message %s (%s) failed, try %s: %s",
                message.pk,
                message.kind,
                message.attempts,
                message.last_error,
            )
            _changed(message)
            return "failed"
        message.status = MessageStatus.SENT
        message.sent_at = now
        message.last_error = ""
        message.next_attempt_at = None
        message.save()
        _log(message, MessageStatus.SENT)
        _changed(message)
        return "sent"


def due_for_redispatch(now: dt.datetime | None = None):
    """Messages left queued, or failed and due for their next try, untouched for the
    redispatch interval: their task was lost (broker down, a worker gone) or its retries
    ran out of time before the mail server came back."""
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=redispatch_minutes())
    return (
        OutgoingMessage.objects.filter(
            status__in=[MessageStatus.QUEUED, MessageStatus.FAILED],
            updated_at__lte=limit,
            attempts__lt=max_attempts(),
        )
        .exclude(next_attempt_at__gt=now)
        .order_by("updated_at", "pk")
    )


# ----------------------------------------------------------------- a person acting


@transaction.atomic
def retry(message: OutgoingMessage, by) -> OutgoingMessage:
    """A person sends a message again (the address fixed, the server back): it gets
    its tries afresh, and keeps its Message-ID."""
    message = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
    if message.status == MessageStatus.SENT:
        return message
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = None
    message.closed_by = None
    message.save()
    _log(message, MessageStatus.QUEUED, _("Sent again by %(name)s.") % {"name": _name(by)})
    _changed(message)
    pk = message.pk
    transaction.on_commit(lambda: dispatch([pk]))
    return message


@transaction.atomic
def cancel(message: OutgoingMessage, by, reason: str = "") -> OutgoingMessage:
    """A person closes a message that will not be sent (delivered by other means, the
    recipient gone): it leaves the list of problems and is never tried again."""
    message = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
    if message.status in {MessageStatus.SENT, MessageStatus.CANCELLED}:
        return message
    message.status = MessageStatus.CANCELLED
    message.next_attempt_at = None
    message.closed_by = by
    message.save()
    note = _("Closed without sending by %(name)s.") % {"name": _name(by)}
    _log(message, MessageStatus.CANCELLED, f"{note} {reason}".strip())
    _changed(message)
    return message


def discard(ids: Iterable[int]) -> None:
    """Delete messages and their stored files (their case was destroyed under a
    retention act, say); the files go once the deletion is committed."""
    ids = list(ids)
    names = list(
        MessageAttachment.objects.filter(message_id__in=ids).values_list("file", flat=True)
    )
    OutgoingMessage.objects.filter(pk__in=ids).delete()
    storage = MessageAttachment._meta.get_field("file").storage

    def remove():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)


def _name(user) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()
