"""No duplicates, no floods: idempotent submission (form token, Idempotency-Key), the
hourly limit, possible repeats, related cases and joined duplicates; and a timeline
without non-changes."""

from __future__ import annotations

import re
import threading

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from cases import repeats, services
from cases.choices import Channel, Status
from cases.models import Case, CaseEvent, EventKind
from tests.factories import question_form

pytestmark = pytest.mark.django_db
# ruff: noqa: E501 (the fixed question pairs read best one pair to a line)

QUESTION = question_form()
API_QUESTION = {"subject": "Вопрос через API", "text": "Текст вопроса через API, подробно."}

# Pairs of questions of one client: (subject, text) of the earlier and of the new one.
SIMILAR = [
    ("Справка о доходах за вклад", "Как указать в справке о доходах вклад, закрытый в декабре?",
     "Вклад в справке о доходах", "Повторно прошу разъяснить, как указать закрытый в декабре вклад в справке о доходах."),
    ("Подарок от подрядчика", "Можно ли принять подарок от подрядчика на юбилей?",
     "Подарок на юбилей", "Подрядчик хочет вручить подарок на юбилей, можно ли его принять?"),
    ("Конфликт интересов", "Мой брат работает в организации-поставщике, есть ли конфликт интересов?",
     "Опять о конфликте интересов", "Брат работает у поставщика нашей организации. Это конфликт интересов?"),
    ("Кешбэк в справке", "Нужно ли указывать кешбэк по банковской карте в справке о доходах?",
     "Кешбэк", "Указывать ли в справке о доходах кешбэк по банковской карте?"),
    ("Продажа автомобиля", "Как отразить доход от продажи автомобиля в справке?",
     "Доход от продажи автомобиля", "Где в справке отразить доход от продажи автомобиля?"),
    ("Иная оплачиваемая работа", "Нужно ли уведомлять о намерении выполнять иную оплачиваемую работу преподавателем?",
     "Уведомление об иной оплачиваемой работе", "Я хочу работать преподавателем: нужно ли уведомление об иной оплачиваемой работе?"),
    ("Пропуск в здание", "Не работает пропуск в здание на Невском, что делать?",
     "Пропуск в здание не работает", "Мой пропуск в здание на Невском снова не работает."),
]  # fmt: skip
DIFFERENT = [
    ("Справка о доходах за вклад", "Как указать в справке о доходах вклад, закрытый в декабре?",
     "Подарок от подрядчика", "Можно ли принять подарок от подрядчика на юбилей?"),
    ("Кешбэк в справке", "Нужно ли указывать кешбэк по банковской карте в справке о доходах?",
     "Пропуск в здание", "Не работает пропуск в здание на Невском, что делать?"),
    ("Конфликт интересов", "Мой брат работает в организации-поставщике, есть ли конфликт интересов?",
     "Отпуск летом", "Как перенести ежегодный оплачиваемый отпуск на август?"),
    ("Продажа автомобиля", "Как отразить доход от продажи автомобиля в справке?",
     "Продажа квартиры", "Нужно ли платить налог после продажи квартиры, полученной по наследству?"),
    ("Командировка", "Как оформить авансовый отчёт после командировки в Москву?",
     "Обучение", "Где записаться на курсы повышения квалификации по закупкам?"),
    ("Доступ к системе", "Не могу войти в систему электронного документооборота, пароль не подходит.",
     "Иная оплачиваемая работа", "Нужно ли уведомлять о намерении выполнять иную оплачиваемую работу преподавателем?"),
    ("Подарок от подрядчика", "Можно ли принять подарок от подрядчика на юбилей?",
     "Подарок коллеге", "Можно ли сотрудникам скинуться на подарок коллеге к юбилею?"),
]  # fmt: skip


def _token(response) -> str:
    return re.search(r'name="submission_token" value="([0-9a-f]+)"', response.content.decode())[1]


# --- idempotent submission -----------------------------------------------------------------


def test_form_sent_twice_creates_one_case(client, org):
    client.force_login(org.client)
    token = _token(client.get(reverse("cases:new")))
    first = client.post(reverse("cases:new"), {**QUESTION, "submission_token": token})
    case = Case.objects.get()
    assert first.status_code == 302 and first["Location"] == case.get_client_url()
    again = client.post(reverse("cases:new"), {**QUESTION, "submission_token": token}, follow=True)
    assert Case.objects.count() == 1
    assert again.redirect_chain[0][0] == case.get_client_url()
    assert "уже" in again.content.decode() and case.registration_number in again.content.decode()
    # Back, edit and send the same form: nothing created, what was typed stays, and a new
    # token lets it go as a new question.
    edited = client.post(
        reverse("cases:new"),
        {**QUESTION, "text": "Совсем другой вопрос о командировке", "submission_token": token},
    )
    body = edited.content.decode()
    assert edited.status_code == 200 and Case.objects.count() == 1
    assert "Совсем другой вопрос о командировке" in body and case.registration_number in body
    new_token = _token(edited)
    assert new_token != token
    client.post(
        reverse("cases:new"),
        {**QUESTION, "text": "Совсем другой вопрос о командировке", "submission_token": new_token},
    )
    assert Case.objects.count() == 2


def test_api_retry_with_the_same_key_returns_the_same_case(client, org):
    client.force_login(org.client)
    headers = {"Idempotency-Key": "3f1c-retry"}
    first = client.post(
        "/api/cases/", API_QUESTION, content_type="application/json", headers=headers
    )
    again = client.post(
        "/api/cases/", API_QUESTION, content_type="application/json", headers=headers
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Case.objects.count() == 1
    other_body = client.post(
        "/api/cases/",
        {**API_QUESTION, "text": "Другой текст вопроса с тем же ключом"},
        content_type="application/json",
        headers=headers,
    )
    assert other_body.status_code == 409 and "ключ" in other_body.json()["detail"]
    # The key is the client's own: another client's same key is another question.
    client.force_login(org.client2)
    theirs = client.post(
        "/api/cases/", API_QUESTION, content_type="application/json", headers=headers
    )
    assert theirs.status_code == 201 and Case.objects.count() == 2


def test_schema_documents_the_idempotency_key(client, org):
    client.force_login(org.registrar)
    schema = yaml.safe_load(client.get("/api/schema/").content)
    create = schema["paths"]["/api/cases/"]["post"]
    assert {"201", "200", "409", "429"} <= set(map(str, create["responses"]))
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_case(org):
    barrier, results, errors = threading.Barrier(4), [], []

    def send():
        try:
            barrier.wait(timeout=30)
            results.append(services.submit_once(org.client, submission_key="same", **API_QUESTION))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert Case.objects.count() == 1
    assert sorted(created for _case, created in results) == [False, False, False, True]


# --- the hourly limit --------------------------------------------------------------------


def test_submission_limit_on_the_form_and_the_api(client, org, settings):
    settings.CASES_SUBMISSIONS_PER_HOUR = 2
    client.force_login(org.client)
    for i in range(2):
        client.post(reverse("cases:new"), {**QUESTION, "subject": f"Вопрос {i}"})
    refused = client.post(reverse("cases:new"), {**QUESTION, "subject": "Третий вопрос"})
    body = refused.content.decode()
    assert refused.status_code == 200 and Case.objects.count() == 2
    assert "после" in body and "Третий вопрос" in body and QUESTION["text"] in body
    api = client.post("/api/cases/", API_QUESTION, content_type="application/json")
    assert api.status_code == 429 and 0 < int(api["Retry-After"]) <= 3600
    assert "после" in api.json()["detail"]
    # A retry of a question already accepted is not a new one: it is answered, not limited.
    # Registrars recording received mail are not limited.
    for i in range(3):
        services.register_message(
            org.registrar, channel=Channel.POST, subject=f"Письмо {i}",
            text="Прошу разъяснить порядок подачи справки.",
            external={"name": "Сидоров Пётр Ильич", "postal_address": "СПб"},
        )  # fmt: skip
    assert Case.objects.count() == 5


# --- possible repeats ---------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "c", "d"), SIMILAR)
def test_similar_questions_are_repeats(a, b, c, d):
    assert repeats.similarity(f"{a} {b}", f"{c} {d}") >= repeats.threshold()


@pytest.mark.parametrize(("a", "b", "c", "d"), DIFFERENT)
def test_different_questions_are_not(a, b, c, d):
    assert repeats.similarity(f"{a} {b}", f"{c} {d}") < repeats.threshold()


def test_a_repeat_is_flagged_to_the_registrar_with_a_link(client, org, make_case):
    a, b, c, d = SIMILAR[1]
    first = make_case(subject=a, text=b)
    other_client = make_case(client=org.client2, subject=c, text=d)
    repeat = make_case(subject=c, text=d)
    different = make_case(subject=DIFFERENT[4][2], text=DIFFERENT[4][3])
    assert repeat.possible_repeat_of == first
    assert other_client.possible_repeat_of is None and different.possible_repeat_of is None
    client.force_login(org.registrar)
    page = client.get(repeat.get_absolute_url()).content.decode()
    assert "case-repeat" in page and first.get_absolute_url() in page
    # The client's page says nothing of it.
    client.force_login(org.client)
    assert "case-repeat" not in client.get(repeat.get_client_url()).content.decode()


# --- related cases and joined duplicates --------------------------------------------------


def test_registrar_joins_a_duplicate_and_links_related(client, org, make_case):
    original, duplicate, related = make_case(), make_case(), make_case(subject="Другая тема")
    client.force_login(org.registrar)
    url = reverse("cases:links", args=[duplicate.pk])
    response = client.post(
        url, {"other": original.registration_number, "action": "join", "reason": "Дубликат"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.JOINED and duplicate.joined_to == original
    assert duplicate.registration_number  # kept in the journal, never reused
    assert original.events.filter(kind=EventKind.DUPLICATE_JOINED).exists()
    assert duplicate.events.get(kind=EventKind.JOINED).visible_to_client
    next_case = make_case(subject="Новый вопрос после объединения")
    assert next_case.registration_sequence == related.registration_sequence + 1
    # Linked as related: a line on both timelines, shown on both pages.
    client.post(
        reverse("cases:links", args=[original.pk]),
        {"other": related.registration_number, "action": "related"},
    )
    assert set(original.related.all()) == {duplicate, related}
    assert related.events.filter(kind=EventKind.LINKED).exists()
    assert related.registration_number in client.get(original.get_absolute_url()).content.decode()
    # A joined case cannot be joined again; an unknown number is an error next to the field.
    bad = client.post(
        reverse("cases:links", args=[related.pk]), {"other": "ОБ-1999-9", "action": "join"}
    )
    assert bad.status_code == 400 and "ОБ-1999-9" in bad.content.decode()
    assert "Среди доступных вам сообщений нет сообщения с таким номером" in bad.content.decode()


def test_executor_and_client_may_not_link(client, org, make_case):
    original = make_case(state="assigned")
    duplicate = make_case(state="assigned")
    data = {"other": original.registration_number, "action": "join"}
    for user in (org.executor, org.client):
        client.force_login(user)
        assert client.post(reverse("cases:links", args=[duplicate.pk]), data).status_code in (
            403,
            404,
        )
    with pytest.raises(PermissionDenied):
        services.join_duplicate(duplicate, org.executor, original)
    duplicate.refresh_from_db()
    assert (
        duplicate.status == Status.ASSIGNED
        and not CaseEvent.objects.filter(kind=EventKind.JOINED).exists()
    )


# --- the timeline shows changes only --------------------------------------------------------


def test_timeline_without_non_changes(client, org, make_case):
    case = make_case(state="assigned")
    CaseEvent.objects.create(
        case=case, kind=EventKind.DELIVERY, from_status=Status.ASSIGNED, to_status=Status.ASSIGNED
    )
    client.force_login(org.registrar)
    page = client.get(case.get_absolute_url()).content.decode()
    timeline = page[page.index('class="timeline"') :]
    assert "(Поступило)" not in timeline
    assert "Назначено → Назначено" not in timeline and "(Назначено)" not in timeline
    assert "→" in timeline  # real changes are still shown


def test_handled_by_is_not_shown_once_the_case_is_forwarded(client, org, make_case):
    case = make_case(state="assigned")
    client.force_login(org.client)
    assert "Рассматривает" in client.get(case.get_client_url()).content.decode()
    Case.objects.filter(pk=case.pk).update(status=Status.FORWARDED)
    assert "Рассматривает" not in client.get(case.get_client_url()).content.decode()
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    assert "Рассматривает" not in client.get(case.get_client_url()).content.decode()
