"""Every role against every view and API endpoint, the refused side included.

Four cases: A (client, routed to ОДС), B (client2, routed to ОКИ), C (client2,
confidential, routed to ОКИ), D (client, not routed yet). Who may see each one follows
cases.permissions: heads see their units (with sub-units: chief heads УПК above ОДС and
ОКИ), executors their unit's and assigned cases, registrars (and the superuser admin,
who holds every role) all, clients their own; a confidential case only its client, its
executors and the head of its unit."""

import pytest
from django.urls import reverse

from cases import services

pytestmark = pytest.mark.django_db

USERS = [
    "admin", "chief", "head", "head2", "head3", "editor", "editor2", "editor3",
    "executor", "executor2", "registrar", "client", "client2", "reader",
]  # fmt: skip

VISIBLE = {
    "A": {"admin", "chief", "head", "editor", "executor", "registrar", "client"},
    "B": {"admin", "chief", "head2", "editor2", "executor2", "registrar", "client2"},
    "C": {"head2", "executor2", "client2"},
    "D": {"admin", "registrar", "client"},
}
CLIENT_OF = {"A": "client", "B": "client2", "C": "client2", "D": "client"}
# Who may decide urgency and route: registrars and heads of the case's unit (above it
# too); for a confidential case only the head of its own unit.
MANAGERS = {
    "A": {"admin", "chief", "head", "registrar"},
    "B": {"admin", "chief", "head2", "registrar"},
    "C": {"head2"},
    "D": {"admin", "registrar"},
}
STAFF = {"admin", "chief", "head", "head2", "head3", "editor", "editor2", "executor",
         "executor2", "registrar"}  # fmt: skip


@pytest.fixture
def cases(org, permission_cases):
    return permission_cases


def _login(client, org, name):
    client.force_login(org.users[name])


@pytest.mark.parametrize("username", USERS)
def test_visibility_queryset(org, cases, username):
    from cases.models import Case

    visible = set(Case.objects.visible_to(org.users[username]).values_list("pk", flat=True))
    expected = {cases[key].pk for key, who in VISIBLE.items() if username in who}
    assert visible == expected


@pytest.mark.parametrize("username", USERS)
def test_case_pages(client, org, cases, username):
    _login(client, org, username)
    for key, case in cases.items():
        staff_page = client.get(reverse("cases:detail", args=[case.pk]))
        client_page = client.get(reverse("cases:client_detail", args=[case.pk]))
        attachment = case.attachments.first()
        is_client = CLIENT_OF[key] == username
        if username not in VISIBLE[key]:
            assert staff_page.status_code == 404, key
        elif is_client:
            assert staff_page.status_code == 302, key
            assert staff_page["Location"] == case.get_client_url()
        else:
            assert staff_page.status_code == 200, key
            assert case.subject in staff_page.content.decode()
        assert client_page.status_code == (200 if is_client else 404), key
        if attachment:
            download = client.get(attachment.get_absolute_url())
            assert download.status_code == (200 if username in VISIBLE[key] else 404), key


@pytest.mark.parametrize("username", USERS)
def test_list_pages(client, org, cases, username):
    _login(client, org, username)
    workspace = client.get(reverse("cases:workspace") + "?queue=all")
    if username in STAFF:
        assert workspace.status_code == 200
        html = workspace.content.decode()
        for key, case in cases.items():
            shown = f'data-case="{case.pk}"' in html
            assert shown == (username in VISIBLE[key] and CLIENT_OF[key] != username), key
    else:
        assert workspace.status_code == 302 and workspace["Location"] == reverse("cases:mine")
    assert client.get(reverse("cases:new")).status_code == 200
    mine = client.get(reverse("cases:mine"))
    assert mine.status_code == 200
    for key, case in cases.items():
        assert (case.get_client_url() in mine.content.decode()) == (CLIENT_OF[key] == username)
    register = client.get(reverse("cases:register"))
    assert register.status_code == (200 if username in {"admin", "registrar"} else 403)


@pytest.mark.parametrize("username", USERS)
def test_actions(client, org, cases, username):
    _login(client, org, username)
    for key, case in cases.items():
        response = client.post(reverse("cases:urgency", args=[case.pk]), {"urgent": "1"})
        if username not in VISIBLE[key]:
            assert response.status_code == 404, key
        elif username in MANAGERS[key]:
            assert response.status_code == 302, key
        else:
            assert response.status_code == 403, key
        response = client.post(
            reverse("cases:assign", args=[case.pk]),
            {"unit": case.unit_id or org.units["ОДС"].pk, "reason": "проверка прав"},
        )
        if username not in VISIBLE[key]:
            assert response.status_code == 404, key
        elif username in MANAGERS[key]:
            assert response.status_code in {302, 400}, key
        else:
            assert response.status_code == 403, key
    for key, case in cases.items():
        response = client.post(reverse("cases:withdraw", args=[case.pk]))
        assert response.status_code == (302 if CLIENT_OF[key] == username else 404), key


def test_anonymous_is_sent_to_login(client, cases):
    for url in [reverse("cases:workspace"), reverse("cases:new"), reverse("cases:mine"),
                cases["A"].get_absolute_url(), cases["A"].get_client_url()]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/cases/").status_code in {401, 403}
    assert client.get(f"/api/cases/{cases['A'].pk}/").status_code in {401, 403}


def test_client_guessing_another_id_gets_404_everywhere(client, org, cases):
    _login(client, org, "client")
    other = cases["B"]
    assert client.get(f"/cases/{other.pk}/").status_code == 404
    assert client.get(f"/cases/mine/{other.pk}/").status_code == 404
    assert client.get(f"/api/cases/{other.pk}/").status_code == 404
    assert client.post(f"/api/cases/{other.pk}/withdraw/").status_code == 404
    assert client.get("/cases/999999/").status_code == 404


# --- the API ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", USERS)
def test_api_list_and_retrieve(client, org, cases, username):
    _login(client, org, username)
    response = client.get("/api/cases/?queue=all")
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    if username in STAFF:
        expected = {c.pk for k, c in cases.items() if username in VISIBLE[k]}
        expected -= {c.pk for k, c in cases.items() if CLIENT_OF[k] == username}
    else:
        expected = {c.pk for k, c in cases.items() if CLIENT_OF[k] == username}
    assert listed == expected
    for key, case in cases.items():
        detail = client.get(f"/api/cases/{case.pk}/")
        assert detail.status_code == (200 if username in VISIBLE[key] else 404), key
        if detail.status_code == 200:
            events = detail.json()["events"]
            staff_view = username in VISIBLE[key] and CLIENT_OF[key] != username
            assert ("actor" in events[0]) == staff_view, key


@pytest.mark.parametrize("username", USERS)
def test_api_actions(client, org, cases, username):
    _login(client, org, username)
    for key, case in cases.items():
        response = client.post(
            f"/api/cases/{case.pk}/urgency/", {"urgent": True}, content_type="application/json"
        )
        if username not in VISIBLE[key]:
            assert response.status_code == 404, key
        elif username in MANAGERS[key]:
            assert response.status_code == 200, key
        else:
            assert response.status_code == 403, key
        response = client.post(
            f"/api/cases/{case.pk}/assign/",
            {"unit": case.unit_id or org.units["ОДС"].pk, "reason": "проверка"},
            content_type="application/json",
        )
        if username not in VISIBLE[key]:
            assert response.status_code == 404, key
        elif username in MANAGERS[key]:
            assert response.status_code in {200, 400}, key
        else:
            assert response.status_code == 403, key
    response = client.post(
        "/api/cases/register/",
        {"channel": "post", "subject": "Письмо", "text": "Текст письма",
         "external_client": {"name": "Сидоров П. И."}, "reply_channel": "portal"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == (201 if username in {"admin", "registrar"} else 403)
    response = client.post(
        "/api/cases/", {"subject": "Вопрос", "text": "Текст вопроса клиента"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    for key, case in cases.items():
        response = client.post(f"/api/cases/{case.pk}/withdraw/")
        if username not in VISIBLE[key]:
            assert response.status_code == 404, key
        else:
            assert response.status_code == (200 if CLIENT_OF[key] == username else 403), key


def test_services_refuse_what_views_refuse(org, cases):
    from django.core.exceptions import PermissionDenied

    from cases.models import Case

    with pytest.raises(PermissionDenied):
        services.decide_urgency(cases["A"], org.executor, urgent=True)
    with pytest.raises(PermissionDenied):
        services.reassign(cases["C"], org.executor2, unit=org.units["ОКИ"],
                          executor=org.executor2, reason="x")  # fmt: skip
    with pytest.raises(Case.DoesNotExist):  # the chief does not see a confidential case
        services.reassign(cases["C"], org.chief, unit=org.units["ОКИ"], executor=org.executor2,
                          reason="x")  # fmt: skip
