"""Index updates of cases, run by Celery after the case's transaction commits."""

from __future__ import annotations

import logging

from celery import shared_task

from intranet.celery import beat_entries
from search.documents import EngineUnavailable, stale_case_ids, sync_case

logger = logging.getLogger(__name__)

INDEX_CASE_TASK = "search.index_case"
CATCH_UP_TASK = "search.catch_up"
CATCH_UP_EVERY_SECONDS = 300.0


@shared_task(bind=True, name=INDEX_CASE_TASK, max_retries=10, acks_late=True)
def index_case(self, case_id: int) -> None:
    """Rebuild and index the search document of one case (or remove it if the case is
    gone). An unreachable Elasticsearch is retried with a growing delay; in the embedded
    mode (eager tasks) it is only logged: `manage.py update_index` catches up."""
    try:
        sync_case(case_id)
    except EngineUnavailable as exc:
        if self.request.is_eager:
            logger.warning("Search engine unavailable; case %s waits for update_index", case_id)
            return
        raise self.retry(exc=exc, countdown=min(600, 10 * 2**self.request.retries)) from exc


@shared_task(name=CATCH_UP_TASK, acks_late=True)
def catch_up(limit: int = 500) -> int:
    """The outbox of search updates: documents of cases changed while their index task
    could not be queued are rebuilt here, on the beat, once the broker is back. Returns
    the number of cases brought up to date. Idempotent: a rebuilt document is fresh."""
    done = 0
    for case_id in stale_case_ids(limit):
        try:
            sync_case(case_id)
        except EngineUnavailable:
            logger.warning("Search engine unavailable; case %s waits for the next pass", case_id)
            continue
        done += 1
    return done


@beat_entries
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(
        CATCH_UP_EVERY_SECONDS, catch_up.s(), name="search: cases left out of the index"
    )
