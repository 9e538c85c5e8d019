"""The services: each step is one transaction, checked and recorded on the timeline."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.choices import Channel, Regime, Status, Urgency
from cases.models import Case, CaseEvent, EventKind, RegistrationCounter
from cases.services import CaseStateError
from tests.cases.conftest import moscow

pytestmark = pytest.mark.django_db


def test_portal_question_is_received_and_registered_at_once(org, settings):
    upload = SimpleUploadedFile("скан.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    case = services.submit_question(
        org.client,
        subject="Вклад в справке",
        text="Как указать вклад, закрытый в декабре?",
        topic="declarations",
        uploads=[upload],
        at=moscow(2026, 3, 2, 10, 0),
    )
    assert case.status == Status.REGISTERED
    assert case.channel == Channel.PORTAL and case.regime == Regime.APPEAL
    assert re.fullmatch(r"ОБ-2026-\d{6}", case.registration_number)
    # Registered Mon 02.03.2026; +30 = Wed 01.04.2026, a working day.
    assert case.statutory_deadline == dt.date(2026, 4, 1)
    assert case.due_date == case.statutory_deadline
    # Received Mon 02.03.2026; +3 = Thu 05.03.2026.
    assert case.registration_deadline == dt.date(2026, 3, 5)
    kinds = list(case.events.values_list("kind", "visible_to_client"))
    assert kinds == [
        (EventKind.RECEIVED, True),
        (EventKind.REGISTERED, True),
        (EventKind.DELIVERY, True),  # the acknowledgement of receipt, in the portal
    ]
    attachment = case.attachments.get()
    assert attachment.original_name == "скан.pdf"
    assert attachment.file.storage.exists(attachment.file.name)
    assert attachment.file.name.startswith("cases/") and "скан" not in attachment.file.name


@pytest.mark.parametrize(
    ("channel", "regime", "prefix"),
    [
        (Channel.POST, Regime.APPEAL, "ОБ"),
        (Channel.EMAIL, Regime.INTERNAL, "ВН"),  # since 30.03.2025 e-mail is not a 59-FZ appeal
        (Channel.PHONE, Regime.INTERNAL, "ВН"),
        (Channel.VISIT, Regime.APPEAL, "ОБ"),
        (Channel.WEBSITE, Regime.APPEAL, "ОБ"),
        (Channel.FEEDBACK, Regime.FEEDBACK, "ПОС"),
    ],
)
def test_each_channel_has_a_default_regime(register_post, channel, regime, prefix):
    case = register_post(channel=channel)
    assert case.regime == regime
    assert case.registration_number.startswith(f"{prefix}-")
    assert case.external_client.name == "Сидоров Пётр Ильич"


def test_registrar_can_change_the_regime_of_an_email(register_post):
    case = register_post(channel=Channel.EMAIL, regime=Regime.APPEAL)
    assert case.regime == Regime.APPEAL and case.registration_number.startswith("ОБ-")


def test_feedback_message_gets_ten_calendar_days(register_post):
    # Registered Mon 27.04.2026; +10 = Thu 07.05.2026, a working day.
    case = register_post(channel=Channel.FEEDBACK, at=moscow(2026, 4, 27, 12, 0))
    assert case.statutory_deadline == dt.date(2026, 5, 7)


def test_numbers_are_sequential_per_regime_and_year(register_post):
    a = register_post(at=moscow(2026, 12, 30, 10))
    b = register_post(at=moscow(2026, 12, 30, 11))
    c = register_post(channel=Channel.EMAIL, at=moscow(2026, 12, 30, 12))
    d = register_post(received_at=moscow(2026, 12, 30, 9), at=moscow(2027, 1, 11, 9))
    assert (a.registration_sequence, b.registration_sequence) == (1, 2)
    assert c.registration_number == "ВН-2026-000001"
    assert d.registration_number == "ОБ-2027-000001"


def test_a_rolled_back_registration_gives_its_number_back(register_post, org):
    register_post()
    with pytest.raises(RuntimeError), transaction.atomic():
        register_post()
        raise RuntimeError("the registration fails after the number was taken")
    third = register_post()
    assert third.registration_sequence == 2
    year = timezone.localdate().year
    assert RegistrationCounter.objects.get(regime=Regime.APPEAL, year=year).last_number == 2


def test_only_registrars_register(org):
    for name in ("client", "executor", "head", "reader", "editor3"):
        with pytest.raises(PermissionDenied):
            services.register_message(
                org.users[name], channel=Channel.POST, subject="x", text="y",
                external={"name": "z"},
            )  # fmt: skip


def test_registration_needs_a_client(org):
    with pytest.raises(ValidationError):
        services.register_message(org.registrar, channel=Channel.POST, subject="x", text="y")


def test_case_cannot_be_assigned_before_urgency_is_decided(org, make_case):
    case = make_case()
    with pytest.raises(CaseStateError):
        services.assign(case, org.registrar, unit=org.units["ОДС"], executor=org.executor)
    case.refresh_from_db()
    assert case.status == Status.REGISTERED and case.unit is None


def test_urgent_decision_sets_the_target_and_is_recorded(org, make_case):
    case = make_case(at=moscow(2025, 12, 29, 10))
    case = services.decide_urgency(case, org.registrar, urgent=True, comment="Сдаёт справку")
    # Mon 29.12.2025: 30.12 (1), then off until Mon 12.01.2026 (2), 13, 14, 15.01 (5).
    assert case.target_deadline == dt.date(2026, 1, 15)
    # +30 = Wed 28.01.2026.
    assert case.statutory_deadline == dt.date(2026, 1, 28)
    assert case.due_date == dt.date(2026, 1, 15)
    assert case.status == Status.TRIAGED and case.urgency == Urgency.URGENT
    event = case.events.get(kind=EventKind.URGENCY)
    assert event.actor == org.registrar and event.reason == "Сдаёт справку"
    assert not event.visible_to_client
    assert event.data["urgent"] is True

    case = services.decide_urgency(case, org.registrar, urgent=False)
    assert case.target_deadline is None and case.due_date == dt.date(2026, 1, 28)


def test_urgency_is_decided_by_registrars_and_heads_only(org, make_case):
    case = make_case(state="assigned")
    for name in ("executor", "client", "head2"):
        with pytest.raises((PermissionDenied, Case.DoesNotExist)):
            services.decide_urgency(case, org.users[name], urgent=True)
    services.decide_urgency(case, org.head, urgent=True)  # head of ОДС
    services.decide_urgency(case, org.chief, urgent=False)  # head of the department above


def test_assign_routes_to_unit_executor_and_co_executors(org, make_case):
    case = make_case(state="triaged")
    case = services.assign(
        case, org.registrar, unit=org.units["ОДС"], executor=org.executor,
        co_executors=[org.editor],
    )  # fmt: skip
    assert case.status == Status.ASSIGNED
    assert case.unit.short_name == "ОДС" and case.executor == org.executor
    assert list(case.co_executors.all()) == [org.editor]
    event = case.events.get(kind=EventKind.ASSIGNED)
    assert event.visible_to_client and "Васильев" in event.message


def test_executor_must_belong_to_the_unit(org, make_case):
    case = make_case(state="triaged")
    with pytest.raises(ValidationError):
        services.assign(case, org.registrar, unit=org.units["ОКИ"], executor=org.executor)
    with pytest.raises(ValidationError):  # an editor who is not an executor
        services.assign(case, org.registrar, unit=org.units["ОМП"], executor=org.editor3)
    with pytest.raises(ValidationError):
        services.assign(
            case, org.registrar, unit=org.units["ОДС"], executor=org.executor,
            co_executors=[org.executor],
        )  # fmt: skip


def test_topic_route_suggests_the_unit(org):
    assert services.suggest_unit("declarations").short_name == "ОДС"
    assert services.suggest_unit("conflict").short_name == "ОКИ"
    assert services.suggest_unit("") is None


def test_reassign_needs_a_reason_and_records_it(org, make_case):
    case = make_case(state="assigned")
    with pytest.raises(CaseStateError):
        services.assign(case, org.registrar, unit=org.units["ОКИ"], executor=org.executor2)
    with pytest.raises(ValidationError):
        services.reassign(case, org.registrar, unit=org.units["ОКИ"], executor=org.executor2,
                          reason=" ")  # fmt: skip
    case = services.reassign(
        case, org.head, unit=org.units["ОДС"], executor=org.editor, reason="Отпуск исполнителя"
    )
    event = case.events.get(kind=EventKind.REASSIGNED)
    assert event.reason == "Отпуск исполнителя" and event.actor == org.head
    assert event.data["before"]["executor"] == org.executor.pk
    # A head routes only inside the units they head.
    with pytest.raises(PermissionDenied):
        services.reassign(case, org.head, unit=org.units["ОКИ"], executor=org.executor2,
                          reason="не наш вопрос")  # fmt: skip


def test_client_withdraws_own_question_only(org, make_case):
    case = make_case(state="assigned")
    with pytest.raises(Case.DoesNotExist):
        services.withdraw(case, org.client2)
    with pytest.raises(PermissionDenied):
        services.withdraw(case, org.executor)
    case = services.withdraw(case, org.client, reason="Нашёл ответ")
    assert case.status == Status.WITHDRAWN and case.closed_at is not None
    assert case.events.filter(kind=EventKind.WITHDRAWN, visible_to_client=True).exists()
    with pytest.raises(PermissionDenied):
        services.withdraw(case, org.client)
    with pytest.raises(PermissionDenied):
        services.decide_urgency(case, org.registrar, urgent=True)


def test_every_step_is_on_the_timeline_with_who_and_when(org, make_case):
    case = make_case(state="assigned", co_executors=["editor"])
    services.withdraw(case, org.client)
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
    assert [e.kind for e in events] == [
        "received",
        "registered",
        "delivery",  # the acknowledgement of receipt, in the portal
        "urgency",
        "assigned",
        "withdrawn",
    ]
    assert [e.to_status for e in events] == [
        "received", "registered", "registered", "triaged", "assigned", "withdrawn"
    ]  # fmt: skip
    assert all(e.at for e in events)
    assert [e.actor for e in events] == [
        org.client, None, None, org.registrar, org.registrar, org.client
    ]  # fmt: skip


def test_too_many_attachments_are_refused(org, settings):
    settings.CASES_ATTACHMENT_MAX_COUNT = 1
    files = [SimpleUploadedFile(f"{i}.txt", b"abc") for i in range(2)]
    with pytest.raises(ValidationError):
        services.submit_question(org.client, subject="s", text="текст вопроса", uploads=files)
    assert not Case.objects.exists()
