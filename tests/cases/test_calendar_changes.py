"""A production calendar exception added, changed or removed in the admin re-dates the
running cases it affects (cases/redating.py): a timeline entry on each, and a letter
to the client when the date they see moves.

Dates worked out by hand from the production calendar of the `holidays` library:
2024: 28.12 (Sat) a working day; 2025: 09.01 the first working day of the year, 01–04
and 08–11.05 days off; 2026: 08.05 (Fri) working, 11.05 day off, 12.06 (Fri) holiday;
2027: 20.02 (Sat) working, 22.02 day off, 23.02 holiday, 10.05 (Mon) day off.
"""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from cases import redating, services
from cases.choices import Regime, ReplyChannel, Status
from cases.models import Case, DeliveryPurpose, EventKind
from intranet.workdays import ProductionCalendar
from tests.cases.conftest import moscow

D = dt.date
A, IR, POS, IM = Regime.APPEAL, Regime.INFO_REQUEST, Regime.FEEDBACK, Regime.INCIDENT
P, F = "preceding", "following"

# shift, regime, registered (received the same day unless given), how the case runs
# (plain / urgent / extended N days), exception (date, working), field, before, after
TABLE = [
    (P, A, D(2026, 5, 16), None, "plain", (D(2026, 6, 15), False), "statutory_deadline",
     D(2026, 6, 15), D(2026, 6, 16),
     "the issue's day off on Mon 15.06.2026: back to 11.06 is 4 days, so forward"),
    (F, A, D(2026, 5, 16), None, "plain", (D(2026, 6, 15), False), "statutory_deadline",
     D(2026, 6, 15), D(2026, 6, 16), "15.06 off -> 16.06"),
    (P, A, D(2026, 5, 13), None, "plain", (D(2026, 6, 12), True), "statutory_deadline",
     D(2026, 6, 11), D(2026, 6, 12), "12.06.2026 made working: no move back to 11.06"),
    (F, A, D(2026, 5, 13), None, "plain", (D(2026, 6, 12), True), "statutory_deadline",
     D(2026, 6, 15), D(2026, 6, 12), "12.06 made working: no move on to 15.06"),
    (P, A, D(2026, 4, 11), None, 30, (D(2026, 6, 10), False), "statutory_deadline",
     D(2026, 6, 10), D(2026, 6, 9), "extended from 11.05 to 10.06; 10.06 off -> 09.06"),
    (F, A, D(2026, 4, 11), None, 30, (D(2026, 6, 10), False), "statutory_deadline",
     D(2026, 6, 10), D(2026, 6, 11), "extended from 11.05 to 10.06; 10.06 off -> 11.06"),
    (P, A, D(2026, 6, 1), None, "urgent", (D(2026, 6, 3), False), "target_deadline",
     D(2026, 6, 8), D(2026, 6, 9), "5 working days from Mon 01.06 skip the new day off"),
    (P, A, D(2024, 11, 29), None, "plain", (D(2024, 12, 28), False), "statutory_deadline",
     D(2024, 12, 28), D(2024, 12, 27), "29.12.2024 (Sun) -> Sat 28.12; made a day off -> 27.12"),
    (F, IM, D(2027, 2, 15), None, "plain", (D(2027, 2, 20), False), "statutory_deadline",
     D(2027, 2, 25), D(2027, 2, 26), "7 working days; working Sat 20.02.2027 made a day off"),
    (P, POS, D(2027, 5, 3), D(2027, 4, 30), "plain", (D(2027, 5, 10), True),
     "statutory_deadline", D(2027, 5, 7), D(2027, 5, 10),
     "ПОС from receipt 30.04.2027 + 10 = Mon 10.05 (day off) -> 07.05; made working"),
    (F, POS, D(2027, 5, 3), D(2027, 4, 30), "plain", (D(2027, 5, 10), True),
     "statutory_deadline", D(2027, 5, 11), D(2027, 5, 10), "the same, moved on to 11.05"),
]  # fmt: skip

# Changes that move nothing: the case is counted the same on both calendars.
UNMOVED = [
    (F, A, D(2024, 11, 29), None, "plain", (D(2024, 12, 28), False), "statutory_deadline",
     D(2025, 1, 9), D(2025, 1, 9), "29.12.2024 -> 09.01.2025 whatever 28.12 is"),
    (P, IR, D(2025, 4, 5), None, "plain", (D(2025, 5, 8), True), "statutory_deadline",
     D(2025, 5, 5), D(2025, 5, 5), "05.05.2025 is a working day; 08.05 does not matter"),
    (P, A, D(2026, 3, 2), None, "plain", (D(2026, 6, 15), False), "statutory_deadline",
     D(2026, 4, 1), D(2026, 4, 1), "due long before the changed day"),
]  # fmt: skip


def _case(register_post, org, regime, registered, received, how):
    received = received or registered
    case = register_post(
        regime=regime,
        received_at=moscow(received.year, received.month, received.day, 10),
        at=moscow(registered.year, registered.month, registered.day, 11),
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="client@example.gov.ru",
    )
    case = services.decide_urgency(case, org.registrar, urgent=how == "urgent")
    case = services.assign(case, org.registrar, unit=org.units["ОДС"], executor=org.executor)
    if isinstance(how, int):
        case = services.extend(
            case, org.head, days=how, reason="Запрошены документы",
            at=moscow(registered.year, registered.month, registered.day, 15),
        )  # fmt: skip
    return case


def _day_off(day, capture):
    """Re-date on the library's calendar with `day` made a day off."""
    with capture(execute=True):
        return redating.redate(
            [day], ProductionCalendar(), ProductionCalendar({day: False}), change="Указ"
        )


def _run(settings, register_post, org, row, capture):
    shift, regime, registered, received, how, (day, working), field, before, _after, why = row
    settings.CASES_DEADLINE_SHIFT = shift
    case = _case(register_post, org, regime, registered, received, how)
    assert getattr(case, field) == before, why
    mail.outbox.clear()
    changed = ProductionCalendar({day: working})
    with capture(execute=True):
        outcome = redating.redate([day], ProductionCalendar(), changed, change="Указ")
    case.refresh_from_db()
    return case, outcome


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("shift", "regime", "registered", "received", "how", "exception", "field", "before",
     "after", "why"),
    TABLE + UNMOVED,
)  # fmt: skip
def test_the_dates_move_with_the_calendar(
    settings, register_post, org, django_capture_on_commit_callbacks,
    shift, regime, registered, received, how, exception, field, before, after, why,
):  # fmt: skip
    """Moved: the date, the entry, the letter. Unmoved: nothing at all."""
    row = (shift, regime, registered, received, how, exception, field, before, after, why)
    case, outcome = _run(settings, register_post, org, row, django_capture_on_commit_callbacks)
    assert getattr(case, field) == after, why
    if before == after:
        assert not outcome.redated
        assert not case.events.filter(kind=EventKind.REDATED).exists()
        assert not mail.outbox
        return
    assert case.due_date == after, why
    assert outcome.redated == [case.pk] and not outcome.failed
    event = case.events.get(kind=EventKind.REDATED)
    assert event.visible_to_client and event.reason == "Указ"
    assert after.strftime("%d.%m.%Y") in event.message, event.message
    assert event.data["due_date"] == [str(before), str(after)]
    letter = case.deliveries.get(purpose=DeliveryPurpose.DEADLINE)
    assert after.strftime("%d.%m.%Y") in letter.subject
    assert before.strftime("%d.%m.%Y") in letter.body and "Указ" in letter.body
    assert [m.to for m in mail.outbox] == [["client@example.gov.ru"]]


@pytest.mark.django_db
def test_an_unregistered_message_moves_inside_the_desk_only(
    settings, org, django_capture_on_commit_callbacks
):
    """The registration term is the desk's: the entry is internal and no letter goes."""
    settings.CASES_AUTO_REGISTER_PORTAL = False
    case = services.submit_question(
        org.client, subject="Вопрос", text="Как уведомить о подарке?",
        at=moscow(2026, 5, 8, 19, 30),
    )  # fmt: skip
    assert case.status == Status.RECEIVED and case.registration_deadline == D(2026, 5, 12)
    _day_off(D(2026, 5, 12), django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.registration_deadline == D(2026, 5, 13)
    event = case.events.get(kind=EventKind.REDATED)
    assert not event.visible_to_client
    assert "Зарегистрировать до: 12.05.2026 → 13.05.2026" in event.message
    assert not case.deliveries.exists() and not mail.outbox


@pytest.mark.django_db
def test_one_bad_case_does_not_stop_the_others(
    register_post, org, monkeypatch, django_capture_on_commit_callbacks
):
    first = _case(register_post, org, A, D(2026, 5, 16), None, "plain")
    second = _case(register_post, org, A, D(2026, 5, 16), None, "plain")
    counted = redating.case_dates

    def broken(case, calendar):
        if case.pk == first.pk:
            raise ValueError("a broken row")
        return counted(case, calendar)

    monkeypatch.setattr(redating, "case_dates", broken)
    outcome = _day_off(D(2026, 6, 15), django_capture_on_commit_callbacks)
    assert outcome.failed == [first.pk] and outcome.redated == [second.pk]
    second.refresh_from_db()
    assert second.due_date == D(2026, 6, 16)
    first.refresh_from_db()
    assert first.due_date == D(2026, 6, 15)


@pytest.mark.django_db
def test_the_admin_adds_and_removes_a_day_off(
    client, register_post, org, django_capture_on_commit_callbacks
):
    """The journey of the issue: a regional day off on 15.06.2026 entered in the admin
    moves a case due that day to 16.06, the client is told and sees it on their page;
    removing the exception moves it back."""
    from intranet.models import CalendarOverride

    case = _case(register_post, org, A, D(2026, 5, 16), None, "plain")
    mail.outbox.clear()
    client.force_login(org.admin)
    data = {"date": "2026-06-15", "reason": "Указ губернатора № 12"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/org/calendar/new/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.statutory_deadline == case.due_date == D(2026, 6, 16)
    event = case.events.get(kind=EventKind.REDATED)
    assert event.reason == "15.06.2026 — нерабочий день: Указ губернатора № 12"
    assert len(mail.outbox) == 1 and "16.06.2026" in mail.outbox[0].subject
    assert "Изменился производственный календарь" in mail.outbox[0].body

    # The client reads the entry on their page (an external client here: the desk's
    # page shows the same entry to the staff).
    client.force_login(org.head)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Срок ответа перенесён с 15.06.2026 на 16.06.2026" in page

    override = CalendarOverride.objects.get(date=D(2026, 6, 15))
    client.force_login(org.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/org/calendar/delete/{override.pk}/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.due_date == D(2026, 6, 15)
    assert case.events.filter(kind=EventKind.REDATED).count() == 2
    assert "удалено" in case.events.filter(kind=EventKind.REDATED).latest("at").reason
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_only_the_reason_changed_moves_nothing(
    org, register_post, django_capture_on_commit_callbacks
):
    from intranet.models import CalendarOverride

    case = _case(register_post, org, A, D(2026, 5, 16), None, "plain")
    with django_capture_on_commit_callbacks(execute=True):
        override = CalendarOverride.objects.create(date=D(2026, 6, 15), reason="Указ")
    with django_capture_on_commit_callbacks(execute=True):
        override.reason = "Указ губернатора"
        override.save()
    assert case.events.filter(kind=EventKind.REDATED).count() == 1


@pytest.mark.django_db
def test_the_client_sees_the_new_date_on_their_page(
    client, org, django_capture_on_commit_callbacks
):
    from intranet.models import CalendarOverride

    case = services.submit_question(
        org.client, subject="Вопрос", text="Как уведомить о подарке?",
        at=moscow(2026, 5, 16, 10),
    )  # fmt: skip
    assert case.due_date == D(2026, 6, 15)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=D(2026, 6, 15), reason="Указ")
    client.force_login(org.client)
    page = client.get(case.get_client_url()).content.decode()
    assert "Срок ответа перенесён с 15.06.2026 на 16.06.2026: изменился" in page


@pytest.mark.django_db
def test_a_head_cannot_change_the_calendar(client, org):
    from intranet.models import CalendarOverride

    client.force_login(org.head)
    response = client.post("/admin/org/calendar/new/", {"date": "2026-06-15", "reason": "x"})
    assert response.status_code in (302, 403)
    assert not CalendarOverride.objects.exists()
    assert not Case.objects.filter(events__kind=EventKind.REDATED).exists()


@pytest.mark.django_db
def test_a_request_to_another_body_waits_for_its_new_date(
    register_post, org, django_capture_on_commit_callbacks
):
    """59-FZ art. 10 p. 2: 15 days; requested 31.05.2026 -> 15.06, a day off since."""
    case = _case(register_post, org, A, D(2026, 5, 29), None, "plain")
    request = services.request_documents(
        case, org.executor, body_name="Росреестр", what="Выписка",
        at=moscow(2026, 5, 31, 12),
    )  # fmt: skip
    assert request.due_date == D(2026, 6, 15)
    _day_off(D(2026, 6, 15), django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.due_date == D(2026, 6, 16)
