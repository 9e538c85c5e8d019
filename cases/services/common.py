"""What every stage of a case shares: the errors a step raises, locking a case,
recording a step on the timeline, the date format and the wording that opens every
letter to the client."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases import permissions
from cases.models import Case, CaseEvent
from intranet import links
from intranet.security import client_text


class CaseStateError(ValidationError):
    """The case is not in a state that allows the step (e.g. assigning before the
    urgency was decided)."""


class EditConflict(ValidationError):
    """Someone else saved the same answer since this editor opened it (optimistic
    concurrency: the form carries the version it was opened at). `current_version` is the
    version now stored, so the form can be saved again once the editor has compared."""

    def __init__(self, message, current_version: str):
        super().__init__(message, code="conflict")
        self.current_version = current_version


def _fmt(value: dt.date | None) -> str:
    return formats.date_format(value, "d.m.Y") if value else "—"


def _record(
    case: Case,
    kind: str,
    actor,
    message: str = "",
    *,
    reason: str = "",
    visible: bool = False,
    from_status: str = "",
    at=None,
    data=None,
) -> CaseEvent:
    # Timeline lines carry what people typed (comments, reasons, questions, names of
    # bodies): no bidi, zero-width or control character reaches the case pages.
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        at=at or timezone.now(),
        message=client_text(message),
        reason=client_text(reason),
        visible_to_client=visible,
        from_status=from_status,
        to_status=case.status,
        data=data or {},
    )


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _check_work(case: Case, by) -> Case:
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_work_on(by, case):
        raise PermissionDenied
    return case


def _letter_header(case: Case) -> str:
    name = case.client_name
    return (_("Dear %(name)s,") % {"name": name}) if name else ""


def _your_message(case: Case) -> str:
    return _("your message no. %(number)s of %(date)s") % {
        "number": case.registration_number or "—",
        "date": _fmt(timezone.localdate(case.registered_at) if case.registered_at else None),
    }


def _portal_url(case: Case) -> str:
    return links.absolute(case.get_client_url()) if case.client_id else ""
