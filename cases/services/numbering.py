"""Numbering: registration numbers of incoming messages and outgoing numbers of answers,
both issued from one locked, gap-free counter (a RegistrationCounter row per series and
year)."""

from __future__ import annotations

from django.conf import settings

from cases import deadlines
from cases.models import RegistrationCounter

# The counter series of outgoing numbers (the incoming series are the regimes).
OUTGOING = "outgoing"


def issue_number(series: str, year: int) -> int:
    """Issue the next number of `series` in `year` (1, 2, …). Must run inside the
    transaction that uses the number: the counter row stays locked until it commits, so
    concurrent callers queue up and a rolled-back one gives its number back."""
    RegistrationCounter.objects.bulk_create(
        [RegistrationCounter(regime=series, year=year)], ignore_conflicts=True
    )
    counter = RegistrationCounter.objects.select_for_update().get(regime=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def next_registration_number(regime: str, year: int) -> tuple[int, str]:
    """Issue the next number of `regime` in `year`, with its text (prefix of the
    regime, year, six digits). Runs inside the registering transaction (issue_number)."""
    number = issue_number(regime, year)
    prefix = deadlines.rules_for(regime).prefix
    return number, f"{prefix}-{year}-{number:06d}"


def next_outgoing_number(year: int) -> str:
    """The next outgoing number of the year (same locked counter, gap-free like
    incoming)."""
    number = issue_number(OUTGOING, year)
    prefix = getattr(settings, "CASES_OUTGOING_PREFIX", "ИСХ")
    return f"{prefix}-{year}-{number:06d}"
