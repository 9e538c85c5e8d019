"""Who may see and do what on the cases desk: the one place for these rules.

Seeing (``visibility_filter``, used by ``Case.objects.visible_to``):

- a client sees the cases they sent (always, confidential or not);
- the executor and co-executors see the cases assigned to them;
- an executor sees the cases of their own unit (their staff profile's unit);
- a head sees the cases of the units they head and of every unit below;
- a registrar sees every case;
- a confidential case is seen only by its client, its executor and co-executors and the
  head of its unit. Until it is routed to a unit, registrars see it too: somebody has to
  decide its urgency and route it.

Everyone else (readers) sees nothing. Doing is checked by the ``can_*`` functions below,
in the views, the API and again in ``cases.services``.
"""

from __future__ import annotations

from django.db.models import Q

from cases.choices import Status
from intranet import roles


def _cached(user, name, compute):
    value = getattr(user, name, None)
    if value is None:
        value = compute()
        setattr(user, name, value)
    return value


def headed_unit_ids(user) -> frozenset[int]:
    """Units `user` heads directly."""
    from intranet.models import Unit

    return _cached(
        user,
        "_cases_headed_units",
        lambda: frozenset(Unit.objects.filter(head=user).values_list("pk", flat=True)),
    )


def headed_subtree_ids(user) -> frozenset[int]:
    """Units `user` heads and every unit below them."""
    from intranet.models import Unit

    def compute():
        ids: set[int] = set()
        for unit in Unit.objects.filter(pk__in=headed_unit_ids(user)):
            ids |= unit.descendant_ids()
        return frozenset(ids)

    return _cached(user, "_cases_headed_subtree", compute)


def member_unit_id(user) -> int | None:
    """The unit of the user's staff profile (0 cached as "none")."""
    from intranet.models import StaffProfile

    value = _cached(
        user,
        "_cases_member_unit",
        lambda: (
            StaffProfile.objects.filter(user=user).values_list("unit_id", flat=True).first() or 0
        ),
    )
    return value or None


def is_registrar(user) -> bool:
    return user.is_authenticated and user.has_role(roles.REGISTRARS)


def is_executor(user) -> bool:
    return user.is_authenticated and user.has_role(roles.EXECUTORS)


def is_head(user) -> bool:
    return user.is_authenticated and bool(headed_unit_ids(user))


def can_use_workspace(user) -> bool:
    """The staff workspace (/cases/): registrars, executors and heads."""
    return is_registrar(user) or is_executor(user) or is_head(user)


def can_submit(user) -> bool:
    """Every signed-in member of staff is an internal client (seed 001, section 1)."""
    return user.is_authenticated and user.is_active


def can_register(user) -> bool:
    return is_registrar(user)


def visibility_filter(user, own: bool = True) -> Q | None:
    """The condition on Case for what `user` may see; None means nothing. With
    ``own=False`` the client's own cases are left out (the staff view)."""

    if not (user.is_authenticated and user.is_active):
        return None
    # The co-executed cases as a list of keys read first (a sub-query inside the OR
    # made PostgreSQL scan every case; with the list it combines the indexes of each
    # branch: cases.filters.executed_by, docs/performance.md).
    from cases.filters import executed_by

    condition = executed_by(user.pk)
    if own:
        condition |= Q(client_id=user.pk)
    if is_registrar(user):
        condition |= Q(is_confidential=False) | Q(unit__isnull=True)
    unit_id = member_unit_id(user)
    if unit_id and is_executor(user):
        condition |= Q(unit_id=unit_id, is_confidential=False)
    subtree = headed_subtree_ids(user)
    if subtree:
        condition |= Q(unit_id__in=subtree, is_confidential=False)
        condition |= Q(unit_id__in=headed_unit_ids(user))
    return condition


def can_view(user, case) -> bool:
    from cases.models import Case

    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def left_view_message(case) -> str:
    """What an actor is told when their own action took `case` out of their view (a
    registrar routing a confidential case to a unit, a head of a parent unit passing a
    confidential case down): the change is saved, the case is no longer theirs to see.
    The API's "out_of_view" answer and the workspace's message after a redirect."""
    from django.utils.translation import gettext

    number = case.registration_number or f"№ {case.pk}"
    if case.is_confidential:
        return gettext(
            "The change is saved. Case %(number)s is no longer visible to you: a confidential "
            "case is seen only by its client, its executors and the head of its unit."
        ) % {"number": number}
    return gettext("The change is saved. Case %(number)s is no longer visible to you.") % {
        "number": number
    }


def can_handle(user, case) -> bool:
    """Sees the case as staff: the full timeline and the staff case page."""
    from cases.models import Case

    return Case.objects.handled_by(user).filter(pk=case.pk).exists()


def _heads_case_unit(user, case) -> bool:
    return case.unit_id is not None and case.unit_id in headed_subtree_ids(user)


def can_link(user, case) -> bool:
    """Link a case to a related one, or join a duplicate to its original: registrars who
    see the case as staff, and the heads of its unit."""
    return (is_registrar(user) and can_handle(user, case)) or _heads_case_unit(user, case)


# Statuses in which urgency may still be (re)decided and a case (re)assigned.
TRIAGE_STATUSES = frozenset({Status.REGISTERED, Status.TRIAGED, Status.ASSIGNED})


def can_decide_urgency(user, case) -> bool:
    """Registrars, and heads for the cases of their units."""
    if case.status not in TRIAGE_STATUSES:
        return False
    if case.is_confidential and case.unit_id is not None:
        return _heads_case_unit(user, case) and case.unit_id in headed_unit_ids(user)
    return is_registrar(user) or _heads_case_unit(user, case)


def can_assign(user, case) -> bool:
    """Registrars route any case; heads route (and reassign) the cases of their units.
    Whether the urgency was decided is a state rule, checked by the service."""
    if case.status not in TRIAGE_STATUSES:
        return False
    if case.is_confidential and case.unit_id is not None:
        return case.unit_id in headed_unit_ids(user)
    return is_registrar(user) or _heads_case_unit(user, case)


def can_assign_some(user) -> bool:
    """May route cases at all (the queue's bulk actions are offered): registrars and
    heads. Each case is checked again by ``can_assign`` in the service."""
    return is_registrar(user) or is_head(user)


def assignable_unit_ids(user) -> frozenset[int] | None:
    """Units `user` may route a case to; None means any unit."""
    if is_registrar(user):
        return None
    return headed_subtree_ids(user)


def can_withdraw(user, case) -> bool:
    """Only the client who sent it, while no answer has been registered."""
    return (
        user.is_authenticated
        and case.client_id == user.pk
        and case.is_open
        and case.status not in {Status.ANSWERED, Status.SENT}
    )


def can_supplement(user, case) -> bool:
    """The client who sent it adds information and files, while the case is open and no
    answer has been registered (an answer given does not read what comes after it)."""
    return (
        user.is_authenticated
        and user.is_active
        and case.client_id == user.pk
        and case.is_open
        and case.status not in {Status.ANSWERED, Status.SENT}
    )


# --- part 2: answers and what leads to them ------------------------------------------

# Statuses in which the executor works on the case (asks, drafts, forwards).
WORK_STATUSES = frozenset({Status.ASSIGNED, Status.CLARIFICATION, Status.DRAFTED, Status.APPROVAL})


def _heads_for(user, case) -> bool:
    """Heads the case's unit (a confidential case: directly)."""
    if case.unit_id is None:
        return False
    if case.is_confidential:
        return case.unit_id in headed_unit_ids(user)
    return _heads_case_unit(user, case)


def _executes(user, case) -> bool:
    if not user.is_authenticated:
        return False
    if case.executor_id == user.pk:
        return True
    # all(): the co-executors prefetched with the case page are read without a query
    # (asked several times per page); otherwise one query for the case's few co-executors.
    return any(other.pk == user.pk for other in case.co_executors.all())


def can_work_on(user, case) -> bool:
    """Ask the client, draft the answer, forward, request documents: the executor, the
    co-executors and the head of the case's unit."""
    return case.status in WORK_STATUSES and (_executes(user, case) or _heads_for(user, case))


def can_forward(user, case) -> bool:
    """Forward to the competent body: who works on the case, or a registrar while the
    message is still being triaged."""
    return can_work_on(user, case) or (is_registrar(user) and case.status in TRIAGE_STATUSES)


def can_approve(user, case) -> bool:
    """Approve or return an answer: the head of the case's unit."""
    return _heads_for(user, case)


def can_extend(user, case) -> bool:
    """Extend the deadline: the head of the case's unit, while the case is worked on."""
    return case.status in WORK_STATUSES and _heads_for(user, case)


def can_decide_requests(user, case) -> bool:
    """Decide an executor's request for an extension or for forwarding: the head of the
    case's unit (a confidential case: its direct head), while the case is worked on."""
    return case.status in WORK_STATUSES and _heads_for(user, case)


def can_use_approvals(user) -> bool:
    """The approvals queue (/cases/approvals/): heads of units."""
    return is_head(user)


def can_write_note(user, case) -> bool:
    """Write an internal note: the staff who see the case as staff (never its client as
    such)."""
    return user.is_authenticated and can_handle(user, case)


def can_register_answer(user, case) -> bool:
    """Give the answer its outgoing number: registrars, the executor, the head."""
    if case.status not in {Status.DRAFTED, Status.APPROVAL, Status.ASSIGNED}:
        return False
    return (
        (is_registrar(user) and can_handle(user, case))
        or _executes(user, case)
        or _heads_for(user, case)
    )


def can_manage_delivery(user, case) -> bool:
    """Print letters, mark them delivered, retry a failed e-mail: registrars and the
    people who handle the case."""
    return user.is_authenticated and (
        (is_registrar(user) and can_handle(user, case))
        or _executes(user, case)
        or _heads_for(user, case)
    )


def can_reply(user, case) -> bool:
    """The client answers a clarification request."""
    return (
        user.is_authenticated and case.client_id == user.pk and case.status == Status.CLARIFICATION
    )


def can_rate(user, case) -> bool:
    answer = getattr(case, "answer", None)
    return (
        user.is_authenticated
        and case.client_id == user.pk
        and answer is not None
        and answer.is_registered
        and answer.kind != "no_answer"
    )
