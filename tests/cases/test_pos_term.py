"""The feedback platform (ПОС): its 10 calendar days run from the message's receipt on
the platform, not from the body's registration (ПП РФ 1802). The starting event is a
rule of the regime (RegimeRules.answer_from), and the date stored and shown on the case
uses it.

Expected dates worked out by hand from the production calendar (`holidays`, RU):
2024: 27.04 (Sat) a working day, 29.04–30.04 days off, 01.05 holiday.
2025/2026: 31.12.2025 day off, 01–08.01.2026 holidays, 09.01 off; 09.03.2026 off (08.03).
2027: 20.02 (Sat) a working day, 22.02 off, 23.02 holiday."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import deadlines, services
from cases.choices import Channel, Regime, ReplyChannel
from intranet.workdays import ProductionCalendar

D = dt.date
CAL = ProductionCalendar()


def moscow(day: D, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


# (received, registered, shift, expected, why)
POS = [
    (D(2026, 3, 2), D(2026, 3, 5), "preceding", D(2026, 3, 12),
     "02.03 + 10 = Thu 12.03; from registration it would be Sun 15.03 -> Fri 13.03"),
    (D(2026, 3, 2), D(2026, 3, 5), "following", D(2026, 3, 12),
     "02.03 + 10 = Thu 12.03, a working day: no shift"),
    (D(2024, 4, 20), D(2024, 4, 22), "preceding", D(2024, 4, 27),
     "+10 = Tue 30.04.2024 (off); 29.04 off, 28.04 Sun -> Sat 27.04, a working Saturday"),
    (D(2024, 4, 20), D(2024, 4, 22), "following", D(2024, 5, 2),
     "+10 = Tue 30.04.2024 (off); 01.05 holiday -> Thu 02.05"),
    (D(2025, 12, 24), D(2025, 12, 26), "preceding", D(2026, 1, 12),
     "+10 = Sat 03.01.2026 (holiday); back to Tue 30.12.2025 is 4 days -> forward to Mon "
     "12.01.2026"),
    (D(2025, 12, 24), D(2025, 12, 26), "following", D(2026, 1, 12),
     "+10 = 03.01.2026; to 08.01 holidays, 09.01 off, 10–11.01 weekend -> Mon 12.01"),
    (D(2027, 2, 13), D(2027, 2, 15), "preceding", D(2027, 2, 20),
     "+10 = Tue 23.02.2027 (holiday); 22.02 off, 21.02 Sun -> Sat 20.02, a working day"),
    (D(2027, 2, 13), D(2027, 2, 15), "following", D(2027, 2, 24),
     "+10 = Tue 23.02.2027 (holiday) -> Wed 24.02"),
]  # fmt: skip


@pytest.mark.parametrize(("received", "registered", "shift", "expected", "why"), POS)
def test_pos_answer_term_runs_from_receipt(received, registered, shift, expected, why):
    due = deadlines.answer_due(registered, Regime.FEEDBACK, CAL, shift, received=received)
    assert due == expected, why


@pytest.mark.parametrize(
    ("regime", "shift", "expected", "why"),
    [
        (Regime.APPEAL, "preceding", D(2026, 4, 3), "05.03 + 30 = Sat 04.04 -> Fri 03.04"),
        (Regime.APPEAL, "following", D(2026, 4, 6), "05.03 + 30 = Sat 04.04 -> Mon 06.04"),
        (Regime.INFO_REQUEST, "preceding", D(2026, 4, 3), "8-FZ: from registration too"),
    ],
)
def test_other_regimes_still_run_from_registration(regime, shift, expected, why):
    due = deadlines.answer_due(D(2026, 3, 5), regime, CAL, shift, received=D(2026, 3, 2))
    assert due == expected, why


def test_the_starting_event_is_a_rule_of_the_regime(settings):
    assert deadlines.rules_for(Regime.FEEDBACK).answer_from == deadlines.RECEIVED
    assert deadlines.rules_for(Regime.APPEAL).answer_from == deadlines.REGISTERED
    settings.CASES_REGIME_RULES = {"feedback": {"answer_from": "registered"}}
    due = deadlines.answer_due(
        D(2026, 3, 5), Regime.FEEDBACK, CAL, "preceding", received=D(2026, 3, 2)
    )
    assert due == D(2026, 3, 13)  # 05.03 + 10 = Sun 15.03 -> Fri 13.03
    settings.CASES_REGIME_RULES = {"feedback": {"answer_from": "sent"}}
    with pytest.raises(ValueError):
        deadlines.rules_for(Regime.FEEDBACK)


def test_urgent_target_of_a_pos_message_runs_from_receipt():
    # 5 working days after Mon 02.03.2026: 03, 04, 05, 06, 10 (09.03 off) -> Tue 10.03;
    # from registration (05.03) it would be 13.03, capped at the due date 12.03.
    target = deadlines.urgent_target(
        D(2026, 3, 5), Regime.FEEDBACK, CAL, "preceding", received=D(2026, 3, 2)
    )
    assert target == D(2026, 3, 10)


@pytest.mark.django_db
@pytest.mark.parametrize(("received", "registered", "shift", "expected", "why"), POS)
def test_registered_pos_case_stores_and_shows_the_date(
    settings, org, client, received, registered, shift, expected, why
):
    settings.CASES_DEADLINE_SHIFT = shift
    case = services.register_message(
        org.registrar,
        channel=Channel.FEEDBACK,
        subject="Сообщение с платформы обратной связи",
        text="Не убран снег во дворе учреждения.",
        external={"name": "Сидоров Пётр Ильич", "email": "sidorov@example.ru"},
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="sidorov@example.ru",
        received_at=moscow(received),
        at=moscow(registered, 15),
    )
    case.refresh_from_db()
    assert case.regime == Regime.FEEDBACK
    assert case.statutory_deadline == case.due_date == expected, why
    shown = expected.strftime("%d.%m.%Y")
    assert shown in case.events.get(kind="registered").message
    client.force_login(org.registrar)
    assert shown in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    api = APIClient()
    api.force_authenticate(org.registrar)
    assert api.get(f"/api/cases/{case.pk}/").json()["due_date"] == expected.isoformat()
