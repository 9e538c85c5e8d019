"""Freshness (seed 001: the base «должна актуализироваться на постоянной основе"): the
daily digest, the flags raised by amended legal acts, the dashboard panel and what
readers see."""

import datetime as dt
import email
import email.policy
import socket
import time

import pytest
from django.core import mail
from django.utils import timezone

from kb.models import ArticlePage, KBDigestLog, LegalAct, Notification
from kb.services import send_review_digests

TODAY = timezone.localdate()


@pytest.fixture
def stale(kb, make_article):
    """One overdue ОДС article and one fresh ОКИ article; the demo's own flagged ОДС
    articles (citing the amended Указ № 460) are part of the digest too."""
    overdue = make_article(
        kb["sections"]["declarations"],
        title="Просроченная статья ОДС",
        last_reviewed_on=TODAY - dt.timedelta(days=400),
        review_interval_days=365,
    )
    fresh = make_article(kb["sections"]["conflict-of-interest"], title="Свежая статья ОКИ")
    return {"overdue": overdue, "fresh": fresh}


@pytest.mark.django_db
def test_next_review_due_is_computed(stale):
    article = stale["overdue"]
    assert article.next_review_due == article.last_reviewed_on + dt.timedelta(days=365)
    assert article.is_overdue
    assert not stale["fresh"].is_overdue


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the outbox's sending) of what the block does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.django_db
def test_digest_one_per_person_with_their_units_articles_and_no_repeat(kb, stale, commit):
    users = kb["users"]
    mail.outbox.clear()
    with commit():
        sent = send_review_digests(TODAY)

    by_recipient = {}
    for message in mail.outbox:
        for address in message.to:
            by_recipient.setdefault(address, []).append(message)
    assert all(len(messages) == 1 for messages in by_recipient.values()), "one digest each"
    # ОДС: its editor and head get the overdue article (and the demo's flagged ones).
    for username in ("editor", "head"):
        body = by_recipient[users[username].email][0].body
        assert "Просроченная статья ОДС" in body
        assert "Как представить справку о доходах" in body, "flagged demo article"
        assert "Свежая статья ОКИ" not in body
    # ОКИ has nothing stale: no digest for its people; readers never get one.
    for username in ("editor2", "head2", "reader", "executor"):
        assert users[username].email not in by_recipient
    assert sent == len(by_recipient)
    assert KBDigestLog.objects.filter(sent_on=TODAY).count() == sent
    assert (
        Notification.objects.filter(
            recipient=users["editor"], subject__contains="Knowledge base"
        ).exists()
        or Notification.objects.filter(recipient=users["editor"]).exists()
    )

    note = Notification.objects.filter(recipient=users["editor"]).latest("created_at")
    assert note.message.kind == "kb.digest" and note.message.status == "sent"

    mail.outbox.clear()
    with commit():
        assert send_review_digests(TODAY) == 0, "no repeat the same day"
    assert mail.outbox == []
    with commit():
        assert send_review_digests(TODAY + dt.timedelta(days=1)) == sent, "again the next day"
    assert len(mail.outbox) == sent


@pytest.mark.django_db
def test_digest_task_runs_eagerly_and_is_scheduled_daily(kb, stale, commit):
    from intranet.celery import app
    from kb.tasks import REVIEW_DIGEST_SCHEDULE
    from kb.tasks import send_review_digests as task

    mail.outbox.clear()
    with commit():
        assert task.delay(TODAY.isoformat()).get() >= 2  # eager: see conftest.celery_eager
    assert mail.outbox
    app.loader.import_default_modules()
    app.finalize()
    entry = app.conf.beat_schedule[REVIEW_DIGEST_SCHEDULE]
    assert entry["task"] == "kb.send_review_digests"


@pytest.mark.django_db
def test_amended_act_flags_citing_articles_and_notifies_owners(
    kb, make_article, django_capture_on_commit_callbacks
):
    users = kb["users"]
    act = LegalAct.objects.get(number="273-ФЗ")
    citing = make_article(
        kb["sections"]["conflict-of-interest"],
        title="Ссылается на 273-ФЗ",
        legal_acts=[act],
        last_reviewed_on=TODAY - dt.timedelta(days=5),
    )
    other = make_article(kb["sections"]["conflict-of-interest"], title="Не ссылается")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act = LegalAct.objects.get(pk=act.pk)
        act.status = LegalAct.Status.REPEALED
        act.save()

    citing.refresh_from_db()
    other.refresh_from_db()
    assert citing.needs_review
    assert "273-ФЗ" in citing.review_reason and "утратил силу" in citing.review_reason
    assert not other.needs_review
    # Every article citing the act across units is flagged (the demo cites 273-ФЗ often).
    assert set(
        ArticlePage.objects.filter(legal_acts=act).values_list("needs_review", flat=True)
    ) == {True}
    recipients = {a for m in mail.outbox for a in m.to}
    assert {users["editor2"].email, users["head2"].email} <= recipients
    assert users["reader"].email not in recipients
    note = Notification.objects.filter(recipient=users["editor2"]).latest("created_at")
    assert "Ссылается на 273-ФЗ" in note.body
    assert note.message.kind == "kb.notification" and note.message.status == "sent"

    # Saving again without a status change does not notify again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act.title = act.title + " "
        act.save()
    assert mail.outbox == []


@pytest.mark.django_db
def test_flag_survives_drafts_and_is_cleared_by_a_reviewed_publication(kb, make_article):
    act = LegalAct.objects.get(number="230-ФЗ")
    article = make_article(
        kb["sections"]["declarations"],
        legal_acts=[act],
        last_reviewed_on=TODAY - dt.timedelta(days=30),
    )
    act.status = LegalAct.Status.AMENDED
    act.save()
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.needs_review

    # An unrelated edit published without a new review date keeps the flag.
    draft = article.get_latest_revision_as_object()
    assert draft.needs_review, "drafts show the live flag"
    draft.summary = "Поправлена опечатка"
    draft.save_revision().publish()
    assert ArticlePage.objects.get(pk=article.pk).needs_review

    # Publishing with «last reviewed on» = today clears it.
    draft = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    draft.last_reviewed_on = TODAY
    draft.save_revision().publish()
    article = ArticlePage.objects.get(pk=article.pk)
    assert not article.needs_review and article.review_reason == ""
    assert article.next_review_due == TODAY + dt.timedelta(days=article.review_interval_days)


@pytest.mark.django_db
def test_dashboard_panel_shows_own_units_stale_and_flagged_articles(client, kb, stale):
    client.force_login(kb["users"]["editor"])
    html = client.get("/admin/").content.decode()
    assert "База знаний: на проверку" in html
    assert "Просроченная статья ОДС" in html
    assert "Как представить справку о доходах" in html  # flagged by the amended act
    assert "Свежая статья ОКИ" not in html

    flagged = ArticlePage.objects.get(slug="kak-predstavit-spravku")
    html = client.get(f"/admin/pages/{flagged.pk}/edit/").content.decode()
    assert "Требует проверки" in html and "№ 460" in html
    assert "Чтобы снять отметку" in html
    assert 'name="last_reviewed_on"' in html and 'name="legal_acts"' in html

    client.force_login(kb["users"]["editor2"])
    html = client.get("/admin/").content.decode()
    assert "Просроченная статья ОДС" not in html


@pytest.mark.django_db
def test_head_marks_an_act_amended_in_the_admin(client, kb, django_capture_on_commit_callbacks):
    act = LegalAct.objects.get(number="2867-р")
    client.force_login(kb["users"]["head"])
    assert client.get("/admin/kb/legal-acts/").status_code == 200
    data = {
        "title": act.title,
        "kind": act.kind,
        "number": act.number,
        "date": act.date.isoformat(),
        "url": "",
        "status": "amended",
        "status_changed_on": "",
        "note": "Новая форма",
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/kb/legal-acts/edit/{act.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    act.refresh_from_db()
    assert act.status == "amended" and act.status_changed_on == TODAY
    citing = ArticlePage.objects.filter(legal_acts=act)
    assert citing.exists() and all(a.needs_review for a in citing)
    assert kb["users"]["editor"].email in {a for m in mail.outbox for a in m.to}
    client.force_login(kb["users"]["reader"])
    assert client.get("/admin/kb/legal-acts/").status_code == 302


@pytest.mark.django_db
def test_reader_sees_review_date_and_warnings(client, kb, stale):
    client.force_login(kb["users"]["reader"])
    html = client.get(stale["overdue"].url).content.decode()
    reviewed = stale["overdue"].last_reviewed_on
    assert f"проверено {reviewed:%d.%m.%Y}" in html
    assert "Плановая проверка этой статьи" in html

    html = client.get(stale["fresh"].url).content.decode()
    assert f"проверено {stale['fresh'].last_reviewed_on:%d.%m.%Y}" in html
    assert 'class="kb-warning"' not in html

    flagged = ArticlePage.objects.get(slug="kak-predstavit-spravku")
    html = client.get(flagged.url).content.decode()
    assert "Статья проверяется в связи с изменением законодательства" in html
    assert "№ 460" in html


# ------------------------------------------------------ the real Celery worker


@pytest.fixture
def smtp_sink(monkeypatch):
    """A real SMTP server (aiosmtpd) the worker process sends its mail to."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append((envelope.rcpt_tos, str(message["Subject"]).strip(), message))
            return "250 OK"

        def digests(self):
            return [m for m in self.messages if m[1].startswith("База знаний: статей на проверку")]

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
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
def test_digest_through_the_real_celery_worker(smtp_sink, celery_worker, kb, stale):
    from kb.tasks import send_review_digests as task

    users = kb["users"]
    result = task.delay(TODAY.isoformat())
    sent = result.get(timeout=60)
    assert sent >= 2
    # The task queues them in the outbox; the worker sends each once it is committed.
    deadline = time.monotonic() + 60
    while len(smtp_sink.digests()) < sent and time.monotonic() < deadline:
        time.sleep(0.3)
    digests = smtp_sink.digests()
    recipients = [address for tos, _subject, _message in digests for address in tos]
    assert len(recipients) == len(set(recipients)) == sent, "one digest per person"
    assert users["editor"].email in recipients and users["head"].email in recipients
    assert users["editor2"].email not in recipients
    body = next(m for tos, _s, m in digests if users["editor"].email in tos).get_content()
    assert "Просроченная статья ОДС" in body
    assert KBDigestLog.objects.filter(sent_on=TODAY, user=users["editor"]).exists()

    # The worker refuses to send the same day's digest twice.
    assert task.delay(TODAY.isoformat()).get(timeout=60) == 0
    time.sleep(1)
    assert len(smtp_sink.digests()) == sent
