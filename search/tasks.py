"""Index updates of cases, run by Celery after the case's transaction commits."""

from __future__ import annotations

import logging

from celery import shared_task

from search.documents import EngineUnavailable, sync_case

logger = logging.getLogger(__name__)

INDEX_CASE_TASK = "search.index_case"


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
