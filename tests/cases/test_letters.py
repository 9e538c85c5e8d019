"""Official letters (cases.letters, docs/letters.md): each letter from its templates with
the requisites of ГОСТ Р 7.0.97-2016, the PDF's text as a reader gets it, the e-mail that
carries it through a real SMTP server, the outgoing numbers from the one counter, and
who may download a letter."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail

from cases import letters, services
from cases.choices import ClientKind, ReplyChannel
from cases.models import (
    Answer,
    AnswerKind,
    Delivery,
    EventKind,
    LetterKind,
    NoAnswerGround,
    OutgoingLetter,
    UnitCaseSettings,
)
from intranet.models import BodyRequisites
from tests.cases.conftest import moscow
from tests.mailbox import pdf_text, smtp_server

LETTERHEAD = "Администрация Губернатора и Правительства Ленинградской области"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def case(make_case):
    return make_case(
        state="assigned",
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="client@example.gov.ru",
        at=moscow(2026, 3, 2, 10),
    )


@pytest.mark.django_db
def test_every_letter_carries_the_requisites_and_its_own_words(case, org):
    """Each kind renders from its templates: the letterhead, number and date, the
    reference to the client's message, the addressee in the dative, the greeting, the
    heading, the signatory «И. И. Фамилия» and the executor with their phone, in the
    HTML and in the plain text alike."""
    forwarding = type("F", (), {"body_name": "Прокуратура Санкт-Петербурга",
                                "body_contacts": "ул. Почтамтская, д. 2/9",
                                "covering_letter": "Просим рассмотреть."})()  # fmt: skip
    request = type("R", (), {"body_name": "ГКУ «Центр закупок»", "body_contacts": "",
                             "what": "Копия договора",
                             "due_date": dt.date(2026, 3, 23)})()  # fmt: skip
    kinds = {
        LetterKind.CLARIFICATION: ({"question": "За какой год?"}, "За какой год?"),
        LetterKind.EXTENSION: (
            {"days": 30, "new_due": dt.date(2026, 4, 30), "reason": "Запрошены документы"},
            "продлён на 30 дней, до 30.04.2026",
        ),
        LetterKind.DEADLINE: (
            {"new_due": dt.date(2026, 4, 2), "old_due": dt.date(2026, 4, 1), "change": "Указ"},
            "Изменился производственный календарь (Указ)",
        ),
        LetterKind.FORWARDING: ({"forwarding": forwarding}, "Прокуратура Санкт-Петербурга"),
        LetterKind.COVERING: ({"forwarding": forwarding}, "обращение Иванова Ивана Ивановича"),
        LetterKind.DOCUMENTS: ({"body_request": request}, "Копия договора"),
    }
    answers = {
        AnswerKind.MERITS: ({"body": "<p>Доход указывают.</p>"}, "Доход указывают."),
        AnswerKind.REFUSAL: ({"grounds": "Вопрос не о справке."}, "Почему: Вопрос не о справке."),
        AnswerKind.LINK: ({"link_url": "https://example.gov.ru/kb/a/"}, "https://example.gov.ru/kb/a/"),
        AnswerKind.NO_ANSWER: ({"no_answer_ground": NoAnswerGround.UNREADABLE},
                               "оставлено без ответа по основанию: Текст"),
    }  # fmt: skip
    for answer_kind, (fields, words) in answers.items():
        answer = Answer(case=case, kind=answer_kind, **fields)
        kind = LetterKind.NO_ANSWER if answer_kind == AnswerKind.NO_ANSWER else LetterKind.ANSWER
        kinds[answer_kind] = ({"answer": answer, "kind": kind}, words)
    for key, (context, words) in kinds.items():
        kind = context.pop("kind", key)
        letter = letters.render(kind, case, number="ИСХ-2026-000042", signatory=org.head,
                                date=dt.date(2026, 3, 5), **context)  # fmt: skip
        for version in (letter.text, letter.html):
            assert LETTERHEAD in version, kind
            assert "ИСХ-2026-000042" in version and "05.03.2026" in version, kind
            assert "А. В. Соколов" in version and "Начальник отдела" in version, kind
            assert "Васильев Павел Александрович" in version, kind
            assert "+7 (812) 539-40-24" in version, kind
            assert words in version.replace("<br>", " "), (kind, version)
            assert "(ая)" not in version
            if version is letter.text:  # all of it in Russian (addresses aside)
                rest = re.sub(r"\S+@\S+|https?://\S+", " ", version)
                assert not re.findall(r"[A-Za-z]{2,}", rest), (kind, version)
            if kind in letters.CLIENT_KINDS:
                assert "Уважаемый Иван Иванович!" in version, kind
                assert "Иванову И. И." in version, kind
                assert f"На № {case.registration_number} от 02.03.2026" in version, kind
            else:
                assert "Уважаем" not in version and "Иванову" not in version, kind
                assert forwarding.body_name in version or request.body_name in version, kind


@pytest.mark.django_db
def test_an_organisation_is_greeted_without_a_name_and_named_as_it_is(org, register_post):
    case = register_post(external={"kind": ClientKind.ORGANISATION,
                                   "name": "Комитет по строительству ЛО",
                                   "postal_address": "СПб, ул. Зодчего Росси, д. 1"})  # fmt: skip
    letter = letters.render(LetterKind.CLARIFICATION, case, number="ИСХ-1", question="?")
    assert "Здравствуйте!" in letter.text and "Уважаем" not in letter.text
    assert "Комитет по строительству ЛО\nСПб, ул. Зодчего Росси, д. 1" in letter.text


@pytest.mark.django_db
def test_the_letterhead_is_what_the_admin_set(case, org):
    requisites = BodyRequisites.load()
    requisites.name = "Комитет по делам записи актов гражданского состояния"
    requisites.phone = "+7 (812) 000-00-00"
    requisites.save()
    letter = letters.render(LetterKind.CLARIFICATION, case, number="ИСХ-1", question="?")
    assert "Комитет по делам записи актов гражданского состояния" in letter.html
    assert "тел. +7 (812) 000-00-00" in letter.text and LETTERHEAD not in letter.text


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as inbox:
        yield inbox


@pytest.mark.django_db
def test_the_answer_reaches_the_client_as_a_signed_letter_with_its_pdf(
    case, org, client, smtp, commit
):
    """The head approves, the answer is registered: the e-mail (a real SMTP server) is
    the letter as text with the letter's PDF attached; the PDF reads the letterhead, the
    outgoing number, the greeting and the signatory; the client reads the same letter in
    the portal and downloads its PDF; nobody else does."""
    services.save_answer(case, org.executor, kind=AnswerKind.MERITS, body=(
        "<p>Уважаемый(ая) Иванов Иван Иванович!</p><p>Доход по вкладу указывают в "
        "разделе 1 справки.</p>"))  # fmt: skip
    services.submit_answer(case, org.executor)
    services.approve_answer(case, org.head)
    with commit():
        answer = services.register_answer(case, org.executor)
    letter = OutgoingLetter.objects.get(case=case, kind=LetterKind.ANSWER)
    assert letter.number == answer.outgoing_number and letter.signed_by == org.head
    assert Delivery.objects.filter(letter=letter).count() == 2  # e-mail and portal

    [message] = smtp.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Уважаемый Иван Иванович!" in text and "(ая)" not in text
    assert answer.outgoing_number in text and "Доход по вкладу" in text
    [pdf] = [
        part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert pdf.get_filename() == f"{answer.outgoing_number}.pdf"
    read = pdf_text(pdf.get_content())
    for words in (LETTERHEAD, answer.outgoing_number, "Уважаемый Иван Иванович!", "Иванову И. И.",
                  "Начальник отдела", "А. В. Соколов", "Васильев Павел Александрович",
                  "Доход по вкладу указывают в разделе 1 справки."):  # fmt: skip
        assert words in read, (words, read)
    assert "(ая)" not in read

    client.force_login(org.client)
    page = client.get(case.get_client_url()).content.decode()
    assert "Уважаемый Иван Иванович!" in page and letter.get_client_url() in page
    download = client.get(letter.get_client_url())
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-") and "attachment" in download["Content-Disposition"]
    # The client is not staff: the staff's URL is refused, as the staff's case page is.
    assert client.get(letter.get_absolute_url()).status_code == 404
    client.force_login(org.client2)
    assert client.get(letter.get_client_url()).status_code == 404
    client.force_login(org.executor2)  # another unit's executor
    assert client.get(letter.get_absolute_url()).status_code == 404
    client.force_login(org.executor)
    page = client.get(case.get_absolute_url()).content.decode()
    assert letter.get_absolute_url() in page and answer.outgoing_number in page


@pytest.mark.django_db
def test_every_letter_is_registered_from_the_one_counter_of_outgoing_numbers(
    case, make_case, org, commit
):
    """The clarification, the extension notice, the covering letter to the competent
    body and the notice to the client, the request for documents and the answer each
    get the next outgoing number of the year; the covering letter's number is on the
    timeline and in the client's notice."""
    at = moscow(2026, 3, 3, 10)
    with commit():
        services.ask_clarification(case, org.executor, question="За какой год?", at=at)
    services.reply_to_clarification(case, org.client, text="За 2025 год.")
    services.request_documents(case, org.executor, body_name="ГКУ «Центр закупок»",
                               what="Копия договора", at=at)  # fmt: skip
    with commit():
        services.extend(case, org.head, days=10, reason="Ждём документы",
                        at=moscow(2026, 3, 20, 10))  # fmt: skip
    other = make_case(state="assigned", reply_channel=ReplyChannel.EMAIL,
                      reply_contact="client@example.gov.ru", at=moscow(2026, 3, 2, 11))  # fmt: skip
    with commit():
        services.forward(other, org.executor, body_name="Прокуратура Санкт-Петербурга",
                         body_contacts="ул. Почтамтская, д. 2/9",
                         covering_letter="Просим рассмотреть.",
                         at=moscow(2026, 3, 4, 12))  # fmt: skip
    # The acknowledgements of receipt are unnumbered notices: not from the counter.
    issued = list(OutgoingLetter.objects.exclude(kind=LetterKind.ACKNOWLEDGEMENT).order_by("pk"))
    assert [(x.case_id, x.kind) for x in issued] == [
        (case.pk, LetterKind.CLARIFICATION), (case.pk, LetterKind.DOCUMENTS),
        (case.pk, LetterKind.EXTENSION), (other.pk, LetterKind.COVERING),
        (other.pk, LetterKind.FORWARDING),
    ]  # fmt: skip
    numbers = [int(x.number.rsplit("-", 1)[1]) for x in issued]
    assert numbers == list(range(numbers[0], numbers[0] + 5)), numbers
    covering, notice = issued[3], issued[4]
    assert (
        covering.addressee == "Прокуратура Санкт-Петербурга" and covering.signed_by == org.executor
    )
    assert "обращение Иванова Ивана Ивановича" in covering.text and "Уважаем" not in covering.text
    assert covering.number in notice.text and covering.number in mail.outbox[-1].body
    assert not Delivery.objects.filter(letter=covering).exists()  # not sent to the client
    assert covering.number in other.events.get(kind=EventKind.FORWARDED).message
    assert issued[1].body_request == case.body_requests.get()
    days = case.events.get(kind=EventKind.EXTENDED).data["days"]
    assert issued[2].signed_by == org.head and f"продлён на {days} д" in issued[2].text

    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )
    services.save_answer(case, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(case, org.executor)
    answer = services.register_answer(case, org.executor, at=moscow(2026, 3, 25, 10))
    assert int(answer.outgoing_number.rsplit("-", 1)[1]) == numbers[-1] + 1
    signed = OutgoingLetter.objects.get(answer=answer)
    assert signed.signed_by == org.executor  # no approval needed: its author signs
