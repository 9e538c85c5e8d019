"""The daily digest of cases due soon and overdue: one mail per person."""

import socket
import time

import pytest
from django.core import mail

from cases import services
from cases.tasks import DIGEST_TASK, send_deadline_digest
from tests.cases.conftest import moscow


@pytest.fixture
def digest_cases(org, make_case):
    # Registered Mon 02.03.2026: +30 = Wed 01.04.2026. On Mon 30.03 that is due soon:
    # 31.03 (1), 01.04 (2), 02.04 (3).
    soon = make_case(state="assigned", co_executors=["editor"], at=moscow(2026, 3, 2, 10))
    # Registered Mon 02.02.2026: +30 = Wed 04.03.2026: overdue on 30.03.
    late = make_case(state="assigned", unit="ОКИ", executor="executor2", client=org.client2,
                     topic="conflict", at=moscow(2026, 2, 2, 10))  # fmt: skip
    # Registered Fri 20.03.2026: +30 = Sun 19.04 -> Fri 17.04: on track.
    make_case(state="assigned", at=moscow(2026, 3, 20, 10))
    # Withdrawn cases are not reminded of.
    gone = make_case(state="assigned", at=moscow(2026, 2, 2, 11))
    services.withdraw(gone, org.client)
    return soon, late


@pytest.mark.django_db
def test_digest_one_mail_per_person(digest_cases, org, django_capture_on_commit_callbacks):
    soon, late = digest_cases
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = send_deadline_digest("2026-03-30")
    assert result["recipients"] == {
        "executor": 1, "editor": 1, "head": 1, "executor2": 1, "head2": 1,
    }  # fmt: skip
    assert len(mail.outbox) == 5
    by_address = {m.to[0]: m for m in mail.outbox}
    to_head2 = by_address["head2@example.gov.ru"]
    assert late.registration_number in to_head2.body and "04.03.2026" in to_head2.body
    assert soon.registration_number not in to_head2.body
    assert "Просрочено" in to_head2.body
    assert soon.registration_number in by_address["editor@example.gov.ru"].body
    # Through the outbox, once a day: a second run the same day queues nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        send_deadline_digest("2026-03-30")
    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_digest_skips_non_working_days(digest_cases):
    assert send_deadline_digest("2026-03-28")["skipped"]  # a Saturday
    assert mail.outbox == []


def test_digest_is_on_the_beat_schedule():
    from intranet.celery import app

    app.loader.import_default_modules()
    app.finalize()
    entries = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert DIGEST_TASK in entries


@pytest.fixture
def smtp_server(monkeypatch):
    """A real local SMTP server (aiosmtpd) the worker process sends through."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("TEST_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(port))
    try:
        yield sink
    finally:
        controller.stop()


@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_digest_through_a_real_worker(smtp_server, digest_cases, celery_worker):
    result = send_deadline_digest.delay("2026-03-30").get(timeout=60)
    assert set(result["recipients"]) == {"executor", "editor", "head", "executor2", "head2"}
    # Queued in the outbox by the task, sent by the worker once committed.
    deadline = time.monotonic() + 60
    while len(smtp_server.messages) < 5 and time.monotonic() < deadline:
        time.sleep(0.3)
    recipients = sorted(addr for env in smtp_server.messages for addr in env.rcpt_tos)
    assert recipients == sorted(
        f"{name}@example.gov.ru" for name in ("executor", "editor", "head", "executor2", "head2")
    )
