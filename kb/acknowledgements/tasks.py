"""The daily reminders of acknowledgement sheets (CONVENTIONS.md: beat entries here)."""

import datetime as dt

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

from intranet.celery import beat_entries

REMINDERS_TASK = "acknowledgements.send_reminders"


@shared_task(name=REMINDERS_TASK)
def send_reminders(today: str | None = None) -> dict:
    """Remind the people who have not confirmed before the due date (and once after)."""
    from kb.acknowledgements import services

    return services.send_reminders(dt.date.fromisoformat(today) if today else None)


@beat_entries
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(
        crontab(hour=getattr(settings, "KB_ACK_REMINDERS_HOUR", 7), minute=30),
        send_reminders.s(),
        name="kb: acknowledgement reminders",
    )
