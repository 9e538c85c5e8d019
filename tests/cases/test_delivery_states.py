"""Honest delivery states: an e-mail is "sent (accepted by the mail server)", never
"delivered"; the portal copy is "read" once the client opened the answer; post and
personal pickup are marked by the registrar with the day (not in the future, not before
the letter), and the client is told that day."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.choices import ReplyChannel, Status
from cases.models import AnswerKind, Delivery, UnitCaseSettings

pytestmark = pytest.mark.django_db


def _day(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


@pytest.fixture
def answered(org, make_case, django_capture_on_commit_callbacks):
    """An answer registered three days ago, by e-mail, post and in the portal."""
    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )
    case = make_case(state="assigned", reply_channel=ReplyChannel.EMAIL,
                     reply_contact="client@example.gov.ru", extra_reply_channel=ReplyChannel.POST,
                     extra_reply_contact="СПб, Суворовский пр., 67")  # fmt: skip
    services.save_answer(case, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(case, org.executor)
    with django_capture_on_commit_callbacks(execute=True):
        services.register_answer(case, org.executor, at=timezone.now() - dt.timedelta(days=3))
    case.refresh_from_db()
    return case


def _deliveries(case) -> dict:
    return {d.channel: d for d in Delivery.objects.filter(case=case).select_related("answer")}


def test_the_client_is_told_what_is_known(answered, org, client):
    today = _day(timezone.localdate())
    letters = _deliveries(answered)
    assert letters["email"].state == f"Отправлено (принято почтовым сервером) {today}"
    assert letters["portal"].state == f"Размещено в личном кабинете {today}"
    assert letters["post"].state == "Ждёт регистратора"
    client.force_login(org.client)
    page = client.get(answered.get_client_url()).content.decode()
    assert (
        "отправлено по электронной почте на client@example.gov.ru (принято почтовым сервером)"
        in (page)
    )
    assert "доставлен" not in page.lower() and "дош" not in page.lower()
    # The client has opened the answer in the portal: read, that day.
    assert _deliveries(answered)["portal"].state == f"Прочитано {today}"
    client.force_login(org.registrar)
    page = client.get(answered.get_absolute_url()).content.decode()
    assert f"Прочитано {today}" in page and "принято почтовым сервером" in page


def test_the_registrar_marks_the_post_with_its_day(answered, org, client):
    post = _deliveries(answered)["post"]
    url = reverse("cases:delivery", args=[answered.pk, post.pk])
    field = f"delivery-{post.pk}"
    today = timezone.localdate()
    letter_day = today - dt.timedelta(days=3)
    client.force_login(org.registrar)
    page = client.get(answered.get_absolute_url()).content.decode()
    assert f'name="{field}-on"' in page and f'value="{_day(today)}"' in page  # today by default
    for typed, error in [
        (_day(today + dt.timedelta(days=1)), "Дата не может быть в будущем."),
        (
            _day(letter_day - dt.timedelta(days=1)),
            f"Письмо датировано {_day(letter_day)}: дата не может быть раньше.",
        ),
        ("31.02.2026", "Введите дату в виде ДД.ММ.ГГГГ."),
    ]:
        response = client.post(url, {f"{field}-on": typed, f"{field}-note": "Заказное 123"})
        assert response.status_code == 400
        page = response.content.decode()
        assert error in page and "Заказное 123" in page and typed in page
        post.refresh_from_db()
        assert post.status == "queued"
    day = today - dt.timedelta(days=2)
    response = client.post(url, {f"{field}-on": _day(day), f"{field}-note": "Заказное 123"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.handed_on == day and post.delivered_by == org.registrar
    assert post.state == f"Отправлено почтой {_day(day)}"
    answered.refresh_from_db()
    assert answered.status == Status.CLOSED
    event = answered.events.filter(kind="delivery").last()
    assert event.visible_to_client
    assert event.message == (
        f"Ответ: отправлено почтой {_day(day)}. Ответ отправлен по всем каналам: обращение закрыто."
    )


def test_pickup_is_handed_over_on_a_day_through_the_api(org, make_case, client):
    case = make_case(state="assigned", reply_channel=ReplyChannel.PICKUP, reply_contact="")
    services.save_answer(case, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(case, org.executor)
    services.approve_answer(case, org.head)
    services.register_answer(case, org.executor)
    pickup = Delivery.objects.get(case=case, channel=ReplyChannel.PICKUP)
    url = f"/api/cases/{case.pk}/deliveries/act/"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.force_login(org.client)  # the client does not mark their own letters
    body = {"delivery": pickup.pk, "action": "delivered"}
    assert client.post(url, body, content_type="application/json").status_code in (403, 404)
    client.force_login(org.registrar)
    response = client.post(
        url, {**body, "on": tomorrow.isoformat()}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"on": ["Дата не может быть в будущем."]}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["state"] == f"Вручено лично {_day(timezone.localdate())}"
    assert response.json()["handed_on"] == timezone.localdate().isoformat()
