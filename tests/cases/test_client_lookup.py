"""The registrar's choice of the client (cases.client_search): the autocomplete's JSON
endpoint finds people by the start of their surname, first name, login or e-mail, at
most 20, in a fixed number of queries among 10,000 users, and only for those who
register messages; without scripts the form takes a login or an e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.client_search import LIMIT, find_clients
from cases.models import Case
from intranet.accounts.models import User

pytestmark = pytest.mark.django_db

URL = reverse("cases:client_lookup")


@pytest.fixture
def many_users(org):
    """10,000 users, written in one go (no passwords, no profiles: a list of people)."""
    User.objects.bulk_create(
        [
            User(
                username=f"staff{i:05d}",
                last_name=f"Сотрудников{i:05d}",
                first_name="Пётр" if i % 2 else "Анна",
                email=f"staff{i:05d}@example.gov.ru",
                password="!",
            )
            for i in range(10_000)
        ],
        batch_size=2_000,
    )
    return User.objects.create(
        username="ivanova.m",
        last_name="Иванова-Шишкина",
        first_name="Мария",
        patronymic="Олеговна",
        email="m.ivanova@example.gov.ru",
        password="!",
    )


def _found(client, query) -> list[dict]:
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return response.json()["results"]


def test_lookup_is_bounded_among_ten_thousand_users(
    client, org, many_users, django_assert_max_num_queries
):
    client.force_login(org.registrar)
    client.get(URL, {"q": "ив"})  # the session and the user's roles are read once
    with django_assert_max_num_queries(4):
        results = _found(client, "сотр")
    assert len(results) == LIMIT
    assert results[0]["label"] == "Сотрудников00000 Анна"
    assert results[0]["value"] == "staff00000"
    # Any case as typed; the surname, the login, the e-mail, the first name.
    for query in ("Иванова", "иванова-ш", "ivanova.", "M.Ivanova@", "Иванова мар"):
        assert [r["id"] for r in _found(client, query)] == [many_users.pk], query
    assert many_users.pk in [r["id"] for r in _found(client, "мари")]
    result = _found(client, "ivanova")[0]
    assert result["label"] == "Иванова-Шишкина Мария Олеговна"
    assert result["detail"] == "ivanova.m · m.ivanova@example.gov.ru"
    # A piece in the middle is not a prefix; one letter is too short to ask.
    assert _found(client, "шишкина") == [] and _found(client, "и") == []
    # Inactive people are not offered.
    User.objects.filter(pk=many_users.pk).update(is_active=False)
    assert _found(client, "Иванова") == []


def test_lookup_limit_and_one_query(org, many_users, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(find_clients("staff0", limit=5)) == 5


@pytest.mark.parametrize("username", ["client", "executor", "head", None])
def test_lookup_is_refused_to_all_but_registrars(client, org, username):
    if username is None:
        response = client.get(URL, {"q": "ив"})
        assert response.status_code == 302 and "/login" in response["Location"]
        return
    client.force_login(org.users[username])
    response = client.get(URL, {"q": "ив"})
    assert response.status_code == 403
    assert "results" not in response.json()


def _register(client, org, who: str):
    client.force_login(org.registrar)
    received = timezone.localtime() - dt.timedelta(hours=1)
    data = {
        "channel": "post", "regime": "", "received_at": received.strftime("%d.%m.%Y %H:%M"),
        "client": who, "subject": "Письмо о подарке",
        "text": "Прошу разъяснить порядок сдачи подарка.", "topic": "prohibitions",
        "reply_channel": "post", "reply_contact": "СПб, Невский пр., 1",
    }  # fmt: skip
    return client.post(reverse("cases:register"), data)


def test_the_form_takes_a_login_or_an_address_typed_without_scripts(client, org):
    response = _register(client, org, org.client2.username.upper())
    assert response.status_code == 302
    assert Case.objects.get().client_id == org.client2.pk
    response = _register(client, org, org.client.email)
    assert response.status_code == 302
    assert Case.objects.filter(client=org.client).exists()


def test_the_form_says_who_was_not_found_and_keeps_the_text(client, org):
    response = _register(client, org, "nobody-here")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Нет действующего пользователя с таким логином или e-mail" in page
    assert 'value="nobody-here"' in page
    assert not Case.objects.exists()


def test_the_form_renders_a_text_box_not_a_list_of_everyone(client, org):
    client.force_login(org.registrar)
    page = client.get(reverse("cases:register")).content.decode()
    assert '<select name="client"' not in page
    assert f'data-lookup-url="{URL}"' in page and "cases/client_lookup.js" in page
