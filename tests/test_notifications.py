"""Notifications (intranet/notifications.py): the rows, the e-mail as each person chose
(at once, the daily digest by default, none) through the outbox, the bell in the header
on one query, the list page (open marks read, mark all read, pagination, the choice) and
nobody's notifications but one's own."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intranet import links, notifications
from intranet.models import EmailChoice, Notification, OutgoingMessage
from intranet.tasks import NOTIFICATION_DIGEST_TASK, send_notification_digests

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _notify(*people, text="Вам назначено сообщение ОБ-2026-000001", url="/cases/1/", **kw):
    return notifications.notify(people, text, url, verb="test.note", target=("case", 1), **kw)


def test_one_row_per_active_person_and_a_key_makes_it_once(org):
    org.reader.is_active = False
    made = _notify(org.executor, org.executor, org.head, org.reader, None)
    assert sorted(n.recipient.username for n in made) == ["executor", "head"]
    row = Notification.objects.get(recipient=org.executor)
    assert (row.text, row.url, row.target_type, row.target_id) == (
        "Вам назначено сообщение ОБ-2026-000001", "/cases/1/", "case", 1,
    )  # fmt: skip
    assert row.read_at is None
    assert len(_notify(org.executor, key="case:1:overdue")) == 1
    assert _notify(org.executor, org.head, key="case:1:overdue")[0].recipient_id == org.head.pk
    assert _notify(org.executor, org.head, key="case:1:overdue") == []


def test_the_default_is_the_digest_and_at_once_queues_a_letter(org, commit):
    notifications.set_email_choice(org.head, EmailChoice.INSTANT)
    notifications.set_email_choice(org.editor, EmailChoice.NONE)
    with commit():
        _notify(org.executor, org.head, org.editor)
    letters = list(OutgoingMessage.objects.filter(kind=notifications.NOTICE_MAIL))
    assert [m.recipient for m in letters] == [org.head.email]
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "Уведомление: Вам назначено сообщение ОБ-2026-000001"
    assert "Здравствуйте, Соколов Андрей Викторович!" in sent.body
    assert links.absolute("/cases/1/") in sent.body
    assert links.absolute("/notifications/") in sent.body
    pending = dict(Notification.objects.values_list("recipient__username", "digest_pending"))
    assert pending == {"executor": True, "head": False, "editor": False}


def test_the_daily_digest_lists_what_waits_once(org, commit):
    _notify(org.executor, text="Первое")
    _notify(org.executor, text="Второе")
    _notify(org.head, text="Руководителю")
    with commit():
        result = send_notification_digests("2026-03-02")
    assert result == {"executor": 2, "head": 1}
    letters = {m.to[0]: m for m in mail.outbox}
    body = letters[org.executor.email].body
    assert "Первое" in body and "Второе" in body and "Руководителю" not in body
    assert body.index("Второе") < body.index("Первое")  # newest first
    assert letters[org.executor.email].subject == "Уведомления на 02.03.2026: 2 новых"
    assert not Notification.objects.filter(digest_pending=True).exists()
    with commit():
        assert send_notification_digests("2026-03-02") == {}
    assert len(mail.outbox) == 2


def test_the_digest_is_on_the_beat_schedule():
    from intranet.celery import app

    app.loader.import_default_modules()
    app.finalize()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert NOTIFICATION_DIGEST_TASK in tasks and "cases.notify_deadlines" in tasks


def _bell(html: str) -> str:
    match = re.search(r'<a class="bell[^"]*" href="/notifications/" data-unread="(\d+)"', html)
    assert match, "no bell in the header"
    return match.group(1)


def test_the_bell_counts_unread_on_one_query(client, org):
    client.force_login(org.executor)
    page = reverse("cases:mine")
    client.get(page)  # warm caches (the session, the site)
    with CaptureQueriesContext(connection) as none:
        assert _bell(client.get(page).content.decode()) == "0"
    for number in range(60):
        _notify(org.executor, text=f"Уведомление {number}")
    Notification.objects.filter(text="Уведомление 0").update(read_at="2026-03-02T10:00Z")
    with CaptureQueriesContext(connection) as many:
        html = client.get(page).content.decode()
    assert _bell(html) == "59"
    assert "Уведомления: 59 непрочитанных" in html
    bell_queries = [q for q in many.captured_queries if "intranet_notification" in q["sql"]]
    assert len(bell_queries) == 1 and "COUNT" in bell_queries[0]["sql"].upper()
    assert len(many.captured_queries) == len(none.captured_queries)


def test_no_bell_and_no_query_for_anonymous_visitors(client):
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("login")).content.decode()
    assert 'class="bell' not in html
    assert not [q for q in queries.captured_queries if "intranet_notification" in q["sql"]]


def test_the_list_opens_marks_read_and_pages(client, org, django_assert_max_num_queries):
    for number in range(30):
        _notify(org.executor, text=f"Уведомление {number}", url=f"/cases/{number + 1}/")
    _notify(org.head, text="Чужое")
    client.force_login(org.executor)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("notifications")).content.decode()
    assert html.count("data-notification=") == 25
    assert "Уведомление 29" in html and "Чужое" not in html
    assert "Страница 1 из 2" in html
    second = client.get(reverse("notifications") + "?page=2").content.decode()
    assert second.count("data-notification=") == 5
    newest = Notification.objects.filter(recipient=org.executor).first()
    response = client.get(reverse("notification_open", args=[newest.pk]))
    assert response.status_code == 302 and response["Location"] == "/cases/30/"
    newest.refresh_from_db()
    assert newest.read_at is not None
    assert _bell(client.get(reverse("notifications")).content.decode()) == "29"
    # Someone else's notification: not found, and stays unread.
    theirs = Notification.objects.get(recipient=org.head)
    assert client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications_read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=org.executor, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert _bell(client.get(reverse("notifications")).content.decode()) == "0"


def test_each_person_chooses_the_email(client, org):
    client.force_login(org.executor)
    html = client.get(reverse("notifications")).content.decode()
    assert "Уведомлений пока нет." in html
    assert re.search(r'<input type="radio" name="email" value="digest"[^>]*checked', html)
    response = client.post(reverse("notifications"), {"email": "instant"}, follow=True)
    assert "Ваш выбор сохранён." in response.content.decode()
    assert notifications.email_choice(org.executor) == EmailChoice.INSTANT
    assert notifications.email_choice(org.head) == EmailChoice.DIGEST
    bad = client.post(reverse("notifications"), {"email": "hourly"})
    assert bad.status_code == 400
    assert notifications.email_choice(org.executor) == EmailChoice.INSTANT


@pytest.mark.django_db
def test_the_demo_bell_shows_the_last_week_not_the_whole_history(demo):
    """The demo's history goes back months: what it notified people of before the last
    week is read (intranet.demo.read_old_notifications), the last days' stay unread."""
    week_ago = timezone.now() - dt.timedelta(days=7)
    unread = Notification.objects.filter(read_at__isnull=True)
    assert not unread.filter(created_at__lt=week_ago).exists()
    assert not Notification.objects.filter(created_at__lt=week_ago, digest_pending=True).exists()
    assert unread.filter(recipient__username="executor").exists()
