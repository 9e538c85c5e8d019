"""Celery tasks of the knowledge base and their beat schedule (CONVENTIONS.md)."""

import datetime as dt

from celery import shared_task
from celery.schedules import crontab

from intranet.celery import beat_entries

REVIEW_DIGEST_SCHEDULE = "kb: daily review digest"
ORPHAN_DOCUMENTS_SCHEDULE = "kb: daily cleanup of orphan documents"


@shared_task(name="kb.send_review_digests")
def send_review_digests(today: str | None = None) -> int:
    """Daily: one digest per editor and head of the stale and flagged articles of their
    units (seed 001: the base «должна актуализироваться на постоянной основе»)."""
    from .services import send_review_digests as run

    return run(dt.date.fromisoformat(today) if today else None)


@shared_task(name="kb.delete_orphan_documents")
def delete_orphan_documents() -> int:
    """Daily: delete uploads nothing uses once the grace period is over (abandoned
    uploads of the article editor's chooser, replaced versions no revision keeps)."""
    from .attachments import delete_orphan_documents as run

    return run()


@beat_entries
def register_periodic_tasks(sender, **kwargs):
    # 07:00 Moscow time, before the working day starts.
    sender.add_periodic_task(
        crontab(hour=7, minute=0), send_review_digests.s(), name=REVIEW_DIGEST_SCHEDULE
    )
    # 03:30 Moscow time, when nobody uploads.
    sender.add_periodic_task(
        crontab(hour=3, minute=30), delete_orphan_documents.s(), name=ORPHAN_DOCUMENTS_SCHEDULE
    )
