"""The client portal and the staff screens through the test client."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.choices import Status
from cases.models import Attachment, Case
from tests.factories import question_form

pytestmark = pytest.mark.django_db


def _question(**extra):
    return question_form(**extra)


def test_client_submits_a_question_with_attachments(client, org):
    client.force_login(org.client)
    files = [
        SimpleUploadedFile("справка.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        SimpleUploadedFile("фото.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png"),
    ]
    response = client.post(
        reverse("cases:new"),
        _question(attachments=files, extra_reply_channel="email",
                  extra_reply_contact="ivanov@example.gov.ru"),
    )  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_client_url()
    assert case.client == org.client and case.status == Status.REGISTERED
    assert case.extra_reply_channel == "email"
    assert sorted(a.original_name for a in case.attachments.all()) == ["справка.pdf", "фото.png"]
    assert case.attachments.get(original_name="фото.png").content_type == "image/png"
    page = client.get(case.get_client_url()).content.decode()
    assert case.registration_number in page and "справка.pdf" in page


def test_validation_error_keeps_the_text_and_the_files(client, org):
    client.force_login(org.client)
    upload = SimpleUploadedFile("скан.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        reverse("cases:new"),
        _question(subject="", reply_channel="email", reply_contact="", attachments=[upload]),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Как указать вклад, закрытый в декабре прошлого года?" in html  # text kept
    kept = Attachment.objects.get()
    assert kept.case is None and kept.uploaded_by == org.client
    assert f'name="kept_attachments" value="{kept.pk}" checked' in html
    assert "скан.pdf" in html
    form = response.context["form"]
    assert "subject" in form.errors and "reply_contact" in form.errors
    # Second try: the file is sent back as "kept", not uploaded again.
    response = client.post(
        reverse("cases:new"), _question(kept_attachments=[kept.pk], reply_contact="")
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert list(case.attachments.all()) == [kept]


def test_rejected_file_is_named_and_others_are_kept(client, org):
    client.force_login(org.client)
    good = SimpleUploadedFile("ok.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    bad = SimpleUploadedFile("virus.exe", b"MZ....", content_type="application/octet-stream")
    response = client.post(reverse("cases:new"), _question(attachments=[good, bad]))
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert any("virus.exe" in e for e in errors)
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["ok.pdf"]
    assert not Case.objects.exists()


def test_someone_elses_kept_upload_cannot_be_claimed(client, org):
    other = Attachment.objects.create(
        file=SimpleUploadedFile("x.pdf", b"%PDF"), original_name="x.pdf", uploaded_by=org.client2
    )
    client.force_login(org.client)
    client.post(reverse("cases:new"), _question(kept_attachments=[other.pk]))
    case = Case.objects.get()
    assert not case.attachments.exists()
    other.refresh_from_db()
    assert other.case is None
    assert client.get(other.get_absolute_url()).status_code == 404


def test_my_questions_and_withdraw(client, org, make_case):
    mine = make_case(state="assigned")
    make_case(client=org.client2, subject="Чужой вопрос")
    client.force_login(org.client)
    html = client.get(reverse("cases:mine")).content.decode()
    assert mine.registration_number in html and "Чужой вопрос" not in html
    page = client.get(mine.get_client_url()).content.decode()
    # The client sees what happened, not internal notes (the urgency decision).
    assert "Васильев Павел Александрович" in page
    assert mine.events.get(kind="urgency").message not in page
    response = client.post(reverse("cases:withdraw", args=[mine.pk]), {"reason": "Неактуально"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.WITHDRAWN


def test_registrar_registers_a_letter_and_routes_it(client, org):
    client.force_login(org.registrar)
    response = client.post(
        reverse("cases:register"),
        {
            "channel": "post", "regime": "", "received_at": "2026-03-02T10:00",
            "external_kind": "person", "external_name": "Сидоров Пётр Ильич",
            "external_postal_address": "СПб, Невский пр., 1", "subject": "Письмо о подарке",
            "text": "Прошу разъяснить порядок сдачи подарка.", "topic": "prohibitions",
            "reply_channel": "post", "reply_contact": "СПб, Невский пр., 1",
        },
    )  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.registration_number.startswith("ОБ-")
    assert case.external_client.postal_address == "СПб, Невский пр., 1"
    page = client.get(case.get_absolute_url())
    assert page.context["assign_form"].initial["unit"].short_name == "ОКИ"  # topic route
    # Assigning before the urgency decision is refused.
    response = client.post(
        reverse("cases:assign", args=[case.pk]),
        {"unit": org.units["ОКИ"].pk, "executor": org.executor2.pk},
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.REGISTERED
    client.post(reverse("cases:urgency", args=[case.pk]), {"urgent": "0", "comment": "Обычный"})
    response = client.post(
        reverse("cases:assign", args=[case.pk]),
        {"unit": org.units["ОКИ"].pk, "executor": org.executor2.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.executor == org.executor2


def test_reassign_form_asks_for_a_reason(client, org, make_case):
    case = make_case(state="assigned")
    client.force_login(org.head)
    response = client.post(
        reverse("cases:assign", args=[case.pk]),
        {"unit": org.units["ОДС"].pk, "executor": org.editor.pk, "reason": ""},
    )
    assert response.status_code == 400 and "reason" in response.context["assign_form"].errors
    response = client.post(
        reverse("cases:assign", args=[case.pk]),
        {"unit": org.units["ОДС"].pk, "executor": org.editor.pk, "reason": "Отпуск"},
    )
    assert response.status_code == 302
    assert case.events.filter(kind="reassigned", reason="Отпуск").exists()


def test_queues_and_filters(client, org, make_case):
    registered = make_case(subject="Не распределён")
    urgent = make_case(state="assigned", urgent=True, subject="Срочный ОДС")
    other = make_case(state="assigned", unit="ОКИ", executor="executor2", subject="ОКИ вопрос",
                      topic="conflict")  # fmt: skip
    Case.objects.filter(pk=other.pk).update(due_date=dt.date(2020, 1, 10))
    client.force_login(org.registrar)

    def listed(query):
        response = client.get(reverse("cases:workspace") + query)
        return {c.pk for c in response.context["page"].object_list}

    assert listed("?queue=unassigned") == {registered.pk}
    assert listed("?queue=urgent") == {urgent.pk}
    assert listed("?queue=overdue") == {other.pk}
    assert listed("?queue=all&unit=" + str(org.units["ОКИ"].pk)) == {other.pk}
    assert listed("?queue=all&unit=" + str(org.units["УПК"].pk)) == {urgent.pk, other.pk}
    assert listed("?queue=all&topic=conflict") == {other.pk}
    assert listed("?queue=all&status=registered") == {registered.pk}
    assert listed(f"?queue=all&executor={org.executor2.pk}") == {other.pk}
    assert listed("?queue=all&channel=post") == set()
    ordered = client.get(reverse("cases:workspace") + "?queue=all&sort=due_date")
    assert ordered.context["page"].object_list[0].pk == other.pk
    client.force_login(org.executor)
    assert listed("?queue=mine") == {urgent.pk}
    assert listed("?queue=unit") == {urgent.pk}
    client.force_login(org.executor2)
    assert listed("?queue=mine") == {other.pk}


def test_workspace_renders_in_russian(client, org, make_case):
    make_case(state="assigned", urgent=True)
    client.force_login(org.registrar)
    html = client.get(reverse("cases:workspace") + "?queue=all").content.decode()
    assert "Обращения" in html or "Рабочее место" in html
    assert "Срок" in html
