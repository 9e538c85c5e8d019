"""Every message path goes through the outbox: with the mail server stopped, a letter to
a client by e-mail, a reception reminder, a knowledge-base notice, a knowledge-base
review digest, a knowledge-gap digest and a digest of cases are each kept, failed with
its try logged; with the server started again the outbox's catch-up sends each exactly
once, with the Message-ID it was given when it was queued. Real parts: a local SMTP
server (aiosmtpd) and Django's SMTP backend."""

import datetime as dt
import socket
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from cases import services
from cases.choices import ReplyChannel
from cases.consultations.digest import send_gap_digests
from cases.consultations.models import Consultation
from cases.models import AnswerKind, Delivery, DeliveryStatus, UnitCaseSettings
from cases.reception.models import Booking
from cases.reception.reminders import send_reminders
from cases.tasks import send_deadline_digest
from cases.topics import Topic
from intranet.models import OutgoingMessage, ReceptionPointPage
from intranet.tasks import redispatch_outbox
from kb import services as kb_services
from tests.cases.factories import CaseFactory
from tests.mailbox import Inbox

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
TODAY = dt.date(2030, 1, 14)  # a Monday: the visit below is on Tuesday
KINDS = {
    "cases.letter",
    "reception.reminder",
    "kb.notification",
    "kb.digest",
    "consultations.gaps",
    "cases.digest",
}


def start_server(port: int, sink: Inbox):
    from aiosmtpd.controller import Controller

    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def smtp_port(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.OUTBOX_RETRY_BASE_SECONDS = settings.OUTBOX_REDISPATCH_MINUTES = 0
    return port


def test_every_kind_of_mail_waits_out_a_stopped_mail_server(
    demo, org, smtp_port, django_capture_on_commit_callbacks
):
    sink = Inbox()
    start_server(smtp_port, sink).stop()  # the mail server is stopped
    before = OutgoingMessage.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )
    with django_capture_on_commit_callbacks(execute=True):  # its acknowledgement is tried
        case = CaseFactory(state="assigned", reply_channel=ReplyChannel.EMAIL,
                         reply_contact="client@example.gov.ru")  # fmt: skip
    booking = Booking.objects.create(
        point=ReceptionPointPage.objects.get(), client=org.client, topic="declarations",
        question="Как заполнить справку?", reminder_channel="email",
        reminder_contact="visitor@example.gov.ru",
        starts_at=dt.datetime(2030, 1, 15, 9, tzinfo=MSK),
        ends_at=dt.datetime(2030, 1, 15, 9, 30, tzinfo=MSK),
    )  # fmt: skip
    for n in range(3):
        Consultation.objects.create(
            topic=Topic.DECLARATIONS, outcome="answered", answer="Ответ", channel="phone",
            question=f"Как указать в справке криптовалютный кошелёк за рубежом? (звонок {n})",
            duration_minutes=5, recorded_by=org.executor,
        )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        services.save_answer(case, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
        services.submit_answer(case, org.executor)
        services.register_answer(case, org.executor)
        send_reminders(TODAY)
        kb_services.notify([org.editor], "База знаний: уведомление", "Текст уведомления")
        kb_services.send_review_digests(TODAY)
        send_gap_digests()
        send_deadline_digest(TODAY.isoformat(), force=True)

    queued = list(OutgoingMessage.objects.filter(pk__gt=before).order_by("pk"))
    assert {message.kind for message in queued} == KINDS
    for message in queued:
        assert message.status == "failed" and message.attempts == 1, message.kind
        assert list(message.log.values_list("status", flat=True)) == ["failed"], message.kind
        assert "Connection refused" in message.last_error or "ConnectionRefused" in (
            message.last_error
        )
    assert sink.messages == []
    letter = Delivery.objects.get(case=case, channel=ReplyChannel.EMAIL, answer__isnull=False)
    assert letter.status == DeliveryStatus.FAILED  # in the desk's "delivery problems"
    booking.refresh_from_db()
    assert booking.reminder_sent_at is None

    controller = start_server(smtp_port, sink)  # the mail server is back
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert redispatch_outbox() == len(queued)  # the beat task's catch-up
            assert redispatch_outbox() == 0
    finally:
        controller.stop()

    received = Counter(str(message["Message-ID"]).strip() for message in sink.messages)
    assert received == Counter({message.message_id: 1 for message in queued})  # once each
    for message in queued:
        message.refresh_from_db()
        assert message.status == "sent"
        assert list(message.log.values_list("status", flat=True)) == ["failed", "sent"]
    letter.refresh_from_db()
    assert letter.status == DeliveryStatus.SENT
    assert "принято почтовым сервером" in case.events.filter(kind="delivery").last().message
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None
