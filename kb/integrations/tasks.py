"""Celery tasks of the webhooks (kb.integrations.webhooks) and their beat entry."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from intranet.celery import beat_entries

DELIVER_TASK = "kb.webhooks.deliver"
REDISPATCH_TASK = "kb.webhooks.redispatch"
REDISPATCH_SCHEDULE = "kb webhooks: deliveries left behind"

logger = logging.getLogger(__name__)


@shared_task(bind=True, name=DELIVER_TASK, acks_late=True)
def deliver(self, delivery_id: int) -> str:
    """One try of a webhook delivery; a failure is tried again after its backoff (as
    the outbox's task does); past the last try it waits for a person."""
    from . import webhooks
    from .models import WebhookDelivery

    outcome = webhooks.attempt(delivery_id)
    if outcome == "failed" and not self.request.is_eager:
        next_at = (
            WebhookDelivery.objects.filter(pk=delivery_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if next_at is not None:
            countdown = max((next_at - timezone.now()).total_seconds(), 0)
            raise self.retry(countdown=countdown, max_retries=None)
    return outcome


@shared_task(bind=True, name=REDISPATCH_TASK)
def redispatch(self) -> int:
    """Send again the deliveries left queued or due: a lost task, a dead worker, tries
    whose countdown ran out while the system was down (and eager runs, which do not
    retry by themselves)."""
    from . import webhooks

    ids = list(webhooks.due_for_redispatch().values_list("pk", flat=True)[:500])
    info = self.request.delivery_info or {}
    queue = None if self.request.is_eager else info.get("routing_key")
    return webhooks.dispatch(ids, queue=queue)


@beat_entries
def register_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(
        60.0 * getattr(settings, "OUTBOX_REDISPATCH_EVERY_MINUTES", 5),
        redispatch.s(),
        name=REDISPATCH_SCHEDULE,
    )
