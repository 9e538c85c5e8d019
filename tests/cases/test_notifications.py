"""Notifications of the cases desk (cases/notifications.py): one test per notification,
who gets it and who does not — the actor, the client of internal steps, and whoever may
not open the case."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import notifications as case_notifications
from cases import services
from cases.choices import ReplyChannel
from cases.models import AnswerKind, Case, Delivery, UnitCaseSettings
from intranet import outbox
from intranet.models import Notification, OutgoingMessage, Unit
from intranet.workdays import get_calendar
from tests.test_outbox import REFUSING

pytestmark = pytest.mark.django_db


def told(verb: str, case=None) -> set[str]:
    """Usernames notified of `verb` (on `case`)."""
    rows = Notification.objects.filter(verb=verb)
    if case is not None:
        rows = rows.filter(target_type="case", target_id=case.pk)
    return set(rows.values_list("recipient__username", flat=True))


@pytest.fixture
def assigned(make_case):
    return make_case(state="assigned", executor="executor", co_executors=["editor"])


def test_assignment_tells_the_executor_and_the_co_executor(assigned, org):
    assert told("case.assigned", assigned) == {"executor", "editor"}
    mine = Notification.objects.get(verb="case.assigned", recipient=org.executor)
    assert mine.url == assigned.get_absolute_url() == f"/cases/{assigned.pk}/"
    assert mine.text == (
        f"Вам назначено сообщение {assigned.registration_number}: «{assigned.subject}»"
    )
    co = Notification.objects.get(verb="case.assigned", recipient=org.editor)
    assert co.text.startswith("Вы соисполнитель по сообщению")
    # Not the registrar who assigned, not the client, not the head, not another unit.
    for name in ("registrar", "client", "head", "executor2", "head2"):
        assert not Notification.objects.filter(recipient=org.users[name]).exists(), name


def test_reassignment_tells_only_who_is_new_and_never_the_actor(assigned, org):
    Notification.objects.all().delete()
    services.reassign(assigned, org.head, unit=org.units["ОДС"], executor=org.editor,
                      co_executors=[org.executor], reason="Отпуск")  # fmt: skip
    # The co-executor made executor is told; the executor made co-executor is not
    # (he had the case already); the head who reassigned is not.
    assert told("case.reassigned", assigned) == {"editor"}
    Notification.objects.all().delete()
    services.reassign(assigned, org.head, unit=org.units["ОДС"], executor=org.head,
                      reason="Беру себе")  # fmt: skip
    assert told("case.reassigned", assigned) == set()


def test_the_clients_reply_tells_the_executors(assigned, org):
    services.ask_clarification(assigned, org.executor, question="За какой год?")
    services.reply_to_clarification(assigned, org.client, text="За 2025 год.")
    assert told("case.client_reply", assigned) == {"executor", "editor"}
    reply = Notification.objects.filter(verb="case.client_reply").first()
    assert "ответил на запрос уточнения" in reply.text
    assert not Notification.objects.filter(recipient=org.client).exists()
    assert not Notification.objects.filter(verb="case.client_reply", recipient=org.head).exists()
    # Asking the client is no news to the desk.
    assert told("case.clarification") == set()


def test_withdrawal_tells_the_executors_and_the_head(assigned, org):
    services.withdraw(assigned, org.client, reason="Вопрос решён")
    assert told("case.withdrawn", assigned) == {"executor", "editor", "head"}
    assert not Notification.objects.filter(recipient__in=[org.client, org.registrar,
                                                          org.chief]).exists()  # fmt: skip


def test_nobody_is_told_of_a_case_they_may_not_open(make_case, org):
    """A unit without a head: the head above it is told — of an ordinary case, not of a
    confidential one, which only the head of its own unit may open."""
    Unit.objects.filter(pk=org.units["ОДС"].pk).update(head=None)
    plain = make_case(state="assigned", executor="executor")
    secret = make_case(state="assigned", executor="executor", is_confidential=True)
    for case in (plain, secret):
        services.withdraw(Case.objects.get(pk=case.pk), org.client)
    assert told("case.withdrawn", plain) == {"executor", "chief"}
    assert told("case.withdrawn", secret) == {"executor"}


@pytest.fixture
def drafted(assigned, org):
    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    return assigned


def test_an_answer_for_approval_tells_the_head(drafted, org):
    services.submit_answer(drafted, org.executor)
    assert told("case.submitted", drafted) == {"head"}
    assert "ждёт вашего согласования" in Notification.objects.get(verb="case.submitted").text


def test_an_answer_ready_without_approval_tells_nobody(drafted, org):
    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )
    services.submit_answer(drafted, org.executor)
    assert told("case.submitted") == set()


def test_approval_tells_the_executor(drafted, org):
    services.submit_answer(drafted, org.executor)
    services.approve_answer(drafted, org.head)
    assert told("case.approved", drafted) == {"executor"}
    assert not Notification.objects.filter(recipient__in=[org.head, org.client],
                                           verb="case.approved").exists()  # fmt: skip


def test_a_return_tells_the_executor_and_the_co_executor_who_sent_it(drafted, org):
    services.submit_answer(drafted, org.editor)  # the co-executor sends it
    services.return_answer(drafted, org.head, comment="Добавьте ссылку на закон.")
    assert told("case.returned", drafted) == {"executor", "editor"}
    returned = Notification.objects.filter(verb="case.returned").first()
    assert "возвращён на доработку" in returned.text
    assert not Notification.objects.filter(recipient=org.client).exists()


def test_a_request_for_more_time_tells_the_head(assigned, org):
    services.request_extension(assigned, org.executor, days=10, reason="Ждём документы")
    assert told("case.extension_requested", assigned) == {"head"}
    assert (
        not Notification.objects.exclude(verb="case.assigned")
        .filter(recipient__in=[org.client, org.editor, org.executor])
        .exists()
    )


def test_the_heads_decision_tells_who_asked(assigned, org):
    services.request_extension(assigned, org.editor, days=10, reason="Ждём документы")
    services.decline_extension(assigned, org.head, comment="Успеете в срок.")
    assert told("case.extension_declined", assigned) == {"editor"}
    services.request_extension(assigned, org.editor, days=10, reason="Документы не пришли")
    services.extend(assigned, org.head, days=10, reason="Ждём документы")
    assert told("case.extended", assigned) == {"editor"}
    assert not Notification.objects.filter(
        recipient__in=[org.client, org.head], verb__in=["case.extended", "case.extension_declined"]
    ).exists()


def test_deadlines_approaching_on_the_day_and_overdue_once_each(make_case, org, settings):
    settings.CASES_NOTIFY_DAYS_BEFORE = 2
    calendar = get_calendar()
    today = calendar.working_day_on_or_after(timezone.localdate())
    soon = make_case(state="assigned", executor="executor", co_executors=["editor"])
    later = make_case(state="assigned", executor="executor")
    due_today = make_case(state="assigned", executor="executor2", unit="ОКИ")
    overdue = make_case(state="assigned", executor="executor2", unit="ОКИ")
    Case.objects.filter(pk=soon.pk).update(due_date=calendar.add_working_days(today, 2))
    Case.objects.filter(pk=later.pk).update(due_date=calendar.add_working_days(today, 3))
    Case.objects.filter(pk=due_today.pk).update(due_date=today)
    Case.objects.filter(pk=overdue.pk).update(due_date=today - dt.timedelta(days=1))
    Notification.objects.all().delete()

    made = case_notifications.notify_deadlines(today)
    assert made == {"due_soon": 2, "due_today": 1, "overdue": 2}
    assert told("case.due_soon", soon) == {"executor", "editor"}
    assert told("case.due_soon", later) == set()
    assert told("case.due_today", due_today) == {"executor2"}
    assert told("case.overdue", overdue) == {"executor2", "head2"}
    assert not Notification.objects.filter(recipient__in=[org.client, org.head,
                                                          org.registrar]).exists()  # fmt: skip
    text = Notification.objects.get(verb="case.overdue", recipient=org.head2).text
    assert text.startswith(f"Просрочено сообщение {overdue.registration_number}")
    # A second run (and the next beat) tells nobody again.
    assert case_notifications.notify_deadlines(today) == {"due_soon": 0, "due_today": 0,
                                                          "overdue": 0}  # fmt: skip
    # An extended deadline is announced anew when it comes near.
    Case.objects.filter(pk=soon.pk).update(due_date=calendar.add_working_days(today, 1))
    assert case_notifications.notify_deadlines(today)["due_soon"] == 2


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = REFUSING
    settings.OUTBOX_MAX_ATTEMPTS = 2


def _clarify_by_mail(case, org):
    services.ask_clarification(case, org.executor, question="Уточните год.")
    delivery = Delivery.objects.get(case=case, channel=ReplyChannel.EMAIL, purpose="clarification")
    return OutgoingMessage.objects.get(pk=delivery.outgoing_id)


def test_a_letter_that_keeps_failing_tells_the_registrar(make_case, org, failing):
    case = make_case(state="assigned", executor="executor", reply_channel=ReplyChannel.EMAIL,
                     reply_contact="bad@example.gov.ru")  # fmt: skip
    message = _clarify_by_mail(case, org)
    assert outbox.attempt(message.pk) == "failed"
    assert told("case.delivery_failed") == set()  # tried again later: nobody yet
    assert outbox.attempt(message.pk) == "failed"  # the last try
    assert told("case.delivery_failed", case) == {"registrar"}
    text = Notification.objects.get(verb="case.delivery_failed").text
    assert "bad@example.gov.ru" in text
    assert not Notification.objects.filter(recipient__in=[org.client, org.head],
                                           verb="case.delivery_failed").exists()  # fmt: skip


def test_a_failing_letter_of_a_confidential_case_is_not_told_to_registrars(make_case, org, failing):
    case = make_case(state="assigned", executor="executor", is_confidential=True,
                     reply_channel=ReplyChannel.EMAIL,
                     reply_contact="bad@example.gov.ru")  # fmt: skip
    message = _clarify_by_mail(case, org)
    outbox.attempt(message.pk)
    outbox.attempt(message.pk)
    clarification = Delivery.objects.get(
        case=case, channel=ReplyChannel.EMAIL, purpose="clarification"
    )
    assert clarification.status == "failed"
    assert told("case.delivery_failed") == set()


def test_a_failed_step_leaves_no_notification(assigned, org):
    with pytest.raises(services.CaseStateError):
        services.decline_extension(assigned, org.head, comment="Нет запроса")
    services.request_extension(assigned, org.executor, days=5, reason="Нужно время")
    assert told("case.extension_requested") == {"head"}
    assert Notification.objects.filter(verb="case.extension_declined").count() == 0


def test_the_rules_filter_every_recipient(assigned, org, monkeypatch):
    """Whatever a rule returns, the client and the actor are left out."""
    rule = case_notifications.Rule(lambda event, case: [case.client, event.actor, org.head],
                                   "Case %(number)s: «%(subject)s»")  # fmt: skip
    monkeypatch.setitem(case_notifications.RULES, "note", (rule,))
    services.common._record(assigned, "note", org.executor, "Заметка")
    assert told("case.note", assigned) == {"head"}
    assert timezone.now() - Notification.objects.get(verb="case.note").created_at < dt.timedelta(
        minutes=1
    )


def test_a_destroyed_case_takes_its_notifications_with_it(assigned, make_case, org):
    """A case deleted under a retention act: its notifications name it, so they go too."""
    other = make_case(state="assigned", executor="executor")
    assert Notification.objects.filter(target_id=assigned.pk).exists()
    assigned.delete()
    assert not Notification.objects.filter(target_type="case", target_id=assigned.pk).exists()
    assert told("case.assigned", other) == {"executor"}


def test_an_event_costs_the_same_queries_for_one_co_executor_or_three(make_case, org):
    """Bulk: one insert for all recipients, one read of their e-mail choices, no
    permission query for the people the case names (its executors, its unit's head)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for co in (["editor"], ["editor", "executor2", "editor2"]):
        case = make_case(state="assigned", executor="executor", co_executors=co)
        event = case.events.get(kind="assigned")
        Notification.objects.all().delete()
        event = type(event).objects.get(pk=event.pk)
        with CaptureQueriesContext(connection) as queries:
            made = case_notifications.on_event(event)
        assert len(made) == 1 + len(co)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


FORWARD = {
    "body_name": "Министерство юстиции Российской Федерации",
    "body_contacts": "Москва, ул. Житная, 14",
    "covering_letter": "Направляем по компетенции.",
    "reason": "Вопрос о регистрации НКО — компетенция Минюста.",
}


def test_a_note_tells_the_colleagues_it_mentions_and_nobody_else(assigned, org):
    services.add_note(assigned, org.executor, text="@head посмотрите, пожалуйста. @executor")
    # The author mentioning himself is not told; the client never sees notes.
    assert told("case.note", assigned) == {"head"}
    services.add_note(assigned, org.executor, text="Без упоминаний.")
    assert Notification.objects.filter(verb="case.note").count() == 1


def test_a_forwarding_request_tells_the_head_and_the_decision_tells_who_asked(assigned, org):
    asked = services.request_forwarding(assigned, org.editor, **FORWARD)
    assert told("case.forward_requested", assigned) == {"head"}
    services.decide(asked, org.head, approve=False, reason="Это наш вопрос.")
    assert told("case.forward_declined", assigned) == {"editor"}
    asked = services.request_forwarding(assigned, org.editor, **FORWARD)
    services.decide(asked, org.head, approve=True, reason="Согласен.")
    assert told("case.forwarded", assigned) == {"editor"}
    assert not Notification.objects.filter(
        recipient__in=[org.client, org.executor2, org.head2],
        verb__startswith="case.forward",
    ).exists()


def test_a_clients_supplement_tells_the_executors(assigned, org):
    services.add_supplement(assigned, org.client, text="Прилагаю выписку банка.")
    assert told("case.supplement", assigned) == {"executor", "editor"}
    assert not Notification.objects.filter(
        recipient__in=[org.client, org.head, org.executor2], verb="case.supplement"
    ).exists()
