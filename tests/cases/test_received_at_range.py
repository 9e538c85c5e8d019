"""A registrar's date of receipt is refused outside the sane range, with a Russian error,
in the API and in the registration form (the text typed is kept): not before
CASES_EARLIEST_RECEIVED (01.01.2000), not in the future beyond a few minutes of clock
skew. The API took `received_at=0001-01-01` and showed it as «+02:30:17», the local mean
time offset of Moscow in year 1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case

pytestmark = pytest.mark.django_db

EARLY = "Дата поступления не может быть раньше 01.01.2000."
FUTURE = "Дата поступления не может быть в будущем."


def _future(days: int = 0, minutes: int = 0) -> dt.datetime:
    return timezone.localtime() + dt.timedelta(days=days, minutes=minutes)


API_CASES = [
    ("0001-01-01", EARLY),
    ("0001-01-01T00:00:00+14:00", EARLY),
    ("1999-12-31T23:59", EARLY),
    ("9999-12-31T23:59:59-12:00", FUTURE),
    ("tomorrow", FUTURE),
    ("in ten minutes", FUTURE),
]


def _api_value(value: str) -> str:
    if value == "tomorrow":
        return _future(days=1).isoformat()
    if value == "in ten minutes":
        return _future(minutes=10).isoformat()
    return value


@pytest.mark.parametrize(("value", "message"), API_CASES)
def test_the_api_refuses_a_date_of_receipt_out_of_range(client, org, value, message):
    client.force_login(org.registrar)
    response = client.post(
        "/api/cases/register/",
        {"channel": "post", "subject": "Письмо", "text": "Текст письма о подарке",
         "client": org.client2.pk, "received_at": _api_value(value)},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert response.json() == {"received_at": [message]}
    assert not Case.objects.exists()


def test_the_api_takes_the_first_day_and_a_clock_a_little_fast(client, org):
    client.force_login(org.registrar)
    for value in ("2000-01-01T00:00:00+03:00", _future(minutes=3).isoformat()):
        response = client.post(
            "/api/cases/register/",
            {"channel": "post", "subject": "Письмо", "text": "Текст письма о подарке",
             "client": org.client2.pk, "received_at": value, "reply_channel": "portal"},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 201, (value, response.content)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("01.01.0001 00:00", EARLY), ("31.12.1999 10:00", EARLY), ("31.12.9999 10:00", FUTURE)],
)
def test_the_registration_form_refuses_it_and_keeps_the_text(client, org, typed, message):
    client.force_login(org.registrar)
    data = {
        "channel": "post", "regime": "", "received_at": typed, "external_kind": "person",
        "external_name": "Сидоров Пётр Ильич", "subject": "Письмо о подарке",
        "text": "Прошу разъяснить порядок сдачи подарка.", "topic": "prohibitions",
        "reply_channel": "post", "reply_contact": "СПб, Невский пр., 1",
    }  # fmt: skip
    response = client.post(reverse("cases:register"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Прошу разъяснить порядок сдачи подарка." in page and f'value="{typed}"' in page
    assert not Case.objects.exists()
