"""The API gains the answer operations, with the same permissions as the UI."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from cases.choices import ReplyChannel


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def url(case, action=""):
    return f"/api/cases/{case.pk}/" + (f"{action}/" if action else "")


@pytest.mark.django_db
def test_api_answer_flow_with_the_same_permissions(api, org, make_case, commit):
    case = make_case(state="assigned", reply_channel=ReplyChannel.EMAIL,
                     reply_contact="client@example.gov.ru")  # fmt: skip
    api.force_authenticate(org.client)
    assert api.post(url(case, "answer"), {"kind": "merits", "body": "x"}).status_code == 403
    api.force_authenticate(org.executor)
    r = api.post(url(case, "clarify"), {"question": "Какой год?"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "clarification"
    api.force_authenticate(org.client)
    r = api.post(url(case, "reply"), {"text": "2025"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    api.force_authenticate(org.executor)
    r = api.post(url(case, "answer"),
                 {"kind": "refusal", "grounds": "Согласно ст. 12 59-ФЗ.", "submit": True},
                 format="json")  # fmt: skip
    assert r.status_code == 400 and "grounds" in r.json()
    r = api.post(url(case, "answer"), {"kind": "merits", "body": "Ответ по существу.",
                                       "submit": True}, format="json")  # fmt: skip
    assert r.status_code == 200 and r.json()["answer"]["status"] == "approval"
    assert r.json()["answer"]["body"] == "<p>Ответ по существу.</p>"
    assert api.post(url(case, "register-answer")).status_code == 400  # not approved
    assert api.post(url(case, "review"), {"decision": "approve"}).status_code == 403
    api.force_authenticate(org.head)
    r = api.post(url(case, "review"), {"decision": "return", "comment": ""}, format="json")
    assert r.status_code == 400
    r = api.post(url(case, "review"), {"decision": "approve"}, format="json")
    assert r.status_code == 200 and r.json()["answer"]["status"] == "approved"
    api.force_authenticate(org.executor)
    with commit():
        r = api.post(url(case, "register-answer"))
    assert r.status_code == 200 and r.json()["answer"]["outgoing_number"]
    deliveries = api.get(url(case, "deliveries")).json()
    assert {d["channel"]: d["status"] for d in deliveries} == {
        "email": "sent",
        "portal": "delivered",
    }
    assert len(mail.outbox) == 1
    api.force_authenticate(org.client)
    assert api.get(url(case, "deliveries")).status_code == 403
    body = api.get(url(case)).json()
    assert body["answer"]["outgoing_number"]
    r = api.post(url(case, "rate"), {"score": 6}, format="json")
    assert r.status_code == 400
    r = api.post(url(case, "rate"), {"score": 4, "comment": "Понятно"}, format="json")
    assert r.status_code == 200


@pytest.mark.django_db
def test_api_extend_and_forward(api, org, make_case):
    case = make_case(state="assigned")
    api.force_authenticate(org.executor)
    assert api.post(url(case, "extend"), {"days": 10, "reason": "x"}).status_code == 403
    api.force_authenticate(org.head)
    r = api.post(url(case, "extend"), {"days": 10, "reason": "Запрос в ФНС"}, format="json")
    assert r.status_code == 200 and r.json()["extension_count"] == 1
    assert api.post(url(case, "extend"), {"days": 5, "reason": "ещё"}).status_code == 400
    r = api.post(url(case, "request-documents"), {"body_name": "ФНС", "what": "Справки"})
    assert r.status_code == 200
    r = api.post(url(case, "forward"), {"body_name": "Прокуратура", "body_contacts": "СПб",
                                        "covering_letter": "По компетенции"})  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "forwarded"


@pytest.mark.django_db
def test_api_client_does_not_see_a_draft(api, org, make_case):
    from cases import services

    case = make_case(state="assigned")
    services.save_answer(case, org.executor, kind="merits", body="<p>Черновик</p>")
    api.force_authenticate(org.client)
    assert api.get(url(case)).json()["answer"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,actions",
    [
        ("client", ["answer", "clarify", "extend", "forward", "request-documents", "review"]),
        ("registrar", ["answer", "clarify", "extend", "request-documents", "review"]),
        ("executor", ["extend", "review", "urgency", "assign"]),
    ],
)
def test_api_refuses_before_validating_the_body(api, org, make_case, role, actions):
    """A role that sees the case but may not act gets 403 even for an empty body, not a
    list of the fields it left out (the permission comes first)."""
    case = make_case(state="assigned")
    user = getattr(org, role)
    api.force_authenticate(user)
    assert api.get(url(case)).status_code == 200  # they do see the case
    for action in actions:
        response = api.post(url(case, action), {}, format="json")
        assert response.status_code == 403, (role, action, response.content)
    case.refresh_from_db()
    assert case.status == "assigned"
