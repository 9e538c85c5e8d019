"""Intake: a message received through a channel becomes a case (the portal's question,
the registrar's entry), is registered with its number and deadline, and gets its
urgency decided."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import deadlines, letters, permissions, repeats, triage
from cases import delivery as deliveries
from cases import uploads as upload_rules
from cases.choices import FINAL_STATUSES, Channel, Regime, ReplyChannel, Status, Urgency
from cases.models import (
    Attachment,
    Case,
    DeliveryPurpose,
    EventKind,
    ExternalClient,
    LetterKind,
    TopicRoute,
)
from cases.services.common import CaseStateError, _fmt, _lock, _record, _send_letter
from cases.services.numbering import next_registration_number
from cases.topics import Topic
from intranet.models import Unit
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


def default_regime(channel: str) -> str:
    overrides = getattr(settings, "CASES_CHANNEL_REGIMES", {})
    return str(overrides.get(str(channel), DEFAULT_CHANNEL_REGIMES[Channel(channel)]))


def suggest_unit(topic: str) -> Unit | None:
    """The unit that answers `topic` (TopicRoute), if any."""
    if not topic:
        return None
    route = TopicRoute.objects.select_related("unit").filter(topic=topic).first()
    return route.unit if route else None


def _register(case: Case, by, at: dt.datetime | None = None, calendar=None) -> Case:
    if case.status != Status.RECEIVED:
        raise CaseStateError(_("This case is already registered."))
    at = at or timezone.now()
    registered_on = timezone.localdate(at)
    calendar = calendar or get_calendar()
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
    acknowledge(case, at=at)
    return case


def acknowledge(case: Case, at: dt.datetime | None = None):
    """The acknowledgement of receipt of a case just registered: a letter with its
    registration number and date, the answer's deadline and the link to the case in the
    portal, on the client's automatic channels (the portal, e-mail; see
    `cases.delivery.ACKNOWLEDGED_CHANNELS`), through the letters and the outbox like
    every letter to the client. Unnumbered: it is a notice of the registration, not a
    signed letter of the body (docs/letters.md). Sent once per case, whatever path
    registered it (the portal, the API, the registrar); a client with no such channel (a
    paper letter with a postal address only) gets none. Returns the letter, or None."""
    channels = deliveries.acknowledged_channels(case)
    if not channels or case.letters.filter(kind=LetterKind.ACKNOWLEDGEMENT).exists():
        return None
    day = timezone.localdate(at) if at else timezone.localdate()
    letter = letters.issue(
        LetterKind.ACKNOWLEDGEMENT, case, number="", date=day, by=None,
        due=case.statutory_deadline, received=timezone.localdate(case.received_at),
    )  # fmt: skip
    _send_letter(case, letter, purpose=DeliveryPurpose.ACKNOWLEDGEMENT,
                 only=frozenset(channel for channel, _contact in channels))  # fmt: skip
    return letter


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
    submission_key: str = "",
    submission_digest: str = "",
    calendar=None,
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
            timezone.localdate(received_at), regime, calendar, channel=channel
        ),
        submission_key=submission_key,
        submission_digest=submission_digest,
    )
    case.possible_repeat_of = repeats.find_repeat_of(case)
    if case.possible_repeat_of is not None:
        case.save(update_fields=["possible_repeat_of"])
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
    submission_key: str = "",
    submission_digest: str = "",
) -> Case:
    """An internal client's question from the portal: received, and registered at once
    (unless CASES_AUTO_REGISTER_PORTAL is off). The portal's form and the API call it
    through `submit_once`, which adds the idempotency and the hourly limit."""
    if not permissions.can_submit(client):
        raise PermissionDenied
    calendar = get_calendar()  # read once for both deadlines
    case = _new_case(
        calendar=calendar,
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
        submission_key=submission_key,
        submission_digest=submission_digest,
    )
    if getattr(settings, "CASES_AUTO_REGISTER_PORTAL", True):
        _register(case, None, at=at, calendar=calendar)
    return case


# --- no duplicates, no floods ------------------------------------------------------------

DEFAULT_SUBMISSIONS_PER_HOUR = 10


class SubmissionLimitReached(ValidationError):
    """The client sent CASES_SUBMISSIONS_PER_HOUR questions in the last hour."""

    def __init__(self, retry_at: dt.datetime, now: dt.datetime):
        self.retry_at = retry_at
        self.retry_after = max(1, math.ceil((retry_at - now).total_seconds()))
        local = timezone.localtime(retry_at)
        super().__init__(
            _(
                "You have sent %(count)d questions in the last hour, the most accepted. "
                "You can send the next one after %(time)s (%(date)s)."
            )
            % {
                "count": submissions_per_hour(),
                "time": local.strftime("%H:%M"),
                "date": local.strftime("%d.%m.%Y"),
            },
            code="submission_limit",
        )


class SubmissionKeyReused(ValidationError):
    """The key of an earlier submission came with a different message."""

    def __init__(self, case: Case):
        self.case = case
        super().__init__(
            _(
                "This submission key was already used for question %(number)s with "
                "different content. Use a new key for a new question."
            )
            % {"number": case.registration_number or case.pk},
            code="submission_key_reused",
        )


def submissions_per_hour() -> int:
    return int(getattr(settings, "CASES_SUBMISSIONS_PER_HOUR", DEFAULT_SUBMISSIONS_PER_HOUR))


def submission_digest(fields: dict, uploads: Iterable = ()) -> str:
    """What identifies the content of a submission: its fields and its files' names and
    sizes (a retry sends the same, an edited message does not)."""
    content = {k: str(v) for k, v in sorted(fields.items()) if k != "kept"}
    content["files"] = sorted(f"{getattr(f, 'name', '')}:{getattr(f, 'size', 0)}" for f in uploads)
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def check_submission_limit(client, now: dt.datetime | None = None) -> None:
    """Refuse a question beyond CASES_SUBMISSIONS_PER_HOUR (0: no limit) sent by the
    client in the last hour, saying when the next one is accepted. Counted by the time of
    receipt (a case loaded with its past date, the demo's, is not a recent submission)."""
    limit = submissions_per_hour()
    if limit <= 0:
        return
    now = now or timezone.now()
    recent = list(
        Case.objects.filter(client=client, created_by=client, received_at__gt=now - HOUR)
        .order_by("-received_at")
        .values_list("received_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        raise SubmissionLimitReached(recent[-1] + HOUR, now)


HOUR = dt.timedelta(hours=1)


def _earlier_submission(client, key: str, digest: str) -> Case | None:
    case = Case.objects.filter(client=client, submission_key=key).first()
    if case is not None and digest and case.submission_digest != digest:
        raise SubmissionKeyReused(case)
    return case


def submit_once(client, *, submission_key: str = "", **fields) -> tuple[Case, bool]:
    """The portal's form and the API: `submit_question` at most once per key and client
    (the form's one-time token, the API's Idempotency-Key), and at most
    CASES_SUBMISSIONS_PER_HOUR questions an hour. Returns the case and whether it was
    created now; the same key again returns the earlier case, the same key with another
    content raises SubmissionKeyReused. Two requests at once with one key: the database's
    unique (client, key) lets one create, the other gets the case it created."""
    if not permissions.can_submit(client):
        raise PermissionDenied
    key = (submission_key or "").strip()[:100]
    digest = submission_digest(fields, fields.get("uploads", ())) if key else ""
    if key and (case := _earlier_submission(client, key, digest)) is not None:
        return case, False
    check_submission_limit(client)
    try:
        case = submit_question(client, submission_key=key, submission_digest=digest, **fields)
    except IntegrityError:
        case = _earlier_submission(client, key, digest) if key else None
        if case is None:
            raise
        return case, False
    return case, True


# --- related cases and duplicates ---------------------------------------------------------


def _linkable(user, case: Case, other: Case) -> None:
    if not permissions.can_view(user, case):
        raise Case.DoesNotExist
    if not (permissions.can_link(user, case) and permissions.can_view(user, other)):
        raise PermissionDenied
    if case.pk == other.pk:
        raise ValidationError({"other": _("A case cannot be linked to itself.")})


def case_by_number(number: str) -> Case | None:
    number = (number or "").strip()
    return Case.objects.filter(registration_number__iexact=number).first() if number else None


@transaction.atomic
def link_related(case: Case, by, other: Case, at: dt.datetime | None = None) -> Case:
    """Mark two cases as related (both ways), with a line on both timelines."""
    _linkable(by, case, other)
    if case.related.filter(pk=other.pk).exists():
        raise ValidationError({"other": _("The cases are already linked.")})
    case.related.add(other)
    with translation.override(settings.LANGUAGE_CODE):
        for one, two in ((case, other), (other, case)):
            _record(
                one,
                EventKind.LINKED,
                by,
                _("Related case: %(number)s.") % {"number": two.registration_number or two.pk},
                from_status=one.status,
                at=at,
                data={"case": two.pk},
            )
    return case


@transaction.atomic
def join_duplicate(
    duplicate: Case, by, original: Case, *, reason: str = "", at: dt.datetime | None = None
) -> Case:
    """Join a duplicate to its original: the duplicate keeps its registration number in
    the journal with the JOINED status (never reused), and is answered in the original.
    Both timelines say so; the client sees it on the duplicate."""
    _linkable(by, duplicate, original)
    duplicate, original = _lock(duplicate), _lock(original)
    if duplicate.status in FINAL_STATUSES:
        raise CaseStateError(_("Only an open case can be joined to another."))
    if original.status == Status.JOINED:
        raise ValidationError(
            {"other": _("That case is itself joined to another: join to the original.")}
        )
    at = at or timezone.now()
    previous = duplicate.status
    duplicate.status = Status.JOINED
    duplicate.joined_to = original
    duplicate.closed_at = at
    duplicate.save(update_fields=["status", "joined_to", "closed_at", "updated_at"])
    duplicate.related.add(original)
    with translation.override(settings.LANGUAGE_CODE):
        _record(
            duplicate,
            EventKind.JOINED,
            by,
            _("Joined to case %(number)s: the answer is given in that case.")
            % {"number": original.registration_number or original.pk},
            reason=reason,
            visible=True,
            from_status=previous,
            at=at,
            data={"case": original.pk},
        )
        _record(
            original,
            EventKind.DUPLICATE_JOINED,
            by,
            _("Case %(number)s is joined to this one as a duplicate.")
            % {"number": duplicate.registration_number or duplicate.pk},
            reason=reason,
            from_status=original.status,
            at=at,
            data={"case": duplicate.pk},
        )
    return duplicate


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
    calendar = get_calendar()  # read once for both deadlines
    case = _new_case(
        calendar=calendar,
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
    return _register(case, registrar, at=at, calendar=calendar)


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
