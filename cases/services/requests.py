"""Requests to the head: the executor asks the head of the unit to extend the deadline
(cases.services.handling.request_extension) or to forward the case to another body
(here); the head decides from the approvals queue or the case page. A decision goes on
the timeline with its reason, and its event names the request (`data["request"]`) and
who asked (`data["requested_by"]`), so that the asker can be told."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext as _

from cases import permissions
from cases.choices import Status
from cases.models import Case, CaseEvent, EventKind, Forwarding
from cases.services.common import CaseStateError, _lock, _record
from cases.services.handling import (
    decline_extension,
    extend,
    forward,
    pending_extension_request,
    pending_forward_request,
)
from intranet.security import client_text

# Each kind of request and the steps that decide it.
DECISIONS = {
    EventKind.EXTENSION_REQUESTED: (EventKind.EXTENDED, EventKind.EXTENSION_DECLINED),
    EventKind.FORWARD_REQUESTED: (EventKind.FORWARDED, EventKind.FORWARD_DECLINED),
}
REQUEST_KINDS = tuple(DECISIONS)


def _asker(event: CaseEvent) -> dict:
    return {"request": event.pk, "requested_by": event.actor_id}


@transaction.atomic
def request_forwarding(
    case: Case,
    by,
    *,
    body_name: str,
    body_contacts: str,
    covering_letter: str,
    reason: str,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Who works on the case asks the head to forward it to the body `body_name`, saying
    why it is outside our competence; the covering letter and the body's contacts are
    prepared with the request, so that approving it forwards the case as asked."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_work_on(by, case):
        raise PermissionDenied(_("Only who works on the case may ask to forward it."))
    values = {
        "body_name": client_text(body_name),
        "body_contacts": client_text(body_contacts),
        "covering_letter": client_text(covering_letter),
        "reason": client_text(reason),
    }
    errors = {field: _("This field is required.") for field, value in values.items() if not value}
    if errors:
        raise ValidationError(errors)
    if pending_forward_request(case) is not None:
        raise CaseStateError(_("Forwarding is already asked for: the head has not decided yet."))
    reason = values.pop("reason")
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Asked the head to forward the case to %(body)s.") % {
            "body": values["body_name"]
        }
    return _record(case, EventKind.FORWARD_REQUESTED, by, message, reason=reason,
                   from_status=case.status, at=at, data=values)  # fmt: skip


def _check_decider(case: Case, by) -> Case:
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_decide_requests(by, case):
        raise PermissionDenied(_("Only the head of the unit decides the executor's requests."))
    return case


@transaction.atomic
def approve_forwarding(
    case: Case, by, *, comment: str, at: dt.datetime | None = None
) -> Forwarding:
    """The head approves the pending request to forward: the case is forwarded as asked
    (cases.services.handling.forward: the covering letter, the notice to the client),
    the head's comment and the request recorded with it."""
    case = _check_decider(case, by)
    pending = pending_forward_request(case)
    if pending is None:
        raise CaseStateError(_("There is no request to forward the case to decide."))
    comment = client_text(comment)
    if not comment:
        raise ValidationError({"reason": _("Give the reason for your decision.")})
    return forward(case, by, body_name=pending.data["body_name"],
                   body_contacts=pending.data["body_contacts"],
                   covering_letter=pending.data["covering_letter"], at=at,
                   comment=comment, request=_asker(pending))  # fmt: skip


@transaction.atomic
def decline_forwarding(case: Case, by, *, comment: str, at: dt.datetime | None = None) -> CaseEvent:
    """The head declines the pending request to forward, saying why: the case stays."""
    case = _check_decider(case, by)
    pending = pending_forward_request(case)
    if pending is None:
        raise CaseStateError(_("There is no request to forward the case to decide."))
    comment = client_text(comment)
    if not comment:
        raise ValidationError({"reason": _("Give the reason for your decision.")})
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The request to forward the case to %(body)s is declined.") % {
            "body": pending.data.get("body_name", "")
        }
    return _record(case, EventKind.FORWARD_DECLINED, by, message, reason=comment,
                   from_status=case.status, at=at, data=_asker(pending))  # fmt: skip


@transaction.atomic
def decide(request_event: CaseEvent, by, *, approve: bool, reason: str):
    """The head's decision on the request `request_event` from the approvals queue:
    an extension by the days asked (the reason goes into the letter to the client) or
    its decline; the forwarding asked or its decline. Refused when the request is no
    longer the pending one (decided meanwhile on the case page or by another head)."""
    case = _lock(request_event.case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_decide_requests(by, case):
        raise PermissionDenied(_("Only the head of the unit decides the executor's requests."))
    if request_event.kind == EventKind.EXTENSION_REQUESTED:
        pending = pending_extension_request(case)
    else:
        pending = pending_forward_request(case)
    if pending is None or pending.pk != request_event.pk:
        raise CaseStateError(_("This request is already decided."))
    if not client_text(reason):
        raise ValidationError({"reason": _("Give the reason for your decision.")})
    if request_event.kind == EventKind.EXTENSION_REQUESTED:
        if approve:
            try:
                return extend(case, by, days=request_event.data["days"], reason=reason)
            except ValidationError as exc:
                # The days' refusal (the term expired meanwhile) is the decision's.
                if hasattr(exc, "error_dict") and "days" in exc.error_dict:
                    raise ValidationError({"reason": exc.error_dict["days"]}) from exc
                raise
        return decline_extension(case, by, comment=reason)
    if approve:
        return approve_forwarding(case, by, comment=reason)
    return decline_forwarding(case, by, comment=reason)


def _decided_by_cases(user):
    """The cases whose requests `user` decides (permissions.can_decide_requests, as a
    condition): worked on, of a unit they head (a confidential one: directly)."""
    return Case.objects.filter(
        Q(unit_id__in=permissions.headed_subtree_ids(user), is_confidential=False)
        | Q(unit_id__in=permissions.headed_unit_ids(user)),
        status__in=permissions.WORK_STATUSES,
    )


def pending_requests(user):
    """The executors' undecided requests (extension, forwarding) on the cases `user`
    decides, oldest first, with their case, its unit and executor, and who asked: one
    query whatever their number."""
    undecided = Q()
    for kind, decisions in DECISIONS.items():
        decided = CaseEvent.objects.filter(
            case_id=OuterRef("case_id"), kind__in=decisions, at__gte=OuterRef("at")
        )
        later = CaseEvent.objects.filter(
            case_id=OuterRef("case_id"), kind=kind, at__gt=OuterRef("at")
        )
        undecided |= Q(kind=kind) & ~Exists(decided) & ~Exists(later)
    return (
        CaseEvent.objects.filter(undecided, case__in=_decided_by_cases(user))
        .select_related("case__unit", "case__executor", "actor")
        .order_by("at", "pk")
    )


def answers_for_approval(user):
    """The answers sent for the approval of `user` (cases of the units they head)."""
    return (
        _decided_by_cases(user)
        .filter(status=Status.APPROVAL)
        .select_related("unit", "executor")
        .order_by("due_date", "pk")
    )
