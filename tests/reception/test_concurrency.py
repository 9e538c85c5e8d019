"""Two clients book the same slot at the same moment on PostgreSQL, each through the
booking page on a connection of its own. Both pass the "is it free?" check before either
writes (a barrier holds them there), so the database's unique index alone decides:
exactly one booking, and the other client gets the Russian "just taken" error with what
they typed still in the form."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.reception import services
from cases.reception.models import Booking

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _race(monkeypatch, parties: int):
    """Make every booking wait after its free-slot check until all have checked."""
    barrier = threading.Barrier(parties, timeout=30)
    original = services._slot_is_free

    def checked_then_wait(*args, **kwargs):
        free = original(*args, **kwargs)
        barrier.wait()
        return free

    monkeypatch.setattr(services, "_slot_is_free", checked_then_wait)


def test_two_clients_book_the_same_slot_at_once(org, point, free_slot, monkeypatch):
    slot = free_slot()
    url = reverse("reception:book", args=[point.pk])
    questions = {
        "client": "Вопрос первого клиента о справке о доходах",
        "client2": "Вопрос второго клиента о конфликте интересов",
    }
    _race(monkeypatch, len(questions))
    results, errors = {}, []

    def post(username):
        try:
            browser = Client()
            browser.force_login(org.users[username])
            data = {"slot": slot.token, "topic": "declarations", "question": questions[username],
                    "reminder_channel": "portal"}  # fmt: skip
            response = browser.post(url, data)
            results[username] = (response.status_code, response.content.decode())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(name,)) for name in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(code for code, _html in results.values()) == [302, 409]
    booking = Booking.objects.get(point=point, starts_at=slot.starts)
    winner = booking.client.username
    loser = next(name for name in questions if name != winner)
    assert booking.question == questions[winner]
    html = results[loser][1]
    assert "Извините, это время только что заняли" in html
    assert questions[loser] in html  # the loser's typed question is kept
    assert Booking.objects.count() == 1


def test_moving_two_bookings_onto_one_free_slot_at_once(org, point, free_slot, monkeypatch):
    first = services.book(org.client, point, free_slot(0).starts, topic="law", question="А")
    second = services.book(org.client2, point, free_slot(1).starts, topic="law", question="Б")
    target = free_slot(2)
    _race(monkeypatch, 2)
    outcomes, errors = [], []

    def move(booking):
        try:
            services.reschedule(booking, booking.client, target.starts,
                                shown_starts=booking.starts_token)  # fmt: skip
            outcomes.append("moved")
        except services.SlotTaken:
            outcomes.append("taken")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(b,)) for b in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(outcomes) == ["moved", "taken"]
    assert Booking.objects.filter(starts_at=target.starts).count() == 1
    assert Booking.objects.active().count() == 2
