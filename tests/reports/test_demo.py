"""The reports' demo history: seed_demo builds it once, and the report shows it."""

import pytest

from cases.models import Case, Rating
from cases.reports import demo as reports_demo
from cases.reports import figures
from intranet.models import Unit

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_report_history_once(demo):
    """The demo world is built by seed_demo (tests/worlds.py); seeding again adds no case."""
    history = Case.objects.filter(subject__startswith=reports_demo.PREFIX)
    assert history.count() == len(reports_demo.HISTORY)
    assert Rating.objects.filter(case__in=history).count() == 7
    assert reports_demo.seed() == {"cases": []}
    unit = Unit.objects.get(short_name="ОДС")
    oldest = min(c.received_at for c in history).date()
    report = figures.build(frozenset({unit.pk}), oldest, max(c.received_at for c in history).date())
    assert report.received >= len(reports_demo.HISTORY)
    assert report.refused >= 1 and report.ratings >= 7
    assert all(b.rows for b in report.breakdowns if b.key in ("channel", "topic", "unit"))
