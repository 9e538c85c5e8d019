"""Celery tasks of the project itself: the broker's round-trip check, the outbox
(intranet/outbox.py) with its beat entry, and the daily digest of notifications
(intranet/notifications.py)."""

import datetime as dt
import logging

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from intranet import notifications, outbox
from intranet.celery import beat_entries
from intranet.models import OutgoingMessage

SEND_TASK = "intranet.outbox.send"
REDISPATCH_TASK = "intranet.outbox.redispatch"
REDISPATCH_SCHEDULE = "outbox: messages left behind"
NOTIFICATION_DIGEST_TASK = "intranet.notifications.digest"
NOTIFICATION_DIGEST_SCHEDULE = "notifications: daily digest"

logger = logging.getLogger(__name__)


@shared_task(name="intranet.ping")
def ping(payload: str = "pong") -> str:
    """Round-trip check of the broker and the worker (used by tests and operators)."""
    return payload


@shared_task(bind=True, name=SEND_TASK, acks_late=True)
def send_message(self, message_id: int) -> str:
    """Send one outgoing message (see intranet.outbox). A failure is tried again after
    the message's backoff; past the last try it stays failed for a person to act on.

    Acknowledged late: a worker that dies while sending leaves the task with the
    broker, which gives it to another worker (on Redis, after the visibility timeout);
    `attempt` is idempotent, so the message still goes once. Such a run is logged."""
    if (self.request.delivery_info or {}).get("redelivered"):
        logger.warning(
            "outgoing message %s: task %s redelivered by the broker (a worker stopped "
            "before acknowledging it)",
            message_id,
            self.request.id,
        )
    outcome = outbox.attempt(message_id)
    if outcome == "failed" and not self.request.is_eager:
        next_at = (
            OutgoingMessage.objects.filter(pk=message_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if next_at is not None:
            countdown = max((next_at - timezone.now()).total_seconds(), 0)
            raise self.retry(countdown=countdown, max_retries=None)
    return outcome


@shared_task(bind=True, name=REDISPATCH_TASK)
def redispatch_outbox(self) -> int:
    """Send again the messages left queued or failed: a task lost while the broker was
    down, a worker that died, retries that ran out before the mail server was back. The
    tasks go to the queue this one came from."""
    ids = list(outbox.due_for_redispatch().values_list("pk", flat=True)[:500])
    info = self.request.delivery_info or {}
    queue = None if self.request.is_eager else info.get("routing_key")
    return outbox.dispatch(ids, queue=queue)


@shared_task(name=NOTIFICATION_DIGEST_TASK)
def send_notification_digests(today: str | None = None) -> dict:
    """The daily digest of notifications, for those who chose it (every day: a
    notification of a weekend waits no longer than the next morning)."""
    day = dt.date.fromisoformat(today) if today else None
    return notifications.send_digests(day)


@beat_entries
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(
        crontab(hour=notifications.digest_hour(), minute=15),
        send_notification_digests.s(),
        name=NOTIFICATION_DIGEST_SCHEDULE,
    )
    sender.add_periodic_task(
        60.0 * getattr(settings, "OUTBOX_REDISPATCH_EVERY_MINUTES", 5),
        redispatch_outbox.s(),
        name=REDISPATCH_SCHEDULE,
    )
