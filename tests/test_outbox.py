"""The outbox (intranet/outbox.py): a message is stored with its attachments and
Message-ID and sent once its transaction commits; a failure is logged and tried again
with a growing wait; after the last try it stays failed, listed for a person, who sends
it again or closes it (administrators only); one bad message never stops the others; two
workers never send the same message (PostgreSQL's row lock)."""

import datetime as dt
import smtplib
import threading
from email.utils import make_msgid
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from intranet import outbox
from intranet.models import MessageStatus, OutgoingMessage
from intranet.tasks import redispatch_outbox

REFUSING = "tests.test_outbox.RefusingBackend"


class RefusingBackend:
    """A mail server that refuses every recipient whose address starts with "bad"
    (all of them while `down`)."""

    down = False

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        for message in messages:
            if RefusingBackend.down or message.to[0].startswith("bad"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such mailbox")})
            mail.outbox.append(message)
        return len(messages)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = REFUSING
    RefusingBackend.down = False
    yield RefusingBackend
    RefusingBackend.down = False


def _queue(to="someone@example.gov.ru", **fields):
    fields.setdefault("kind", "test.note")
    fields.setdefault("subject", "Тема")
    fields.setdefault("body", "Текст")
    return outbox.queue(to=to, **fields)


@pytest.mark.django_db
def test_a_message_goes_once_its_transaction_commits_with_its_files_and_message_id(
    commit, settings
):
    with commit():
        message = _queue(
            subject="Ответ\nна вопрос",
            html_body="<p>Текст</p>",
            attachments=[outbox.Attachment("письмо.pdf", b"%PDF-1.7 x", "application/pdf")],
        )
        assert mail.outbox == []  # not before the commit
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at and message.attempts == 1
    assert list(message.log.values_list("status", flat=True)) == ["sent"]
    [sent] = mail.outbox
    assert sent.to == ["someone@example.gov.ru"] and sent.subject == "Ответ на вопрос"
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert message.message_id.endswith("@example.gov.ru>")  # the sender's domain
    assert sent.attachments == [("письмо.pdf", b"%PDF-1.7 x", "application/pdf")]
    assert sent.alternatives[0].content == "<p>Текст</p>"
    # The file is kept under MEDIA_ROOT, outside the folders the proxy serves.
    stored = message.attachments.get()
    assert stored.file.name.startswith("outbox/") and not stored.file.name.endswith("письмо.pdf")
    assert (Path(settings.MEDIA_ROOT) / stored.file.name).read_bytes() == b"%PDF-1.7 x"


@pytest.mark.django_db
def test_nothing_goes_when_the_deciding_transaction_rolls_back(commit):
    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the decision failed")
    assert not OutgoingMessage.objects.exists() and mail.outbox == []


@pytest.mark.django_db
def test_a_key_queues_one_message(commit):
    with commit():
        first = _queue(key="digest:2026-12-07:1")
        again = _queue(key="digest:2026-12-07:1", body="Другой текст")
    assert again.pk == first.pk and len(mail.outbox) == 1


@pytest.mark.django_db
def test_one_bad_message_does_not_stop_the_others(commit, refusing):
    with commit():
        good = [_queue(to=f"person{i}@example.gov.ru") for i in range(2)]
        bad = _queue(to="bad@example.gov.ru")
        good.append(_queue(to="person2@example.gov.ru"))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "person0@example.gov.ru", "person1@example.gov.ru", "person2@example.gov.ru",
    ]  # fmt: skip
    bad.refresh_from_db()
    assert bad.status == MessageStatus.FAILED and "550" in bad.last_error
    assert all(OutgoingMessage.objects.get(pk=m.pk).status == "sent" for m in good)


@pytest.mark.django_db
def test_backoff_then_the_last_try_then_a_person(commit, refusing, settings, org, client):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_REDISPATCH_MINUTES = 0
    refusing.down = True
    with commit():
        message = _queue()
    message.refresh_from_db()
    started = timezone.now()
    assert message.status == "failed" and message.attempts == 1
    assert dt.timedelta(seconds=55) < message.next_attempt_at - started <= dt.timedelta(seconds=60)
    assert redispatch_outbox() == 0  # not due yet
    # Due: the second try waits twice as long.
    OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=started)
    assert redispatch_outbox() == 1
    message.refresh_from_db()
    assert message.attempts == 2
    assert (
        dt.timedelta(seconds=115) < message.next_attempt_at - started <= dt.timedelta(seconds=121)
    )
    OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=started)
    assert redispatch_outbox() == 1
    message.refresh_from_db()
    # The last try: failed, and no more tries by itself.
    assert message.attempts == 3 and message.status == "failed" and message.next_attempt_at is None
    assert list(message.log.values_list("status", flat=True)) == ["failed"] * 3
    assert redispatch_outbox() == 0
    assert outbox.attempt(message.pk) == "stopped"
    assert mail.outbox == []

    # It stays in the administrators' list until a person acts.
    client.force_login(org.admin)
    page = client.get(reverse("outbox:index") + "?status=failed").content.decode()
    assert "someone@example.gov.ru" in page and "Исходящая почта" in page
    page = client.get(reverse("outbox:inspect", args=[message.pk])).content.decode()
    assert "no such mailbox" in page and "Отправить повторно" in page
    refusing.down = False
    with commit():
        response = client.post(reverse("outbox:retry", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "sent" and len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
    assert list(message.log.values_list("status", flat=True)) == ["failed"] * 3 + [
        "queued",
        "sent",
    ]


@pytest.mark.django_db
def test_only_administrators_see_and_act_on_the_outbox(commit, refusing, org, client):
    refusing.down = True
    with commit():
        message = _queue()
    urls = [reverse("outbox:index"), reverse("outbox:inspect", args=[message.pk])]
    client.force_login(org.head)  # works in the admin, no permission on the outbox
    for url in urls:
        assert client.get(url).status_code in (302, 403)
    for name in ("outbox:retry", "outbox:close"):
        # The admin answers a refusal by sending the user back to its home page.
        response = client.post(reverse(name, args=[message.pk]))
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or response.url == reverse("wagtailadmin_home")
    message.refresh_from_db()
    assert message.status == "failed" and message.closed_by is None
    client.force_login(org.admin)
    assert client.get(reverse("outbox:close", args=[message.pk])).status_code == 405
    assert client.post(reverse("outbox:close", args=[message.pk])).status_code == 302
    message.refresh_from_db()
    assert message.status == "cancelled" and message.closed_by == org.admin
    assert outbox.attempt(message.pk) == "closed"
    assert not outbox.due_for_redispatch().filter(pk=message.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_message_locked_by_one_worker_is_not_sent_by_another():
    """One worker holds the row (it is sending); another one's try skips it, and once
    the first has stored the outcome, a late try finds it sent."""
    # Stored as `queue` stores it, without the sending task it starts after the commit.
    message = OutgoingMessage.objects.create(
        kind="test.note", recipient="someone@example.gov.ru", subject="Тема", body="Текст",
        message_id=make_msgid("test", "example.gov.ru"),
    )  # fmt: skip
    locked, release = threading.Event(), threading.Event()

    def first_worker():
        try:
            with transaction.atomic():
                OutgoingMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        assert outbox.attempt(message.pk) == "busy"
        assert mail.outbox == []
    finally:
        release.set()
        thread.join(timeout=30)
    assert outbox.attempt(message.pk) == "sent"
    assert outbox.attempt(message.pk) == "done"
    assert len(mail.outbox) == 1


def test_no_code_sends_mail_but_the_outbox():
    """Every message goes through the outbox: no module of the project calls Django's
    mail functions itself."""
    root = Path(__file__).resolve().parent.parent
    senders = ("send_mail(", "send_mass_mail(", "mail_admins(", "EmailMessage(",
               "EmailMultiAlternatives(", "get_connection(", ".send_messages(")  # fmt: skip
    found = [
        f"{path.relative_to(root)}: {name}"
        for app in ("intranet", "cases", "kb", "search")
        for path in (root / app).rglob("*.py")
        if path != root / "intranet" / "outbox.py"
        for name in senders
        if name in path.read_text()
    ]
    assert found == []
