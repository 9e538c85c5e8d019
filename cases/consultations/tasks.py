"""The weekly knowledge-gap digest to unit editors and its beat entry."""

from celery import shared_task
from celery.schedules import crontab

from intranet.celery import beat_entries

GAP_DIGEST_SCHEDULE = "consultations: weekly knowledge-gap digest"
GAP_DIGEST_TASK = "consultations.send_gap_digests"


@shared_task(name=GAP_DIGEST_TASK)
def send_gap_digests() -> int:
    from cases.consultations.digest import send_gap_digests as run

    return run()


@beat_entries
def register_periodic_tasks(sender, **kwargs):
    # Mondays 08:00, before the working week starts.
    sender.add_periodic_task(
        crontab(day_of_week=1, hour=8, minute=0), send_gap_digests.s(), name=GAP_DIGEST_SCHEDULE
    )
