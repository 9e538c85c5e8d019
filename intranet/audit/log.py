"""Writing audit events. Recording never breaks the action it records: a failure to
write is logged and swallowed (inside a savepoint, so the caller's transaction lives)."""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction

from intranet.audit.context import current_request

logger = logging.getLogger("intranet.audit")


def client_ip(request) -> str | None:
    """The client IP as django-axes sees it (same proxy settings), so the audit log and
    the lockouts agree."""
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None)
    if ip is None:
        try:
            from axes.helpers import get_client_ip_address

            ip = get_client_ip_address(request)
        except Exception:  # pragma: no cover - defensive: never fail the caller
            ip = request.META.get("REMOTE_ADDR")
    return ip or None


def _actor(request, actor):
    if actor is not None:
        return actor
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def record(request_or_none, action: str, obj=None, *, actor=None, actor_repr: str = "", **details):
    """Record `action` on `obj` (a model instance or None) by the request's user, with
    its IP and `details` (JSON-serialisable). Without a request, the request being
    handled (AuditContextMiddleware) is used; outside any request the actor is empty
    (a management command or a Celery task). Returns the event, or None if it could
    not be written."""
    from intranet.audit.models import AuditEvent

    request = request_or_none if request_or_none is not None else current_request.get()
    user = _actor(request, actor)
    event = AuditEvent(
        action=str(action),
        actor=user if user is not None and user.pk is not None else None,
        actor_repr=(actor_repr or (user.get_username() if user is not None else ""))[:255],
        ip=client_ip(request),
        details=details,
    )
    if obj is not None:
        event.object_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:255]
    if request is not None:
        event.details.setdefault("path", request.path[:500])
    try:
        with transaction.atomic():
            event.save()
    except DatabaseError:
        logger.exception("audit event %s could not be written", action)
        return None
    return event


def record_confidential_read(request, obj, **details):
    """Record a read of a confidential object by request.user. Call it on every read
    (detail page, API, print, download): the log answers "who has seen this case"."""
    from intranet.audit.models import AuditAction

    return record(request, AuditAction.CONFIDENTIAL_READ, obj, **details)
