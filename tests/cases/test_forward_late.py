"""Forwarding to the competent body after its term (59-FZ art. 8 p. 3: 7 days of
registration) goes through, but is warned about, recorded as late by N days in the
timeline and counted in the reports; an on-time forwarding is unchanged.

The case is registered on Mon 02.03.2026. +7 = Mon 09.03.2026, the day off for 08.03
(Sunday): with the "preceding" shift the term ends on Fri 06.03, with "following" on
Tue 10.03 (worked out by hand from the 2026 production calendar)."""

import datetime as dt

import pytest
from django.contrib.messages import constants, get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services
from cases.choices import ReplyChannel, Status
from cases.models import Case, EventKind, Forwarding
from cases.reports import figures
from tests.cases.conftest import moscow

pytestmark = pytest.mark.django_db

FORM = {
    "body_name": "Прокуратура Санкт-Петербурга",
    "body_contacts": "191028, Санкт-Петербург, ул. Почтамтская, д. 2/9",
    "covering_letter": "Направляем обращение по компетенции.",
}
LATE_MARK = "Переадресовано с нарушением срока"


@pytest.fixture
def case(make_case):
    return make_case(
        state="assigned",
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="client@example.gov.ru",
        at=moscow(2026, 3, 2, 10),
    )


@pytest.mark.parametrize(
    ("shift", "forwarded", "due", "days_late", "words"),
    [
        ("preceding", moscow(2026, 3, 3, 9), dt.date(2026, 3, 6), 0, ""),
        ("preceding", moscow(2026, 3, 6, 18), dt.date(2026, 3, 6), 0, ""),
        ("preceding", moscow(2026, 3, 7, 10), dt.date(2026, 3, 6), 1, "на 1 день"),
        ("preceding", moscow(2026, 3, 10, 10), dt.date(2026, 3, 6), 4, "на 4 дня"),
        ("preceding", moscow(2026, 3, 12, 10), dt.date(2026, 3, 6), 6, "на 6 дней"),
        ("following", moscow(2026, 3, 10, 10), dt.date(2026, 3, 10), 0, ""),
        ("following", moscow(2026, 3, 12, 10), dt.date(2026, 3, 10), 2, "на 2 дня"),
    ],
)
def test_service_records_a_late_forwarding_with_its_days(
    settings, case, org, shift, forwarded, due, days_late, words
):
    settings.CASES_DEADLINE_SHIFT = shift
    forwarding = services.forward(case, org.executor, at=forwarded, **FORM)
    assert forwarding.notice_due == due
    assert forwarding.on_time is (days_late == 0)
    assert forwarding.days_late == days_late
    case.refresh_from_db()
    assert case.status == Status.FORWARDED  # allowed either way
    event = case.events.get(kind=EventKind.FORWARDED)
    assert event.data["days_late"] == days_late
    assert event.data["on_time"] is (days_late == 0)
    if days_late:
        assert LATE_MARK in event.reason and words in event.reason, event.reason
        assert due.strftime("%d.%m.%Y") in event.reason
        assert words in forwarding.late_warning()
    else:
        assert event.reason == "" and forwarding.late_warning() == ""


def test_refused_side_of_the_service(case, org):
    with pytest.raises(PermissionDenied):  # the client sees the case but does not work it
        services.forward(case, org.client, at=moscow(2026, 3, 12, 10), **FORM)
    with pytest.raises(Case.DoesNotExist):  # another unit's executor does not see it
        services.forward(case, org.executor2, at=moscow(2026, 3, 12, 10), **FORM)
    assert not Forwarding.objects.filter(case=case).exists()


def _late_days_today() -> int:
    """Days from the hand-worked term end (06.03.2026, preceding) to today."""
    return (timezone.localdate() - dt.date(2026, 3, 6)).days


@pytest.mark.parametrize("late", [False, True])
def test_page_warns_about_a_late_forwarding_only(client, org, make_case, late):
    case = (
        make_case(state="assigned", at=moscow(2026, 3, 2, 10))
        if late
        else make_case(state="assigned")
    )
    client.force_login(org.executor)
    response = client.post(reverse("cases:forward", args=[case.pk]), FORM)
    assert response.status_code == 302
    sent = list(get_messages(response.wsgi_request))
    warnings = [str(m) for m in sent if m.level == constants.WARNING]
    assert any(m.level == constants.SUCCESS for m in sent)
    forwarding = Forwarding.objects.get(case=case)
    if late:
        assert len(warnings) == 1 and LATE_MARK in warnings[0]
        assert f"опоздание на {_late_days_today()} " in warnings[0]
        assert forwarding.days_late == _late_days_today()
        page = client.get(case.get_absolute_url()).content.decode()
        assert LATE_MARK in page
    else:
        assert warnings == [] and forwarding.on_time


def test_page_refuses_a_client(client, org, make_case):
    case = make_case(state="assigned", at=moscow(2026, 3, 2, 10))
    client.force_login(org.client)
    response = client.post(reverse("cases:forward", args=[case.pk]), FORM)
    assert response.status_code in (403, 404)
    assert not Forwarding.objects.filter(case=case).exists()


@pytest.mark.parametrize("late", [False, True])
def test_api_says_a_forwarding_was_late(org, make_case, late):
    case = (
        make_case(state="assigned", at=moscow(2026, 3, 2, 10))
        if late
        else make_case(state="assigned")
    )
    api = APIClient()
    api.force_authenticate(org.client)
    assert api.post(f"/api/cases/{case.pk}/forward/", FORM, format="json").status_code == 403
    api.force_authenticate(org.executor)
    response = api.post(f"/api/cases/{case.pk}/forward/", FORM, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "forwarded"
    forwarding = body["forwarding"]
    if late:
        assert forwarding["on_time"] is False
        assert forwarding["days_late"] == _late_days_today()
        assert forwarding["notice_due"] == "2026-03-06"
        assert LATE_MARK in forwarding["warning"]
        event = next(e for e in body["events"] if e["kind"] == EventKind.FORWARDED)
        assert LATE_MARK in event["reason"]
    else:
        assert forwarding["on_time"] is True
        assert forwarding["days_late"] == 0 and forwarding["warning"] == ""


def test_client_does_not_get_the_forwarding_record(org, make_case):
    case = make_case(state="assigned", at=moscow(2026, 3, 2, 10))
    services.forward(case, org.executor, at=moscow(2026, 3, 12, 10), **FORM)
    api = APIClient()
    api.force_authenticate(org.client)
    body = api.get(f"/api/cases/{case.pk}/").json()
    assert body["audience"] == "client" and "forwarding" not in body


def test_report_counts_late_forwardings_per_unit_and_period(client, org, make_case):
    unit = org.units["ОДС"].pk
    received = moscow(2026, 3, 2, 10)
    for forwarded in (moscow(2026, 3, 5, 10), moscow(2026, 3, 12, 10), moscow(2026, 3, 20, 10)):
        case = make_case(state="assigned", at=received)
        services.forward(case, org.executor, at=forwarded, **FORM)
    make_case(state="assigned", at=received)  # not forwarded
    march = figures.build([unit], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (march.forwarded, march.forwarded_late) == (3, 2)
    april = figures.build([unit], dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert (april.forwarded, april.forwarded_late) == (0, 0)
    other_unit = figures.build([org.units["ОКИ"].pk], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert other_unit.forwarded_late == 0
    client.force_login(org.head)
    page = client.get(reverse("reports:report"), {"start": "2026-03-01", "end": "2026-03-31"})
    html = page.content.decode()
    assert LATE_MARK in html and 'data-figure="forwarded_late">2<' in html
