"""The case page (staff) and the client's page of a case run the same number of queries
with 2 or 20 attachments, events, co-executors, clarifications, answer files and
e-mails with their tries; submitting a question costs the same whatever the client's history,
and each attached file adds a fixed number of queries."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.choices import ReplyChannel
from cases.models import (
    AnswerAttachment,
    Attachment,
    CaseEvent,
    Clarification,
    Delivery,
    OtherBodyRequest,
    UnitCaseSettings,
)
from intranet.models import MessageAttempt, OutgoingMessage
from tests.factories import question_form
from tests.perf.conftest import assert_bounded, measure

pytestmark = pytest.mark.django_db

CASE_PAGE_CEILING = 45


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _grow(case, org, start: int, count: int) -> None:
    """`count` more of everything a case page lists."""
    from intranet.accounts.models import User

    people = list(User.objects.exclude(pk=case.executor_id).order_by("pk"))
    answer = getattr(case, "answer", None)
    Attachment.objects.bulk_create(
        Attachment(case=case, file=ContentFile(b"%PDF-1.4", name=f"f{i}.pdf"),
                   original_name=f"скан {i}.pdf", size=8, uploaded_by=case.client)
        for i in range(start, start + count)
    )  # fmt: skip
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind="note", actor=people[i % len(people)], message=f"Заметка {i}",
                  visible_to_client=bool(i % 2))
        for i in range(start, start + count)
    )  # fmt: skip
    Clarification.objects.bulk_create(
        Clarification(case=case, question=f"Уточните {i}", asked_by=case.executor,
                      reply=f"Ответ {i}")
        for i in range(start, start + count)
    )  # fmt: skip
    OtherBodyRequest.objects.bulk_create(
        OtherBodyRequest(case=case, body_name=f"Орган {i}", what="Документы",
                         requested_by=case.executor, due_date=case.due_date)
        for i in range(start, start + count)
    )  # fmt: skip
    for person in people[start : start + count]:
        case.co_executors.add(person)
    if answer is not None:
        AnswerAttachment.objects.bulk_create(
            AnswerAttachment(answer=answer, file=ContentFile(b"%PDF-1.4", name=f"a{i}.pdf"),
                             original_name=f"приложение {i}.pdf")
            for i in range(start, start + count)
        )  # fmt: skip
    emails = OutgoingMessage.objects.bulk_create(
        OutgoingMessage(kind="cases.letter", recipient="client@example.gov.ru",
                        subject=f"Письмо {i}", body="Текст", message_id=f"<p{i}.{case.pk}@t>",
                        status="failed", attempts=2, last_error="timeout")
        for i in range(start, start + count)
    )  # fmt: skip
    MessageAttempt.objects.bulk_create(
        MessageAttempt(message=email, status="failed", error="timeout")
        for email in emails
        for _ in range(2)
    )
    Delivery.objects.bulk_create(
        Delivery(case=case, answer=answer, purpose="answer", channel=ReplyChannel.EMAIL,
                 contact="client@example.gov.ru", subject=email.subject, body="Текст",
                 status="failed", outgoing=email)
        for email in emails
    )  # fmt: skip


@pytest.fixture
def drafted(org, make_case, commit):
    """A case in work: assigned with a co-executor, an answer drafted."""
    case = make_case(state="assigned", co_executors=["editor"])
    with commit():
        services.save_answer(case, org.executor, kind="merits", body="<p>Ответ по существу.</p>")
    case.refresh_from_db()
    return case


@pytest.fixture
def answered(org, make_case, commit):
    """A case whose answer is registered, sent and rated."""
    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )
    case = make_case(state="assigned", co_executors=["editor"], reply_channel=ReplyChannel.EMAIL,
                     reply_contact="client@example.gov.ru")  # fmt: skip
    with commit():
        services.save_answer(case, org.executor, kind="merits", body="<p>Ответ по существу.</p>")
        services.register_answer(case, org.executor)
    case.refresh_from_db()
    services.rate_answer(case, org.client, score=5, comment="Спасибо")
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(
    ("stage", "username"),
    [("drafted", "executor"), ("drafted", "head"), ("answered", "head"),
     ("answered", "registrar")],
)  # fmt: skip
def test_case_page_queries_do_not_grow(client, org, request, stage, username):
    case = request.getfixturevalue(stage)
    client.force_login(org.users[username])
    url = case.get_absolute_url()
    _grow(case, org, 0, 2)
    client.get(url)
    few = measure(client, url)
    _grow(case, org, 2, 18)
    many = measure(client, url)
    html = many.response.content.decode()
    assert "скан 19.pdf" in html and "Заметка 19" in html
    if stage == "answered":
        assert "приложение 19.pdf" in html
    assert_bounded(few, many, ceiling=CASE_PAGE_CEILING)


def test_client_case_page_queries_do_not_grow(client, org, answered):
    client.force_login(org.client)
    url = answered.get_client_url()
    _grow(answered, org, 0, 2)
    client.get(url)
    few = measure(client, url)
    _grow(answered, org, 2, 18)
    many = measure(client, url)
    html = many.response.content.decode()
    assert "скан 19.pdf" in html and "приложение 19.pdf" in html and "Заметка 19" in html
    assert "Заметка 18" not in html, "staff notes stay hidden from the client"
    assert_bounded(few, many, ceiling=25)


def _question(**extra):
    return question_form(**extra)


def _files(count: int, start: int = 0):
    return [
        SimpleUploadedFile(f"справка {i}.pdf", b"%PDF-1.4 x", content_type="application/pdf")
        for i in range(start, start + count)
    ]


def test_question_submission_does_not_grow_with_the_clients_history(client, org, make_case, commit):
    """The urgency suggestion reads the client's past cases: in a fixed number of
    queries, however many there are."""
    client.force_login(org.client)
    url = reverse("cases:new")
    client.get(url)
    with commit():
        warm = measure(client, url, "post", _question(subject="Первый"), status=302)
    # The history is of earlier days (still open, so the repeat check reads it): questions
    # of the last hour would be refused by the hourly limit instead.
    past = timezone.now() - dt.timedelta(days=2)
    make_case(state="assigned", subject="Давний вопрос", at=past)
    with commit():
        few = measure(client, url, "post", _question(), status=302)
    for i in range(20):
        make_case(
            state="assigned" if i % 2 else "registered", subject=f"Прошлый вопрос {i}", at=past
        )
    with commit():
        many = measure(client, url, "post", _question(), status=302)
    assert warm.count >= few.count - 2
    assert_bounded(few, many, ceiling=30)


def test_question_submission_costs_a_fixed_number_of_queries_per_file(client, org, commit):
    client.force_login(org.client)
    url = reverse("cases:new")
    with commit():
        measure(client, url, "post", _question(subject="Разогрев"), status=302)
    with commit():
        one = measure(client, url, "post", _question(attachments=_files(1)), status=302)
    with commit():
        two = measure(client, url, "post", _question(attachments=_files(2, 1)), status=302)
    with commit():
        five = measure(client, url, "post", _question(attachments=_files(5, 3)), status=302)
    per_file = two.count - one.count
    assert per_file <= 3, f"{per_file} queries per attached file"
    assert five.count == one.count + 4 * per_file
