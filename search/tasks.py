"""Index updates of cases, run by Celery after the case's transaction commits."""

from __future__ import annotations

import logging

from celery import shared_task

from intranet.celery import beat_entries
from search import failures
from search.documents import DocumentRefused, EngineUnavailable, stale_case_ids, sync_case
from search.models import CaseDocument, IndexFailure

logger = logging.getLogger(__name__)

INDEX_CASE_TASK = "search.index_case"
CATCH_UP_TASK = "search.catch_up"
CATCH_UP_EVERY_SECONDS = 300.0


@shared_task(bind=True, name=INDEX_CASE_TASK, max_retries=10, acks_late=True)
def index_case(self, case_id: int) -> None:
    """Rebuild and index the search document of one case (or remove it if the case is
    gone). An unreachable Elasticsearch is retried with a growing delay; in the embedded
    mode (eager tasks) it is only logged: `manage.py update_index` catches up. A document
    the database refuses is recorded (`search.failures`) and left to `catch_up`."""
    try:
        sync_case(case_id)
    except DocumentRefused:
        return
    except EngineUnavailable as exc:
        if self.request.is_eager:
            logger.warning("Search engine unavailable; case %s waits for update_index", case_id)
            return
        raise self.retry(exc=exc, countdown=min(600, 10 * 2**self.request.retries)) from exc


def retry_failures(limit: int = 100) -> tuple[int, set[int]]:
    """Try again the documents whose failure is due (`search.failures.due`). Returns how
    many are indexed now, and the cases tried (whatever came of it)."""
    from modelsearch.index import insert_or_update_object

    done, cases = 0, set()
    for failure in list(failures.due(limit)):
        model = failure.content_type.model_class()
        if model is CaseDocument:
            case_id = int(failure.object_id)
            cases.add(case_id)
            try:
                if sync_case(case_id) is None:  # the case is gone: nothing to index
                    failure.delete()
                    continue
            except DocumentRefused:
                continue  # recorded again, with a longer wait
            except EngineUnavailable:
                continue
            done += 1
            continue
        obj = model._default_manager.filter(pk=failure.object_id).first() if model else None
        if obj is None:
            failure.delete()
            continue
        try:
            # The database backends record a failure again themselves, or clear it.
            insert_or_update_object(obj)
        except Exception as exc:
            failures.record(obj, exc, model=model)
            continue
        if not IndexFailure.objects.filter(pk=failure.pk).exists():
            done += 1
    return done, cases


@shared_task(name=CATCH_UP_TASK, acks_late=True)
def catch_up(limit: int = 500) -> int:
    """The outbox of search updates: documents of cases changed while their index task
    could not be queued are rebuilt here, on the beat, once the broker is back; documents
    that failed before are tried again once their wait is over. One document that fails
    is recorded and skipped, never holding up the others. Returns the number of documents
    brought up to date. Idempotent: a rebuilt document is fresh."""
    done, tried = retry_failures()
    for case_id in stale_case_ids(limit):
        if case_id in tried:
            continue
        try:
            sync_case(case_id)
        except DocumentRefused:
            logger.warning("Case %s could not be indexed; it is tried again later", case_id)
            continue
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
