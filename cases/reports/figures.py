"""The figures of the report: every count and average is aggregated in the database
(one grouped query per breakdown, whatever the number of cases); the answer time in
working days is computed from the (received, registered) dates of the period's answered
cases with a cumulative working-day index of the production calendar, so each case
costs two dictionary look-ups, not a walk over its days."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import suggestions
from cases.choices import DEADLINE_STATUSES, Channel, Regime, Status, Urgency
from cases.models import AnswerKind, Case, Rating
from cases.topics import Topic


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[tuple[str, float]] = field(default_factory=list)
    unit: str = ""


@dataclass
class Report:
    start: dt.date
    end: dt.date
    received: int = 0
    urgent: int = 0
    answered: int = 0
    on_time: int = 0
    overdue_now: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    forwarded: int = 0
    forwarded_late: int = 0  # after the forwarding term (59-FZ art. 8 p. 3)
    refused: int = 0
    no_answer: int = 0
    ratings: int = 0
    rating_avg: float | None = None
    reception_visits: int = 0
    # Drafts abandoned after opening a suggested knowledge-base article (cases.suggestions).
    answered_by_kb: int = 0
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def urgent_share(self) -> float | None:
        return round(100 * self.urgent / self.received, 1) if self.received else None

    @property
    def on_time_share(self) -> float | None:
        return round(100 * self.on_time / self.answered, 1) if self.answered else None


def _bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return low, high


def percentile(values: list[int], share: float) -> float | None:
    """Nearest-rank percentile (the 50th: the median of an odd count)."""
    if not values:
        return None
    ordered = sorted(values)
    if share == 0.5:
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return float(ordered[middle])
        return (ordered[middle - 1] + ordered[middle]) / 2
    rank = max(1, math.ceil(share * len(ordered)))
    return float(ordered[rank - 1])


def working_day_index(start: dt.date, end: dt.date) -> dict[dt.date, int]:
    """date -> number of working days from `start` up to and including that date."""
    from intranet.workdays import get_calendar

    calendar = get_calendar()
    index, count, day = {}, 0, start
    while day <= end:
        if calendar.is_working_day(day):
            count += 1
        index[day] = count
        day += dt.timedelta(days=1)
    return index


def _choices(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def build(unit_ids, start: dt.date, end: dt.date) -> Report:
    from cases.consultations.models import Consultation, Outcome
    from cases.quality.models import QualityReview
    from intranet.models import Unit

    low, high = _bounds(start, end)
    scope = Case.objects.filter(unit_id__in=unit_ids)
    received = scope.filter(received_at__gte=low, received_at__lt=high)
    report = Report(start=start, end=end)
    totals = received.aggregate(
        total=Count("pk"),
        urgent=Count("pk", filter=Q(urgency=Urgency.URGENT)),
        forwarded=Count("pk", filter=Q(status=Status.FORWARDED)),
        forwarded_late=Count(
            "pk", filter=Q(status=Status.FORWARDED, forwarding__on_time=False)
        ),
        no_answer=Count(
            "pk", filter=Q(status=Status.NO_ANSWER) | Q(answer__kind=AnswerKind.NO_ANSWER)
        ),
        refused=Count(
            "pk", filter=Q(answer__kind=AnswerKind.REFUSAL, answer__registered_at__isnull=False)
        ),
    )  # fmt: skip
    report.received, report.urgent = totals["total"], totals["urgent"]
    report.forwarded, report.no_answer = totals["forwarded"], totals["no_answer"]
    report.forwarded_late = totals["forwarded_late"]
    report.refused = totals["refused"]
    report.overdue_now = scope.filter(
        status__in=DEADLINE_STATUSES, due_date__lt=timezone.localdate()
    ).count()

    # Grouped by (received day, registered day, deadline) in the database: a year of
    # answers comes back as dated rows with counts, with no time-zone conversion per case
    # in Python (at 100,000 cases that conversion alone took most of the report's time).
    answered = list(
        scope.filter(answer__registered_at__gte=low, answer__registered_at__lt=high)
        .values_list("received_at__date", "answer__registered_at__date", "due_date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    report.answered = sum(n for _got, _sent, _due, n in answered)
    if answered:
        first = min(got for got, _sent, _due, _n in answered)
        index = working_day_index(first - dt.timedelta(days=1), end)
        days = []
        for got, sent, due, n in answered:
            days.extend([index[sent] - index[got]] * n)
            if due is None or sent <= due:
                report.on_time += n
        report.median_days = percentile(days, 0.5)
        report.p90_days = percentile(days, 0.9)

    ratings = Rating.objects.filter(case__in=received).aggregate(n=Count("pk"), avg=Avg("score"))
    report.ratings = ratings["n"]
    report.rating_avg = round(ratings["avg"], 2) if ratings["avg"] is not None else None

    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "short_name"))
    every_unit = not Unit.objects.exclude(pk__in=list(unit_ids)).exists()
    report.answered_by_kb = suggestions.answered_by_knowledge_base(
        unit_ids, low, high, every_unit=every_unit
    )
    for key, title, column, labels in (
        ("channel", _("Received by channel"), "channel", _choices(Channel.choices)),
        ("regime", _("Received by regime"), "regime", _choices(Regime.choices)),
        ("topic", _("Received by topic"), "topic", _choices(Topic.choices)),
        ("unit", _("Received by unit"), "unit_id", units),
    ):
        rows = received.values(column).annotate(n=Count("pk")).order_by("-n", column)
        report.breakdowns.append(
            Breakdown(key, title, [(labels.get(r[column], "—"), r["n"]) for r in rows])
        )

    reviews = QualityReview.objects.filter(
        unit_id__in=unit_ids, reviewed_at__gte=low, reviewed_at__lt=high
    )
    by_unit = reviews.values("unit_id").annotate(avg=Avg("total")).order_by("unit_id")
    report.breakdowns.append(Breakdown(
        "quality_unit", _("Quality score by unit"),
        [(units.get(r["unit_id"], "—"), round(r["avg"], 1)) for r in by_unit], "%",
    ))  # fmt: skip
    by_executor = (
        reviews.values("executor__last_name", "executor__first_name", "executor__username")
        .annotate(avg=Avg("total"))
        .order_by("executor__last_name", "executor__username")
    )
    report.breakdowns.append(Breakdown(
        "quality_executor", _("Quality score by executor"),
        [(" ".join(filter(None, [r["executor__last_name"], r["executor__first_name"]]))
          or (r["executor__username"] or "—"), round(r["avg"], 1)) for r in by_executor], "%",
    ))  # fmt: skip

    consultations = Consultation.objects.filter(
        unit_id__in=unit_ids, held_at__gte=low, held_at__lt=high
    )
    topics, outcomes = _choices(Topic.choices), _choices(Outcome.choices)
    rows = consultations.values("topic").annotate(n=Count("pk")).order_by("-n", "topic")
    report.breakdowns.append(Breakdown(
        "consultation_topic", _("Consultations by topic"),
        [(topics.get(r["topic"], r["topic"]), r["n"]) for r in rows],
    ))  # fmt: skip
    rows = consultations.values("outcome").annotate(n=Count("pk")).order_by("-n", "outcome")
    report.breakdowns.append(Breakdown(
        "consultation_outcome", _("Consultations by outcome"),
        [(outcomes.get(r["outcome"], r["outcome"]), r["n"]) for r in rows],
    ))  # fmt: skip
    _reception(report, unit_ids, low, high)
    return report


def _reception(report: Report, unit_ids, low, high) -> None:
    """Reception visits of the period (bookings not cancelled whose time has come) by the
    outcome of their card: answered orally, turned into a written case, no card (the
    visitor did not come or the card is not filled in yet). One grouped query."""
    from cases.reception.models import Booking, CardOutcome

    high = min(high, timezone.now())
    visits = Booking.objects.active().filter(
        unit_id__in=unit_ids, starts_at__gte=low, starts_at__lt=high
    )
    counts = {
        row["card__outcome"]: row["n"]
        for row in visits.values("card__outcome").annotate(n=Count("pk")).order_by()
    }
    report.reception_visits = sum(counts.values())
    labels = [*CardOutcome.choices, (None, _("No card (did not come or not filled in)"))]
    rows = [(str(label), counts[key]) for key, label in labels if counts.get(key)]
    report.breakdowns.append(Breakdown("reception_outcome", _("Reception visits by outcome"), rows))
