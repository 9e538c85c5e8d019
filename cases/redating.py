"""Re-dating the open cases after the production calendar changes.

An administrator adds, changes or removes an exception of the production calendar
(`intranet.models.CalendarOverride`: a regional day off, a working day the library does
not know). Every date of an open case was counted on the calendar of its day, so a day
off added on 15.06.2026 would leave a case due that day on a day off. Here each running
case is counted twice, on the calendar before the change and after it, and only a date
that differs between the two moves (a date that drifted for another reason, e.g. the
rules set in settings changed since, is left as it is).

What is counted again, by the rules of `cases.deadlines`:
- the registration deadline of a case not yet registered;
- the statutory deadline: from registration (or receipt, ПОС), then each extension
  granted, by the days the head asked for (the event's data), from the new date;
- the urgent target of an urgent case (none once extended, as `services.extend` sets);
- the reply date of a request to another body still waiting for its reply.
Dates that are history are not: the registration deadline of a registered case (it
said whether registration was late), the forwarding notice date of a forwarded case.

Each moved case gets a timeline entry; when the date the client sees (the deadline on
their page) moves, the entry is shown to them and a letter goes through the outbox.
One case that fails is logged and the others are re-dated all the same."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import deadlines
from cases.choices import DEADLINE_STATUSES, Status
from cases.models import (
    Case,
    CaseEvent,
    DeliveryPurpose,
    EventKind,
    LetterKind,
    OtherBodyRequest,
)
from cases.services.common import _fmt, _issue_letter, _send_letter
from intranet.workdays import ProductionCalendar, get_calendar

logger = logging.getLogger(__name__)

CASE_FIELDS = ("registration_deadline", "statutory_deadline", "target_deadline", "due_date")


@dataclass
class Outcome:
    """What one re-dating did: the cases whose dates moved, those that failed."""

    redated: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def calendar_before(
    after: ProductionCalendar, old: tuple[dt.date, bool] | None, new: dt.date | None
) -> ProductionCalendar:
    """The calendar as it was before an exception changed: `after` without the new
    exception on `new` (None: it was deleted) and with the old one (`old`, its date and
    whether it was working; None: it was created)."""
    overrides = dict(after.overrides)
    if new is not None:
        overrides.pop(new, None)
    if old is not None:
        overrides[old[0]] = old[1]
    return ProductionCalendar(overrides, after.shortened)


def case_dates(case: Case, calendar: ProductionCalendar) -> dict[str, dt.date | None]:
    """The dates of `case` counted on `calendar` (the keys of CASE_FIELDS)."""
    received = timezone.localdate(case.received_at)
    if case.status == Status.RECEIVED or not case.registered_at:
        registration = deadlines.registration_due(
            received, case.regime, calendar, channel=case.channel
        )
        return {
            "registration_deadline": registration,
            "statutory_deadline": case.statutory_deadline,
            "target_deadline": case.target_deadline,
            "due_date": case.due_date,
        }
    registered = timezone.localdate(case.registered_at)
    statutory = deadlines.answer_due(registered, case.regime, calendar, received=received)
    for number, event in enumerate(_extensions(case)):
        days = int(event.data.get("asked") or event.data.get("days") or 0)
        statutory = deadlines.extended_due(
            statutory, case.regime, days, number, calendar, registered=registered
        )
    target = case.target_deadline
    if target is not None:
        target = deadlines.urgent_target(registered, case.regime, calendar, received=received)
    return {
        "registration_deadline": case.registration_deadline,
        "statutory_deadline": statutory,
        "target_deadline": target,
        "due_date": target or statutory,
    }


def _extensions(case: Case) -> list[CaseEvent]:
    return list(case.events.filter(kind=EventKind.EXTENDED).order_by("at", "pk"))


def affected(days: Iterable[dt.date]):
    """The running cases whose dates the change of `days` can move: received by the
    last of them, with a date no earlier than the first, less the days a last day can
    move back (``CASES_SHIFT_BACK_MAX_DAYS``) and a week of margin."""
    days = sorted(days)
    tz = timezone.get_current_timezone()
    received_by = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    since = days[0] - dt.timedelta(days=deadlines.shift_back_max_days() + 7)
    return Case.objects.filter(
        Q(registration_deadline__gte=since, status=Status.RECEIVED)
        | Q(statutory_deadline__gte=since)
        | Q(due_date__gte=since),
        status__in=DEADLINE_STATUSES,
        received_at__lt=received_by,
    ).order_by("pk")


def redate(
    days: Iterable[dt.date],
    before: ProductionCalendar,
    after: ProductionCalendar | None = None,
    *,
    change: str,
) -> Outcome:
    """Move the dates of the running cases that `before` and `after` (default: the
    stored calendar now) count differently. `change` says what changed, for the
    timeline and the client's letter."""
    days = list(days)
    after = after or get_calendar()
    outcome = Outcome()
    if not days:
        return outcome
    for pk in affected(days).values_list("pk", flat=True):
        try:
            if _redate_case(pk, before, after, change):
                outcome.redated.append(pk)
        except Exception:  # one bad case never stops the others
            logger.exception("re-dating case %s after a calendar change failed", pk)
            outcome.failed.append(pk)
    _redate_body_requests(days, before, after)
    if outcome.redated or outcome.failed:
        logger.info(
            "calendar change (%s): %d cases re-dated, %d failed",
            change, len(outcome.redated), len(outcome.failed),
        )  # fmt: skip
    return outcome


@transaction.atomic
def _redate_case(
    pk: int, before: ProductionCalendar, after: ProductionCalendar, change: str
) -> bool:
    case = Case.objects.select_for_update().get(pk=pk)
    if case.status not in DEADLINE_STATUSES:
        return False
    old, new = case_dates(case, before), case_dates(case, after)
    moved = {name: new[name] for name in CASE_FIELDS if old[name] != new[name]}
    moved = {name: value for name, value in moved.items() if getattr(case, name) != value}
    if not moved:
        return False
    previous = {name: getattr(case, name) for name in moved}
    for name, value in moved.items():
        setattr(case, name, value)
    case.save(update_fields=[*moved, "updated_at"])
    seen_by_client = "due_date" in moved and case.status != Status.RECEIVED
    with translation.override(settings.LANGUAGE_CODE):
        message = _describe(previous, moved, seen_by_client, change)
        CaseEvent.objects.create(
            case=case, kind=EventKind.REDATED, actor=None, message=message, reason=change,
            visible_to_client=seen_by_client, from_status=case.status, to_status=case.status,
            data={name: [str(previous[name] or ""), str(value or "")]
                  for name, value in moved.items()},
        )  # fmt: skip
        if seen_by_client:
            # Nobody acted: the notice is signed by the head of the case's unit.
            head = case.unit.head if case.unit_id else None
            letter = _issue_letter(LetterKind.DEADLINE, case, by=None, signatory=head,
                                   new_due=case.due_date, old_due=previous["due_date"],
                                   change=change)  # fmt: skip
            _send_letter(case, letter, purpose=DeliveryPurpose.DEADLINE)
    return True


def _describe(previous: dict, moved: dict, seen_by_client: bool, change: str) -> str:
    """The timeline entry. Inside the desk: each date that moved. For the client: the
    deadline they see and why, then any other date that moved differently."""

    def line(name: str) -> str:
        return _("%(what)s: %(old)s → %(new)s") % {
            "what": _(LABELS[name]), "old": _fmt(previous[name]), "new": _fmt(moved[name]),
        }  # fmt: skip

    if not seen_by_client:
        return _("Dates re-counted on the changed production calendar: %(dates)s.") % {
            "dates": "; ".join(line(name) for name in moved)
        }
    text = _(
        "The time to answer moved from %(old)s to %(new)s: the production calendar has "
        "changed (%(change)s)."
    ) % {"old": _fmt(previous["due_date"]), "new": _fmt(moved["due_date"]), "change": change}
    same = (previous["due_date"], moved["due_date"])
    others = [line(n) for n in moved if n != "due_date" and (previous[n], moved[n]) != same]
    return " ".join([text, "; ".join(others) + "."]) if others else text


# Names of the dates in the timeline entry.
LABELS = {
    "registration_deadline": gettext_noop("Register by"),
    "statutory_deadline": gettext_noop("Statutory deadline"),
    "target_deadline": gettext_noop("Target date"),
    "due_date": gettext_noop("Deadline"),
}


def _redate_body_requests(
    days: list[dt.date], before: ProductionCalendar, after: ProductionCalendar
) -> None:
    since = min(days) - dt.timedelta(days=deadlines.shift_back_max_days() + 7)
    waiting = OtherBodyRequest.objects.filter(
        answered_at__isnull=True, due_date__gte=since, case__status__in=DEADLINE_STATUSES
    ).select_related("case")
    for request in waiting:
        try:
            requested = timezone.localdate(request.requested_at)
            old = deadlines.other_body_due(requested, request.case.regime, before)
            new = deadlines.other_body_due(requested, request.case.regime, after)
            if old != new and request.due_date != new:
                OtherBodyRequest.objects.filter(pk=request.pk).update(due_date=new)
        except Exception:
            logger.exception("re-dating request %s after a calendar change failed", request.pk)


def describe_change(old: tuple[dt.date, bool] | None, new: tuple[dt.date, bool, str] | None) -> str:
    """The change in words: «15.06.2026 — нерабочий день: причина», or the removal."""
    with translation.override(settings.LANGUAGE_CODE):
        if new is None:
            kind = _("a working day") if old[1] else _("a day off")
            return _("the exception %(date)s (%(kind)s) is removed") % {
                "date": _fmt(old[0]), "kind": kind,
            }  # fmt: skip
        kind = _("a working day") if new[1] else _("a day off")
        text = _("%(date)s is %(kind)s") % {"date": _fmt(new[0]), "kind": kind}
        return f"{text}: {new[2]}" if new[2] else text
