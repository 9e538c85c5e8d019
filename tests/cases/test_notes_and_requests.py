"""Internal notes with @ mentions, and the executors' requests to the head (an extension
to a proposed date, forwarding to another body) decided from the approvals queue."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import deadlines, services
from cases.choices import Status
from cases.models import Case, CaseEvent, EventKind
from tests.html import soup


def parsed(response) -> BeautifulSoup:
    """A page returned with its form's errors (400), parsed."""
    return BeautifulSoup(response.content.decode(), "html.parser")


pytestmark = pytest.mark.django_db

SECRET = "Заявитель сутяжник, сверить с делом 2019 года"


@pytest.fixture
def case(make_case):
    return make_case(state="assigned")


# --- internal notes ---------------------------------------------------------------------


def test_a_note_records_the_colleagues_it_mentions(case, org):
    text = f"@head посмотрите, пожалуйста. И @Соколов. Копия на ivanov@example.ru. {SECRET}"
    note = services.add_note(case, org.executor, text=text)
    assert note.kind == EventKind.NOTE and not note.visible_to_client
    assert note.message == text
    # The login and the surname name the same head: mentioned once; an e-mail is none.
    assert note.data["mentions"] == [org.head.pk]
    assert services.mention_names(text) == ["head", "Соколов"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("@executor2 глянь", "не имеет доступа к этому сообщению"),  # another unit's
        ("@client глянь", "не имеет доступа к этому сообщению"),  # the client himself
        ("@nobody глянь", "нет сотрудника с таким логином или фамилией"),
    ],
)
def test_a_mention_of_who_may_not_open_the_case_is_refused(case, org, text, error):
    with pytest.raises(ValidationError) as exc:
        services.add_note(case, org.executor, text=text)
    assert error in " ".join(exc.value.message_dict["text"])
    assert not case.events.filter(kind=EventKind.NOTE).exists()


def test_the_note_form_keeps_the_text_and_refuses_others(case, org, client):
    url = reverse("cases:note", args=[case.pk])
    client.force_login(org.executor)
    response = client.post(url, {"text": "@executor2 проверь реквизиты"})
    assert response.status_code == 400
    page = parsed(response)
    field = page.select_one("#id_note_text")
    assert field.get_text().strip() == "@executor2 проверь реквизиты"
    assert "не имеет доступа" in page.select_one("#action-note .error").get_text()
    assert not page.select_one("#action-note").has_attr("hidden")
    response = client.post(url, {"text": f"@head {SECRET}"})
    assert response.status_code == 302
    page = soup(client.get(case.get_absolute_url()))
    assert SECRET in page.select_one(".timeline .event-note").get_text()
    for who in ("client", "reader", "executor2"):
        client.force_login(getattr(org, who))
        assert client.post(url, {"text": "Заметка"}).status_code in {403, 404}, who
    assert case.events.filter(kind=EventKind.NOTE).count() == 1


def test_a_note_never_reaches_the_client(case, org, client):
    services.add_note(case, org.executor, text=f"@head {SECRET}")
    # A letter issued after the note (the extension's) does not carry it either.
    services.extend(case, org.head, days=5, reason="Нужен ответ другого органа.")
    client.force_login(org.client)
    page = client.get(case.get_client_url()).content.decode()
    assert SECRET not in page
    api = client.get(f"/api/cases/{case.pk}/").content.decode()
    assert '"audience":"client"' in api.replace(" ", "")
    assert SECRET not in api and "note" not in api
    assert SECRET not in client.get("/api/cases/").content.decode()
    letters = list(case.letters.all())
    assert letters and not any(SECRET in (item.text + item.html) for item in letters)
    # The staff see it, on the page and in their API.
    client.force_login(org.head)
    assert SECRET in client.get(case.get_absolute_url()).content.decode()
    assert SECRET in client.get(f"/api/cases/{case.pk}/").content.decode()


# --- requests to the head ---------------------------------------------------------------


def test_the_proposed_date_is_checked_against_the_law(case, org):
    due = case.statutory_deadline
    with pytest.raises(ValidationError) as exc:
        services.request_extension(case, org.executor, until=due, reason="Ждём документы")
    assert "позже текущего срока" in exc.value.message_dict["until"][0]
    with pytest.raises(ValidationError) as exc:
        services.request_extension(
            case, org.executor, until=due + dt.timedelta(days=60), reason="Ждём документы"
        )
    assert "не позднее чем до" in exc.value.message_dict["until"][0]
    proposed = due + dt.timedelta(days=10)
    event = services.request_extension(case, org.executor, until=proposed, reason="Ждём")
    # The fewest days that reach the date (counted as the law counts them, from the
    # statutory date before its move off a day off): one day less falls short of it.
    until = dt.date.fromisoformat(event.data["until"])
    assert proposed <= until <= proposed + dt.timedelta(days=4)
    registered = timezone.localdate(case.registered_at)
    shorter = deadlines.extended_due(due, case.regime, event.data["days"] - 1,
                                     registered=registered)  # fmt: skip
    assert shorter < proposed


def test_the_head_decides_an_extension_from_the_queue(case, org, client):
    asked = services.request_extension(
        case, org.executor, until=case.statutory_deadline + dt.timedelta(days=10),
        reason="Ждём ответа из ФНС.",
    )  # fmt: skip
    client.force_login(org.head)
    page = soup(client.get(reverse("cases:approvals")))
    item = page.select_one(f"#request-{asked.pk}")
    assert case.subject in item.get_text() and "Ждём ответа из ФНС." in item.get_text()
    assert page.select_one(".request-count").get_text() == "(1)"
    url = reverse("cases:decide_request", args=[asked.pk])
    response = client.post(url, {"decision": "approve", f"request-{asked.pk}-reason": ""})
    assert response.status_code == 400
    assert "Укажите причину решения" in parsed(response).select_one(f"#request-{asked.pk}").text
    response = client.post(
        url, {"decision": "approve", f"request-{asked.pk}-reason": "Ответ ФНС задерживается."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.statutory_deadline == dt.date.fromisoformat(asked.data["until"])
    extended = case.events.get(kind=EventKind.EXTENDED)
    assert extended.reason == "Ответ ФНС задерживается."
    assert extended.data["request"] == asked.pk
    assert extended.data["requested_by"] == org.executor.pk
    assert client.get(reverse("cases:approvals")).content.decode().count(case.subject) == 0
    # Decided already: a second decision is refused with a message.
    response = client.post(url, {"decision": "decline", f"request-{asked.pk}-reason": "Нет"})
    assert response.status_code == 302
    assert case.events.filter(kind=EventKind.EXTENSION_DECLINED).count() == 0


def test_a_declined_extension_is_told_to_the_executor(case, org):
    asked = services.request_extension(case, org.executor, days=5, reason="Болею.")
    services.decide(asked, org.head, approve=False, reason="Успеете в срок.")
    declined = case.events.get(kind=EventKind.EXTENSION_DECLINED)
    assert declined.reason == "Успеете в срок." and not declined.visible_to_client
    assert declined.data == {"request": asked.pk, "requested_by": org.executor.pk}


FORWARD = {
    "body_name": "Прокуратура Санкт-Петербурга",
    "body_contacts": "СПб, ул. Почтамтская, 2/9",
    "covering_letter": "Направляем по компетенции обращение гражданина.",
    "reason": "Вопрос о нарушении закона — компетенция прокуратуры.",
}


def test_forwarding_asked_and_approved_forwards_the_case(case, org, client):
    client.force_login(org.executor)
    url = reverse("cases:forward_request", args=[case.pk])
    response = client.post(url, {**FORWARD, "reason": ""})
    assert response.status_code == 400
    page = parsed(response)
    assert page.select_one("#id_forward_request_body_name")["value"] == FORWARD["body_name"]
    assert page.select_one("#id_forward_request_reason").find_next(class_="error")
    assert client.post(url, FORWARD).status_code == 302
    asked = services.pending_forward_request(case)
    assert asked.actor == org.executor and asked.reason == FORWARD["reason"]
    assert not asked.visible_to_client
    with pytest.raises(services.CaseStateError):
        services.request_forwarding(case, org.executor, **FORWARD)
    client.force_login(org.head)
    page = soup(client.get(reverse("cases:approvals")))
    assert FORWARD["body_name"] in page.select_one(f"#request-{asked.pk} .request-body").text
    response = client.post(
        reverse("cases:decide_request", args=[asked.pk]),
        {"decision": "approve", f"request-{asked.pk}-reason": "Согласен."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.FORWARDED
    assert case.forwarding.body_name == FORWARD["body_name"]
    forwarded = case.events.get(kind=EventKind.FORWARDED)
    assert "Согласен." in forwarded.reason
    assert forwarded.data["request"] == asked.pk
    assert forwarded.data["requested_by"] == org.executor.pk


def test_a_declined_forwarding_keeps_the_case(case, org):
    asked = services.request_forwarding(case, org.executor, **FORWARD)
    services.decide(asked, org.head, approve=False, reason="Это наш вопрос.")
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED
    declined = case.events.get(kind=EventKind.FORWARD_DECLINED)
    assert declined.reason == "Это наш вопрос." and declined.data["requested_by"] == org.executor.pk
    assert services.pending_forward_request(case) is None


@pytest.mark.parametrize("who", ["head2", "executor", "client", "registrar"])
def test_only_the_head_of_the_unit_decides(case, org, client, who):
    """Another unit's head, the executor, the client and a registrar are refused: by
    the service, the queue page and the decision URL; the request stays pending."""
    asked = services.request_forwarding(case, org.executor, **FORWARD)
    user = getattr(org, who)
    with pytest.raises((PermissionDenied, Case.DoesNotExist)):
        services.decide(asked, user, approve=True, reason="Да")
    client.force_login(user)
    if who != "head2":
        assert client.get(reverse("cases:approvals")).status_code == 403
    else:
        assert case.subject not in client.get(reverse("cases:approvals")).content.decode()
    response = client.post(reverse("cases:decide_request", args=[asked.pk]),
                           {"decision": "approve", f"request-{asked.pk}-reason": "Да"})  # fmt: skip
    assert response.status_code in {403, 404}
    assert services.pending_forward_request(case) == asked


def test_others_may_not_ask_the_head(case, org):
    for who in ("client", "registrar", "executor2"):
        with pytest.raises((PermissionDenied, Case.DoesNotExist)):
            services.request_forwarding(case, getattr(org, who), **FORWARD)
    assert not case.events.filter(kind=EventKind.FORWARD_REQUESTED).exists()


def test_the_queue_reads_a_fixed_number_of_queries(
    org, make_case, client, django_assert_max_num_queries
):
    client.force_login(org.head)
    cases = [make_case(state="assigned", subject=f"Вопрос {n}") for n in range(3)]
    services.request_forwarding(cases[0], org.executor, **FORWARD)
    services.request_extension(cases[1], org.executor, days=5, reason="Ждём")
    services.add_note(cases[2], org.executor, text="Без запроса")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("cases:approvals"))
    for extra in cases[2:] + [make_case(state="assigned") for _ in range(3)]:
        services.request_extension(extra, org.executor, days=5, reason="Ждём")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = soup(client.get(reverse("cases:approvals")))
    assert page.select_one(".request-count").get_text() == "(6)"
    assert CaseEvent.objects.filter(kind=EventKind.NOTE).count() == 1


def test_forwarding_on_the_case_page_answers_the_pending_request(case, org):
    asked = services.request_forwarding(case, org.executor, **FORWARD)
    data = {key: value for key, value in FORWARD.items() if key != "reason"}
    services.forward(case, org.head, **data)
    forwarded = case.events.get(kind=EventKind.FORWARDED)
    assert forwarded.data["request"] == asked.pk
    assert forwarded.data["requested_by"] == org.executor.pk
    assert services.pending_forward_request(case) is None


def test_the_executor_is_told_the_latest_date_the_law_allows(case, org, client):
    client.force_login(org.executor)
    page = soup(client.get(case.get_absolute_url() + "?action=extend"))
    latest = services.extension_latest(case)
    assert latest > case.statutory_deadline
    hint = page.select_one("#action-extend .extension-latest").get_text()
    assert hint == f"По закону срок можно продлить не позднее чем до {latest:%d.%m.%Y}."
    # A day later is refused with the same words, next to the date, the reason kept.
    after = (latest + dt.timedelta(days=1)).strftime("%d.%m.%Y")
    response = client.post(reverse("cases:extension_request", args=[case.pk]),
                           {"until": after, "reason": "Ждём документы"})  # fmt: skip
    assert response.status_code == 400
    page = parsed(response)
    assert page.select_one("#id_extension_request_until")["value"] == after
    assert "Ждём документы" in page.select_one("#id_extension_request_reason").get_text()
    assert hint in page.select_one("#action-extend .error").get_text()
