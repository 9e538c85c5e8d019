"""The reception card: the oral message and its outcome. An oral answer needs the
client's consent (recorded, and required by the database too); "turn into a written case"
registers the case in one click through cases.services, prefilled from the card and
linked to it; an executor's card waits for the registrar; clients and readers are
refused; the day's list and its print view."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.choices import Channel, ReplyChannel, Status
from cases.models import Case
from cases.reception.models import CardOutcome, EventKind, ReceptionCard

pytestmark = pytest.mark.django_db

MESSAGE = "Посетитель просит разъяснить, нужно ли уведомлять о подарке стоимостью до 3000 рублей."


@pytest.fixture
def visit(make_booking):
    """A visit that took place an hour ago."""
    starts = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    return make_booking(starts, topic="prohibitions", question="Подарок на юбилей")


def card_url(booking):
    return reverse("reception:card", args=[booking.pk])


def test_an_oral_answer_needs_the_clients_consent(client, org, visit):
    client.force_login(org.executor)
    data = {"message": MESSAGE, "answer": "Уведомлять не нужно, если подарок не связан со службой.",
            "action": "oral"}  # fmt: skip
    response = client.post(card_url(visit), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Для устного ответа нужно согласие клиента" in html
    assert MESSAGE in html  # the typed message is kept
    assert not ReceptionCard.objects.exists()
    response = client.post(card_url(visit), dict(data, oral_consent="on"))
    assert response.status_code == 302
    card = ReceptionCard.objects.get()
    assert card.outcome == CardOutcome.ORAL and card.oral_consent
    assert card.consent_recorded_at is not None and card.recorded_by == org.executor
    assert card.case is None and not Case.objects.exists()
    assert visit.events.get(kind=EventKind.CARD).actor == org.executor
    assert "Клиент согласился на устный ответ" in client.get(card_url(visit)).content.decode()


def test_the_database_refuses_an_oral_answer_without_consent(org, visit):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceptionCard.objects.create(booking=visit, message="?", outcome=CardOutcome.ORAL,
                                     answer="Да.", recorded_by=org.executor)  # fmt: skip


def test_an_oral_answer_must_be_written_down(client, org, visit):
    client.force_login(org.executor)
    response = client.post(card_url(visit), {"message": MESSAGE, "oral_consent": "on",
                                              "action": "oral"})  # fmt: skip
    assert response.status_code == 400
    assert "Запишите устный ответ." in response.content.decode()


def test_the_registrar_turns_the_card_into_a_written_case_in_one_click(client, org, visit):
    client.force_login(org.registrar)
    response = client.post(card_url(visit), {"message": MESSAGE, "action": "written"})
    card = ReceptionCard.objects.get()
    case = card.case
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.client == org.client and case.channel == Channel.VISIT
    assert case.text == MESSAGE and case.topic == "prohibitions"
    assert case.subject.startswith("Личный приём ") and "запреты" in case.subject.lower()
    assert "Подарок на юбилей" in case.client_comments
    assert case.status == Status.REGISTERED and case.registration_number
    assert case.registered_by == org.registrar
    assert case.reply_channel == ReplyChannel.EMAIL and case.reply_contact == org.client.email
    assert case.received_at == visit.starts_at
    assert case.reception_card == card  # linked both ways
    assert visit.events.filter(kind=EventKind.CASE, data__case=case.pk).exists()
    # The card is final now: a second post changes nothing.
    response = client.post(card_url(visit), {"message": "другое", "action": "oral",
                                              "answer": "x", "oral_consent": "on"})  # fmt: skip
    assert response.status_code == 400
    card.refresh_from_db()
    assert card.message == MESSAGE and Case.objects.count() == 1
    # The client sees the case among their questions.
    client.force_login(org.client)
    assert client.get(reverse("cases:client_detail", args=[case.pk])).status_code == 200


def test_an_executors_written_card_waits_for_the_registrar(client, org, visit):
    client.force_login(org.executor)
    client.post(card_url(visit), {"message": MESSAGE, "action": "written"})
    card = ReceptionCard.objects.get()
    assert card.awaits_registration and not Case.objects.exists()
    day = timezone.localtime(visit.starts_at).date().isoformat()
    client.force_login(org.registrar)
    html = client.get(reverse("reception:day"), {"day": day}).content.decode()
    assert "зарегистрировать" in html
    response = client.post(card_url(visit), {"message": MESSAGE, "action": "written"})
    card.refresh_from_db()
    assert card.case is not None and response["Location"] == card.case.get_absolute_url()
    assert card.recorded_by == org.executor


def test_no_card_before_the_visit(client, org, make_booking):
    booking = make_booking(timezone.now() + dt.timedelta(days=2))
    client.force_login(org.registrar)
    response = client.post(card_url(booking), {"message": MESSAGE, "action": "written"})
    assert response.status_code == 400
    assert "Приём ещё не состоялся." in response.content.decode()
    assert not ReceptionCard.objects.exists()


@pytest.mark.parametrize("username", ["client", "client2", "reader"])
def test_clients_and_readers_see_no_cards_and_no_day_list(client, org, visit, username):
    client.force_login(org.users[username])
    assert client.get(card_url(visit)).status_code == 403
    assert (
        client.post(card_url(visit), {"message": MESSAGE, "action": "written"}).status_code == 403
    )
    assert client.get(reverse("reception:day")).status_code == 403
    assert client.get(reverse("reception:day_print")).status_code == 403
    assert not ReceptionCard.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize("username", ["registrar", "head", "chief", "executor"])
def test_the_days_list_and_its_print_view(client, org, point, make_booking, username):
    starts = timezone.make_aware(dt.datetime(2026, 12, 1, 9, 30))
    make_booking(starts, question="Вопрос для списка дня")
    make_booking(starts + dt.timedelta(minutes=30), client=org.client2, status="cancelled",
                 question="Отменённый вопрос")  # fmt: skip
    client.force_login(org.users[username])
    query = {"point": point.pk, "day": "2026-12-01"}
    html = client.get(reverse("reception:day"), query).content.decode()
    assert "Иванов Иван Иванович" in html and "Вопрос для списка дня" in html
    assert "Отменённый вопрос" not in html
    assert "cases-nav" in html
    printed = client.get(reverse("reception:day_print"), query).content.decode()
    assert "Список записанных на личный приём" in printed and "09:30–10:00" in printed
    assert "Иванов Иван Иванович" in printed
    assert "reception/print.css" in printed
    assert "cases-nav" not in printed and "main-nav" not in printed and "<nav" not in printed
