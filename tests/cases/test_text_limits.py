"""What a message, a comment and an answer may hold (cases/limits.py), from the side of
whoever types too much: each form and API operation refuses one character over its
limit with a Russian message that gives the length and the limit, keeps what was typed
on the page, and accepts a text of exactly the limit. The limits are lowered here (they
are read at each check) so that the texts stay small; the 2 MB question of the probe is
in tests/search/test_index_limits.py."""

import pytest
from django.urls import reverse

from cases import services
from cases.choices import Status
from cases.models import Answer, Case

pytestmark = pytest.mark.django_db

TEXT_LIMIT = 300
COMMENT_LIMIT = 120
REFUSED = "Слишком длинный текст: знаков в нём — {count}, допустимо не более {limit}."


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.CASES_TEXT_MAX_CHARS = TEXT_LIMIT
    settings.CASES_COMMENT_MAX_CHARS = COMMENT_LIMIT


def typed(length: int, word: str = "слово") -> str:
    """Cyrillic words, exactly `length` characters, ending with a marker the page must
    show back (the typed text kept)."""
    marker = " конецтекста"
    body = (word + " ") * (length // (len(word) + 1) + 1)
    return body[: length - len(marker)] + marker


def refused(count: int, limit: int) -> str:
    return REFUSED.format(count=count, limit=limit)


def assert_refused_and_kept(response, text: str, limit: int, status=(200, 400)):
    page = response.content.decode()
    assert response.status_code in status, page[:2000]
    assert refused(len(text), limit) in page
    assert text in page  # what was typed is on the page again


QUESTION = {"subject": "Длинный вопрос", "reply_channel": "portal"}


def test_portal_question_one_character_over_is_refused_and_kept(org, client):
    client.force_login(org.client2)
    text = typed(TEXT_LIMIT + 1)
    response = client.post(reverse("cases:new"), {**QUESTION, "text": text})
    assert_refused_and_kept(response, text, TEXT_LIMIT)
    assert "приложите длинный документ файлом" in response.content.decode()
    assert not Case.objects.filter(subject=QUESTION["subject"]).exists()
    comments = typed(COMMENT_LIMIT + 1, "замечание")
    response = client.post(
        reverse("cases:new"), {**QUESTION, "text": typed(50), "client_comments": comments}
    )
    assert_refused_and_kept(response, comments, COMMENT_LIMIT)
    # Exactly the limits: accepted.
    response = client.post(
        reverse("cases:new"),
        {**QUESTION, "text": typed(TEXT_LIMIT), "client_comments": typed(COMMENT_LIMIT)},
    )
    assert response.status_code == 302
    assert len(Case.objects.get(subject=QUESTION["subject"]).text) == TEXT_LIMIT


def test_registrar_form_refuses_a_long_text_and_keeps_it(org, client):
    client.force_login(org.registrar)
    text = typed(TEXT_LIMIT + 1)
    response = client.post(
        reverse("cases:register"),
        {"channel": "post", "received_at": "01.12.2026 10:00", "external_kind": "person",
         "external_name": "Сидоров Пётр Ильич", "subject": "Письмо", "text": text,
         "reply_channel": "post", "reply_contact": "СПб, Невский пр., 1"},
    )  # fmt: skip
    assert_refused_and_kept(response, text, TEXT_LIMIT)
    assert not Case.objects.filter(subject="Письмо").exists()


def test_registrar_form_refuses_contacts_longer_than_their_columns(org, client):
    """The name and the contact of an outside client are columns of 255 characters: a
    longer one is a form error, not a database error."""
    client.force_login(org.registrar)
    name = "Я" * 256
    response = client.post(
        reverse("cases:register"),
        {"channel": "post", "received_at": "01.12.2026 10:00", "external_kind": "person",
         "external_name": name, "subject": "Письмо", "text": typed(50),
         "reply_channel": "post", "reply_contact": "П" * 256},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Убедитесь, что это значение содержит не более 255 символов") == 2
    assert not Case.objects.filter(subject="Письмо").exists()


def test_answer_editor_refuses_a_long_answer_and_keeps_it(org, make_case, client):
    case = make_case(state="assigned")
    client.force_login(org.executor)
    body = typed(TEXT_LIMIT + 1, "ответ")
    response = client.post(
        reverse("cases:answer", args=[case.pk]), {"kind": "merits", "body": body}
    )
    assert_refused_and_kept(response, body, TEXT_LIMIT, status=(400,))
    assert not Answer.objects.filter(case=case).exists()
    response = client.post(
        reverse("cases:answer", args=[case.pk]), {"kind": "merits", "body": typed(TEXT_LIMIT)}
    )
    assert response.status_code == 302


def test_client_reply_too_long_is_refused_and_kept(org, make_case, client):
    case = make_case(state="assigned")
    services.ask_clarification(case, org.executor, question="Какой год?")
    client.force_login(org.client)
    reply = typed(TEXT_LIMIT + 1, "уточнение")
    response = client.post(reverse("cases:client_reply", args=[case.pk]), {"text": reply})
    assert_refused_and_kept(response, reply, TEXT_LIMIT, status=(400,))
    case.refresh_from_db()
    assert case.status == Status.CLARIFICATION


def test_head_comment_too_long_is_refused_and_kept(org, make_case, client):
    case = make_case(state="assigned")
    services.save_answer(case, org.executor, kind="merits", body="<p>Ответ по существу.</p>")
    services.submit_answer(case, org.executor)
    assert Answer.objects.get(case=case).status == "approval"
    client.force_login(org.head)
    comment = typed(COMMENT_LIMIT + 1, "доработать")
    response = client.post(
        reverse("cases:review", args=[case.pk]), {"decision": "return", "comment": comment}
    )
    assert_refused_and_kept(response, comment, COMMENT_LIMIT, status=(400,))
    assert Answer.objects.get(case=case).status == "approval"


def test_withdrawal_reason_too_long_is_refused_and_kept(org, make_case, client):
    case = make_case()
    client.force_login(org.client)
    reason = typed(COMMENT_LIMIT + 1, "передумал")
    response = client.post(reverse("cases:withdraw", args=[case.pk]), {"reason": reason})
    assert_refused_and_kept(response, reason, COMMENT_LIMIT, status=(400,))
    case.refresh_from_db()
    assert case.status != Status.WITHDRAWN


def _api_case(org, make_case):
    case = make_case(state="assigned")
    services.ask_clarification(case, org.executor, question="Какой год?")
    return case


# (who, path after /api/cases/, the field, its limit, other data of a valid request)
API_CASES = [
    ("client2", "", "text", TEXT_LIMIT, {"subject": "Длинный вопрос"}),
    ("client2", "", "client_comments", COMMENT_LIMIT,
     {"subject": "Длинный вопрос", "text": "Текст вопроса без лишнего"}),
    ("client", "{id}/reply/", "text", TEXT_LIMIT, {}),
    ("executor", "{id}/answer/", "body", TEXT_LIMIT, {"kind": "merits"}),
    ("executor", "{id}/clarify/", "question", COMMENT_LIMIT, {}),
    ("registrar", "register/", "text", TEXT_LIMIT,
     {"channel": "post", "subject": "Письмо", "reply_channel": "post",
      "reply_contact": "СПб", "external_client": {"name": "Сидоров П. И."}}),
]  # fmt: skip


@pytest.mark.parametrize(
    "who,path,field,limit,data", API_CASES, ids=[f"{c[1] or 'new'}-{c[2]}" for c in API_CASES]
)
def test_api_refuses_one_character_over_the_limit(org, make_case, client, who, path, field,
                                                  limit, data):  # fmt: skip
    case = _api_case(org, make_case)
    client.force_login(org.users[who])
    url = "/api/cases/" + path.format(id=case.pk)
    text = typed(limit + 1)
    response = client.post(url, {**data, field: text}, content_type="application/json")
    assert response.status_code == 400, response.content[:500]
    assert response.json()[field] == [
        refused(len(text), limit) + " Сократите его" + (
            " или приложите длинный документ файлом." if field in {"text", "body"}
            and path != "{id}/reply/" else "."
        )
    ]  # fmt: skip
    # At the limit the field is no longer the problem (the request may still be refused
    # for another reason, but not for this field).
    response = client.post(url, {**data, field: typed(limit)}, content_type="application/json")
    assert field not in (response.json() if response.status_code == 400 else {})


def test_the_schema_states_the_limits(client, org, settings):
    settings.CASES_TEXT_MAX_CHARS = 50_000
    settings.CASES_COMMENT_MAX_CHARS = 10_000
    client.force_login(org.registrar)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    submit = schema["components"]["schemas"]["Submit"]["properties"]
    assert submit["text"]["maxLength"] == 50_000
    assert submit["client_comments"]["maxLength"] == 10_000
