"""Reception visits in the reports (cases.reports), against counts made by hand on a
fixed October 2026: visits of the period (cancelled bookings and other months left out)
by the outcome of their card, in the unit the booking's topic is routed to."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from cases.reception.models import BookingStatus, CardOutcome, ReceptionCard
from cases.reports import figures
from tests.reception.conftest import msk

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-10-01", "end": "2026-10-31"}


@pytest.fixture
def visits(org, make_booking):
    from cases.reception.services import unit_for_topic

    def visit(starts, topic="declarations", outcome=None, **fields):
        booking = make_booking(starts, topic=topic, unit=unit_for_topic(topic), **fields)
        if outcome:
            ReceptionCard.objects.create(
                booking=booking, message="Устное сообщение", outcome=outcome,
                answer="Ответ." if outcome == CardOutcome.ORAL else "",
                oral_consent=outcome == CardOutcome.ORAL, recorded_by=org.executor,
            )  # fmt: skip
        return booking

    visit(msk(2026, 10, 5, 10), outcome=CardOutcome.ORAL)  # ОДС
    visit(msk(2026, 10, 6, 10), outcome=CardOutcome.WRITTEN)  # ОДС
    visit(msk(2026, 10, 7, 10))  # ОДС, no card: did not come
    visit(msk(2026, 10, 8, 10), status=BookingStatus.CANCELLED)  # ОДС, cancelled: no visit
    visit(msk(2026, 9, 30, 10), outcome=CardOutcome.ORAL)  # ОДС, September
    visit(msk(2026, 11, 1, 0, 0), outcome=CardOutcome.ORAL)  # ОДС, just after the period
    visit(msk(2026, 10, 9, 10), topic="conflict", outcome=CardOutcome.ORAL)  # ОКИ


def rows(report):
    return dict(next(b for b in report.breakdowns if b.key == "reception_outcome").rows)


def test_visits_by_outcome_match_the_hand_count(org, visits):
    start, end = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    ods = figures.build([org.units["ОДС"].pk], start, end)
    assert ods.reception_visits == 3
    assert rows(ods) == {
        "Дан устный ответ": 1,
        "Оформлено письменное обращение": 1,
        "Без карточки (не пришёл или карточка не заполнена)": 1,
    }
    oki = figures.build([org.units["ОКИ"].pk], start, end)
    assert oki.reception_visits == 1 and rows(oki) == {"Дан устный ответ": 1}
    everything = figures.build([org.units[u].pk for u in ("ОДС", "ОКИ", "ОМП")], start, end)
    assert everything.reception_visits == 4
    assert rows(everything)["Дан устный ответ"] == 2


def test_future_bookings_are_not_visits_yet(org, make_booking):
    from django.utils import timezone

    from cases.reception.services import unit_for_topic

    make_booking(timezone.now() + dt.timedelta(days=1), unit=unit_for_topic("declarations"))
    today = timezone.localdate()
    report = figures.build([org.units["ОДС"].pk], today, today + dt.timedelta(days=5))
    assert report.reception_visits == 0 and rows(report) == {}


def test_the_page_and_the_exports_show_the_visits(client, org, visits):
    client.force_login(org.head)
    html = client.get(reverse("reports:report"), PERIOD).content.decode()
    assert 'data-figure="reception_visits">3<' in html
    assert 'data-breakdown="reception_outcome"' in html
    exported = client.get(reverse("reports:report"), dict(PERIOD, format="csv"))
    table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Сводка", "Посещения личного приёма", "3"] in table
    assert ["Личный приём по результатам", "Дан устный ответ", "1"] in table
    xlsx = client.get(reverse("reports:report"), dict(PERIOD, format="xlsx"))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = {(r[0], r[1]): r[2] for r in sheet.iter_rows(values_only=True)}
    assert values[("Сводка", "Посещения личного приёма")] == 3
    assert values[("Личный приём по результатам", "Оформлено письменное обращение")] == 1
