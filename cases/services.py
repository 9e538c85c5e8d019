"""What happens to a case: each function is one transaction, checks who may do it and
whether the case is in a state that allows it, and records the step on the timeline.

Views and the API call these functions and nothing else to change a case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import deadlines, permissions, triage
from cases.choices import Channel, Regime, ReplyChannel, Status, Urgency
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    EventKind,
    ExternalClient,
    RegistrationCounter,
    TopicRoute,
)
from cases.topics import Topic
from intranet import links, roles
from intranet.models import StaffProfile, Unit
from intranet.security import client_text
from intranet.workdays import get_calendar

# Since 30.03.2025 (547-FZ) a plain e-mail to the body is not a 59-FZ appeal; an
# identified user of the body's own information system (the portal) and its official
# website are lawful 59-FZ channels. Overridable with CASES_CHANNEL_REGIMES.
DEFAULT_CHANNEL_REGIMES = {
    Channel.PORTAL: Regime.APPEAL,
    Channel.EMAIL: Regime.INTERNAL,
    Channel.POST: Regime.APPEAL,
    Channel.VISIT: Regime.APPEAL,
    Channel.PHONE: Regime.INTERNAL,
    Channel.WEBSITE: Regime.APPEAL,
    Channel.FEEDBACK: Regime.FEEDBACK,
    Channel.INCIDENT: Regime.INCIDENT,
    Channel.EDMS: Regime.INTERNAL,
}


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


def answer_version(answer) -> str:
    """The version of an answer as the edit forms carry it: its last save, to the
    microsecond ("" while there is no answer)."""
    if answer is None or answer.pk is None or answer.updated_at is None:
        return ""
    return str(int(answer.updated_at.timestamp() * 1_000_000))


def default_regime(channel: str) -> str:
    overrides = getattr(settings, "CASES_CHANNEL_REGIMES", {})
    return str(overrides.get(str(channel), DEFAULT_CHANNEL_REGIMES[Channel(channel)]))


def suggest_unit(topic: str) -> Unit | None:
    """The unit that answers `topic` (TopicRoute), if any."""
    if not topic:
        return None
    route = TopicRoute.objects.select_related("unit").filter(topic=topic).first()
    return route.unit if route else None


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


def next_registration_number(regime: str, year: int) -> tuple[int, str]:
    """Issue the next number of `regime` in `year`. Must run inside the registering
    transaction: the counter row stays locked until it commits, so concurrent
    registrations queue up and a rolled-back one gives its number back."""
    RegistrationCounter.objects.bulk_create(
        [RegistrationCounter(regime=regime, year=year)], ignore_conflicts=True
    )
    counter = RegistrationCounter.objects.select_for_update().get(regime=regime, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    prefix = deadlines.rules_for(regime).prefix
    return counter.last_number, f"{prefix}-{year}-{counter.last_number:06d}"


def _register(case: Case, by, at: dt.datetime | None = None) -> Case:
    if case.status != Status.RECEIVED:
        raise CaseStateError(_("This case is already registered."))
    at = at or timezone.now()
    registered_on = timezone.localdate(at)
    calendar = get_calendar()
    sequence, number = next_registration_number(case.regime, registered_on.year)
    case.registration_number = number
    case.registration_year = registered_on.year
    case.registration_sequence = sequence
    case.registered_at = at
    case.registered_by = by if by is not None and by.is_authenticated else None
    case.statutory_deadline = deadlines.answer_due(
        registered_on, case.regime, calendar, received=timezone.localdate(case.received_at)
    )
    case.due_date = case.statutory_deadline
    case.status = Status.REGISTERED
    with translation.override(settings.LANGUAGE_CODE):
        suggestion = triage.suggest(case, today=registered_on)
        case.urgency_suggested = suggestion.urgent
        case.urgency_reasons = suggestion.reasons
        message = _("Registered under number %(number)s. Answer due by %(due)s.") % {
            "number": number,
            "due": _fmt(case.statutory_deadline),
        }
        late = case.registration_deadline and registered_on > case.registration_deadline
        reason = (
            _("Registered after the registration deadline %(due)s.")
            % {"due": _fmt(case.registration_deadline)}
            if late
            else ""
        )
    case.save()
    _record(
        case,
        EventKind.REGISTERED,
        case.registered_by,
        message,
        reason=reason,
        visible=True,
        from_status=Status.RECEIVED,
        at=at,
        data={"suggested_urgent": suggestion.urgent, "score": suggestion.score},
    )
    return case


def _new_case(
    *,
    channel,
    regime,
    received_at,
    created_by,
    client=None,
    external_client=None,
    subject,
    text,
    client_comments="",
    topic="",
    reply_channel,
    reply_contact="",
    extra_reply_channel="",
    extra_reply_contact="",
    is_confidential=False,
    uploads: Iterable = (),
    kept: Iterable[Attachment] = (),
) -> Case:
    received_at = received_at or timezone.now()
    regime = regime or default_regime(channel)
    if topic and topic not in Topic.values:
        # The API and the forms offer the choices; a caller of the service (a demo, an
        # import) must not store a code the schema and the pages do not know.
        raise ValidationError({"topic": _("Unknown topic: %(topic)s.") % {"topic": topic}})
    if extra_reply_channel and extra_reply_channel == reply_channel:
        extra_reply_channel, extra_reply_contact = "", ""
    case = Case.objects.create(
        client=client,
        external_client=external_client,
        channel=channel,
        regime=regime,
        received_at=received_at,
        subject=client_text(subject),
        text=client_text(text),
        client_comments=client_text(client_comments),
        topic=topic or "",
        reply_channel=reply_channel,
        reply_contact=client_text(reply_contact),
        extra_reply_channel=extra_reply_channel or "",
        extra_reply_contact=client_text(extra_reply_contact),
        is_confidential=is_confidential,
        created_by=created_by,
        status=Status.RECEIVED,
        registration_deadline=deadlines.registration_due(
            timezone.localdate(received_at), regime, channel=channel
        ),
    )
    from cases import uploads as upload_rules

    uploads, attachments = list(uploads), list(kept)
    if len(attachments) + len(uploads) > upload_rules.max_count():
        raise ValidationError(
            _("At most %(count)d files can be attached.") % {"count": upload_rules.max_count()}
        )
    attachments += [upload_rules.store(upload, created_by) for upload in uploads]
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(case=case)
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Received through: %(channel)s.") % {"channel": case.get_channel_display()}
        if attachments:
            message += " " + _("Attachments: %(names)s.") % {
                "names": ", ".join(a.original_name for a in attachments)
            }
    _record(case, EventKind.RECEIVED, created_by, message, visible=True, at=received_at)
    return case


@transaction.atomic
def submit_question(
    client,
    *,
    subject: str,
    text: str,
    reply_channel: str = ReplyChannel.PORTAL,
    topic: str = "",
    client_comments: str = "",
    reply_contact: str = "",
    extra_reply_channel: str = "",
    extra_reply_contact: str = "",
    is_confidential: bool = False,
    uploads: Iterable = (),
    kept: Iterable[Attachment] = (),
    at: dt.datetime | None = None,
) -> Case:
    """An internal client's question from the portal: received, and registered at once
    (unless CASES_AUTO_REGISTER_PORTAL is off)."""
    if not permissions.can_submit(client):
        raise PermissionDenied
    case = _new_case(
        channel=Channel.PORTAL,
        regime=None,
        received_at=at,
        created_by=client,
        client=client,
        subject=subject,
        text=text,
        client_comments=client_comments,
        topic=topic,
        reply_channel=reply_channel,
        reply_contact=reply_contact,
        extra_reply_channel=extra_reply_channel,
        extra_reply_contact=extra_reply_contact,
        is_confidential=is_confidential,
        uploads=uploads,
        kept=kept,
    )
    if getattr(settings, "CASES_AUTO_REGISTER_PORTAL", True):
        _register(case, None, at=at)
    return case


# A clock a few minutes fast on the registrar's computer is not a date in the future.
RECEIVED_CLOCK_SKEW = dt.timedelta(minutes=5)


def earliest_received() -> dt.date:
    """The earliest date a message can have been received (CASES_EARLIEST_RECEIVED: the
    body's founding, or the start of its records)."""
    value = settings.CASES_EARLIEST_RECEIVED
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def check_received_at(value: dt.datetime, now: dt.datetime | None = None) -> None:
    """Refuse a date of receipt outside the sane range: before CASES_EARLIEST_RECEIVED
    (0001-01-01 from an API caller, a year typed with two digits) or in the future beyond
    a few minutes of clock skew. The dates are compared as written first, so that a date
    at the ends of the calendar (year 1, year 9999) is refused before anything converts it
    to another time zone, which would overflow; a naive `value` (a parser's, before its
    time zone is set) is checked by its date alone."""
    now = now or timezone.now()
    earliest = earliest_received()
    if value.date() < earliest:
        raise ValidationError(
            _("The date of receipt cannot be earlier than %(date)s.")
            % {"date": earliest.strftime("%d.%m.%Y")},
            code="too_early",
        )
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    if value.date() > tomorrow or (timezone.is_aware(value) and value > now + RECEIVED_CLOCK_SKEW):
        raise ValidationError(_("The date of receipt cannot be in the future."), code="future")


@transaction.atomic
def register_message(
    registrar,
    *,
    channel: str,
    subject: str,
    text: str,
    regime: str | None = None,
    received_at: dt.datetime | None = None,
    client=None,
    external: dict | None = None,
    client_comments: str = "",
    topic: str = "",
    reply_channel: str = ReplyChannel.POST,
    reply_contact: str = "",
    extra_reply_channel: str = "",
    extra_reply_contact: str = "",
    is_confidential: bool = False,
    uploads: Iterable = (),
    at: dt.datetime | None = None,
) -> Case:
    """A registrar records and registers a message received through any channel.
    `regime` defaults to the channel's regime; `external` holds an outside client's
    name, kind, postal_address, email and phone when `client` is not a user."""
    if not permissions.can_register(registrar):
        raise PermissionDenied
    at = at or timezone.now()
    received_at = received_at or at
    try:
        check_received_at(received_at, at)
    except ValidationError as exc:
        raise ValidationError({"received_at": exc.error_list}) from None
    if client is None and not (external and client_text(external.get("name"))):
        raise ValidationError(_("Name the client: an intranet user or an outside person."))
    external_client = None
    if client is None:
        external_client = ExternalClient.objects.create(
            **{k: client_text(v) for k, v in external.items() if k in _EXTERNAL_FIELDS}
        )
    case = _new_case(
        channel=channel,
        regime=regime,
        received_at=received_at,
        created_by=registrar,
        client=client,
        external_client=external_client,
        subject=subject,
        text=text,
        client_comments=client_comments,
        topic=topic,
        reply_channel=reply_channel,
        reply_contact=reply_contact,
        extra_reply_channel=extra_reply_channel,
        extra_reply_contact=extra_reply_contact,
        is_confidential=is_confidential,
        uploads=uploads,
    )
    return _register(case, registrar, at=at)


_EXTERNAL_FIELDS = {"kind", "name", "postal_address", "email", "phone"}


@transaction.atomic
def register(case: Case, registrar, at: dt.datetime | None = None) -> Case:
    """Register a case that was received but not registered yet."""
    if not permissions.can_register(registrar):
        raise PermissionDenied
    return _register(_lock(case), registrar, at=at)


@transaction.atomic
def decide_urgency(
    case: Case, by, *, urgent: bool, comment: str = "", at: dt.datetime | None = None
) -> Case:
    """Confirm or override the urgency suggestion. An urgent case gets the internal
    target date (never later than the statutory one), which becomes its deadline."""
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_decide_urgency(by, case):
        raise PermissionDenied
    at = at or timezone.now()
    registered_on = timezone.localdate(case.registered_at)
    previous = case.status
    case.urgency = Urgency.URGENT if urgent else Urgency.NORMAL
    case.urgency_comment = client_text(comment)
    case.urgency_decided_at = at
    case.urgency_decided_by = by
    received_on = timezone.localdate(case.received_at)
    case.target_deadline = (
        deadlines.urgent_target(registered_on, case.regime, received=received_on)
        if urgent
        else None
    )
    case.due_date = case.target_deadline or case.statutory_deadline
    if case.status == Status.REGISTERED:
        case.status = Status.TRIAGED
    case.save()
    overrides = urgent != case.urgency_suggested
    with translation.override(settings.LANGUAGE_CODE):
        if urgent:
            message = _("Marked urgent: target date %(target)s (statutory %(due)s).") % {
                "target": _fmt(case.target_deadline),
                "due": _fmt(case.statutory_deadline),
            }
        else:
            message = _("Marked not urgent: deadline %(due)s.") % {
                "due": _fmt(case.statutory_deadline)
            }
        message += " " + (
            _("The decision overrides the suggestion.")
            if overrides
            else _("The decision confirms the suggestion.")
        )
    _record(
        case,
        EventKind.URGENCY,
        by,
        message,
        reason=case.urgency_comment,
        from_status=previous,
        at=at,
        data={"urgent": urgent, "suggested": case.urgency_suggested, "overrides": overrides},
    )
    return case


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


# --- part 2: clarification, extension, forwarding, requests, answers, ratings ---------


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


@transaction.atomic
def ask_clarification(case: Case, by, *, question: str, at: dt.datetime | None = None):
    """The executor asks the client a question: in the portal and on the client's
    channel. The case waits for the client (its deadline keeps running: 59-FZ has no
    pause)."""
    from cases import delivery
    from cases.models import Clarification, DeliveryPurpose

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
        url = _portal_url(case)
        body = "\n\n".join(
            part
            for part in [
                _letter_header(case),
                _("To answer %(message)s we need more information from you:")
                % {"message": _your_message(case)},
                question,
                _("Please reply in the portal: %(url)s") % {"url": url}
                if url
                else _("Please reply to this letter."),
            ]
            if part
        )
        delivery.queue_letters(
            case,
            purpose=DeliveryPurpose.CLARIFICATION,
            subject=_("Question about your message %(number)s")
            % {"number": case.registration_number},
            body=body,
        )
    return clarification


@transaction.atomic
def reply_to_clarification(case: Case, client, *, text: str, at: dt.datetime | None = None):
    """The client replies in the portal; the case goes back to where it was."""
    from cases.models import Clarification

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


@transaction.atomic
def extend(case: Case, by, *, days: int, reason: str, at: dt.datetime | None = None) -> Case:
    """The head extends the answer deadline once, by at most 30 days (59-FZ art. 12
    p. 2; under 8-FZ a delay of at most 15 days, granted only while its notice is on
    time: 7 days of registration, art. 18 p. 6), with a reason; the client is notified."""
    from cases import delivery
    from cases.models import DeliveryPurpose

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
                      "new": str(new_due)})  # fmt: skip
        body = "\n\n".join(
            p
            for p in [
                _letter_header(case),
                ngettext(
                    "The time to answer %(message)s is extended by %(days)d day, to "
                    "%(date)s. Reason: %(reason)s",
                    "The time to answer %(message)s is extended by %(days)d days, to "
                    "%(date)s. Reason: %(reason)s",
                    real_days,
                )
                % {
                    "message": _your_message(case),
                    "days": real_days,
                    "date": _fmt(new_due),
                    "reason": reason,
                },
            ]
            if p
        )
        delivery.queue_letters(
            case,
            purpose=DeliveryPurpose.EXTENSION,
            subject=_("The answer to your message %(number)s will come by %(date)s")
            % {"number": case.registration_number, "date": _fmt(new_due)},
            body=body,
        )
    return case


def forward_deadline(case: Case) -> dt.date | None:
    if not case.registered_at:
        return None
    return deadlines.forward_due(timezone.localdate(case.registered_at), case.regime)


@transaction.atomic
def forward(
    case: Case, by, *, body_name: str, body_contacts: str, covering_letter: str,
    at: dt.datetime | None = None,
):  # fmt: skip
    """Forward a message outside our competence to the competent body and notify the
    client (59-FZ art. 8 p. 3: within 7 days of registration). The case closes as
    forwarded; a late forwarding is recorded as late."""
    from cases import delivery
    from cases.models import DeliveryPurpose, Forwarding

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
        message = _("Forwarded to %(body)s (%(contacts)s).") % {
            "body": forwarding.body_name, "contacts": forwarding.body_contacts,
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
        _record(
            case,
            EventKind.FORWARDED,
            by,
            message,
            reason=reason,
            visible=True,
            from_status=previous,
            at=at,
            data={"notice_due": str(due), "on_time": on_time, "days_late": days_late},
        )
        body = "\n\n".join(
            p
            for p in [
                _letter_header(case),
                _(
                    "The question in %(message)s is decided by another body, so we have "
                    "sent your message there: %(body)s, %(contacts)s. They will answer you."
                )
                % {
                    "message": _your_message(case),
                    "body": forwarding.body_name,
                    "contacts": forwarding.body_contacts,
                },
            ]
            if p
        )
        delivery.queue_letters(
            case,
            purpose=DeliveryPurpose.FORWARDING,
            subject=_("Your message %(number)s has been sent to %(body)s")
            % {"number": case.registration_number, "body": forwarding.body_name},
            body=body,
        )
    return forwarding


@transaction.atomic
def request_documents(case: Case, by, *, body_name: str, what: str, at=None):
    """Ask another body for documents (59-FZ art. 10 p. 2: they reply within 15 days)."""
    from cases.models import OtherBodyRequest

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
        message = _("Documents requested from %(body)s: %(what)s. Reply due by %(date)s.") % {
            "body": request.body_name, "what": request.what, "date": _fmt(due),
        }  # fmt: skip
    _record(case, EventKind.OTHER_BODY, by, message, from_status=case.status, at=at,
            data={"request": request.pk, "due": str(due)})  # fmt: skip
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


# --- answers -------------------------------------------------------------------------------


def needs_approval(case: Case, kind: str) -> bool:
    """Refusals always go to the head; other answers when the unit says so (default:
    yes)."""
    from cases.models import AnswerKind, UnitCaseSettings

    if kind == AnswerKind.REFUSAL:
        return True
    if case.unit_id is None:
        return False
    setting = UnitCaseSettings.objects.filter(unit_id=case.unit_id).first()
    return True if setting is None else setting.answers_need_approval


def notice_required(ground: str) -> bool:
    """59-FZ art. 11: no notice when there is no name or address to send it to; a
    notice in the other cases (obscene: a warning about abuse of right; unreadable:
    within 7 days; repeated: the decision to stop the correspondence)."""
    from cases.models import NoAnswerGround

    return bool(ground) and ground != NoAnswerGround.ANONYMOUS


def no_answer_notice_deadline(case: Case, ground: str) -> dt.date | None:
    """The last day of the notice on a 59-FZ art. 11 ground (deadlines.NOTICE_TERMS),
    None without registration or when the law gives no day count."""
    if not case.registered_at or not ground:
        return None
    return deadlines.no_answer_notice_due(timezone.localdate(case.registered_at), ground)


def link_deadline(case: Case) -> dt.date | None:
    if not case.registered_at:
        return None
    return deadlines.link_due(timezone.localdate(case.registered_at), case.regime)


def no_answer_dates(case: Case) -> list[tuple[str, dt.date]]:
    """(label, last day) of each art. 11 ground the law dates, for the case page."""
    from cases.models import NoAnswerGround

    dates = []
    for value, label in NoAnswerGround.choices:
        due = no_answer_notice_deadline(case, value)
        if due is not None:
            dates.append((label, due))
    return dates


def _article_at(url: str):
    """The live KB article at `url` (absolute or a path), or None."""
    from urllib.parse import urlparse

    from kb.models import ArticlePage

    path = urlparse((url or "").strip()).path
    if not path:
        return None
    if not path.endswith("/"):
        path += "/"
    for article in ArticlePage.objects.live().specific():
        if article.url and urlparse(article.url).path == path:
            return article
    return None


def is_on_public_site(article) -> bool:
    """59-FZ art. 11 p. 5.1: published on the body's official site, i.e. open to anyone:
    live, audience "public", no view restriction (login, password, groups)."""
    from kb.models import ArticlePage

    return (
        article is not None
        and ArticlePage.objects.live()
        .public()
        .filter(pk=article.pk, audience=ArticlePage.Audience.PUBLIC)
        .exists()
    )


def published_article(url: str):
    """The article at `url` published on the public site (59-FZ art. 11 p. 5.1), or
    None: an internal or login-only article is not published for the client."""
    article = _article_at(url)
    return article if is_on_public_site(article) else None


def validate_answer(case: Case, answer, *, today: dt.date | None = None) -> None:
    """The rules of each kind of answer (raises ValidationError with every problem)."""
    from cases import plain_language
    from cases.models import AnswerKind

    errors: dict[str, list] = {}
    text = plain_language.strip_legal_references(answer.body) if answer.body else ""
    if answer.kind == AnswerKind.MERITS and not text.strip():
        errors.setdefault("body", []).append(_("Write the answer."))
    from kb.typical_answers import placeholders

    unfilled = placeholders(answer.body or "")
    if unfilled:
        errors.setdefault("body", []).append(
            _("Fill in the placeholders left from the typical answer: %(names)s.")
            % {"names": ", ".join("{" + name + "}" for name in unfilled)}
        )
    if answer.kind == AnswerKind.REFUSAL:
        if not (answer.grounds or "").strip():
            errors.setdefault("grounds", []).append(
                _("A refusal cannot be registered without its grounds written for the client.")
            )
        elif problem := plain_language.grounds_error(answer.grounds):
            errors.setdefault("grounds", []).append(problem)
    if answer.kind == AnswerKind.LINK:
        article = _article_at(answer.link_url)
        if article is None:
            errors.setdefault("link_url", []).append(
                _("Give the address of a published knowledge base article.")
            )
        elif not is_on_public_site(article):
            errors.setdefault("link_url", []).append(
                _(
                    "The article «%(title)s» is not open on the public site (it is for staff "
                    "or needs a login): a link answers only with an article anyone can read. "
                    "Publish it for the public or write an answer on the merits."
                )
                % {"title": article.title}
            )
        if case.registered_at:
            in_answer_term = deadlines.rules_for(case.regime).link is None
            due = deadlines.link_due(
                timezone.localdate(case.registered_at), case.regime,
                current_due=case.statutory_deadline,
                received=timezone.localdate(case.received_at) if case.received_at else None,
            )  # fmt: skip
            if (today or timezone.localdate()) > due:
                if in_answer_term:
                    message = _(
                        "A reference to information published on the official site is an "
                        "answer only within the answer term (by %(date)s). Write an answer "
                        "on the merits."
                    )
                else:
                    message = _(
                        "A link to a published answer must be sent within 7 days of "
                        "registration (by %(date)s). Write an answer on the merits."
                    )
                errors.setdefault("link_url", []).append(message % {"date": _fmt(due)})
    if answer.kind == AnswerKind.NO_ANSWER and not answer.no_answer_ground:
        errors.setdefault("no_answer_ground", []).append(
            _("Choose the lawful ground for leaving the message without an answer.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_answer(
    case: Case, by, *, kind: str, body: str = "", grounds: str = "", link_url: str = "",
    no_answer_ground: str = "", uploads: Iterable = (), at=None, version: str | None = None,
):  # fmt: skip
    """Draft (or redraft) the answer. The rich text is sanitised; attachments are
    checked by their content (intranet.uploads). With `version` (what the editor's form
    was opened at), a save over someone else's newer save is refused with EditConflict
    instead of silently overwriting it; the row is locked for the check."""
    from cases.models import Answer, AnswerAttachment, AnswerKind, AnswerStatus
    from intranet.security import plain_text, sanitize_html
    from intranet.uploads import safe_filename, validate_upload

    case = _check_work(case, by)
    if kind not in AnswerKind.values:
        raise ValidationError({"kind": _("Choose the kind of answer.")})
    stored = Answer.objects.select_for_update().filter(case=case).first()
    if version is not None and version != answer_version(stored):
        drafts = case.events.filter(kind=EventKind.DRAFTED).select_related("actor")
        last = drafts.order_by("-at", "-pk").first()
        editor = last.actor if last and last.actor else (stored.author if stored else by)
        with translation.override(settings.LANGUAGE_CODE):
            message = _(
                "While you were editing, %(name)s saved this answer (%(time)s). Your text is "
                "still in the form: compare it with the saved answer and save again."
            ) % {
                "name": editor.get_full_name() or editor.get_username(),
                "time": formats.date_format(timezone.localtime(stored.updated_at), "H:i")
                if stored
                else "",
            }
        raise EditConflict(message, answer_version(stored))
    answer = stored or Answer(case=case, author=by)
    if answer.status == AnswerStatus.REGISTERED:
        raise CaseStateError(_("The answer is registered and can no longer be changed."))
    answer.kind = kind
    answer.body = sanitize_html(body)
    answer.grounds = plain_text(grounds)
    answer.link_url = (link_url or "").strip()[:500]
    answer.no_answer_ground = no_answer_ground or ""
    if answer.status == AnswerStatus.APPROVED:
        answer.approved_by, answer.approved_at = None, None
    answer.status = AnswerStatus.DRAFT
    answer.save()
    for upload in uploads:
        info = validate_upload(upload)
        name = safe_filename(upload.name)
        item = AnswerAttachment(answer=answer, original_name=name, content_type=info.content_type,
                                size=info.size)  # fmt: skip
        item.file.save(name, upload, save=False)
        item.save()
    previous = case.status
    if case.status in {Status.ASSIGNED, Status.APPROVAL}:
        case.status = Status.DRAFTED
        case.save()
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Answer drafted: %(kind)s.") % {"kind": answer.get_kind_display()}
    _record(case, EventKind.DRAFTED, by, message, from_status=previous, at=at,
            data={"answer": answer.pk, "kind": kind})  # fmt: skip
    return answer


@transaction.atomic
def submit_answer(case: Case, by, at=None):
    """Send the draft to the head when the unit (or a refusal) needs approval; otherwise
    it is ready to register."""
    from cases.models import AnswerStatus

    case = _check_work(case, by)
    answer = _answer_of(case)
    if answer.status not in {AnswerStatus.DRAFT, AnswerStatus.RETURNED}:
        raise CaseStateError(_("This answer is not a draft."))
    validate_answer(case, answer)
    previous = case.status
    if needs_approval(case, answer.kind):
        answer.status = AnswerStatus.APPROVAL
        case.status = Status.APPROVAL
        message = _("Answer sent to the head for approval.")
        kind = EventKind.SUBMITTED
    else:
        answer.status = AnswerStatus.APPROVED
        message = _("Answer ready to register (the unit does not require approval).")
        kind = EventKind.SUBMITTED
    answer.save()
    case.save()
    _record(case, kind, by, message, from_status=previous, at=at)
    return answer


def _answer_of(case: Case):
    from cases.models import Answer

    answer = Answer.objects.filter(case=case).first()
    if answer is None:
        raise CaseStateError(_("There is no answer draft yet."))
    return answer


def _check_approver(case: Case, by) -> Case:
    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_approve(by, case):
        raise PermissionDenied(_("Only the head of the unit approves answers."))
    return case


@transaction.atomic
def approve_answer(case: Case, by, *, comment: str = "", at=None):
    from cases.models import AnswerStatus

    case = _check_approver(case, by)
    answer = _answer_of(case)
    if answer.status != AnswerStatus.APPROVAL:
        raise CaseStateError(_("The answer is not awaiting approval."))
    validate_answer(case, answer)
    at = at or timezone.now()
    answer.status = AnswerStatus.APPROVED
    answer.approved_by, answer.approved_at = by, at
    answer.review_comment = (comment or "").strip()
    answer.save()
    previous = case.status
    case.status = Status.DRAFTED
    case.save()
    _record(case, EventKind.APPROVED, by, _("Answer approved."), reason=answer.review_comment,
            from_status=previous, at=at)  # fmt: skip
    return answer


@transaction.atomic
def return_answer(case: Case, by, *, comment: str, at=None):
    from cases.models import AnswerStatus

    case = _check_approver(case, by)
    answer = _answer_of(case)
    if answer.status not in {AnswerStatus.APPROVAL, AnswerStatus.APPROVED}:
        raise CaseStateError(_("The answer is not awaiting approval."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what to rework.")})
    answer.status = AnswerStatus.RETURNED
    answer.review_comment = comment
    answer.approved_by = answer.approved_at = None
    answer.save()
    previous = case.status
    case.status = Status.DRAFTED
    case.save()
    _record(case, EventKind.RETURNED, by, _("Answer returned for rework."), reason=comment,
            from_status=previous, at=at)  # fmt: skip
    return answer


def next_outgoing_number(year: int) -> str:
    """The next outgoing number of the year (locked counter, gap-free like incoming)."""
    RegistrationCounter.objects.bulk_create(
        [RegistrationCounter(regime="outgoing", year=year)], ignore_conflicts=True
    )
    counter = RegistrationCounter.objects.select_for_update().get(regime="outgoing", year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    prefix = getattr(settings, "CASES_OUTGOING_PREFIX", "ИСХ")
    return f"{prefix}-{year}-{counter.last_number:06d}"


def no_answer_explanation(ground: str) -> str:
    """What the notice on a 59-FZ art. 11 ground tells the client beyond the ground."""
    from cases.models import NoAnswerGround

    texts = {
        NoAnswerGround.COURT: _(
            "Your message is returned. A court decision is appealed only in court: an "
            "appeal, a cassation or a supervisory complaint is filed through "
            "the court that took the decision, within the time limits set by procedural "
            "law and stated in the decision."
        ),
        NoAnswerGround.UNREADABLE: _(
            "The text of your message cannot be read. Once the reason is removed, you may "
            "send the message again."
        ),
        NoAnswerGround.UNCLEAR: _(
            "We could not understand what your message asks or proposes. Once the reason is "
            "removed, you may send the message again, stating the substance of your "
            "question."
        ),
        NoAnswerGround.SECRET: _(
            "An answer on the merits is impossible: it would disclose information "
            "constituting a state or other secret protected by federal law."
        ),
    }
    return str(texts.get(ground, ""))


def answer_letter(case: Case, answer) -> tuple[str, str]:
    """Subject and plain text of the answer letter (e-mail body; the print view renders
    the rich text)."""
    from cases.models import AnswerKind
    from intranet.security import plain_text

    body_text = plain_text(
        (answer.body or "").replace("</p>", "\n\n").replace("<br>", "\n").replace("</li>", "\n")
    )
    parts = [
        _("Outgoing no. %(number)s of %(date)s")
        % {
            "number": answer.outgoing_number,
            "date": _fmt(answer.outgoing_date),
        },
        _("Answer to %(message)s") % {"message": _your_message(case)},
    ]
    if not body_text.startswith(("Уважаем", "Dear")):
        parts.append(_letter_header(case))
    if body_text:
        parts.append(body_text)
    if answer.kind == AnswerKind.REFUSAL:
        parts.append(_("Why: %(grounds)s") % {"grounds": answer.grounds})
    if answer.kind == AnswerKind.LINK:
        parts.append(_("The answer to your question is published here: %(url)s")
                     % {"url": answer.link_url})  # fmt: skip
    if answer.kind == AnswerKind.NO_ANSWER:
        parts.append(_("Your message is left without an answer on this ground: %(ground)s.")
                     % {"ground": answer.get_no_answer_ground_display()})  # fmt: skip
        parts.append(no_answer_explanation(answer.no_answer_ground))
    url = _portal_url(case)
    if url:
        parts.append(_("The answer is also in the portal: %(url)s") % {"url": url})
    subject = _("Answer to your message %(number)s") % {"number": case.registration_number}
    return subject, "\n\n".join(p for p in parts if p)


@transaction.atomic
def register_answer(case: Case, by, *, at: dt.datetime | None = None):
    """Give the answer its outgoing number and date and store it; in the same
    transaction the deliveries are queued (cases.delivery), to start once it commits.
    A refusal needs grounds for the client; an answer the unit (or its kind) makes
    subject to approval needs it."""
    from cases import delivery
    from cases.models import AnswerKind, AnswerStatus, DeliveryPurpose

    case = _lock(case)
    if not permissions.can_view(by, case):
        raise Case.DoesNotExist
    if not permissions.can_register_answer(by, case):
        raise PermissionDenied
    answer = _answer_of(case)
    if answer.status == AnswerStatus.REGISTERED:
        raise CaseStateError(_("The answer is already registered."))
    validate_answer(case, answer)
    if needs_approval(case, answer.kind) and answer.status != AnswerStatus.APPROVED:
        raise CaseStateError(_("The head of the unit must approve this answer first."))
    at = at or timezone.now()
    answer.outgoing_date = timezone.localdate(at)
    answer.outgoing_number = next_outgoing_number(answer.outgoing_date.year)
    answer.registered_at = at
    answer.registered_by = by
    answer.status = AnswerStatus.REGISTERED
    answer.save()
    previous = case.status
    no_answer = answer.kind == AnswerKind.NO_ANSWER
    case.status = Status.NO_ANSWER if no_answer else Status.ANSWERED
    if no_answer:
        case.closed_at = at
    case.save()
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Answer registered: outgoing no. %(number)s of %(date)s (%(kind)s).") % {
            "number": answer.outgoing_number, "date": _fmt(answer.outgoing_date),
            "kind": answer.get_kind_display(),
        }  # fmt: skip
        reason = answer.get_no_answer_ground_display() if no_answer else ""
        _record(case, EventKind.ANSWER_REGISTERED, by, message, reason=reason, visible=True,
                from_status=previous, at=at,
                data={"answer": answer.pk, "number": answer.outgoing_number})  # fmt: skip
        if not no_answer or notice_required(answer.no_answer_ground):
            subject, body = answer_letter(case, answer)
            delivery.queue_letters(
                case,
                purpose=DeliveryPurpose.NO_ANSWER if no_answer else DeliveryPurpose.ANSWER,
                subject=subject,
                body=body,
                answer=answer,
            )
    return answer


@transaction.atomic
def mark_answer_read(case: Case, client, at=None):
    """The client opened the answer in the portal (recorded once)."""
    from cases.models import Answer

    answer = Answer.objects.select_for_update().filter(case=case).first()
    if answer is None or not answer.is_registered or case.client_id != client.pk:
        return None
    if answer.read_at is None:
        answer.read_at = at or timezone.now()
        answer.save(update_fields=["read_at", "updated_at"])
        _record(case, EventKind.READ, client, _("The client read the answer."), visible=True,
                from_status=case.status, at=answer.read_at)  # fmt: skip
    return answer


@transaction.atomic
def rate_answer(case: Case, client, *, score: int, comment: str = "", at=None):
    """The client rates the answer 1–5 with a comment; kept for the unit's reports
    (one rating per case; rating again replaces it)."""
    from cases.models import Rating

    case = _lock(case)
    if case.client_id != getattr(client, "pk", None):
        raise Case.DoesNotExist
    if not permissions.can_rate(client, case):
        raise CaseStateError(_("There is no answer to rate yet."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Rate from 1 to 5.")})
    at = at or timezone.now()
    rating, _created = Rating.objects.update_or_create(
        case=case,
        defaults={
            "score": score,
            "comment": client_text(comment, 2000),
            "rated_at": at,
            "unit_id": case.unit_id,
            "executor_id": case.executor_id,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Rated %(score)d of 5.") % {"score": score}
    _record(case, EventKind.RATED, client, message, reason=rating.comment, visible=True,
            from_status=case.status, at=at)  # fmt: skip
    return rating


def typical_answer_values(case: Case) -> dict:
    """Values for the placeholders of typical answers (kb.typical_answers)."""
    registered = timezone.localdate(case.registered_at) if case.registered_at else None
    today = timezone.localdate()
    return {
        "client_name": case.client_name,
        "registration_number": case.registration_number or "",
        "number": case.registration_number or "",
        "registration_date": _fmt(registered) if registered else "",
        "received_date": _fmt(timezone.localdate(case.received_at)),
        "date": _fmt(today),
        "today": _fmt(today),
        "due_date": _fmt(case.due_date) if case.due_date else "",
        "subject": case.subject,
        "executor_name": case.executor.get_full_name() if case.executor_id else "",
        "unit": case.unit.name if case.unit_id else "",
        "reporting_year": str(today.year - 1),
    }


def fill_typical_answer(case: Case, user, code: str):
    """The typical answer `code` with its placeholders filled from the case; None if
    there is no such live answer the user may read."""
    from kb.models import ArticlePage

    article = (
        ArticlePage.objects.visible_to(user)
        .filter(answer_code=code, kind=ArticlePage.Kind.TYPICAL_ANSWER)
        .first()
    )
    if article is None:
        return None
    return article, article.render_answer(typical_answer_values(case))


def rating_report(since: dt.date | None = None) -> list[dict]:
    """Clients' ratings per unit for the unit reports: count, average, and how many
    were low (1–2), since `since` if given."""
    from django.db.models import Avg, Count, Q

    from cases.models import Rating

    ratings = Rating.objects.all()
    if since is not None:
        ratings = ratings.filter(rated_at__date__gte=since)
    rows = (
        ratings.values("unit_id", "unit__short_name")
        .annotate(count=Count("pk"), average=Avg("score"), low=Count("pk", filter=Q(score__lte=2)))
        .order_by("unit__short_name")
    )
    return [
        {
            "unit": row["unit__short_name"],
            "unit_id": row["unit_id"],
            "count": row["count"],
            "average": round(float(row["average"]), 2),
            "low": row["low"],
        }
        for row in rows
    ]
