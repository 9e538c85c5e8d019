"""Urgency triage (seed 001, section 3): every incoming message is reviewed for urgency
before it is assigned. Urgent means an answer on the latest lawful date would lose its
value to the client, judged from the message, the client's profile and history.

The system only *suggests*; a registrar or head decides (``services.decide_urgency``).
Each signal gives a weight and a reason a person can read and check:

- dates in the text before the statutory answer date (``до 15.04``, ``15 апреля``);
- deadline words: «срочно», «как можно скорее», «завтра», «истекает», …;
- the client's profile: a management position (their questions hold up others' work);
- the client's history: other open cases, and a repeated question on the same topic
  within the last 90 days (the earlier answer did not meet the need);
- the season: a declaration question during the income declaration campaign, which
  ends on 30 April (Указ 18.05.2009 N 559).

Weights add up; from ``URGENT_THRESHOLD`` the suggestion is "urgent".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATUSES
from cases.topics import DECLARATION_TOPICS

URGENT_THRESHOLD = 2
REPEAT_WINDOW_DAYS = 90
DECLARATION_DEADLINE = (4, 30)  # 30 April

MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.(\d{2})(?:\.(\d{4}|\d{2}))?\b")
_WORD_DATE = re.compile(
    r"\b(\d{1,2})\s+(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября"
    r"|ноября|декабря)(?:\s+(\d{4}))?",
    re.IGNORECASE,
)
URGENT_WORDS = [
    (re.compile(r"\bсрочн", re.I), "«срочно»"),
    (re.compile(r"\bбезотлагательн", re.I), "«безотлагательно»"),
    (re.compile(r"как можно (скорее|быстрее)", re.I), "«как можно скорее»"),
    (re.compile(r"\bнемедленн", re.I), "«немедленно»"),
    (re.compile(r"\bсегодня\b", re.I), "«сегодня»"),
    (re.compile(r"\bзавтра\b", re.I), "«завтра»"),
    (re.compile(r"\bв ближайшие дни\b", re.I), "«в ближайшие дни»"),
    (re.compile(r"\bкрайний срок\b", re.I), "«крайний срок»"),
    (re.compile(r"\bистека", re.I), "«истекает»"),
    (re.compile(r"\bне позднее\b", re.I), "«не позднее»"),
    (re.compile(r"\bдо конца (недели|месяца)\b", re.I), "«до конца недели»"),
]
MANAGEMENT_POSITIONS = re.compile(
    r"(руководител|начальник|заместител|глава|председател|директор)", re.I
)


@dataclass
class Suggestion:
    urgent: bool
    score: int
    reasons: list[str] = field(default_factory=list)


def _month(word: str) -> int:
    word = word.lower()
    for stem, number in MONTHS.items():
        if word.startswith(stem):
            return number
    return 0


def dates_in_text(text: str, reference: dt.date) -> list[dt.date]:
    """Calendar dates written in `text` (``15.04``, ``15.04.2026``, ``15 апреля``), on or
    after `reference`; a date without a year is taken in the next 12 months."""
    found: list[dt.date] = []

    def add(day: int, month: int, year: int | None):
        if year is not None and year < 100:
            year += 2000
        candidates = [year] if year else [reference.year, reference.year + 1]
        for candidate in candidates:
            try:
                value = dt.date(candidate, month, day)
            except ValueError:
                return
            if value >= reference:
                found.append(value)
                return

    for match in _NUMERIC_DATE.finditer(text):
        day, month, year = match.groups()
        add(int(day), int(month), int(year) if year else None)
    for match in _WORD_DATE.finditer(text):
        day, month, year = match.groups()
        add(int(day), _month(month), int(year) if year else None)
    return sorted(set(found))


def _fmt(value: dt.date) -> str:
    return formats.date_format(value, "d.m.Y")


def suggest(case, today: dt.date | None = None) -> Suggestion:
    """The urgency suggestion for `case`, with readable reasons (in the active language).
    Reads the case's text, deadlines, client and the client's other cases."""
    from django.db.models import Count, Q

    from cases.models import Case

    reference = case.registered_at or case.received_at
    today = today or reference.date()
    statutory = case.statutory_deadline
    score, reasons = 0, []
    text = f"{case.subject}\n{case.text}\n{case.client_comments}"

    for value in dates_in_text(text, today):
        if statutory is None or value < statutory:
            score += 2
            reasons.append(
                _("The text mentions %(date)s, before the lawful answer date %(due)s.")
                % {"date": _fmt(value), "due": _fmt(statutory) if statutory else "—"}
            )
            break

    words = [label for pattern, label in URGENT_WORDS if pattern.search(text)]
    if words:
        score += 2
        reasons.append(_("Deadline words in the text: %(words)s.") % {"words": ", ".join(words)})

    if case.client_id:
        profile = getattr(case.client, "profile", None)
        position = getattr(profile, "position", "") or ""
        if MANAGEMENT_POSITIONS.search(position):
            score += 1
            reasons.append(
                _("The client holds a management position: %(position)s.") % {"position": position}
            )
        history = Case.objects.filter(client_id=case.client_id).exclude(pk=case.pk)
        since = today - dt.timedelta(days=REPEAT_WINDOW_DAYS)
        # Both figures of the client's history in one query.
        figures = {"open": Count("pk", filter=Q(status__in=OPEN_STATUSES))}
        if case.topic:
            figures["repeated"] = Count(
                "pk", filter=Q(topic=case.topic, received_at__date__gte=since)
            )
        counts = history.aggregate(**figures)
        open_count = counts["open"]
        if open_count:
            reasons.append(
                _("The client has %(count)d other open case(s).") % {"count": open_count}
            )
        if case.topic:
            repeated = counts["repeated"]
            if repeated:
                score += 1
                reasons.append(
                    _(
                        "Repeated question on this topic: %(count)d earlier case(s) in the "
                        "last %(days)d days."
                    )
                    % {"count": repeated, "days": REPEAT_WINDOW_DAYS}
                )

    if case.topic in DECLARATION_TOPICS:
        campaign_end = dt.date(today.year, *DECLARATION_DEADLINE)
        if today <= campaign_end:
            if statutory is None or statutory > campaign_end:
                score += 2
                reasons.append(
                    _(
                        "Declaration campaign: declarations are due by %(end)s, before the "
                        "lawful answer date %(due)s."
                    )
                    % {"end": _fmt(campaign_end), "due": _fmt(statutory) if statutory else "—"}
                )
            else:
                score += 1
                reasons.append(
                    _("Declaration campaign: declarations are due by %(end)s.")
                    % {"end": _fmt(campaign_end)}
                )

    if not reasons:
        reasons.append(_("No signs of urgency found in the text or the client's history."))
    return Suggestion(urgent=score >= URGENT_THRESHOLD, score=score, reasons=reasons)
