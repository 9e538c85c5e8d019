"""The deadline policy: every day count of the cases desk lives here and only here.

The rule table of DESIGN.md ("Messages (cases) and their rules"; sources in REGULATION.md):

=============================================  ===========================  ==================
rule                                           default                      source
=============================================  ===========================  ==================
register a written message                     3 calendar days of receipt   59-FZ art. 8 p. 2
register an oral information request          the day of receipt           8-FZ art. 18 p. 1
(phone, personal visit)
forward outside our competence + notify        7 days of registration       59-FZ art. 8 p. 3
answer                                         30 days of registration      59-FZ art. 12 p. 1
extension by the head, client notified         once, at most 30 more days   59-FZ art. 12 p. 2
                                               counted from the unshifted
                                               statutory date; refused once
                                               that date has passed
link to an already published answer            7 days of registration       59-FZ art. 11 p. 5.1
link to information published on the site      the answer term (8-FZ)       8-FZ art. 19
other bodies asked for documents reply         15 days                      59-FZ art. 10 p. 2
urgent message, internal target                5 working days, never later  seed 001
                                               than the statutory date
feedback platform message (ПОС "сообщение")    10 calendar days of receipt  ПП РФ 1802
                                               on the platform
information request                            30 days; delay notice in 7;  8-FZ art. 18
                                               at most 15 more days, only
                                               granted while the notice is
                                               on time
internal requests, Incident Management         configurable days and kind   seed 000
=============================================  ===========================  ==================

How a date is computed: counting starts the day after the event (ГК РФ art. 191), so a
term of N calendar days ends on event + N; a term of N working days ends on the N-th
working day after the event. A calendar-day deadline that falls on a non-working day
moves to the preceding working day (records-management practice, compliant under both
readings of the law) or to the next one (ГК РФ art. 193). Working and non-working days
come from ``intranet.workdays.get_calendar()`` (the `holidays` library plus local
overrides).

Which way a term moves (REGULATION.md § 0, "configurable per regime and per term"): the
term's own ``shift``, else its regime's ``shift``, else ``CASES_DEADLINE_SHIFT``
("preceding" by default). Default per term:

- registration (3 days of receipt): "following", ГК РФ art. 193: moved back, a 3-day
  term loses one or two of its days at every weekend and all of them before holidays;
- every other term: ``CASES_DEADLINE_SHIFT`` (REGULATION.md § 0 recommendation).

Two floors hold whatever the shift, so "preceding" never cuts a term to nothing
(REGULATION.md § 0 caveat):

- a term of N >= 1 days never ends before the first working day after the event
  (received Fri 08.05.2026, 3 days -> Tue 12.05.2026, not 08.05);
- "preceding" moves back at most ``CASES_SHIFT_BACK_MAX_DAYS`` days (3: a weekend and a
  bridge day); over a longer non-working stretch the date moves forward (ГК РФ art. 193):
  registered 12.12.2025, 30 days -> 11.01.2026 (Sun, New Year holidays) -> 12.01.2026,
  not 30.12.2025 (18 days).

Every number can be changed per regime with ``CASES_REGIME_RULES`` in settings, e.g.
``{"internal": {"answer": (10, "working")}}``, a term's shift as a third item
(``{"appeal": {"register": (3, "calendar", "preceding")}}``) and the regime's shift as
``{"appeal": {"shift": "following"}}``; the defaults for internal requests and
Incident Management are placeholders until the regional acts give their numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

from django.conf import settings

from cases.choices import Channel, DeadlineState, Regime
from intranet.workdays import ProductionCalendar, get_calendar

CALENDAR = "calendar"
WORKING = "working"
DayKind = Literal["calendar", "working"]
PRECEDING = "preceding"
FOLLOWING = "following"
# The event the answer term runs from: the body's registration, or the receipt (for the
# feedback platform, the day the message came in on the platform).
REGISTERED = "registered"
RECEIVED = "received"


@dataclass(frozen=True)
class Term:
    """A number of days of one kind, counted from the day after an event; `shift`, the
    way its last day moves off a non-working day (None: the regime's, else the
    setting)."""

    days: int
    kind: DayKind = CALENDAR
    shift: str | None = None

    def __post_init__(self):
        if self.kind not in (CALENDAR, WORKING):
            raise ValueError(f"unknown day kind {self.kind!r}")
        if self.shift not in (None, PRECEDING, FOLLOWING):
            raise ValueError(f"a term's shift must be {PRECEDING!r} or {FOLLOWING!r}")
        if self.days < 0:
            raise ValueError("a term cannot be negative")


@dataclass(frozen=True)
class RegimeRules:
    """The day counts of one regime."""

    prefix: str  # of registration numbers: ОБ-2026-000123
    register: Term  # from receipt
    answer: Term  # from registration: the statutory deadline
    forward: Term  # from registration: forward outside our competence and notify
    link: Term | None  # from registration: send the link to a published answer
    # (None: within the answer term itself, 8-FZ art. 19)
    extension: Term | None  # the longest extension (None: no extension)
    max_extensions: int
    delay_notice: Term | None  # from registration: tell the client of a delay (8-FZ)
    urgent_target: Term  # from registration, capped by `answer`
    other_body_reply: Term = Term(15)  # other bodies asked for documents (59-FZ art. 10)
    answer_from: str = REGISTERED  # the event `answer` (and the urgent target) runs from
    # `register` per channel where a channel has its own term: (channel, Term) pairs
    register_by_channel: tuple[tuple[str, Term], ...] = ()
    shift: str | None = None  # of the terms without their own (None: the setting)

    def register_term(self, channel: str | None = None) -> Term:
        """The registration term of a message that came in through `channel`."""
        return dict(self.register_by_channel).get(str(channel), self.register)

    def __post_init__(self):
        if self.answer_from not in (REGISTERED, RECEIVED):
            raise ValueError(f"unknown starting event {self.answer_from!r}")
        if self.shift not in (None, PRECEDING, FOLLOWING):
            raise ValueError(f"a regime's shift must be {PRECEDING!r} or {FOLLOWING!r}")

    def with_shift(self) -> RegimeRules:
        """These rules with the regime's shift given to every term without its own."""
        if self.shift is None:
            return self
        changes = {}
        for name in TERM_FIELDS:
            term = getattr(self, name)
            if term is not None and term.shift is None:
                changes[name] = replace(term, shift=self.shift)
        changes["register_by_channel"] = tuple(
            (channel, term if term.shift is not None else replace(term, shift=self.shift))
            for channel, term in self.register_by_channel
        )
        return replace(self, **changes)


TERM_FIELDS = (
    "register", "answer", "forward", "link", "extension", "delay_notice", "urgent_target",
    "other_body_reply",
)  # fmt: skip


_59FZ = RegimeRules(
    prefix="ОБ",
    # ГК РФ art. 193: moved back, the 3-day term is cut to nothing before holidays.
    register=Term(3, CALENDAR, FOLLOWING),
    answer=Term(30),
    forward=Term(7),
    link=Term(7),
    extension=Term(30),
    max_extensions=1,
    delay_notice=None,
    urgent_target=Term(5, WORKING),
)

DEFAULT_RULES: dict[str, RegimeRules] = {
    Regime.APPEAL: _59FZ,
    # ПП 1802: a "сообщение" is answered within 10 calendar days of its receipt on the
    # platform, not of the body's registration: received 02.03, registered 05.03 -> 12.03.
    Regime.FEEDBACK: replace(_59FZ, prefix="ПОС", answer=Term(10), answer_from=RECEIVED),
    # 8-FZ art. 18: 30 days, a delay notice within 7 days, at most 15 more days; an oral
    # request is registered the day it is received (p. 1); a reference to information
    # published on the official site is an answer in the answer's own term (art. 19).
    Regime.INFO_REQUEST: replace(
        _59FZ,
        prefix="ЗИ",
        extension=Term(15),
        delay_notice=Term(7),
        link=None,
        register_by_channel=((Channel.PHONE, Term(0)), (Channel.VISIT, Term(0))),
    ),
    # Internal requests and Incident Management: set by the body's own acts (seed 000).
    Regime.INTERNAL: replace(_59FZ, prefix="ВН"),
    Regime.INCIDENT: replace(
        _59FZ, prefix="ИМ", answer=Term(7, WORKING), urgent_target=Term(1, WORKING)
    ),
}


def _term(value) -> Term | None:
    if value is None or isinstance(value, Term):
        return value
    if isinstance(value, int):
        return Term(value)
    if isinstance(value, dict):
        return Term(int(value["days"]), value.get("kind", CALENDAR), value.get("shift"))
    days, kind, *shift = value
    return Term(int(days), kind, *shift)


def rules_for(regime: str) -> RegimeRules:
    """The rules of `regime`: the defaults above with the overrides of
    ``settings.CASES_REGIME_RULES`` applied."""
    base = DEFAULT_RULES[Regime(regime)]
    overrides = getattr(settings, "CASES_REGIME_RULES", {}).get(str(regime), {})
    if not overrides:
        return base.with_shift()
    changes = {}
    for key, value in overrides.items():
        if key in {"prefix", "max_extensions", "answer_from", "shift"}:
            changes[key] = value
        elif key == "register_by_channel":  # {"phone": 0, "visit": (1, "working")}
            items = value.items() if isinstance(value, dict) else value
            changes[key] = tuple((str(channel), _term(term)) for channel, term in items)
        else:
            changes[key] = _term(value)
    return replace(base, **changes).with_shift()


def _shift_mode(shift: str | None, term: Term | None = None) -> str:
    """The way a last day moves: `shift` given by the caller, else the term's own (its
    regime's, see ``RegimeRules.with_shift``), else ``CASES_DEADLINE_SHIFT``."""
    mode = shift or (term.shift if term is not None else None)
    mode = mode or getattr(settings, "CASES_DEADLINE_SHIFT", PRECEDING)
    if mode not in (PRECEDING, FOLLOWING):
        raise ValueError(f"CASES_DEADLINE_SHIFT must be {PRECEDING!r} or {FOLLOWING!r}")
    return mode


def shift_back_max_days() -> int:
    """How far "preceding" may move a last day back; further, it moves forward."""
    return int(getattr(settings, "CASES_SHIFT_BACK_MAX_DAYS", 3))


def add_term(
    start: dt.date,
    term: Term,
    calendar: ProductionCalendar | None = None,
    shift: str | None = None,
) -> dt.date:
    """The last day of `term` counted from the day after `start`, on a working day.

    Calendar days: start + N, moved off a non-working day (see the module docstring):
    back at most ``CASES_SHIFT_BACK_MAX_DAYS`` under "preceding", else forward; and never
    before the first working day after `start` (the floor). Working days: the N-th
    working day after start. A term of 0 days ends on `start` itself when that is a
    working day."""
    calendar = calendar or get_calendar()
    if term.kind == WORKING:
        if term.days == 0:
            return calendar.working_day_on_or_after(start)
        return calendar.add_working_days(start, term.days)
    due = start + dt.timedelta(days=term.days)
    if calendar.is_working_day(due):
        return due
    if _shift_mode(shift, term) == PRECEDING:
        earlier = calendar.working_day_on_or_before(due)
        floor = calendar.next_working_day(start) if term.days else start
        if earlier >= floor and (due - earlier).days <= shift_back_max_days():
            return earlier
    return calendar.working_day_on_or_after(due)


def registration_due(
    received: dt.date, regime: str, calendar=None, shift=None, *, channel: str | None = None
) -> dt.date:
    """The last day to register a message received through `channel` (the regime's term
    for that channel, else its `register` term)."""
    return add_term(received, rules_for(regime).register_term(channel), calendar, shift)


def answer_start(registered: dt.date, regime: str, received: dt.date | None = None) -> dt.date:
    """The day the answer term runs from: the regime's `answer_from` event (registration
    unless the regime says receipt; without a receipt date, registration)."""
    if rules_for(regime).answer_from == RECEIVED and received is not None:
        return received
    return registered


def answer_due(
    registered: dt.date, regime: str, calendar=None, shift=None, *, received: dt.date | None = None
) -> dt.date:
    """The statutory answer deadline, counted from the regime's starting event."""
    start = answer_start(registered, regime, received)
    return add_term(start, rules_for(regime).answer, calendar, shift)


def urgent_target(
    registered: dt.date, regime: str, calendar=None, shift=None, *, received: dt.date | None = None
) -> dt.date:
    """The internal target of an urgent case: never later than the statutory date."""
    calendar = calendar or get_calendar()
    rules = rules_for(regime)
    start = answer_start(registered, regime, received)
    target = add_term(start, rules.urgent_target, calendar, shift)
    return min(target, answer_due(registered, regime, calendar, shift, received=received))


def forward_due(registered: dt.date, regime: str, calendar=None, shift=None) -> dt.date:
    return add_term(registered, rules_for(regime).forward, calendar, shift)


def link_due(
    registered: dt.date,
    regime: str,
    calendar=None,
    shift=None,
    *,
    current_due: dt.date | None = None,
    received: dt.date | None = None,
) -> dt.date:
    """The last day to answer by a link to published information: the regime's `link`
    term (59-FZ: 7 days), or, without one (8-FZ art. 19), the answer term itself: the
    case's `current_due` (extended or not) when given, else the statutory date."""
    term = rules_for(regime).link
    if term is None:
        if current_due is not None:
            return current_due
        return answer_due(registered, regime, calendar, shift, received=received)
    return add_term(registered, term, calendar, shift)


# 59-FZ art. 11: the grounds for not answering on the merits whose notice the law dates,
# counted from registration (keys: the values of cases.models.NoAnswerGround). p. 2: a
# question decided by a court, the appeal returned with the procedure for appealing the
# decision; p. 4: unreadable text; p. 4.1: substance cannot be understood. The others
# (p. 1 anonymous: no notice; p. 3, p. 5, p. 6: a notice, no day count) are not here.
NOTICE_TERMS: dict[str, Term] = {
    "court": Term(7),
    "unreadable": Term(7),
    "unclear": Term(7),
}


def no_answer_notice_due(
    registered: dt.date, ground: str, calendar=None, shift=None
) -> dt.date | None:
    """The last day of the notice on `ground` (59-FZ art. 11), None when the law gives
    no day count for it."""
    term = NOTICE_TERMS.get(ground)
    return None if term is None else add_term(registered, term, calendar, shift)


def other_body_due(requested: dt.date, regime: str, calendar=None, shift=None) -> dt.date:
    return add_term(requested, rules_for(regime).other_body_reply, calendar, shift)


def delay_notice_due(registered: dt.date, regime: str, calendar=None, shift=None) -> dt.date | None:
    term = rules_for(regime).delay_notice
    return None if term is None else add_term(registered, term, calendar, shift)


class ExtensionNotAllowed(ValueError):
    pass


class TermExpired(ExtensionNotAllowed):
    """The statutory date has passed: there is no running term left to extend."""


class DelayNoticeLate(ExtensionNotAllowed):
    """8-FZ art. 18 p. 6: a delay is only lawful when the client is told of it within
    the notice term of registration; that day has passed."""

    def __init__(self, notice_due: dt.date):
        super().__init__(f"the delay notice was due by {notice_due}")
        self.notice_due = notice_due


def extension_start(
    current_due: dt.date,
    regime: str,
    registered: dt.date | None = None,
    calendar=None,
    shift=None,
) -> dt.date:
    """The day an extension is counted from: the last day of the statutory term as the
    law counts it, before the move off a non-working day. That is registered + N when
    `current_due` is still the answer date computed from `registered` (same rules, same
    shift); otherwise (already extended, rules changed since) `current_due` itself."""
    term = rules_for(regime).answer
    if registered is None or term.kind != CALENDAR:
        return current_due
    if add_term(registered, term, calendar, shift) != current_due:
        return current_due
    return registered + dt.timedelta(days=term.days)


def extended_due(
    current_due: dt.date,
    regime: str,
    days: int,
    extensions_so_far: int = 0,
    calendar=None,
    shift=None,
    *,
    registered: dt.date | None = None,
    at: dt.date | None = None,
) -> dt.date:
    """The deadline after extending the statutory term by `days`.

    Only a running term is extended (59-FZ art. 12 p. 2, 8-FZ art. 18 p. 6): on a date
    `at` after `current_due` the case is overdue and TermExpired is raised. The days are
    counted from ``extension_start`` (the statutory date before its move off a
    non-working day), and only the result is moved, once, like any term; so the new
    date is never later than the law's limit counted the same way.
    Where the regime has a delay notice term (8-FZ art. 18 p. 6: 7 days of
    registration), the delay is granted, and its notice sent, only up to that day: on a
    date `at` after it DelayNoticeLate is raised (checked before the expired term).
    Raises ExtensionNotAllowed past the regime's limit or number of extensions."""
    rules = rules_for(regime)
    if rules.extension is None or extensions_so_far >= rules.max_extensions:
        raise ExtensionNotAllowed("this case cannot be extended again")
    if not 0 < days <= rules.extension.days:
        raise ExtensionNotAllowed(f"an extension is 1 to {rules.extension.days} days")
    if at is not None and registered is not None:
        notice_due = delay_notice_due(registered, regime, calendar, shift)
        if notice_due is not None and at > notice_due:
            raise DelayNoticeLate(notice_due)
    if at is not None and at > current_due:
        raise TermExpired(f"the statutory date {current_due} has passed")
    start = extension_start(current_due, regime, registered, calendar, shift)
    new_due = add_term(start, replace(rules.extension, days=days), calendar, shift)
    if new_due > add_term(start, rules.extension, calendar, shift):
        raise ExtensionNotAllowed(f"an extension is 1 to {rules.extension.days} days")
    return new_due


class DateNotLater(ExtensionNotAllowed):
    """The date asked for is not after the current deadline."""


class DateBeyondLimit(ExtensionNotAllowed):
    """The date asked for is later than the law allows; `latest` is the latest date."""

    def __init__(self, latest: dt.date):
        super().__init__(f"the latest date the law allows is {latest}")
        self.latest = latest


def extension_days_until(
    current_due: dt.date,
    regime: str,
    until: dt.date,
    extensions_so_far: int = 0,
    calendar=None,
    shift=None,
    *,
    registered: dt.date | None = None,
    at: dt.date | None = None,
) -> int:
    """The days of extension that move `current_due` to the date `until` an executor
    proposes: the fewest days whose ``extended_due`` is on or after it (the same date,
    or the working day it is moved to). Raises what ``extended_due`` raises, DateNotLater
    for a date not after `current_due` and DateBeyondLimit past the law's limit."""
    if until <= current_due:
        raise DateNotLater(f"{until} is not after {current_due}")
    rules = rules_for(regime)
    most = rules.extension.days if rules.extension is not None else 1
    latest = extended_due(current_due, regime, most, extensions_so_far, calendar, shift,
                          registered=registered, at=at)  # fmt: skip
    if until > latest:
        raise DateBeyondLimit(latest)
    for days in range(1, most + 1):
        due = extended_due(current_due, regime, days, extensions_so_far, calendar, shift,
                           registered=registered, at=at)  # fmt: skip
        if due >= until:
            return days
    return most


def due_soon_days() -> int:
    return int(getattr(settings, "CASES_DUE_SOON_WORKING_DAYS", 3))


def due_soon_until(today: dt.date, calendar: ProductionCalendar | None = None) -> dt.date:
    """The last date that counts as "due soon" today: the 3rd working day from today."""
    calendar = calendar or get_calendar()
    return calendar.add_working_days(today, due_soon_days())


def deadline_state(
    due: dt.date | None,
    today: dt.date,
    calendar: ProductionCalendar | None = None,
    *,
    soon_until: dt.date | None = None,
) -> DeadlineState:
    """On track, due soon (due within 3 working days, today included), or overdue.
    A list passes `soon_until` (``due_soon_until(today)``) to count it once per page."""
    if due is None:
        return DeadlineState.NONE
    if due < today:
        return DeadlineState.OVERDUE
    if due <= (soon_until or due_soon_until(today, calendar)):
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TRACK
