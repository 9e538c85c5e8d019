"""A Celery worker killed (SIGKILL) in the middle of delivering an answer by e-mail: the
task is acknowledged late, so it goes back to the queue and a new worker runs it; the
delivery is idempotent, so the client gets the letter exactly once. Real parts: a worker
process on Redis, a local SMTP server (aiosmtpd) that stalls during the first letter,
PostgreSQL shared by the processes."""

import asyncio
import signal
import time

import pytest

from cases import services
from cases.models import Delivery, DeliveryStatus
from tests.cases.test_delivery_worker import email_of, free_port, ready_answer, wait_for  # noqa: F401
from tests.conftest import start_worker, stop_worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

VISIBILITY_SECONDS = 3


class StallingSMTP:
    """Holds the first letter at DATA (as a hung mail server would) and never accepts
    it; takes every later letter."""

    def __init__(self):
        self.stalled = asyncio.Event()
        self.calls = 0
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.calls += 1
        if self.calls == 1:
            self.stalled.set()
            await asyncio.sleep(60)
            return "451 4.3.0 Timed out"
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def stalling_smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    handler = StallingSMTP()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(port))
    monkeypatch.setenv("EMAIL_TIMEOUT", "120")
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", str(VISIBILITY_SECONDS))
    try:
        yield handler
    finally:
        controller.stop()


def test_worker_killed_mid_delivery_the_letter_goes_once(
    stalling_smtp,
    ready_answer,  # noqa: F811
    org,
    celery_worker,
):
    # The fixture's worker started before the environment above was read by a worker:
    # replace it by one with the short visibility timeout, on the same queue.
    stop_worker(celery_worker)
    worker = start_worker(celery_worker.queue)
    try:
        services.register_answer(ready_answer, org.executor)  # commits: the task goes out
        assert wait_for(lambda: stalling_smtp.calls == 1, timeout=30), "the letter never left"
        # The worker is inside the SMTP conversation: kill it without a chance to ack.
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        email = email_of(ready_answer)
        assert email.status == DeliveryStatus.QUEUED  # the transaction died with it
        assert stalling_smtp.messages == []
        # A new worker gets the unacknowledged task back after the visibility timeout.
        time.sleep(VISIBILITY_SECONDS)
        worker = start_worker(celery_worker.queue)
        assert wait_for(lambda: email_of(ready_answer).status == DeliveryStatus.SENT, timeout=60)
        assert len(stalling_smtp.messages) == 1
        assert stalling_smtp.messages[0].rcpt_tos == ["client@example.gov.ru"]
        # Nothing else arrives later: the task is not run twice to completion.
        time.sleep(2)
        assert len(stalling_smtp.messages) == 1
        assert Delivery.objects.get(pk=email.pk).attempts >= 1
    finally:
        if worker.poll() is None:
            stop_worker(worker)
