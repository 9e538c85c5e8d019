"""Delivery with nothing lost, against real services: a real Celery worker on Redis, a
real local SMTP server (aiosmtpd) that refuses and then accepts, and a broker that is
down when the answer is registered."""

import time

import pytest

from cases import services
from cases.choices import ReplyChannel
from cases.models import AnswerKind, Delivery, DeliveryStatus, UnitCaseSettings
from tests.mailbox import free_port

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


class FlakySMTP:
    """Refuses the first `refuse` messages with 550, then accepts."""

    def __init__(self, refuse: int = 0):
        self.refuse = refuse
        self.tries = 0
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.tries <= self.refuse:
            return "550 5.7.1 Mailbox temporarily refused"
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    handler = FlakySMTP()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    # Read by the worker process (started after this fixture) and by this one.
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(port))
    monkeypatch.setenv("OUTBOX_RETRY_BASE_SECONDS", "1")
    monkeypatch.setenv("OUTBOX_REDISPATCH_MINUTES", "0")
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def ready_answer(org, make_case):
    UnitCaseSettings.objects.update_or_create(
        unit=org.units["ОДС"], defaults={"answers_need_approval": False}
    )
    case = make_case(
        state="assigned",
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="client@example.gov.ru",
        extra_reply_channel=ReplyChannel.POST,
        extra_reply_contact="СПб, Суворовский пр., 67",
    )
    services.save_answer(case, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(case, org.executor)
    return case


def wait_for(condition, timeout=45):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def email_of(case) -> Delivery:
    return Delivery.objects.get(case=case, channel="email", purpose="answer")


def test_nothing_lost_smtp_refusals_and_a_broker_down(
    smtp, ready_answer, org, make_case, celery_worker
):
    """One worker for both scenarios (one transactional test per module: see
    tests/conftest.py on serialized rollback)."""
    from celery import current_app as app

    from intranet.tasks import redispatch_outbox, send_message

    def mails_of(message_id: str) -> list:
        return [m for m in smtp.messages if message_id in m.content.decode()]

    def acknowledged(case) -> bool:
        return Delivery.objects.filter(case=case, channel="email", purpose="acknowledgement",
                                       status=DeliveryStatus.SENT).exists()  # fmt: skip

    # The acknowledgement of receipt leaves when the case is registered; then
    # 1. the SMTP server refuses twice (550), then accepts: retried, one mail only.
    assert wait_for(lambda: acknowledged(ready_answer))
    smtp.refuse = 2
    services.register_answer(ready_answer, org.executor)  # commits: the task goes out
    assert wait_for(lambda: email_of(ready_answer).status == DeliveryStatus.SENT)
    email = email_of(ready_answer)
    log = email.outgoing.log
    assert list(log.values_list("status", flat=True)) == ["failed", "failed", "sent"]
    assert "550" in log.first().error
    [mail] = mails_of(email.outgoing.message_id)
    assert mail.rcpt_tos == ["client@example.gov.ru"]
    # The beat task and a repeated task find it sent: no second mail.
    redispatch_outbox.delay().get(timeout=30)
    assert send_message.delay(email.outgoing_id).get(timeout=30) == "done"
    assert len(mails_of(email.outgoing.message_id)) == 1
    # The post letter waits for the registrar; the portal copy is delivered.
    kinds = dict(Delivery.objects.filter(case=ready_answer).values_list("channel", "status"))
    assert kinds == {"email": "sent", "post": "queued", "portal": "delivered"}

    # 2. The broker is down when the next answer is registered.
    case = make_case(state="assigned", reply_channel=ReplyChannel.EMAIL,
                     reply_contact="second@example.gov.ru")  # fmt: skip
    services.save_answer(case, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ 2.</p>")
    services.submit_answer(case, org.executor)
    good = app.conf.broker_url, app.conf.broker_write_url

    def use_broker(url, write_url):
        app.conf.broker_url, app.conf.broker_write_url = url, write_url
        app._pool = None
        app.amqp._producer_pool = None

    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    use_broker(closed, closed)
    try:
        answer = services.register_answer(case, org.executor)
    finally:
        use_broker(*good)
    answer.refresh_from_db()
    assert answer.is_registered and answer.outgoing_number  # stored before any delivery
    time.sleep(1)
    second = email_of(case)
    assert second.status == DeliveryStatus.QUEUED
    assert not mails_of(second.outgoing.message_id)
    # The broker is back: the periodic outbox task picks the letter up.
    assert redispatch_outbox.delay().get(timeout=30) >= 1
    assert wait_for(lambda: email_of(case).status == DeliveryStatus.SENT)
    [mail] = mails_of(second.outgoing.message_id)
    assert mail.rcpt_tos == ["second@example.gov.ru"]
