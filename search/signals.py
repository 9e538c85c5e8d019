"""Keep case search documents in step with the cases: every change to a case (its row,
co-executors, answers) sends `search.tasks.index_case` once the transaction commits.
Also: a saved or deleted synonym group clears the cached groups (`search.synonyms`), a
published article adds its words to the vocabulary (`search.vocabulary`).

Pages are not handled here: Wagtail indexes them itself, inline."""

from __future__ import annotations

import logging
import threading

from django.apps import apps
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)


def _send(case_id: int) -> None:
    from search.tasks import index_case

    try:
        index_case.delay(case_id)
    except Exception:
        # A broker that is down must not break the save that already committed; the
        # next `update_index` rebuilds the document.
        logger.exception("Could not queue the search update of case %s", case_id)


class _Batch:
    """The cases a transaction changed, each sent once when it commits (a question's
    intake saves its case three times: one index update, not three). Kept per thread
    and tied to the connection's list of commit callbacks: Django starts a new list
    when a transaction commits or a savepoint rolls back, and a batch whose list is
    gone is never added to again (the worst case is a case sent twice, never a change
    that is not sent)."""

    def __init__(self, callbacks: list):
        self.callbacks = callbacks
        self.case_ids: list[int] = []
        self.done = False

    def __call__(self) -> None:
        self.done = True
        for case_id in self.case_ids:
            _send(case_id)


_local = threading.local()


def schedule_case(case_id: int | None) -> None:
    """Queue the index update of one case after the current transaction commits (at
    once outside a transaction), once per transaction; a rolled-back change queues
    nothing."""
    if case_id is None:
        return
    if not connection.in_atomic_block:
        _send(case_id)
        return
    batch = getattr(_local, "batch", None)
    if batch is None or batch.done or batch.callbacks is not connection.run_on_commit:
        batch = _local.batch = _Batch(connection.run_on_commit)
        transaction.on_commit(batch, robust=True)
    if case_id not in batch.case_ids:
        batch.case_ids.append(case_id)


def _case_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_case(instance.pk)


def _case_deleted(sender, instance, **kwargs):
    schedule_case(instance.pk)


def _co_executors_changed(sender, instance, action, pk_set=None, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    from cases.models import Case

    if isinstance(instance, Case):
        schedule_case(instance.pk)
    else:  # changed from the user's side: pk_set holds cases
        for case_id in pk_set or ():
            schedule_case(case_id)


def _child_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_case(getattr(instance, "case_id", None))


def _synonyms_changed(sender, instance, **kwargs):
    from search import synonyms, vocabulary

    synonyms.forget()
    if kwargs.get("created") is not None:  # saved, not deleted
        vocabulary.add_words(instance.terms)


def _page_published(sender, instance, **kwargs):
    from search import vocabulary

    vocabulary.add_article(instance)


def connect() -> None:
    from wagtail.signals import page_published

    from cases.models import Case
    from kb.models import ArticlePage
    from search.models import SynonymGroup

    post_save.connect(_synonyms_changed, sender=SynonymGroup, dispatch_uid="search-synonyms-save")
    post_delete.connect(
        _synonyms_changed, sender=SynonymGroup, dispatch_uid="search-synonyms-delete"
    )
    # The words of a published article join the vocabulary of typo suggestions.
    page_published.connect(_page_published, sender=ArticlePage, dispatch_uid="search-vocabulary")
    uid = "search-case-documents"
    post_save.connect(_case_saved, sender=Case, dispatch_uid=f"{uid}-save")
    post_delete.connect(_case_deleted, sender=Case, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _co_executors_changed, sender=Case.co_executors.through, dispatch_uid=f"{uid}-co"
    )
    # A case's registered answer is part of its search document (`search.documents`):
    # cases.Answer, named by its app label and model name like the case's other models.
    answer = apps.get_model("cases", "Answer")
    post_save.connect(_child_changed, sender=answer, dispatch_uid=f"{uid}-answer-save")
    post_delete.connect(_child_changed, sender=answer, dispatch_uid=f"{uid}-answer-delete")
