"""A Celery worker killed (SIGKILL) in the middle of delivering an answer by e-mail: the
task is acknowledged late, so its message stays with the broker and a new worker gets the
same message back after the visibility timeout; the delivery is idempotent, so the client
gets the letter exactly once. Real parts: worker processes on Redis, a local SMTP server
(aiosmtpd) that stalls during the first letter, PostgreSQL shared by the processes.

The workers here use the prefork pool, as in production (docker-compose.yml), not the
solo pool of `tests.conftest.start_worker`: the worker acknowledges a message from its
event loop, which the solo pool blocks while the task runs, so under the solo pool even a
task with acks_late=False is still unacknowledged when the worker is killed mid-task, and
this test could not tell late acknowledgement from early."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from celery.result import AsyncResult
from celery.signals import after_task_publish

from cases import services
from cases.models import Delivery, DeliveryStatus
from intranet.tasks import REDISPATCH_TASK, SEND_TASK
from tests.cases.test_delivery_worker import email_of, free_port, ready_answer, wait_for  # noqa: F401
from tests.conftest import ROOT, stop_worker, worker_env

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


def start_prefork_worker(queue: str, log_name: str) -> subprocess.Popen:
    """A real `celery worker` with one prefork child on `queue`, in a process group of
    its own (so the whole worker can be killed at once); its log is var/<log_name>.
    Returns once it answers a ping."""
    from intranet.celery import app

    log_path = ROOT / "var" / log_name
    log_path.unlink(missing_ok=True)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "intranet", "worker",
                "-P", "prefork", "-c", "1", "-Q", queue,
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel=INFO", "-n", f"{queue}@%h",
            ],
            cwd=ROOT, env=worker_env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    proc.log_path = log_path
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"celery worker exited: {log_path.read_text()}")
        if app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=0.5):
            return proc
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("celery worker did not answer within 30 s")


def test_worker_killed_mid_delivery_the_letter_goes_once(
    stalling_smtp,
    ready_answer,  # noqa: F811
    org,
    celery_worker,
):
    # Every task this process sends, with its id: the delivery task must go to the broker
    # once; what runs after the kill is that same message given back, not a new send.
    published = []

    def record(sender=None, headers=None, body=None, **kwargs):
        published.append((sender, headers["id"], tuple(body[0])))

    # The fixture's worker uses the solo pool (see the module's docstring): replace it by
    # a prefork worker with the short visibility timeout, on the same queue.
    stop_worker(celery_worker)
    queue = celery_worker.queue
    first = start_prefork_worker(queue, f"celery-{queue}-first.log")
    second = None
    after_task_publish.connect(record, weak=False)
    try:
        services.register_answer(ready_answer, org.executor)  # commits: the task goes out
        email = email_of(ready_answer)

        def sends():
            return [
                t
                for name, t, args in published
                if (name, args) == (SEND_TASK, (email.outgoing_id,))
            ]

        assert len(sends()) == 1, published
        task_id = sends()[0]
        assert wait_for(lambda: stalling_smtp.calls == 1, timeout=30), "the letter never left"
        assert f"{SEND_TASK}[{task_id}] received" in first.log_path.read_text()
        # The task has started (an early acknowledgement would have been sent by now);
        # the worker is inside the SMTP conversation. Kill the whole worker, main process
        # and pool child, without a chance to acknowledge or to put the message back.
        time.sleep(1)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert email_of(ready_answer).status == DeliveryStatus.QUEUED  # its transaction died
        assert stalling_smtp.messages == []
        # A new worker: the broker gives it the unacknowledged message, the same task id,
        # once the visibility timeout has passed.
        time.sleep(VISIBILITY_SECONDS)
        second = start_prefork_worker(queue, f"celery-{queue}-second.log")
        assert wait_for(
            lambda: f"{SEND_TASK}[{task_id}] received" in second.log_path.read_text(),
            timeout=30,
        ), "the broker did not give the unacknowledged delivery task to the new worker"
        assert wait_for(lambda: email_of(ready_answer).status == DeliveryStatus.SENT, timeout=60)
        assert AsyncResult(task_id).get(timeout=30) == "sent"
        log = second.log_path.read_text()
        assert f"task {task_id} redelivered by the broker" in log
        assert len(stalling_smtp.messages) == 1
        assert stalling_smtp.messages[0].rcpt_tos == ["client@example.gov.ru"]
        # Nothing else arrives later, and nothing else sent the delivery: no second
        # delivery task, no redispatch by the beat task; one attempt recorded (the killed
        # one died with its transaction).
        time.sleep(2)
        assert len(stalling_smtp.messages) == 1
        assert sends() == [task_id]
        assert REDISPATCH_TASK not in {name for name, _tid, _args in published}
        logs = first.log_path.read_text() + second.log_path.read_text()
        assert f"Task {REDISPATCH_TASK}[" not in logs
        assert logs.count(f"{SEND_TASK}[{task_id}] received") == 2
        email = Delivery.objects.get(pk=email.pk)
        assert email.attempts == 1
        assert list(email.outgoing.log.values_list("status", flat=True)) == ["sent"]
    finally:
        after_task_publish.disconnect(record)
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        if second is not None and second.poll() is None:
            stop_worker(second)
