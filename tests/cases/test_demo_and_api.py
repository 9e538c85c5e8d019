"""The demo cases, the API's create/register with files, and the OpenAPI schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.choices import Status, Urgency
from cases.models import Case

pytestmark = pytest.mark.django_db


def test_demo_is_realistic_and_idempotent(demo):
    from cases import demo as cases_demo
    from cases.reception.models import ReceptionCard
    from cases.reports import demo as reports_demo

    # + the reports' history and the reception cards turned into written cases
    written = ReceptionCard.objects.filter(case__isnull=False).count()
    assert written >= 1
    expected = len(cases_demo.CASES) + len(reports_demo.HISTORY) + written
    cases = Case.objects.all()
    assert cases.count() == expected
    assert len(set(cases.values_list("regime", flat=True))) >= 4
    assert len(set(cases.values_list("channel", flat=True))) >= 6
    assert len(set(cases.exclude(unit=None).values_list("unit", flat=True))) == 3
    assert cases.filter(urgency=Urgency.URGENT).exists()
    assert cases.filter(status=Status.REGISTERED, urgency=Urgency.UNDECIDED).exists()
    assert cases.filter(status=Status.WITHDRAWN).exists()
    assert cases.filter(is_confidential=True).exists()
    from django.utils import timezone

    assert cases.overdue(timezone.localdate()).exists()
    # Part 2: answered, refused, forwarded, waiting for the client, extended.
    for status in (Status.FORWARDED, Status.CLARIFICATION):
        assert cases.filter(status=status).exists(), status
    assert cases.filter(answer__kind="merits", answer__status="registered").exists()
    assert cases.filter(answer__kind="refusal", answer__status="registered").exists()
    assert cases.filter(extension_count=1, body_requests__isnull=False).exists()
    from cases.models import Delivery

    assert Delivery.objects.filter(channel="post", status="queued").exists()
    deliveries = Delivery.objects.count()
    cases_demo.seed()
    assert Case.objects.count() == expected
    assert Delivery.objects.count() == deliveries


def test_api_client_creates_a_question_with_a_file(client, org):
    client.force_login(org.client)
    response = client.post(
        "/api/cases/",
        {
            "subject": "Вопрос через API",
            "text": "Текст вопроса через API",
            "topic": "sites",
            "reply_channel": "email",
            "reply_contact": "ivanov@example.gov.ru",
            "attachments": [SimpleUploadedFile("скан.pdf", b"%PDF-1.4 x")],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered" and body["registration_number"].startswith("ОБ-")
    assert body["attachments"][0]["original_name"] == "скан.pdf"
    # The acknowledgement of receipt placed in the portal is the third line.
    assert [e["kind"] for e in body["events"]] == ["received", "registered", "delivery"]
    assert "actor" not in body["events"][0]  # the client's view of the timeline
    bad = client.post(
        "/api/cases/",
        {"subject": "x", "text": "Текст вопроса", "reply_channel": "email"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "reply_contact" in bad.json()


def test_api_register_triage_assign(client, org):
    client.force_login(org.registrar)
    response = client.post(
        "/api/cases/register/",
        {"channel": "email", "subject": "Письмо", "text": "Текст письма о подарке",
         "topic": "prohibitions", "client": org.client2.pk, "reply_channel": "email",
         "reply_contact": "client2@example.gov.ru"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["regime"] == "internal" and case["registration_number"].startswith("ВН-")
    url = f"/api/cases/{case['id']}/"
    refused = client.post(url + "assign/", {"unit": org.units["ОКИ"].pk},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    decided = client.post(url + "urgency/", {"urgent": False}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["urgency"] == "normal"
    response = client.post(
        url + "assign/",
        {"unit": org.units["ОКИ"].pk, "executor": org.executor2.pk},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    oki = org.units["ОКИ"].pk
    listed = client.get(f"/api/cases/?queue=all&unit={oki}&sort=due_date")
    assert [row["id"] for row in listed.json()["results"]] == [case["id"]]
    assert listed.json()["results"][0]["deadline_state"] in {"on_track", "due_soon"}


def test_schema_lists_the_cases_api(client, org):
    client.force_login(org.registrar)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ["/api/cases/", "/api/cases/{id}/", "/api/cases/register/",
                 "/api/cases/{id}/urgency/", "/api/cases/{id}/assign/",
                 "/api/cases/{id}/withdraw/"]:  # fmt: skip
        assert path in text, path


def test_schema_is_generated_once_per_language_and_format(client, monkeypatch):
    """The schema describes the code: the second request is served from memory; another
    format or language is generated (and translated) on its own."""
    from drf_spectacular.generators import SchemaGenerator

    from intranet.api import SchemaView

    SchemaView._schemas.clear()
    calls = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    first = client.get("/api/schema/")
    second = client.get("/api/schema/")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first["Content-Disposition"] == second["Content-Disposition"]
    assert len(calls) == 1
    as_json = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert as_json.json()["info"]["title"] == "Интранет: API"
    english = client.get("/api/schema/?lang=en")
    assert english.status_code == 200
    assert len(calls) == 3
    assert "Интранет: API" in first.content.decode()


def test_topic_routes_admin_screen(client, org):
    client.force_login(org.admin)
    response = client.get("/admin/cases/topic-routes/")
    assert response.status_code == 200
    assert "ОДС" in response.content.decode() or "сведениями о доходах" in response.content.decode()
