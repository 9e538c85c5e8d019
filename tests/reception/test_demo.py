"""The reception demo: future bookings (tomorrow's list included, each reminder channel),
past visits with an oral answer and a written case, and nothing new on a second run."""

import pytest
from django.utils import timezone

from cases.reception import demo as reception_demo
from cases.reception.models import Booking, CardOutcome, PointSettings, ReceptionCard

pytestmark = pytest.mark.django_db


def test_demo_bookings_and_cards(demo):
    module = reception_demo
    now = timezone.now()
    future = Booking.objects.active().filter(starts_at__gt=now)
    assert future.count() == len(module.FUTURE)
    assert set(future.values_list("reminder_channel", flat=True)) == {"email", "portal", "phone"}
    assert Booking.objects.filter(starts_at__lt=now).count() == len(module.PAST)
    oral = ReceptionCard.objects.get(outcome=CardOutcome.ORAL)
    assert oral.oral_consent and oral.consent_recorded_at
    written = ReceptionCard.objects.get(outcome=CardOutcome.WRITTEN)
    assert written.case is not None and written.case.channel == "visit"
    assert PointSettings.objects.get().slot_minutes == 30
    assert module.seed() == {"bookings": 0}
    assert Booking.objects.count() == len(module.FUTURE) + len(module.PAST)


def test_the_point_gets_hours_if_it_has_none(org, point):
    point.hours.all().delete()
    reception_demo.seed()
    assert sorted(point.hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4]
    assert Booking.objects.exists()
