"""The answer stage in the UI: the case page, typical answers, the client's page."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.choices import ReplyChannel, Status
from cases.models import Answer, Delivery, Rating, UnitCaseSettings


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.django_db
def test_executor_drafts_inserts_a_typical_answer_registers_and_client_rates(
    demo, org, make_case, client, commit
):
    from kb.models import ArticlePage

    typical = ArticlePage.objects.live().filter(kind="typical_answer").exclude(answer_code=None)
    assert typical.exists()
    article = typical.first()
    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )
    case = make_case(state="assigned", reply_channel=ReplyChannel.EMAIL,
                     reply_contact="client@example.gov.ru")  # fmt: skip
    client.force_login(org.executor)
    page = client.get(case.get_absolute_url() + "?kb=" + article.title.split()[0])
    assert page.status_code == 200
    assert "Типовые ответы" in page.content.decode() or "typical" in page.content.decode()
    response = client.post(reverse("cases:insert_typical", args=[case.pk]),
                           {"code": article.answer_code})  # fmt: skip
    assert response.status_code == 302
    answer = Answer.objects.get(case=case)
    # The placeholder filled with the official greeting: first name and patronymic.
    assert "Уважаемый Иван Иванович!" in answer.body and "{имя_заявителя}" not in answer.body
    assert "Уважаемый(ая)" not in answer.body
    response = client.post(
        reverse("cases:answer", args=[case.pk]),
        {"kind": "merits",
         "body": answer.body.replace("{срок_представления}", "30 апреля")
         .replace("{телефон}", "123-45-67")
         + "<p>В целях уточнения звоните.</p>",
         "submit": "1"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(case.get_absolute_url()).content.decode()
    assert "В целях" in page  # the plain-language warning names the phrase
    with commit():
        response = client.post(reverse("cases:register_answer", args=[case.pk]))
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.is_registered and len(mail.outbox) == 1

    client.force_login(org.client)
    page = client.get(case.get_client_url()).content.decode()
    assert answer.outgoing_number in page
    answer.refresh_from_db()
    assert answer.read_at is not None
    response = client.post(
        reverse("cases:rate", args=[case.pk]), {"score": "5", "comment": "Спасибо"}
    )
    assert response.status_code == 302
    assert Rating.objects.get(case=case).score == 5
    assert Rating.objects.get(case=case).unit == org.units["ОДС"]


@pytest.mark.django_db
def test_client_replies_to_a_question_in_the_portal(org, make_case, client):
    case = make_case(state="assigned")
    services.ask_clarification(case, org.executor, question="Какой год?")
    client.force_login(org.client)
    page = client.get(case.get_client_url()).content.decode()
    assert "Какой год?" in page
    response = client.post(reverse("cases:client_reply", args=[case.pk]), {"text": "2025"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED
    client.force_login(org.client2)
    assert (
        client.post(reverse("cases:client_reply", args=[case.pk]), {"text": "x"}).status_code == 404
    )


@pytest.mark.django_db
def test_refusal_with_only_references_is_refused_with_a_clear_message(org, make_case, client):
    case = make_case(state="assigned")
    client.force_login(org.executor)
    response = client.post(
        reverse("cases:answer", args=[case.pk]),
        {"kind": "refusal", "grounds": "Отказать на основании ст. 12 59-ФЗ.", "submit": "1"},
    )
    assert response.status_code == 400
    assert "только ссылки на правовые акты" in response.content.decode()


@pytest.mark.django_db
def test_print_view_and_mark_delivered_by_the_registrar(org, register_post, client, commit):
    case = register_post()
    case = services.decide_urgency(case, org.registrar, urgent=False)
    case = services.assign(case, org.registrar, unit=org.units["ОДС"], executor=org.executor)
    services.save_answer(case, org.executor, kind="merits", body="<p>Ответ по существу.</p>")
    services.submit_answer(case, org.executor)
    services.approve_answer(case, org.head)
    with commit():
        services.register_answer(case, org.executor)
    post = Delivery.objects.get(case=case, channel="post")
    client.force_login(org.registrar)
    page = client.get(reverse("cases:delivery_print", args=[case.pk, post.pk]))
    assert page.status_code == 200 and "Ответ по существу." in page.content.decode()
    queue = client.get(reverse("cases:workspace") + "?queue=to_deliver").content.decode()
    assert case.registration_number in queue
    today = f"{timezone.localdate():%d.%m.%Y}"
    client.post(reverse("cases:delivery", args=[case.pk, post.pk]),
                {"action": "delivered", f"delivery-{post.pk}-on": today,
                 f"delivery-{post.pk}-note": "Заказное письмо 19000012345678"})  # fmt: skip
    post.refresh_from_db()
    case.refresh_from_db()
    assert post.status == "delivered" and case.status == Status.CLOSED
    client.force_login(org.client2)
    assert client.get(reverse("cases:delivery_print", args=[case.pk, post.pk])).status_code == 404


@pytest.mark.django_db
def test_confidential_case_reads_are_audited(org, make_case, client):
    from intranet.audit.models import AuditEvent

    case = make_case(state="assigned", is_confidential=True)
    client.force_login(org.executor)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(f"/api/cases/{case.pk}/").status_code == 200
    assert (
        AuditEvent.objects.filter(object_id=str(case.pk), action="confidential_read").count() == 2
    )


@pytest.mark.django_db
def test_case_page_works_on_when_the_typical_answer_search_fails(
    demo, org, make_case, client, monkeypatch, caplog
):
    """A failing database or search engine costs the executor the suggestions, not the
    case page (which says so, and the error is logged); any other error is a bug and is
    not hidden."""
    from django.db import OperationalError

    from search import services as search

    case = make_case(state="assigned")
    client.force_login(org.executor)

    def failing(*args, **kwargs):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(search, "typical_answers_for", failing)
    with caplog.at_level("ERROR", logger="cases.views"):
        page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Поиск по базе знаний сейчас недоступен" in html
    assert "Типовые ответы не найдены" not in html
    assert any("could not be searched" in record.getMessage() for record in caplog.records)

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(search, "typical_answers_for", broken)
    with pytest.raises(ValueError, match="a bug"):
        client.get(case.get_absolute_url())


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("code", ["\x00", "ТО-001\x00", "Т" * 21])
def test_a_malformed_typical_answer_code_is_no_such_answer(org, make_case, client, code):
    """A code the knowledge base cannot hold (a NUL byte, which PostgreSQL refuses with a
    DataError, or too long) is answered like an unknown code, 404, not a 500."""
    case = make_case(state="assigned")
    client.force_login(org.executor)
    response = client.post(reverse("cases:insert_typical", args=[case.pk]), {"code": code})
    assert response.status_code == 404
    assert not Answer.objects.filter(case=case).exists()
