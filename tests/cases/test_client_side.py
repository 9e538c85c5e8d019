"""The client's side of the cases desk: the acknowledgement of receipt on the client's
channels (through a real SMTP server), supplements to an open case and who may not add
them, and the knowledge-base articles suggested while a question is typed, with the
rule that counts the questions they answered (cases.suggestions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import services, suggestions
from cases.choices import ReplyChannel
from cases.forms import new_submission_token
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Delivery,
    DeliveryPurpose,
    EventKind,
    KnowledgeBaseOpening,
    LetterKind,
    OutgoingLetter,
)
from cases.reports import figures
from cases.services import CaseStateError
from tests.cases.test_letters import commit, smtp  # noqa: F401  (fixtures)
from tests.search.conftest import corpus  # noqa: F401  (fixture)

QUESTION = {
    "subject": "Вклад в справке о доходах",
    "text": "Вклад открыт и закрыт в декабре. Нужно ли указывать счёт в справке?",
}


def _pdf(name="справка.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% scan\n", content_type="application/pdf")


# --- the acknowledgement of receipt ---------------------------------------------------


@pytest.mark.django_db
def test_a_question_from_the_portal_is_acknowledged_once_by_e_mail_and_in_the_portal(
    org,
    client,
    smtp,  # noqa: F811
    commit,  # noqa: F811
):
    """Registered at once: one letter with the number, the date, the deadline and the
    link to the case goes by e-mail (a real SMTP server) and into the portal; the same
    form sent again (its token) makes no second case and no second letter."""
    token = new_submission_token()
    fields = dict(QUESTION, reply_channel=ReplyChannel.EMAIL, reply_contact="client@example.gov.ru")
    with commit():
        case, created = services.submit_once(org.client, submission_key=token, **fields)
    with commit():
        again, created_again = services.submit_once(org.client, submission_key=token, **fields)
    assert created and not created_again and again.pk == case.pk

    [letter] = OutgoingLetter.objects.filter(case=case)
    assert letter.kind == LetterKind.ACKNOWLEDGEMENT and letter.number is None
    deliveries = Delivery.objects.filter(letter=letter)
    assert {d.channel for d in deliveries} == {ReplyChannel.EMAIL, ReplyChannel.PORTAL}
    assert {d.purpose for d in deliveries} == {DeliveryPurpose.ACKNOWLEDGEMENT}

    [message] = smtp.messages
    assert message["To"] == "client@example.gov.ru"
    assert case.registration_number in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    registered = timezone.localdate(case.registered_at).strftime("%d.%m.%Y")
    assert f"зарегистрировано {registered} под номером {case.registration_number}" in body
    assert f"Ответ будет дан не позднее {case.statutory_deadline:%d.%m.%Y}" in body
    assert case.get_client_url() in body and "Уважаемый Иван Иванович!" in body
    assert any(p.get_content_type() == "application/pdf" for p in message.iter_attachments())

    client.force_login(org.client)
    page = client.get(case.get_client_url()).content.decode()
    assert "Уведомление о регистрации обращения" in page  # the timeline's delivery line
    assert letter.get_client_url() in page  # in «Letters to you», with its PDF


@pytest.mark.django_db
def test_the_registrar_s_entries_are_acknowledged_on_an_automatic_channel_only(
    register_post, org, make_case
):
    """A paper letter answered by post: no acknowledgement (nobody prints one); one
    answered by e-mail: acknowledged by e-mail. Registering a received case later sends
    it then, once."""
    paper = register_post()
    assert not paper.letters.exists() and not paper.deliveries.exists()

    mailed = register_post(reply_channel=ReplyChannel.EMAIL, reply_contact="p@example.ru")
    [delivery] = mailed.deliveries.all()
    assert delivery.channel == ReplyChannel.EMAIL and delivery.contact == "p@example.ru"
    assert delivery.letter.kind == LetterKind.ACKNOWLEDGEMENT
    assert mailed.registration_number in delivery.body
    assert "портале" not in delivery.body  # an outside client has no portal link

    from django.test import override_settings

    with override_settings(CASES_AUTO_REGISTER_PORTAL=False):
        waiting = services.submit_question(org.client, **QUESTION)
    assert not waiting.letters.exists()
    services.register(waiting, org.registrar)
    assert waiting.letters.filter(kind=LetterKind.ACKNOWLEDGEMENT).count() == 1
    assert services.acknowledge(waiting) is None  # never twice


# --- supplements -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_client_adds_text_and_a_file_to_an_open_case(client, org, make_case):
    case = make_case(state="assigned")
    client.force_login(org.client)
    page = client.get(case.get_client_url()).content.decode()
    assert reverse("cases:client_supplement", args=[case.pk]) in page

    response = client.post(
        reverse("cases:client_supplement", args=[case.pk]),
        {"text": "Прилагаю выписку по вкладу.", "attachments": [_pdf("выписка.pdf")]},
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, kind=EventKind.SUPPLEMENT)
    assert event.visible_to_client and event.actor == org.client
    assert event.message == "Прилагаю выписку по вкладу."
    file = Attachment.objects.get(case=case, original_name="выписка.pdf")
    assert event.data["attachments"] == [{"id": file.pk, "name": "выписка.pdf"}]

    page = client.get(case.get_client_url()).content.decode()
    assert "Прилагаю выписку по вкладу." in page and file.get_absolute_url() in page
    client.force_login(org.executor)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Клиент дополнил обращение" in page and "Прилагаю выписку по вкладу." in page
    assert file.get_absolute_url() in page
    assert client.get(file.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_supplement_needs_text_or_a_file_and_keeps_what_was_typed(client, org, make_case):
    case = make_case(state="assigned")
    client.force_login(org.client)
    url = reverse("cases:client_supplement", args=[case.pk])
    response = client.post(url, {"text": ""})
    assert response.status_code == 400
    assert "Напишите, что хотите добавить, или приложите файл." in response.content.decode()
    bad = SimpleUploadedFile("вирус.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(url, {"text": "Дополнение к вопросу", "attachments": [bad]})
    html = response.content.decode()
    assert response.status_code == 400 and "вирус.exe" in html
    assert "Дополнение к вопросу</textarea>" in html
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.SUPPLEMENT).exists()
    assert not Attachment.objects.filter(original_name="вирус.exe").exists()
    with pytest.raises(ValidationError):
        services.add_supplement(case, org.client, text="  ")


@pytest.mark.django_db
def test_who_may_not_add_to_a_case(client, org, make_case):
    """Another client, a member of staff posting to the client's address, and the client
    on a withdrawn case: refused, nothing recorded."""
    case = make_case(state="assigned")
    url = reverse("cases:client_supplement", args=[case.pk])
    for user in (org.client2, org.executor, org.registrar):
        client.force_login(user)
        assert client.post(url, {"text": "Чужое дополнение"}).status_code == 404
        with pytest.raises(Case.DoesNotExist):
            services.add_supplement(case, user, text="Чужое дополнение")

    services.withdraw(case, org.client, reason="Неактуально")
    client.force_login(org.client)
    assert client.post(url, {"text": "Поздно"}).status_code == 403
    assert reverse("cases:client_supplement", args=[case.pk]) not in (
        client.get(case.get_client_url()).content.decode()
    )
    with pytest.raises(CaseStateError):
        services.add_supplement(case, org.client, text="Поздно", uploads=[_pdf()])
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.SUPPLEMENT).exists()
    assert not case.attachments.exists()


# --- knowledge-base suggestions ----------------------------------------------------------

DECLARATION = "Как заполнить справки о доходах за отчётный год"
RESTRICTED = "Методичка проверки справок для руководителей"


def _suggested(client, subject, text="", token=""):
    response = client.get(
        reverse("cases:question_suggestions"), {"subject": subject, "text": text, "token": token}
    )
    assert response.status_code == 200
    return response.json()["results"]


@pytest.mark.django_db
def test_suggestions_are_the_articles_the_client_may_open(client, corpus):  # noqa: F811
    """The staff search's articles, with its visibility: the restricted methodology is
    suggested to the head who may read it, never to the client; no case or typical
    answer is offered; at most five; the links go through the counting address."""
    token = new_submission_token()
    client.force_login(corpus.users["client"])
    results = _suggested(client, "Справки о доходах", "Как заполнить справки БК?", token)
    assert DECLARATION in {item["title"] for item in results} and len(results) <= 5
    item = next(item for item in results if item["title"] == DECLARATION)
    assert item["url"] == (reverse("cases:suggestion_open", args=[item["id"]]) + f"?token={token}")
    assert RESTRICTED not in {i["title"] for i in _suggested(client, "Методичка проверки")}
    assert not any("декретном" in i["title"] for i in _suggested(client, "Справка супруги"))
    client.force_login(corpus.users["head"])
    assert RESTRICTED in {i["title"] for i in _suggested(client, "Методичка проверки")}
    assert _suggested(client, "а") == []  # too little typed yet


@pytest.mark.django_db
def test_opening_a_suggestion_is_recorded_with_the_draft(client, corpus):  # noqa: F811
    from kb.models import ArticlePage

    token = new_submission_token()
    client.force_login(corpus.users["client"])
    results = _suggested(client, "Справки о доходах", "", token)
    [item] = [i for i in results if i["title"] == DECLARATION]
    response = client.get(item["url"])
    assert response.status_code == 302
    assert response["Location"] == ArticlePage.objects.get(pk=item["id"]).url
    opening = KnowledgeBaseOpening.objects.get(token=token)
    assert opening.user == corpus.users["client"] and opening.page_id == item["id"]
    assert opening.unit.short_name == "ОДС"  # the unit of the article's section

    # An article the client may not open is not found (and not counted); a forged token
    # is not recorded.
    client.force_login(corpus.users["head"])
    [hidden] = [i for i in _suggested(client, "Методичка проверки") if i["title"] == RESTRICTED]
    client.force_login(corpus.users["client"])
    url = reverse("cases:suggestion_open", args=[hidden["id"]])
    assert client.get(url, {"token": token}).status_code == 404
    assert client.get(item["url"].split("?")[0], {"token": "x' or 1=1"}).status_code == 302
    assert KnowledgeBaseOpening.objects.filter(user=corpus.users["client"]).count() == 1


@pytest.mark.django_db
def test_a_draft_dropped_after_an_article_counts_as_answered_by_the_knowledge_base(org):
    """Counted: the draft with an opening and no question sent with its token, once its
    last opening is a day old, for the unit of the article. Not counted: a draft whose
    question was sent afterwards, one still fresh, another unit's (unless the report
    covers every unit)."""
    ods, oki = org.units["ОДС"], org.units["ОКИ"]
    now = timezone.now()
    two_days_ago = now - dt.timedelta(days=2)
    dropped, sent, fresh, other = (new_submission_token() for _ in range(4))
    for token, unit, at in (
        (dropped, ods, two_days_ago),
        (dropped, ods, two_days_ago + dt.timedelta(minutes=5)),  # two articles, one draft
        (sent, ods, two_days_ago),
        (fresh, ods, now - dt.timedelta(hours=1)),
        (other, oki, two_days_ago),
    ):
        suggestions.record_opening(org.client, token, 1, unit.pk, at=at)
    services.submit_once(org.client, submission_key=sent, **QUESTION)
    suggestions.record_opening(org.client2, "not-a-form-token", 1, ods.pk)
    assert KnowledgeBaseOpening.objects.count() == 5

    low, high = now - dt.timedelta(days=7), now + dt.timedelta(days=1)
    count = suggestions.answered_by_knowledge_base
    assert count([ods.pk], low, high, every_unit=False) == 1
    assert count([ods.pk, oki.pk], low, high, every_unit=False) == 2
    # Out of the period, nothing.
    assert count([ods.pk], now - dt.timedelta(days=1), high, every_unit=False) == 0
    # The fresh draft, a day later and still not sent, counts.
    assert count([ods.pk], low, high, every_unit=False, now=now + dt.timedelta(days=1)) == 2

    report = figures.build([ods.pk], timezone.localdate(low), timezone.localdate(now))
    assert report.answered_by_kb == 1


@pytest.mark.django_db
def test_the_heads_report_shows_the_questions_the_knowledge_base_answered(client, org):
    token = new_submission_token()
    at = timezone.now() - dt.timedelta(days=2)
    suggestions.record_opening(org.client, token, 1, org.units["ОДС"].pk, at=at)
    client.force_login(org.head)
    html = client.get(reverse("reports:report")).content.decode()
    assert "Вопросов снято после статьи базы знаний" in html
    assert 'data-figure="answered_by_kb">1<' in html


@pytest.mark.django_db
def test_the_form_works_on_when_the_search_fails(client, org, monkeypatch):
    """The suggestions are an aid: a search that fails answers no articles, not an
    error."""
    from django.db import DatabaseError

    from search import services as search

    def broken(*args, **kwargs):
        raise DatabaseError("search down")

    monkeypatch.setattr(search, "search", broken)
    client.force_login(org.client)
    assert _suggested(client, "Справки о доходах") == []
