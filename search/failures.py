"""Documents that could not be indexed: recorded, skipped, tried again later.

One document the engine refuses must never hold up the others (the catch-up pass, a
rebuild by `update_index`, the save of a page). Whoever indexes catches the failure of
one document, records it here (`record`) and goes on; a later success removes the
record (`clear`). `search.tasks.catch_up` retries the records whose `retry_at` has come
(`due`), and leaves the others out of its pass (`waiting_case_ids`), so a document that
keeps failing is tried at growing intervals instead of at the head of every pass.
Administrators see the records in the admin (Settings → Search index failures)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.text import capfirst

from search.models import CaseDocument, IndexFailure

logger = logging.getLogger(__name__)

# After the n-th failure in a row the document is tried again in FIRST × 2^(n-1), at
# most MAX: 5 minutes (the catch-up's beat), 10, 20, … up to once a day.
RETRY_FIRST = dt.timedelta(minutes=5)
RETRY_MAX = dt.timedelta(days=1)
ERROR_MAX_CHARS = 2000


def root_model(model):
    """The model a failure is filed under: the top of a multi-table inheritance (a page
    of any type under Wagtail's `Page`), so that indexing a page as `Page` or as its own
    type names the same document."""
    model = model._meta.concrete_model
    parents = model._meta.get_parent_list()
    return parents[-1] if parents else model


def _content_type(model) -> ContentType:
    return ContentType.objects.get_for_model(root_model(model), for_concrete_model=True)


def retry_delay(attempts: int) -> dt.timedelta:
    return min(RETRY_MAX, RETRY_FIRST * 2 ** max(attempts - 1, 0))


def _label(obj, model) -> str:
    """The document as the admin lists it: a model's own `failure_label()` (a case names
    its number, not its subject), else its kind and its name («Страница «…»»)."""
    label = getattr(obj, "failure_label", None)
    if callable(label):
        return str(label())[:255]
    return f"{capfirst(root_model(model)._meta.verbose_name)} «{obj}»"[:255]


def record(obj, error: BaseException | str, *, model=None) -> IndexFailure:
    """Record that `obj` could not be indexed (or add one more failure to its record):
    logged with the error, and tried again after the back-off. Runs in a transaction of
    its own (a savepoint inside an outer one). Raises if the database itself is gone."""
    model = model or type(obj)
    now = timezone.now()
    if isinstance(error, BaseException):
        error = str(error) or type(error).__name__
    message = " ".join(error.split())[:ERROR_MAX_CHARS]
    logger.error("Search: %s.%s %s not indexed: %s", model._meta.app_label,
                 model.__name__, obj.pk, message)  # fmt: skip
    content_type = _content_type(model)
    with transaction.atomic():
        failure = (
            IndexFailure.objects.select_for_update()
            .filter(content_type=content_type, object_id=str(obj.pk))
            .first()
        )
        if failure is None:
            failure = IndexFailure(content_type=content_type, object_id=str(obj.pk),
                                   first_failed_at=now, attempts=0)  # fmt: skip
        failure.attempts += 1
        with translation.override(settings.LANGUAGE_CODE):
            failure.label = _label(obj, model)
        failure.error = message
        failure.last_failed_at = now
        failure.retry_at = now + retry_delay(failure.attempts)
        failure.save()
    return failure


def clear(model, keys) -> None:
    """The documents of `model` with these keys are indexed: forget their failures."""
    keys = [str(key) for key in keys]
    if keys:
        IndexFailure.objects.filter(content_type=_content_type(model), object_id__in=keys).delete()


def due(limit: int = 100, now: dt.datetime | None = None):
    """The failures whose next attempt has come, the longest waiting first."""
    now = now or timezone.now()
    return (
        IndexFailure.objects.filter(retry_at__lte=now)
        .select_related("content_type")
        .order_by("retry_at", "pk")[:limit]
    )


def waiting_case_ids(now: dt.datetime | None = None):
    """The keys (case ids) of the case documents whose failure waits for its next
    attempt: a subquery, for `search.documents.stale_case_ids` to leave them out."""
    now = now or timezone.now()
    return (
        IndexFailure.objects.filter(content_type=_content_type(CaseDocument), retry_at__gt=now)
        .annotate(case_key=Cast("object_id", output_field=models.BigIntegerField()))
        .values("case_key")
    )


def add_each(index, model, objs, write) -> None:
    """Index `objs` through `write(model, objs)` (a database index's own writing) so that
    one refused object never fails the others: the batch at once, and when the database
    refuses it, each object on its own, recording those it refuses. Each try runs in a
    savepoint, so a rebuild's transaction goes on after a refusal."""
    objs = list(objs)
    if not objs:
        return
    alias = index.write_connection.alias
    try:
        with transaction.atomic(using=alias):
            write(model, objs)
    except Exception as exc:
        if len(objs) == 1:
            record(objs[0], exc, model=model)
            return
        written = []
        for obj in objs:
            try:
                with transaction.atomic(using=alias):
                    write(model, [obj])
            except Exception as error:
                record(obj, error, model=model)
            else:
                written.append(obj)
        clear(model, [obj.pk for obj in written])
        return
    clear(model, [obj.pk for obj in objs])
