"""Clarification, extension, forwarding and requests to other bodies: their notices and
their deadlines."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.choices import ReplyChannel, Status
from cases.filters import apply_queue
from cases.models import Case, Delivery, DeliveryPurpose, EventKind, LetterKind
from tests.cases.conftest import moscow


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
def test_clarification_asked_in_portal_and_by_mail_and_answered(case, org, commit):
    with pytest.raises(ValidationError):
        services.ask_clarification(case, org.executor, question=" ")
    with pytest.raises(Case.DoesNotExist):  # another unit's executor does not see it
        services.ask_clarification(case, org.executor2, question="?")
    with pytest.raises(PermissionDenied):  # a registrar sees it but does not work on it
        services.ask_clarification(case, org.registrar, question="?")
    with commit():
        services.ask_clarification(
            case, org.executor, question="Уточните, за какой год вы подаёте справку?"
        )
    case.refresh_from_db()
    assert case.status == Status.CLARIFICATION
    waiting = apply_queue(Case.objects.visible_to(org.executor), "waiting_client", org.executor)
    assert list(waiting) == [case]
    assert len(mail.outbox) == 1 and "за какой год" in mail.outbox[0].body
    assert case.get_client_url() in mail.outbox[0].body
    portal = Delivery.objects.get(
        case=case, channel="portal", purpose=DeliveryPurpose.CLARIFICATION
    )
    assert portal.letter.kind == LetterKind.CLARIFICATION
    with pytest.raises(services.CaseStateError):
        services.ask_clarification(case, org.executor, question="Ещё вопрос")
    with pytest.raises(Case.DoesNotExist):
        services.reply_to_clarification(case, org.client2, text="x")
    services.reply_to_clarification(case, org.client, text="За 2025 год.")
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED
    client_events = case.events.filter(visible_to_client=True).values_list("kind", flat=True)
    assert EventKind.CLARIFICATION in client_events and EventKind.CLIENT_REPLY in client_events
    assert case.clarifications.get().reply == "За 2025 год."


@pytest.mark.django_db
def test_extension_once_by_the_head_with_notice(case, org, commit):
    assert case.statutory_deadline == dt.date(2026, 4, 1)
    at = moscow(2026, 3, 20, 10)  # while the term runs
    with pytest.raises(PermissionDenied):
        services.extend(case, org.executor, days=30, reason="Запрошены документы", at=at)
    with pytest.raises(ValidationError):
        services.extend(case, org.head, days=30, reason="", at=at)
    with pytest.raises(ValidationError) as too_long:
        services.extend(case, org.head, days=31, reason="Запрошены документы", at=at)
    assert "days" in too_long.value.message_dict
    with commit():
        services.extend(
            case, org.head, days=30, reason="Запрошены документы в другом органе", at=at
        )
    case.refresh_from_db()
    # 01.04 + 30 = Fri 01.05 (holiday) -> Thu 30.04.2026
    assert case.statutory_deadline == case.due_date == dt.date(2026, 4, 30)
    assert case.extension_count == 1
    assert "30.04.2026" in mail.outbox[0].body and "Запрошены документы" in mail.outbox[0].body
    event = case.events.get(kind=EventKind.EXTENDED)
    assert event.visible_to_client and "30.04.2026" in event.message
    with pytest.raises(ValidationError):
        services.extend(case, org.head, days=5, reason="Ещё раз", at=at)


@pytest.mark.django_db
def test_forwarding_closes_the_case_and_notifies_within_7_days(case, org, commit):
    with pytest.raises(ValidationError):
        services.forward(case, org.executor, body_name="", body_contacts="", covering_letter="")
    with commit():
        forwarding = services.forward(
            case,
            org.executor,
            body_name="Прокуратура Санкт-Петербурга",
            body_contacts="191028, Санкт-Петербург, ул. Почтамтская, д. 2/9",
            covering_letter="Направляем обращение по компетенции.",
            at=moscow(2026, 3, 6, 12),
        )
    assert forwarding.notice_due == dt.date(2026, 3, 6)  # 09.03 is a holiday
    assert forwarding.on_time
    case.refresh_from_db()
    assert case.status == Status.FORWARDED and case.closed_at
    assert "Прокуратура Санкт-Петербурга" in mail.outbox[0].body
    assert Delivery.objects.filter(case=case, purpose=DeliveryPurpose.FORWARDING).count() == 2


@pytest.mark.django_db
def test_late_forwarding_is_recorded_as_late(case, org):
    forwarding = services.forward(
        case, org.executor, body_name="ГИТ", body_contacts="СПб",
        covering_letter="Направляем.", at=moscow(2026, 3, 12, 12),
    )  # fmt: skip
    assert not forwarding.on_time
    assert case.events.get(kind=EventKind.FORWARDED).reason


@pytest.mark.django_db
def test_request_to_another_body_tracked_with_15_days(case, org):
    request = services.request_documents(
        case, org.executor, body_name="ФНС", what="Сведения о доходах", at=moscow(2026, 3, 2, 10)
    )
    assert request.due_date == dt.date(2026, 3, 17)
    assert request.is_overdue  # today is long after
    services.record_body_reply(request, org.executor, note="Получены")
    request.refresh_from_db()
    assert request.answered_at and not request.is_overdue
