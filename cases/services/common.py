"""What every stage of a case shares: the errors a step raises, locking a case,
recording a step on the timeline (and notifying whom it concerns: cases.notifications),
the date format, and issuing an official letter
(cases.letters: its templates hold the wording) with its outgoing number."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone

from cases import delivery, letters, notifications, permissions
from cases.models import Case, CaseEvent, OutgoingLetter
from cases.services.numbering import next_outgoing_number
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
    event = CaseEvent.objects.create(
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
    # In the step's transaction: the notifications roll back with the step, and their
    # e-mails leave only once it commits (intranet.outbox).
    notifications.on_event(event)
    return event


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _check_work(case: Case, by) -> Case:
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_work_on(by, case):
        raise PermissionDenied
    return case


def _issue_letter(
    kind: str, case: Case, *, by, at=None, number: str = "", **context
) -> OutgoingLetter:
    """Issue the official letter `kind` on `case` (cases.letters): dated the day of
    `at`, numbered with the next outgoing number of that year unless `number` is given
    (an answer's own), rendered from its templates and kept as issued. Call inside the
    deciding transaction: the number and the letter roll back with it."""
    date = timezone.localdate(at) if at else timezone.localdate()
    number = number or next_outgoing_number(date.year)
    return letters.issue(kind, case, number=number, date=date, by=by, **context)


def _send_letter(
    case: Case, letter: OutgoingLetter, *, purpose: str, answer=None, only=None
) -> None:
    """Queue `letter` to the client on every channel of the case (cases.delivery), or on
    those of them in `only`: its plain text is the e-mail's body, its PDF goes with it."""
    delivery.queue_letters(case, purpose=purpose, subject=letter.subject, body=letter.text,
                           answer=answer, letter=letter, only=only)  # fmt: skip
