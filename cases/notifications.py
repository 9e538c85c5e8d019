"""Who on the cases desk is notified of what (intranet.notifications sends them: the bell,
and e-mail as each person chose). docs/notifications.md lists every notification.

Steps of a case: every step is recorded on the timeline by ``_record`` in
cases/services/common.py, which calls ``on_event`` in the same transaction. ``RULES``
maps an event kind to its rules: who is told (a function of the event and the case) and
in which words. Wiring a new kind of step is one line in the table (and its words, an
English msgid marked with gettext_noop and translated in cases/locale), e.g. a client's
supplement::

    EventKind.SUPPLEMENT: (Rule(executors, SUPPLEMENTED),),

and a step that names its people in its data (a note mentioning a colleague, a
forwarding request's decision) uses ``from_data("mentioned")`` — the user ids stored
under that key of ``CaseEvent.data`` — or ``actor_of_last(EventKind.X)`` as its
recipients. A rule's optional `when` leaves some events of the kind out (a submitted
answer goes to the head only when it waits for approval).

Whatever a rule returns, the same filter applies (``_deliverable``): nobody is told of
their own step; nobody who may not open the case's staff page
(``permissions.can_handle``), so neither a person outside the case nor its client (the
client of a case is never told of internal steps through the staff desk); inactive
accounts never.

Deadlines (``notify_deadlines``, a daily beat task in cases/tasks.py): the executors are
told CASES_NOTIFY_DAYS_BEFORE working days before the deadline (default 2) and on the day;
the executors and the head of the unit once it is overdue. Each once per case, kind and
deadline (an extended deadline is announced again), whatever the number of runs.

Deliveries (``delivery_failed``, called by cases.delivery when the outbox gives up on a
letter's e-mail after its last try): the registrars who may open the case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import permissions
from cases.choices import Status
from cases.models import Case, CaseEvent, EventKind
from intranet import notifications, roles
from intranet.accounts.models import User
from intranet.workdays import get_calendar

TARGET = "case"

Recipients = Callable[[CaseEvent, Case], Iterable]


@dataclass(frozen=True)
class Rule:
    recipients: Recipients
    # An English msgid with %(number)s and %(subject)s, translated when the notification
    # is made (gettext_noop: the table is built at import).
    text: str
    when: Callable[[CaseEvent], bool] | None = None


# ----------------------------------------------------------------- who is told


def executors(event: CaseEvent, case: Case) -> list:
    """The executor and the co-executors of the case."""
    return [case.executor, *case.co_executors.all()]


def unit_heads(event: CaseEvent | None, case: Case) -> list:
    """The head of the case's unit; a unit without a head: the nearest head above it."""
    unit = case.unit
    if unit is None:
        return []
    for node in [unit, *reversed(unit.ancestors())]:
        if node.head_id:
            return [node.head]
    return []


def executors_and_head(event: CaseEvent, case: Case) -> list:
    return [*executors(event, case), *unit_heads(event, case)]


def _assigned(event: CaseEvent) -> tuple[set[int], set[int]]:
    """(executor ids, co-executor ids) this routing gave the case anew: the executor when
    he changed (a co-executor made executor included), co-executors who had no part in
    it before."""
    data = event.data or {}
    before = data.get("before") or {}
    executor = data.get("executor")
    new_executor = {executor} if executor and executor != before.get("executor") else set()
    had = {before.get("executor"), *(before.get("co_executors") or [])}
    co = set(data.get("co_executors") or []) - had
    return new_executor, co


def new_executor(event: CaseEvent, case: Case) -> list:
    ids, _co = _assigned(event)
    return list(User.objects.filter(pk__in=ids))


def new_co_executors(event: CaseEvent, case: Case) -> list:
    _ids, co = _assigned(event)
    return list(User.objects.filter(pk__in=co))


def from_data(key: str) -> Recipients:
    """The users whose ids the event stores under `key` of its data (one id or a list)."""

    def recipients(event: CaseEvent, case: Case) -> list:
        value = (event.data or {}).get(key)
        ids = value if isinstance(value, list) else [value]
        ids = [pk for pk in ids if isinstance(pk, int)]
        return list(User.objects.filter(pk__in=ids)) if ids else []

    return recipients


def actor_of_last(*kinds: str) -> Recipients:
    """Who recorded the last step of one of `kinds` before this event (who asked)."""

    def recipients(event: CaseEvent, case: Case) -> list:
        step = (
            CaseEvent.objects.filter(case_id=case.pk, kind__in=kinds, pk__lt=event.pk)
            .select_related("actor")
            .order_by("-at", "-pk")
            .first()
        )
        return [step.actor] if step is not None and step.actor_id else []

    return recipients


def extension_requester(event: CaseEvent, case: Case) -> list:
    """Who asked for the extension the head decided; an extension granted without a
    request: the executors."""
    step = (
        CaseEvent.objects.filter(
            case_id=case.pk,
            pk__lt=event.pk,
            kind__in=[
                EventKind.EXTENSION_REQUESTED,
                EventKind.EXTENDED,
                EventKind.EXTENSION_DECLINED,
            ],
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    if step is not None and step.kind == EventKind.EXTENSION_REQUESTED and step.actor_id:
        return [step.actor]
    return executors(event, case) if event.kind == EventKind.EXTENDED else []


def executor_and_submitter(event: CaseEvent, case: Case) -> list:
    """The executor, and whoever sent the answer for approval (a co-executor, say)."""
    return [case.executor, *actor_of_last(EventKind.SUBMITTED)(event, case)]


def _awaits_approval(event: CaseEvent) -> bool:
    return event.to_status == Status.APPROVAL


# ------------------------------------------------------------------- the table

# The words of each notification (English msgids, translated when it is made).
ASSIGNED = gettext_noop("Case %(number)s is assigned to you: «%(subject)s»")
CO_ASSIGNED = gettext_noop("You are a co-executor of case %(number)s: «%(subject)s»")
CLIENT_REPLIED = gettext_noop(
    "The client replied to the question on case %(number)s: «%(subject)s»"
)
WITHDRAWN = gettext_noop("The client withdrew case %(number)s: «%(subject)s»")
FOR_APPROVAL = gettext_noop("An answer on case %(number)s waits for your approval: «%(subject)s»")
APPROVED = gettext_noop("The answer on case %(number)s is approved: «%(subject)s»")
RETURNED = gettext_noop("The answer on case %(number)s is returned for rework: «%(subject)s»")
EXTENSION_ASKED = gettext_noop(
    "An extension of the deadline of case %(number)s is asked for: «%(subject)s»"
)
EXTENDED = gettext_noop("The deadline of case %(number)s is extended: «%(subject)s»")
EXTENSION_DECLINED = gettext_noop(
    "The extension of the deadline of case %(number)s is declined: «%(subject)s»"
)
SUPPLEMENTED = gettext_noop("The client added information to case %(number)s: «%(subject)s»")
MENTIONED = gettext_noop("You are mentioned in a note on case %(number)s: «%(subject)s»")
FORWARD_ASKED = gettext_noop(
    "Forwarding of case %(number)s to another body is asked for: «%(subject)s»"
)
FORWARD_APPROVED = gettext_noop(
    "The forwarding of case %(number)s you asked for is approved: «%(subject)s»"
)
FORWARD_DECLINED = gettext_noop(
    "The forwarding of case %(number)s you asked for is declined: «%(subject)s»"
)

RULES: dict[str, tuple[Rule, ...]] = {
    EventKind.ASSIGNED: (Rule(new_executor, ASSIGNED), Rule(new_co_executors, CO_ASSIGNED)),
    EventKind.REASSIGNED: (Rule(new_executor, ASSIGNED), Rule(new_co_executors, CO_ASSIGNED)),
    EventKind.CLIENT_REPLY: (Rule(executors, CLIENT_REPLIED),),
    EventKind.SUPPLEMENT: (Rule(executors, SUPPLEMENTED),),
    EventKind.WITHDRAWN: (Rule(executors_and_head, WITHDRAWN),),
    EventKind.SUBMITTED: (Rule(unit_heads, FOR_APPROVAL, when=_awaits_approval),),
    EventKind.APPROVED: (Rule(executor_and_submitter, APPROVED),),
    EventKind.RETURNED: (Rule(executor_and_submitter, RETURNED),),
    EventKind.EXTENSION_REQUESTED: (Rule(unit_heads, EXTENSION_ASKED),),
    EventKind.EXTENDED: (Rule(extension_requester, EXTENDED),),
    EventKind.EXTENSION_DECLINED: (Rule(extension_requester, EXTENSION_DECLINED),),
    # cases/services/notes.py keeps the mentioned colleagues under data["mentions"];
    # cases/services/requests.py the executor who asked under data["requested_by"].
    EventKind.NOTE: (Rule(from_data("mentions"), MENTIONED),),
    EventKind.FORWARD_REQUESTED: (Rule(unit_heads, FORWARD_ASKED),),
    EventKind.FORWARDED: (Rule(from_data("requested_by"), FORWARD_APPROVED),),
    EventKind.FORWARD_DECLINED: (Rule(from_data("requested_by"), FORWARD_DECLINED),),
}


# ------------------------------------------------------------------ the filter


def _deliverable(people: Iterable, case: Case, actor_id: int | None = None) -> list:
    """`people` less the actor, the client, inactive accounts, and whoever may not open
    the case's staff page."""
    result, seen = [], set()
    sure = _sure(case)
    for person in people:
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        if person.pk == actor_id or person.pk == case.client_id or not person.is_active:
            continue
        if person.pk in sure or permissions.can_handle(person, case):
            result.append(person)
    return result


def _sure(case: Case) -> set[int]:
    """Who opens the case's staff page whatever else holds (cases.permissions): its
    executors, and the head of its own unit (a confidential case too). No query more
    for them."""
    ids = {case.executor_id, *(user.pk for user in case.co_executors.all())}
    if case.unit_id is not None and case.unit.head_id:
        ids.add(case.unit.head_id)
    return ids - {None}


def _values(case: Case) -> dict:
    return {"number": case.registration_number or f"№ {case.pk}", "subject": case.subject}


def _send(people, text: str, case: Case, *, verb: str, key: str = "", at=None) -> list:
    return notifications.notify(
        people, text, case.get_absolute_url(), verb=verb, target=(TARGET, case.pk),
        key=key, at=at,
    )  # fmt: skip


def on_event(event: CaseEvent) -> list:
    """Notify whoever the rules of `event.kind` name (called by ``_record``, in the
    step's transaction). Returns the notifications made."""
    rules = RULES.get(event.kind)
    if not rules:
        return []
    case = event.case
    made = []
    with translation.override(settings.LANGUAGE_CODE):
        for rule in rules:
            if rule.when is not None and not rule.when(event):
                continue
            people = _deliverable(rule.recipients(event, case), case, event.actor_id)
            if people:
                text = _(rule.text) % _values(case)
                made += _send(people, text, case, verb=f"case.{event.kind}", at=event.at)
    return made


# ------------------------------------------------------------------- deadlines

DUE_SOON, DUE_TODAY, OVERDUE = "due_soon", "due_today", "overdue"

DEADLINE_TEXTS = {
    DUE_SOON: gettext_noop("The deadline of case %(number)s is %(date)s: «%(subject)s»"),
    DUE_TODAY: gettext_noop("The deadline of case %(number)s is today: «%(subject)s»"),
    OVERDUE: gettext_noop("Case %(number)s is overdue (deadline %(date)s): «%(subject)s»"),
}


def days_before() -> int:
    return int(getattr(settings, "CASES_NOTIFY_DAYS_BEFORE", 2))


def notify_deadlines(today: dt.date | None = None, calendar=None) -> dict[str, int]:
    """Tell of the deadlines of running cases: due within CASES_NOTIFY_DAYS_BEFORE
    working days (executors), due today (executors), overdue (executors and the head).
    Safe to run again: each notification is made once per case, kind and deadline.
    Returns how many notifications of each kind were made."""
    today = today or timezone.localdate()
    calendar = calendar or get_calendar()
    soon_until = calendar.add_working_days(today, days_before())
    cases = (
        Case.objects.running()
        .filter(due_date__lte=soon_until)
        .select_related("executor", "unit__head", "unit__parent__head")
        .prefetch_related(Prefetch("co_executors", queryset=User.objects.all()))
        .order_by("due_date", "pk")
    )
    made = {DUE_SOON: 0, DUE_TODAY: 0, OVERDUE: 0}
    with translation.override(settings.LANGUAGE_CODE):
        for case in cases:
            if case.due_date < today:
                kind, people = OVERDUE, executors_and_head(None, case)
            elif case.due_date == today:
                kind, people = DUE_TODAY, executors(None, case)
            else:
                kind, people = DUE_SOON, executors(None, case)
            people = _deliverable(people, case)
            if not people:
                continue
            values = {**_values(case), "date": f"{case.due_date:%d.%m.%Y}"}
            text = _(DEADLINE_TEXTS[kind]) % values
            key = f"case:{case.pk}:{kind}:{case.due_date.isoformat()}"
            made[kind] += len(_send(people, text, case, verb=f"case.{kind}", key=key))
    return made


# ------------------------------------------------------------------ deliveries


def delivery_failed(delivery) -> list:
    """The outbox gave up on the e-mail of `delivery` (its last try failed): the
    registrars who may open the case are told; the letter waits in the delivery
    problems until one of them acts."""
    case = Case.objects.select_related("unit").get(pk=delivery.case_id)
    registrars = User.objects.filter(groups__name=roles.REGISTRARS, is_active=True).distinct()
    people = _deliverable(registrars, case)
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "A letter on case %(number)s could not be sent by e-mail to %(contact)s: «%(subject)s»"
        ) % {**_values(case), "contact": delivery.contact}
    return _send(people, text, case, verb="case.delivery_failed")
