"""The reminders to visitors booked for tomorrow, and their beat entry."""

from celery import shared_task
from celery.schedules import crontab

from intranet.celery import beat_entries

REMINDER_TASK = "reception.send_reminders"
REMINDER_SCHEDULE = "reception: reminders to tomorrow's visitors"


@shared_task(name=REMINDER_TASK)
def send_reminders(today: str | None = None) -> dict:
    """Remind each visitor booked for the day after `today` (ISO date; default: today),
    once. Runs every hour, so a booking made today for tomorrow is reminded too and an
    e-mail that failed is tried again."""
    import datetime as dt

    from cases.reception import reminders

    return reminders.send_reminders(dt.date.fromisoformat(today) if today else None)


@beat_entries
def register_periodic_tasks(sender, **kwargs):
    # Hourly from 9:00 to 20:00 Moscow time: the first run sends the bulk the day before.
    sender.add_periodic_task(
        crontab(minute=5, hour="9-20"), send_reminders.s(), name=REMINDER_SCHEDULE
    )
