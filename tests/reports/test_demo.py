"""The reports' demo history: seed_demo builds it once, and the report shows it."""

import pytest
from django.core.management import call_command

from cases.models import Case, Rating
from cases.reports import demo, figures
from intranet.models import Unit

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_report_history_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    history = Case.objects.filter(subject__startswith=demo.PREFIX)
    assert history.count() == len(demo.HISTORY)
    assert Rating.objects.filter(case__in=history).count() == 7
    assert demo.seed() == {"cases": []}
    unit = Unit.objects.get(short_name="ОДС")
    oldest = min(c.received_at for c in history).date()
    report = figures.build(frozenset({unit.pk}), oldest, max(c.received_at for c in history).date())
    assert report.received >= len(demo.HISTORY)
    assert report.refused >= 1 and report.ratings >= 7
    assert all(b.rows for b in report.breakdowns if b.key in ("channel", "topic", "unit"))
