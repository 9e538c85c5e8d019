"""Booking from the client's side: point → day → free slot, "my bookings", cancel and
move; the unique index that keeps one visitor per slot; another client's booking is
"not found"; the registrar manages any booking and the client is told."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.reception import services
from cases.reception.models import Booking, BookingStatus, EventKind

pytestmark = pytest.mark.django_db

QUESTION = "Как указать в справке вклад, закрытый в декабре?"


def form(slot, **extra):
    data = {"slot": slot.token, "topic": "declarations", "question": QUESTION,
            "reminder_channel": "email", "reminder_contact": ""}  # fmt: skip
    data.update(extra)
    return data


def test_client_books_a_free_slot_and_sees_it(client, org, point, free_slot):
    client.force_login(org.client)
    assert point.title in client.get(reverse("reception:points")).content.decode()
    slot = free_slot()
    page = client.get(reverse("reception:book", args=[point.pk]),
                      {"day": slot.starts.date().isoformat()})  # fmt: skip
    assert page.status_code == 200 and f'value="{slot.token}"' in page.content.decode()
    response = client.post(reverse("reception:book", args=[point.pk]), form(slot))
    assert response.status_code == 302 and response["Location"] == reverse("reception:mine")
    booking = Booking.objects.get()
    assert booking.client == org.client and booking.starts_at == slot.starts
    assert booking.ends_at - booking.starts_at == dt.timedelta(minutes=30)
    assert booking.reminder_contact == org.client.email  # the account's address by default
    assert booking.unit == org.units["ОДС"]  # the unit the topic is routed to
    assert booking.events.get().kind == EventKind.BOOKED
    mine = client.get(reverse("reception:mine")).content.decode()
    assert QUESTION in mine and f'data-booking="{booking.pk}"' in mine


def test_a_taken_slot_is_refused_with_the_typed_data_kept(client, org, point, free_slot):
    slot = free_slot()
    services.book(org.client2, point, slot.starts, topic="law", question="Первый")
    client.force_login(org.client)
    response = client.post(reverse("reception:book", args=[point.pk]), form(slot))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Извините, это время только что заняли" in html
    assert QUESTION in html  # what the client typed is still in the form
    assert Booking.objects.count() == 1


def test_the_database_allows_one_active_booking_per_slot(org, point, make_booking):
    start = timezone.now() + dt.timedelta(days=3)
    first = make_booking(start)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_booking(start, client=org.client2)
    first.status = BookingStatus.CANCELLED
    first.save()
    make_booking(start, client=org.client2)  # a cancelled booking frees the slot
    assert Booking.objects.active().count() == 1


def test_a_slot_off_the_grid_is_refused(client, org, point, free_slot):
    slot = free_slot()
    client.force_login(org.client)
    odd = slot.starts + dt.timedelta(minutes=7)
    response = client.post(reverse("reception:book", args=[point.pk]),
                           dict(form(slot), slot=odd.isoformat()))  # fmt: skip
    assert response.status_code == 400
    assert "Это время нельзя забронировать" in response.content.decode()
    assert not Booking.objects.exists()


def test_required_fields_in_russian(client, org, point, free_slot):
    client.force_login(org.client)
    data = {"topic": "law", "question": QUESTION, "reminder_channel": "phone"}
    response = client.post(reverse("reception:book", args=[point.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Выберите свободное время из списка." in html and QUESTION in html
    response = client.post(reverse("reception:book", args=[point.pk]),
                           form(free_slot(), reminder_channel="phone"))  # fmt: skip
    assert "Укажите телефон для напоминания." in response.content.decode()


def test_client_cancels_and_moves_their_own_booking(client, org, point, free_slot):
    first, second = free_slot(0), free_slot(1)
    booking = services.book(org.client, point, first.starts, topic="law", question="Вопрос")
    client.force_login(org.client)
    url = reverse("reception:reschedule", args=[booking.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"slot": second.token, "shown": booking.starts_token})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == second.starts
    moved = booking.events.get(kind=EventKind.RESCHEDULED)
    assert moved.data["old"] == first.starts.isoformat() and moved.actor == org.client
    # The old time is free again: somebody else books it.
    services.book(org.client2, point, first.starts, topic="law", question="Другой")
    # A form showing the old time does not cancel the moved booking blindly.
    response = client.post(reverse("reception:cancel", args=[booking.pk]),
                           {"shown": first.token})  # fmt: skip
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    response = client.post(reverse("reception:cancel", args=[booking.pk]),
                           {"shown": booking.starts_token}, follow=True)  # fmt: skip
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_at
    assert "Запись отменена." in response.content.decode()
    assert [e.kind for e in booking.events.all()] == ["booked", "rescheduled", "cancelled"]


def test_moving_onto_a_taken_slot_is_refused(client, org, point, free_slot):
    mine = services.book(org.client, point, free_slot(0).starts, topic="law", question="Я")
    other = services.book(org.client2, point, free_slot(1).starts, topic="law", question="Он")
    client.force_login(org.client)
    response = client.post(reverse("reception:reschedule", args=[mine.pk]),
                           {"slot": other.starts_token, "shown": mine.starts_token})  # fmt: skip
    assert response.status_code == 409
    assert "Извините, это время только что заняли" in response.content.decode()
    mine.refresh_from_db()
    assert mine.starts_at != other.starts_at


@pytest.mark.parametrize("intruder", ["client2", "reader", "executor", "head"])
def test_another_users_booking_is_not_found(client, org, point, free_slot, intruder):
    booking = services.book(org.client, point, free_slot().starts, topic="law",
                            question="Личный вопрос клиента")  # fmt: skip
    client.force_login(org.users[intruder])
    assert client.get(reverse("reception:reschedule", args=[booking.pk])).status_code == 404
    data = {"shown": booking.starts_token, "slot": free_slot(1).token}
    assert client.post(reverse("reception:reschedule", args=[booking.pk]), data).status_code == 404
    assert client.post(reverse("reception:cancel", args=[booking.pk]), data).status_code == 404
    assert "Личный вопрос клиента" not in client.get(reverse("reception:mine")).content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED and booking.events.count() == 1


def test_a_past_booking_cannot_be_cancelled(client, org, make_booking):
    booking = make_booking(timezone.now() - dt.timedelta(days=1))
    client.force_login(org.client)
    client.post(reverse("reception:cancel", args=[booking.pk]), {"shown": booking.starts_token})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_registrar_cancels_and_moves_any_booking_and_the_client_is_told(
    client, org, point, free_slot, django_capture_on_commit_callbacks
):
    booking = services.book(org.client, point, free_slot(0).starts, topic="law", question="?")
    target = free_slot(1)
    client.force_login(org.registrar)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reception:reschedule", args=[booking.pk]),
                               {"slot": target.token, "shown": booking.starts_token})  # fmt: skip
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == target.starts
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [org.client.email]
    assert "Перенесено" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reception:cancel", args=[booking.pk]),
                    {"shown": booking.starts_token, "reason": "Болезнь сотрудника"})  # fmt: skip
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert "Болезнь сотрудника" in mail.outbox[1].body
    assert booking.events.get(kind=EventKind.CANCELLED).actor == org.registrar


@pytest.mark.parametrize(
    ("username", "reception", "day_list", "gaps"),
    [
        ("client", True, False, False),
        ("reader", True, False, False),
        ("registrar", True, True, False),
        ("executor", True, True, False),
        ("editor", True, True, True),
        ("head", True, True, True),
    ],
)
def test_the_cases_menu_links(client, org, username, reception, day_list, gaps):
    client.force_login(org.users[username])
    html = client.get(reverse("cases:mine")).content.decode()
    assert (f'href="{reverse("reception:mine")}"' in html) is reception
    assert (f'href="{reverse("reception:day")}"' in html) is day_list
    assert (f'href="{reverse("gaps:list")}"' in html) is gaps
    if gaps:  # the link leads to a page the user may open
        assert client.get(reverse("gaps:list")).status_code == 200
