"""Building and indexing the search documents of cases (see `search.models`).

A document holds at most `search.limits.document_max_bytes()` of the case's text,
comments and answers together, so that every backend accepts it (PostgreSQL's tsvector
limit). A document that fails anyway is recorded (`search.failures`) and skipped: the
others are indexed, and it is tried again later by `search.tasks.catch_up`."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from modelsearch.backends import get_search_backends_with_name

from search import failures, limits
from search.models import CaseDocument

logger = logging.getLogger(__name__)

# Only an answer that has left the desk is searchable with its case: the client can
# find their own case, and a draft must never reach them through a snippet.
PUBLISHED_ANSWER_STATUSES = {"registered"}
ANSWER_TEXT_FIELDS = ("body", "grounds", "text")


def _answer_text(answer) -> str:
    from django.utils.html import strip_tags

    if getattr(answer, "status", "registered") not in PUBLISHED_ANSWER_STATUSES:
        return ""
    parts = []
    for name in ANSWER_TEXT_FIELDS:
        value = getattr(answer, name, None)
        if isinstance(value, str) and value.strip():
            parts.append(" ".join(strip_tags(value).split()))
    return "\n".join(parts)


def _answers_text(case) -> str:
    """The texts of the case's registered answer(s): cases.Answer is one per case
    (``case.answer``); a to-many ``answers`` is read as well."""
    texts: list[str] = []
    try:
        single = case.answer
    except (AttributeError, ObjectDoesNotExist):
        single = None
    if single is not None:
        texts.append(_answer_text(single))
    many = getattr(case, "answers", None)
    if many is not None and hasattr(many, "all"):
        texts.extend(_answer_text(answer) for answer in many.all())
    return "\n\n".join(text for text in texts if text)


def document_values(case) -> dict:
    """The column values of a case's search document: its text, the client's comments and
    the registered answers share the document's budget (`search.limits`)."""
    text, comments, answers = limits.fit(
        [case.text or "", case.client_comments or "", _answers_text(case)],
        limits.document_max_bytes(),
    )
    return {
        "title": case.subject,
        "text": "\n\n".join(part for part in (text, comments) if part),
        "answers": answers,
        "registration_number": case.registration_number or "",
        "topic": case.topic or "",
        "status": case.status,
        "regime": case.regime,
        "channel": case.channel,
        "received_at": case.received_at,
        "client_id": case.client_id,
        "executor_id": case.executor_id,
        "unit_id": case.unit_id,
        "is_confidential": case.is_confidential,
        "indexed_at": timezone.now(),
    }


def _each_backend(action, document, what: str) -> None:
    """Apply `action(backend, document)` on every backend. A database backend's error
    is raised at once; an external engine's is logged, the other backends still get the
    update, and EngineUnavailable is raised at the end so the task can retry."""
    failed = []
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            action(backend, document)
        except Exception:
            if not backend.catch_indexing_errors:
                raise
            logger.exception("Could not %s case %s in search backend %r", what, document.pk, name)
            failed.append(name)
    if failed:
        raise EngineUnavailable(", ".join(failed))


def index_document(document: CaseDocument) -> None:
    """Write one document into every search backend."""
    _each_backend(lambda backend, doc: backend.add(doc), document, "index")


def unindex_case(case_id: int) -> None:
    """Remove a case's document from every search backend (the row is already gone)."""
    _each_backend(lambda backend, doc: backend.delete(doc), CaseDocument(case_id=case_id), "remove")


def stale_case_ids(limit: int = 500) -> list[int]:
    """Cases whose search document is missing or older than the case: their update was
    lost (e.g. the broker was down when the case was saved, so the index task was never
    queued). The oldest first, at most `limit`; a case whose document failed and waits
    for its next attempt (`search.failures`) is left out until then."""
    from django.db.models import Exists, OuterRef

    from cases.models import Case

    fresh = CaseDocument.objects.filter(
        case_id=OuterRef("pk"), indexed_at__gte=OuterRef("updated_at")
    )
    return list(
        Case.objects.filter(~Exists(fresh))
        .exclude(pk__in=failures.waiting_case_ids())
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )


class EngineUnavailable(Exception):
    """An external search engine refused an update (the task retries later)."""


class DocumentRefused(Exception):
    """The search document of one case could not be built or written; the failure is
    recorded (`search.failures`) and the case is tried again later."""


def _named(case) -> CaseDocument:
    """An unsaved document that names `case` in a failure record."""
    return CaseDocument(case_id=case.pk, registration_number=case.registration_number or "")


def sync_case(case_id: int, *, index: bool = True) -> CaseDocument | None:
    """Rebuild the search document of one case from the database and index it. A case
    that no longer exists loses its document."""
    from cases.models import Case

    case = Case.objects.filter(pk=case_id).select_related("client", "external_client").first()
    if case is None:
        CaseDocument.objects.filter(pk=case_id).delete()
        if index:
            unindex_case(case_id)
        return None
    try:
        with transaction.atomic():
            document, _created = CaseDocument.objects.update_or_create(
                case_id=case.pk, defaults=document_values(case)
            )
    except Exception as exc:
        # The database refused the document (on PostgreSQL its vectors are computed as
        # the row is written), or it could not be built: this case waits, the others go
        # on. If the database itself is gone, recording fails and that error is raised.
        failures.record(_named(case), exc)
        raise DocumentRefused(case.pk) from exc
    failures.clear(CaseDocument, [case.pk])
    if index:
        index_document(document)
    return document


def sync_all(batch_size: int = 2000, case_ids: Iterable[int] | None = None) -> int:
    """Create or refresh the documents of all (or the given) cases in bulk, without
    indexing them (`update_index` does that next). Returns the number of documents."""
    from cases.models import Case

    queryset = Case.objects.order_by("pk")
    if any(f.name == "answer" and f.one_to_one for f in Case._meta.get_fields()):
        queryset = queryset.select_related("answer")
    if case_ids is not None:
        queryset = queryset.filter(pk__in=list(case_ids))
    total = 0
    batch: list[CaseDocument] = []
    update_fields = [
        "title",
        "text",
        "answers",
        "registration_number",
        "topic",
        "status",
        "regime",
        "channel",
        "received_at",
        "client",
        "executor",
        "unit",
        "is_confidential",
    ]
    for case in queryset.iterator(chunk_size=batch_size):
        try:
            batch.append(CaseDocument(case_id=case.pk, **document_values(case)))
        except Exception as exc:
            failures.record(_named(case), exc)
            continue
        if len(batch) >= batch_size:
            total += _write(batch, update_fields)
            batch = []
    if batch:
        total += _write(batch, update_fields)
    CaseDocument.objects.exclude(case_id__in=Case.objects.values("pk")).delete()
    return total


def _write(batch: list[CaseDocument], update_fields: list[str]) -> int:
    """Write a batch of documents at once; if the database refuses the batch, each
    document on its own, so that only the documents it refuses are left out (recorded
    in `search.failures`). Returns the number written."""
    try:
        with transaction.atomic():
            _write_rows(batch, update_fields)
        written = batch
    except Exception as exc:
        if len(batch) == 1:
            failures.record(batch[0], exc)
            written = []
        else:
            written = [document for document in batch if _write_one(document, update_fields)]
    failures.clear(CaseDocument, [document.pk for document in written])
    return len(written)


def _write_one(document: CaseDocument, update_fields: list[str]) -> bool:
    try:
        with transaction.atomic():
            _write_rows([document], update_fields)
    except Exception as exc:
        failures.record(document, exc)
        return False
    return True


def _write_rows(batch: list[CaseDocument], update_fields: list[str]) -> None:
    CaseDocument.objects.bulk_create(
        batch, update_conflicts=True, unique_fields=["case"], update_fields=update_fields
    )


def index_all_documents(batch_size: int = 2000) -> int:
    """Write every case document into every search backend (after `sync_all`)."""
    total = 0
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        queryset = CaseDocument.objects.order_by("pk")
        batch: list[CaseDocument] = []
        try:
            for document in queryset.iterator(chunk_size=batch_size):
                batch.append(document)
                if len(batch) >= batch_size:
                    backend.add_bulk(CaseDocument, batch)
                    total += len(batch)
                    batch = []
            if batch:
                backend.add_bulk(CaseDocument, batch)
                total += len(batch)
        except Exception:
            if not backend.catch_indexing_errors:
                raise
            logger.exception("Could not index case documents into search backend %r", name)
    return total
