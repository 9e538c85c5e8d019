"""Handling: routing a case to a unit and executors, the client's withdrawal, a
question to the client and the reply, the client's supplements to an open case, the
extension of the deadline (and the executor's request for it), forwarding to the
competent body and requests for documents to other bodies."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import deadlines, limits, permissions
from cases import uploads as upload_rules
from cases.choices import Status
from cases.models import (
    Case,
    CaseEvent,
    Clarification,
    DeliveryPurpose,
    EventKind,
    Forwarding,
    LetterKind,
    OtherBodyRequest,
)
from cases.services.common import (
    CaseStateError,
    _check_work,
    _fmt,
    _issue_letter,
    _lock,
    _record,
    _send_letter,
)
from intranet import roles
from intranet.models import StaffProfile, Unit
from intranet.security import client_text
from intranet.workdays import get_calendar

logger = logging.getLogger(__name__)


def _check_assignees(by, unit: Unit, executor, co_executors) -> None:
    allowed = permissions.assignable_unit_ids(by)
    if allowed is not None and unit.pk not in allowed:
        raise PermissionDenied(_("You cannot route cases to this unit."))
    if not unit.is_active:
        raise ValidationError(_("This unit is not active."))
    subtree = unit.descendant_ids()
    if executor is not None:
        in_unit = StaffProfile.objects.filter(user=executor, unit_id__in=subtree).exists()
        heads_it = Unit.objects.filter(pk__in=subtree, head=executor).exists()
        if not executor.is_active or not (
            heads_it or (in_unit and executor.has_role(roles.EXECUTORS))
        ):
            raise ValidationError(
                _("%(name)s is not an executor of %(unit)s.")
                % {"name": executor.get_full_name(), "unit": unit.short_name}
            )
    for person in co_executors:
        if executor is not None and person.pk == executor.pk:
            raise ValidationError(_("The executor cannot also be a co-executor."))
        if not person.is_active or not person.has_role(roles.EXECUTORS):
            raise ValidationError(
                _("%(name)s is not an executor.") % {"name": person.get_full_name()}
            )


def _route(
    case: Case, by, *, unit: Unit, executor, co_executors, reason: str, at, kind: str
) -> Case:
    co_executors = list(co_executors or [])
    _check_assignees(by, unit, executor, co_executors)
    at = at or timezone.now()
    previous = case.status
    before = {
        "unit": case.unit_id,
        "executor": case.executor_id,
        "co_executors": sorted(case.co_executors.values_list("pk", flat=True)),
    }
    case.unit = unit
    case.executor = executor
    case.assigned_at = at
    case.status = Status.ASSIGNED
    case.save()
    case.co_executors.set(co_executors)
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Assigned to %(unit)s.") % {"unit": unit.name}
        if executor is not None:
            message += " " + _("Executor: %(name)s.") % {"name": executor.get_full_name()}
        if co_executors:
            message += " " + _("Co-executors: %(names)s.") % {
                "names": ", ".join(p.get_full_name() for p in co_executors)
            }
    _record(
        case,
        kind,
        by,
        message,
        reason=reason.strip(),
        visible=True,
        from_status=previous,
        at=at,
        data={
            "before": before,
            "unit": unit.pk,
            "executor": getattr(executor, "pk", None),
            "co_executors": [p.pk for p in co_executors],
        },
    )
    return case


@transaction.atomic
def assign(
    case: Case,
    by,
    *,
    unit: Unit,
    executor=None,
    co_executors=(),
    reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Route a triaged case to a unit, an executor and co-executors. Refused until the
    urgency is decided (seed 001: every message is reviewed for urgency first)."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_assign(by, case):
        raise PermissionDenied
    if not case.urgency_decided:
        raise CaseStateError(_("Decide the urgency of the case before assigning it."))
    if case.status == Status.ASSIGNED:
        raise CaseStateError(_("The case is already assigned: reassign it with a reason."))
    return _route(
        case,
        by,
        unit=unit,
        executor=executor,
        co_executors=co_executors,
        reason=reason,
        at=at,
        kind=EventKind.ASSIGNED,
    )


@transaction.atomic
def reassign(
    case: Case,
    by,
    *,
    unit: Unit,
    executor=None,
    co_executors=(),
    reason: str,
    at: dt.datetime | None = None,
) -> Case:
    """Change the unit, executor or co-executors of an assigned case; a reason is
    required and recorded."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_assign(by, case):
        raise PermissionDenied
    if case.status != Status.ASSIGNED:
        raise CaseStateError(_("Only an assigned case can be reassigned."))
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for reassigning."), code="reason")
    return _route(
        case,
        by,
        unit=unit,
        executor=executor,
        co_executors=co_executors,
        reason=reason,
        at=at,
        kind=EventKind.REASSIGNED,
    )


@dataclasses.dataclass
class BulkOutcome:
    """What a bulk action did: the numbers of the cases changed, and (number, why) of
    those it could not change."""

    done: list[str] = dataclasses.field(default_factory=list)
    refused: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def _label(case: Case) -> str:
    return case.registration_number or f"№ {case.pk}"


def route_many(
    case_ids,
    by,
    *,
    unit: Unit | None = None,
    executor=None,
    co_executors=(),
    reason: str = "",
    add_co_executors: bool = False,
) -> BulkOutcome:
    """The queue's bulk actions. Routing (``add_co_executors=False``): every case goes to
    `unit`, `executor` and `co_executors` through `assign` (or `reassign` for a case
    already assigned, with the reason). Co-assigning (``add_co_executors=True``): the
    `co_executors` join those of each assigned case, its unit and executor kept, through
    `reassign`. Each case is its own transaction with the same checks as on the case
    page: a case that cannot be changed is reported by its number with the reason, and
    the others go on. Cases the user does not see are reported by key, nothing more."""
    keys = list(dict.fromkeys(int(pk) for pk in case_ids))
    found = {
        case.pk: case
        for case in Case.objects.visible_to(by)
        .filter(pk__in=keys)
        .select_related("unit", "executor")
        .prefetch_related("co_executors")
    }
    outcome = BulkOutcome()
    co_executors = list(co_executors or [])
    for pk in keys:
        case = found.get(pk)
        if case is None:
            outcome.refused.append((f"№ {pk}", _("The case is not found.")))
            continue
        try:
            if add_co_executors:
                if case.status != Status.ASSIGNED:
                    raise CaseStateError(_("Co-executors are added to an assigned case only."))
                current = list(case.co_executors.all())
                known = {person.pk for person in current}
                joined = current + [p for p in co_executors if p.pk not in known]
                reassign(
                    case,
                    by,
                    unit=case.unit,
                    executor=case.executor,
                    co_executors=joined,
                    reason=reason,
                )
            else:
                action = reassign if case.status == Status.ASSIGNED else assign
                action(
                    case,
                    by,
                    unit=unit,
                    executor=executor,
                    co_executors=co_executors,
                    reason=reason,
                )
        except PermissionDenied:
            outcome.refused.append((_label(case), _("You may not assign this case.")))
        except Case.DoesNotExist:
            outcome.refused.append((_label(case), _("The case is not found.")))
        except ValidationError as exc:
            outcome.refused.append((_label(case), " ".join(exc.messages)))
        except DatabaseError:
            logger.exception("Bulk routing of case %s failed", case.pk)
            outcome.refused.append((_label(case), _("The change could not be saved.")))
        else:
            outcome.done.append(_label(case))
    return outcome


@transaction.atomic
def withdraw(case: Case, by, *, reason: str = "", at: dt.datetime | None = None) -> Case:
    """The client stops the consideration of their message (59-FZ art. 5)."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_withdraw(by, case):
        raise PermissionDenied
    at = at or timezone.now()
    previous = case.status
    case.status = Status.WITHDRAWN
    case.closed_at = at
    case.save()
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Withdrawn by the client.")
    _record(
        case,
        EventKind.WITHDRAWN,
        by,
        message,
        reason=client_text(reason),
        visible=True,
        from_status=previous,
        at=at,
    )
    return case


@transaction.atomic
def ask_clarification(case: Case, by, *, question: str, at: dt.datetime | None = None):
    """The executor asks the client a question: in the portal and on the client's
    channel. The case waits for the client (its deadline keeps running: 59-FZ has no
    pause)."""
    case = _check_work(case, by)
    question = client_text(question)
    if not question:
        raise ValidationError({"question": _("Write the question to the client.")})
    if case.status == Status.CLARIFICATION:
        raise CaseStateError(_("The client has not replied to the previous question yet."))
    at = at or timezone.now()
    previous = case.status
    clarification = Clarification.objects.create(
        case=case, question=question, asked_by=by, asked_at=at, status_before=previous
    )
    case.status = Status.CLARIFICATION
    case.save()
    with translation.override(settings.LANGUAGE_CODE):
        _record(case, EventKind.CLARIFICATION, by, question, visible=True,
                from_status=previous, at=at, data={"clarification": clarification.pk})  # fmt: skip
        letter = _issue_letter(LetterKind.CLARIFICATION, case, by=by, at=at, signatory=by,
                               question=question)  # fmt: skip
    _send_letter(case, letter, purpose=DeliveryPurpose.CLARIFICATION)
    return clarification


@transaction.atomic
def reply_to_clarification(case: Case, client, *, text: str, at: dt.datetime | None = None):
    """The client replies in the portal; the case goes back to where it was."""
    case = _lock(case)
    if case.client_id != getattr(client, "pk", None):
        raise Case.DoesNotExist
    if not permissions.can_reply(client, case):
        raise CaseStateError(_("No question is waiting for your reply."))
    text = client_text(text)
    if not text:
        raise ValidationError({"text": _("Write your reply.")})
    at = at or timezone.now()
    clarification = (
        Clarification.objects.filter(case=case, replied_at__isnull=True)
        .order_by("-asked_at")
        .first()
    )
    previous = case.status
    case.status = (clarification.status_before if clarification else "") or Status.ASSIGNED
    case.save()
    if clarification:
        clarification.reply = text
        clarification.replied_at = at
        clarification.save()
    _record(case, EventKind.CLIENT_REPLY, client, text, visible=True, from_status=previous, at=at)
    return clarification


@transaction.atomic
def add_supplement(
    case: Case, client, *, text: str = "", uploads=(), at: dt.datetime | None = None
) -> CaseEvent:
    """The client adds information and/or files to their open case, at any time until
    the answer is registered: a line on the timeline the client and the desk see (its
    text, and the files, which join the case's attachments). The notifications tell the
    executor from this event (EventKind.SUPPLEMENT: cases.notifications)."""
    case = _lock(case)
    if case.client_id is None or case.client_id != getattr(client, "pk", None):
        raise Case.DoesNotExist
    if not permissions.can_supplement(client, case):
        raise CaseStateError(
            _(
                "Information can no longer be added to this question: it is closed or "
                "answered. Ask a new question."
            )
        )
    text, uploads = client_text(text), list(uploads)
    if not text and not uploads:
        raise ValidationError({"text": _("Write what you want to add, or attach a file.")})
    try:
        limits.text_with_files(text)
    except ValidationError as exc:
        raise ValidationError({"text": exc.error_list}) from None
    if len(uploads) > upload_rules.max_count():
        raise ValidationError({"attachments": _("At most %(count)d files can be attached.")
                               % {"count": upload_rules.max_count()}})  # fmt: skip
    try:
        for upload in uploads:  # every file checked before any is written to disk
            upload_rules.validate_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"attachments": exc.error_list}) from None
    stored = [upload_rules.store(upload, client) for upload in uploads]
    for attachment in stored:
        attachment.case = case
        attachment.save(update_fields=["case"])
    at = at or timezone.now()
    case.save(update_fields=["updated_at"])
    return _record(
        case,
        EventKind.SUPPLEMENT,
        client,
        text,
        visible=True,
        from_status=case.status,
        at=at,
        data={"attachments": [{"id": a.pk, "name": a.original_name} for a in stored]},
    )


def _extension_refused(case: Case, exc: deadlines.ExtensionNotAllowed) -> str:
    """Why the extension `exc` refused cannot be granted, for the head."""
    rules = deadlines.rules_for(case.regime)
    if isinstance(exc, deadlines.DelayNoticeLate):
        return _(
            "Under 8-FZ (art. 18 p. 6) the client must be told of a delay within %(days)d "
            "days of registration, by %(date)s: that day has passed, so the answer cannot "
            "be delayed. Answer within the term, by %(due)s."
        ) % {
            "days": rules.delay_notice.days,
            "date": _fmt(exc.notice_due),
            "due": _fmt(case.statutory_deadline),
        }
    if isinstance(exc, deadlines.TermExpired):
        return _(
            "The statutory deadline %(date)s has passed: an expired term cannot be "
            "extended. The case stays overdue until it is answered."
        ) % {"date": _fmt(case.statutory_deadline)}
    if rules.extension is None:
        return _("The answer term of this regime cannot be extended.")
    if case.extension_count < rules.max_extensions:
        return _("An extension is 1 to %(days)d days.") % {"days": rules.extension.days}
    return _("This case has already been extended: it cannot be extended again.")


def extension_refusal(case: Case, today: dt.date | None = None, calendar=None) -> str:
    """Why the head cannot extend `case` today at all ("" when an extension of at least
    one day can be granted): the page shows this instead of the form."""
    if not case.statutory_deadline:
        return ""
    today = today or timezone.localdate()
    registered = timezone.localdate(case.registered_at) if case.registered_at else None
    try:
        deadlines.extended_due(
            case.statutory_deadline, case.regime, 1, case.extension_count,
            calendar or get_calendar(), registered=registered, at=today,
        )  # fmt: skip
    except deadlines.ExtensionNotAllowed as exc:
        return _extension_refused(case, exc)
    return ""


def extension_latest(case: Case, today: dt.date | None = None, calendar=None) -> dt.date | None:
    """The latest deadline an extension of `case` may give today (the longest the law
    allows), or None when it cannot be extended: the hint beside the proposed date."""
    rules = deadlines.rules_for(case.regime)
    if not case.statutory_deadline or rules.extension is None:
        return None
    today = today or timezone.localdate()
    registered = timezone.localdate(case.registered_at) if case.registered_at else None
    try:
        return deadlines.extended_due(
            case.statutory_deadline, case.regime, rules.extension.days, case.extension_count,
            calendar or get_calendar(), registered=registered, at=today,
        )  # fmt: skip
    except deadlines.ExtensionNotAllowed:
        return None


@transaction.atomic
def extend(case: Case, by, *, days: int, reason: str, at: dt.datetime | None = None) -> Case:
    """The head extends the answer deadline once, by at most 30 days (59-FZ art. 12
    p. 2; under 8-FZ a delay of at most 15 days, granted only while its notice is on
    time: 7 days of registration, art. 18 p. 6), with a reason; the client is notified."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_extend(by, case):
        raise PermissionDenied(_("Only the head of the unit can extend the deadline."))
    reason = client_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    at = at or timezone.now()
    today = timezone.localdate(at)
    registered = timezone.localdate(case.registered_at) if case.registered_at else None
    calendar = get_calendar()
    try:
        new_due = deadlines.extended_due(
            case.statutory_deadline, case.regime, int(days), case.extension_count,
            calendar, registered=registered, at=today,
        )  # fmt: skip
    except deadlines.ExtensionNotAllowed as exc:
        raise ValidationError({"days": _extension_refused(case, exc)}) from exc
    old = case.statutory_deadline
    start = deadlines.extension_start(old, case.regime, registered, calendar)
    # The real extension, counted from the statutory date before its move: shorter than
    # asked when the new date moved back to the preceding working day; when it moved on
    # to the next one (CASES_DEADLINE_SHIFT = "following", ГК РФ art. 193) the term is
    # still the days asked, never more than the law's limit, and ends on the new date.
    real_days = min(int(days), (new_due - start).days)
    # The executor's pending request, if any, is answered by this extension.
    request = _request_data(case)
    case.statutory_deadline = new_due
    case.target_deadline = None
    case.due_date = new_due
    case.extension_count += 1
    case.save()
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Deadline extended by %(days)d days: from %(old)s to %(new)s.") % {
            "days": real_days, "old": _fmt(old), "new": _fmt(new_due),
        }  # fmt: skip
        _record(case, EventKind.EXTENDED, by, message, reason=reason, visible=True,
                from_status=case.status, at=at,
                data={"days": real_days, "asked": int(days), "old": str(old),
                      "new": str(new_due), **request})  # fmt: skip
        letter = _issue_letter(LetterKind.EXTENSION, case, by=by, at=at, signatory=by,
                               days=real_days, new_due=new_due, reason=reason)  # fmt: skip
    _send_letter(case, letter, purpose=DeliveryPurpose.EXTENSION)
    return case


def pending_extension_request(case: Case) -> CaseEvent | None:
    """The executor's request for more time that the head has not decided yet (the last
    of the requests, extensions and declines on the timeline, when it is a request)."""
    last = (
        case.events.filter(
            kind__in=[
                EventKind.EXTENSION_REQUESTED,
                EventKind.EXTENDED,
                EventKind.EXTENSION_DECLINED,
            ]
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    return last if last is not None and last.kind == EventKind.EXTENSION_REQUESTED else None


def _request_data(case: Case) -> dict:
    """What a head's decision records of the executor's pending request for more time:
    the request's event and who asked (so that the asker can be told), or nothing."""
    pending = pending_extension_request(case)
    if pending is None:
        return {}
    return {"request": pending.pk, "requested_by": pending.actor_id}


def _days_until(case: Case, until: dt.date, today: dt.date) -> int:
    """The days of extension that give `case` the deadline `until` the executor proposes
    (cases.deadlines.extension_days_until), or a clear error on the date field."""
    registered = timezone.localdate(case.registered_at) if case.registered_at else None
    try:
        return deadlines.extension_days_until(
            case.statutory_deadline, case.regime, until, case.extension_count,
            get_calendar(), registered=registered, at=today,
        )  # fmt: skip
    except deadlines.DateNotLater as exc:
        message = _("Propose a date after the current deadline %(date)s.") % {
            "date": _fmt(case.statutory_deadline)
        }
        raise ValidationError({"until": message}) from exc
    except deadlines.DateBeyondLimit as exc:
        message = _("The law allows an extension until %(date)s at the latest.") % {
            "date": _fmt(exc.latest)
        }
        raise ValidationError({"until": message}) from exc
    except deadlines.ExtensionNotAllowed as exc:
        raise ValidationError({"until": _extension_refused(case, exc)}) from exc


@transaction.atomic
def request_extension(
    case: Case,
    by,
    *,
    reason: str,
    days: int | None = None,
    until: dt.date | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Who works on the case asks the head of the unit to extend the deadline, with a
    reason, by `days` or to the date `until` (checked against the law: no later than the
    longest extension allowed); the head extends it (`extend`) or declines
    (`decline_extension`). One request at a time; none when the deadline cannot be
    extended at all."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_work_on(by, case):
        raise PermissionDenied(_("Only who works on the case may ask for an extension."))
    reason = client_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    if refusal := extension_refusal(case):
        raise CaseStateError(refusal)
    if pending_extension_request(case) is not None:
        raise CaseStateError(_("An extension is already asked for: the head has not decided yet."))
    today = timezone.localdate(at) if at else timezone.localdate()
    if until is not None:
        days = _days_until(case, until, today)
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 30:
        raise ValidationError({"days": _("An extension is 1 to %(days)d days.") % {"days": 30}})
    registered = timezone.localdate(case.registered_at) if case.registered_at else None
    try:
        new_due = deadlines.extended_due(
            case.statutory_deadline, case.regime, days, case.extension_count,
            get_calendar(), registered=registered, at=today,
        )  # fmt: skip
    except deadlines.ExtensionNotAllowed as exc:
        raise ValidationError({"days": _extension_refused(case, exc)}) from exc
    with translation.override(settings.LANGUAGE_CODE):
        message = ngettext(
            "Asked the head to extend the deadline by %(days)d day, to %(date)s.",
            "Asked the head to extend the deadline by %(days)d days, to %(date)s.",
            days,
        ) % {"days": days, "date": _fmt(new_due)}
        return _record(case, EventKind.EXTENSION_REQUESTED, by, message, reason=reason,
                       from_status=case.status, at=at,
                       data={"days": days, "until": str(new_due)})  # fmt: skip


@transaction.atomic
def decline_extension(case: Case, by, *, comment: str, at: dt.datetime | None = None) -> CaseEvent:
    """The head declines the pending request for more time, saying why."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_extend(by, case):
        raise PermissionDenied(_("Only the head of the unit can extend the deadline."))
    request = _request_data(case)
    if not request:
        raise CaseStateError(_("There is no request for an extension to decide."))
    comment = client_text(comment)
    if not comment:
        raise ValidationError({"comment": _("Say why the request is declined.")})
    with translation.override(settings.LANGUAGE_CODE):
        return _record(case, EventKind.EXTENSION_DECLINED, by,
                       _("The request for an extension is declined."), reason=comment,
                       from_status=case.status, at=at, data=request)  # fmt: skip


def pending_forward_request(case: Case) -> CaseEvent | None:
    """The executor's request to forward the case (cases.services.requests) that the head
    has not decided yet: the last of the requests, forwardings and declines, when it is a
    request."""
    last = (
        case.events.filter(
            kind__in=[
                EventKind.FORWARD_REQUESTED,
                EventKind.FORWARDED,
                EventKind.FORWARD_DECLINED,
            ]
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    return last if last is not None and last.kind == EventKind.FORWARD_REQUESTED else None


def forward_deadline(case: Case, calendar=None) -> dt.date | None:
    if not case.registered_at:
        return None
    return deadlines.forward_due(timezone.localdate(case.registered_at), case.regime, calendar)


@transaction.atomic
def forward(
    case: Case, by, *, body_name: str, body_contacts: str, covering_letter: str,
    at: dt.datetime | None = None, comment: str = "", request: dict | None = None,
):  # fmt: skip
    """Forward a message outside our competence to the competent body and notify the
    client (59-FZ art. 8 p. 3: within 7 days of registration). The case closes as
    forwarded; a late forwarding is recorded as late. A head approving an executor's
    request (cases.services.requests) passes the request (its event and who asked) and
    the decision's comment: both go on the staff timeline."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_forward(by, case):
        raise PermissionDenied
    errors = {}
    body_name, body_contacts = client_text(body_name), client_text(body_contacts)
    covering_letter = client_text(covering_letter)
    for field, value in (("body_name", body_name), ("body_contacts", body_contacts),
                         ("covering_letter", covering_letter)):  # fmt: skip
        if not value:
            errors[field] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    if request is None and (pending := pending_forward_request(case)) is not None:
        # Forwarded from the case page while an executor's request waits: it answers it.
        request = {"request": pending.pk, "requested_by": pending.actor_id}
    at = at or timezone.now()
    due = forward_deadline(case)
    days_late = 0 if due is None else max(0, (timezone.localdate(at) - due).days)
    on_time = days_late == 0
    forwarding = Forwarding.objects.create(
        case=case, body_name=body_name, body_contacts=body_contacts,
        covering_letter=covering_letter, forwarded_at=at, forwarded_by=by,
        notice_due=due or timezone.localdate(at), on_time=on_time,
    )  # fmt: skip
    previous = case.status
    case.status = Status.FORWARDED
    case.closed_at = at
    case.save()
    with translation.override(settings.LANGUAGE_CODE):
        # The covering letter to the body first, then the notice to the client that
        # names it: each with its own outgoing number.
        covering = _issue_letter(LetterKind.COVERING, case, by=by, at=at, signatory=by,
                                 forwarding=forwarding)  # fmt: skip
        notice = _issue_letter(LetterKind.FORWARDING, case, by=by, at=at, signatory=by,
                               forwarding=forwarding, covering=covering)  # fmt: skip
        message = _("Forwarded to %(body)s (%(contacts)s).") % {
            "body": forwarding.body_name, "contacts": forwarding.body_contacts,
        }  # fmt: skip
        message += " " + _("Covering letter: outgoing no. %(number)s of %(date)s.") % {
            "number": covering.number, "date": _fmt(covering.date),
        }  # fmt: skip
        reason = (
            ""
            if on_time
            else ngettext(
                "Forwarded late by %(days)d day: notice was due by %(date)s.",
                "Forwarded late by %(days)d days: notice was due by %(date)s.",
                days_late,
            )
            % {"days": days_late, "date": _fmt(due)}
        )
        reason = " ".join(part for part in (client_text(comment), reason) if part)
        _record(
            case,
            EventKind.FORWARDED,
            by,
            message,
            reason=reason,
            visible=True,
            from_status=previous,
            at=at,
            data={"notice_due": str(due), "on_time": on_time, "days_late": days_late,
                  "covering_letter": covering.pk, **(request or {})},
        )  # fmt: skip
    _send_letter(case, notice, purpose=DeliveryPurpose.FORWARDING)
    return forwarding


@transaction.atomic
def request_documents(case: Case, by, *, body_name: str, what: str, at=None):
    """Ask another body for documents (59-FZ art. 10 p. 2: they reply within 15 days)."""
    case = _check_work(case, by)
    body_name, what = client_text(body_name), client_text(what)
    if not body_name or not what:
        raise ValidationError(_("Name the body and the documents requested."))
    at = at or timezone.now()
    due = deadlines.other_body_due(timezone.localdate(at), case.regime)
    request = OtherBodyRequest.objects.create(
        case=case, body_name=body_name, what=what, requested_at=at,
        requested_by=by, due_date=due,
    )  # fmt: skip
    with translation.override(settings.LANGUAGE_CODE):
        letter = _issue_letter(LetterKind.DOCUMENTS, case, by=by, at=at, signatory=by,
                               body_request=request)  # fmt: skip
        message = _("Documents requested from %(body)s: %(what)s. Reply due by %(date)s.") % {
            "body": request.body_name, "what": request.what, "date": _fmt(due),
        }  # fmt: skip
        message += " " + _("Request letter: outgoing no. %(number)s of %(date)s.") % {
            "number": letter.number, "date": _fmt(letter.date),
        }  # fmt: skip
    _record(case, EventKind.OTHER_BODY, by, message, from_status=case.status, at=at,
            data={"request": request.pk, "due": str(due), "letter": letter.pk})  # fmt: skip
    return request


@transaction.atomic
def record_body_reply(request, by, *, note: str, at=None):
    case = _lock(request.case)
    if not permissions.can_view(by, case) or not permissions.can_manage_delivery(by, case):
        raise PermissionDenied
    at = at or timezone.now()
    request.answered_at = at
    request.answer_note = (note or "").strip()
    request.save()
    with translation.override(settings.LANGUAGE_CODE):
        message = _("%(body)s replied.") % {"body": request.body_name}
    _record(case, EventKind.OTHER_BODY_REPLY, by, message, reason=request.answer_note,
            from_status=case.status, at=at)  # fmt: skip
    return request
