from celery import shared_task
from celery.schedules import crontab

from intranet.celery import beat_entries

FILE_TASK = "retention.file_closed_cases"


@shared_task(name=FILE_TASK, acks_late=True)
def file_closed_cases() -> int:
    """File closed cases into the nomenclature (never deletes anything)."""
    from cases.retention import services

    return services.file_closed_cases()


@beat_entries
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(
        crontab(hour=2, minute=15), file_closed_cases.s(), name="retention: file closed cases"
    )
