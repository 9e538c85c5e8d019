"""Acknowledgement sheets (kb.acknowledgements): the owning unit's head assigns an
instruction, assignees confirm on the article with the revision they read, the head's
sheet and its exports, a substantial change asks again, the reminders; every step
refused to whoever may not take it."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from intranet.models import Notification, Unit
from kb.acknowledgements import services
from kb.acknowledgements.models import Line, PendingReacknowledgement, Sheet
from kb.models import ArticlePage

pytestmark = pytest.mark.django_db

SLUG = "kak-predstavit-spravku"  # an instruction of ОДС, whose head is `head`


@pytest.fixture
def article(kb):
    return ArticlePage.objects.get(slug=SLUG)


@pytest.fixture
def users(kb):
    return kb["users"]


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _assign(article, users, *, people=("reader",), units=(), days=10):
    return services.assign(
        article,
        users["head"],
        due_date=timezone.localdate() + dt.timedelta(days=days),
        units=list(Unit.objects.filter(short_name__in=units)),
        people=[users[name] for name in people],
    )


def test_head_assigns_on_the_staff_form_and_assignees_are_notified(article, users):
    ods = Unit.objects.get(short_name="ОДС")
    due = timezone.localdate() + dt.timedelta(days=7)
    response = _client(users["head"]).post(
        reverse("acknowledgements:new"),
        {"article": article.pk, "units": [ods.pk], "people": [users["reader"].pk],
         "due_date": f"{due:%d.%m.%Y}", "note": "До планёрки"},
    )  # fmt: skip
    sheet = Sheet.objects.get(article=article)
    assert response.status_code == 302 and response.url == reverse(
        "acknowledgements:sheet", kwargs={"pk": sheet.pk}
    )
    assert sheet.due_date == due and sheet.assigned_by == users["head"]
    names = set(sheet.lines.values_list("user__username", flat=True))
    assert {"reader", "editor", "executor", "head"} <= names
    assert not names & {"client", "client2", "executor2", "head2"}
    # (The demo's own sheet asked the reader too: kb.acknowledgements.demo.)
    notice = Notification.objects.get(
        recipient=users["reader"], verb=services.VERB_ASSIGNED, url=article.url
    )
    assert notice.url == article.url and article.title in notice.text
    assert f"{due:%d.%m.%Y}" in notice.text


def test_only_the_owning_units_head_and_administrators_assign(article, users):
    due = timezone.localdate() + dt.timedelta(days=5)
    for name in ("head2", "editor", "reader", "chief"):
        with pytest.raises(PermissionDenied):
            services.assign(article, users[name], due_date=due, people=[users["reader"]])
    # The form refuses another unit's head its article, and people who head nothing.
    url = reverse("acknowledgements:new")
    assert _client(users["head2"]).get(url, {"article": article.pk}).status_code == 403
    for name in ("editor", "reader", "client", "executor"):
        assert _client(users[name]).get(url).status_code == 403, name
        assert _client(users[name]).get(reverse("acknowledgements:index")).status_code == 403
    response = _client(users["head2"]).post(
        url, {"article": article.pk, "people": [users["reader"].pk],
              "due_date": f"{due:%d.%m.%Y}"},
    )  # fmt: skip
    assert response.status_code == 400 and not Sheet.objects.filter(article=article).exists()
    assert _client().get(url).status_code == 302  # anonymous: to the sign-in page
    # Administrators may.
    assert services.assign(article, users["admin"], due_date=due, people=[users["reader"]])


def test_sheets_are_for_provisions_procedures_regulations_and_instructions(kb, users):
    faq = ArticlePage.objects.get(slug="spravka-v-otpuske")  # a FAQ of ОДС
    with pytest.raises(ValidationError):
        services.assign(faq, users["head"], due_date=timezone.localdate(),
                        people=[users["reader"]])  # fmt: skip
    html = _client(users["head"]).get(reverse("acknowledgements:new")).content.decode()
    assert faq.title not in html and "Как представить справку о доходах" in html


def test_clients_are_never_put_on_a_sheet(article, users):
    with pytest.raises(ValidationError):
        _assign(article, users, people=("client",))


def test_reader_confirms_on_the_article_with_the_revision_read(article, users):
    _assign(article, users)
    reader = _client(users["reader"])
    html = reader.get(article.url).content.decode()
    assert "Ознакомлен(а)" in html
    response = reader.post(reverse("acknowledgements:confirm", kwargs={"page_id": article.pk}))
    assert response.status_code == 302
    line = Line.objects.get(user=users["reader"], sheet__article=article)
    assert line.confirmed_at is not None
    assert line.revision_id == article.live_revision_id
    assert line.revision_at == article.last_published_at
    assert line.confirmations.count() == 1
    html = reader.get(article.url).content.decode()
    assert "Ознакомлен(а)" not in html and "Вы подтвердили ознакомление" in html


def test_only_assignees_confirm(article, users):
    _assign(article, users)
    url = reverse("acknowledgements:confirm", kwargs={"page_id": article.pk})
    for name in ("client", "executor2", "head", "admin"):
        assert _client(users[name]).post(url).status_code == 403, name
        assert "Ознакомлен(а)" not in _client(users[name]).get(article.url).content.decode()
    assert _client().post(url).status_code == 302  # anonymous: to the sign-in page
    assert not Line.objects.filter(sheet__article=article, confirmed_at__isnull=False).exists()


def test_head_sees_the_sheet_by_unit_with_overdue_lines(article, users):
    sheet = _assign(article, users, people=("reader", "executor2"), days=1)
    services.confirm(article, users["reader"])
    Sheet.objects.filter(pk=sheet.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    url = reverse("acknowledgements:sheet", kwargs={"pk": sheet.pk})
    html = _client(users["head"]).get(url).content.decode()
    assert "Козлов Николай Евгеньевич" in html and "Фёдорова Анна Михайловна" in html
    assert "Отдел по урегулированию конфликта интересов" in html  # executor2's unit
    assert 'data-user="reader" class="is-confirmed"' in html
    assert 'data-user="executor2" class="is-overdue"' in html
    assert "1 из 2" in html
    assert _client(users["admin"]).get(url).status_code == 200
    for name in ("head2", "editor", "reader", "client", "chief"):
        assert _client(users[name]).get(url).status_code == 403, name
        assert _client(users[name]).get(url, {"format": "xlsx"}).status_code == 403, name
    index = _client(users["head"]).get(reverse("acknowledgements:index")).content.decode()
    assert article.title in index and "просрочено" in index
    other = _client(users["head2"]).get(reverse("acknowledgements:index")).content.decode()
    assert article.title not in other


def test_sheet_exports_as_xlsx_and_pdf(article, users):
    from openpyxl import load_workbook

    sheet = _assign(article, users)
    services.confirm(article, users["reader"])
    url = reverse("acknowledgements:sheet", kwargs={"pk": sheet.pk})
    head = _client(users["head"])
    response = head.get(url, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[3] == ("№", "ФИО", "Должность, подразделение", "Дата ознакомления", "Редакция")
    assert rows[4][1] == "Козлов Николай Евгеньевич"
    assert rows[4][4] == f"{timezone.localtime(article.last_published_at):%d.%m.%Y}"
    response = head.get(url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf" and response.content[:4] == b"%PDF"


def test_a_substantial_change_asks_again_and_a_minor_one_does_not(article, users):
    sheet = _assign(article, users)
    services.confirm(article, users["reader"])
    article.summary = "Исправлена опечатка"
    article.save_revision(user=users["editor"]).publish(user=users["head"])
    assert Line.objects.get(user=users["reader"], sheet=sheet).confirmed_at is not None

    services.mark_substantial(article, users["editor"], True)
    article = ArticlePage.objects.get(pk=article.pk)
    article.summary = "Новый порядок"
    article.save_revision(user=users["editor"]).publish(user=users["head"])
    line = Line.objects.get(user=users["reader"], sheet=sheet)
    sheet.refresh_from_db()
    assert line.confirmed_at is None and sheet.round == 2
    assert line.confirmations.count() == 1  # the first confirmation stays in the log
    assert not PendingReacknowledgement.objects.exists()
    assert Notification.objects.filter(recipient=users["reader"], verb=services.VERB_AGAIN).exists()
    services.confirm(article, users["reader"])
    line.refresh_from_db()
    assert line.revision_id == ArticlePage.objects.get(pk=article.pk).live_revision_id


def test_the_editors_tick_in_the_admin_is_kept_until_publication(article, users):
    from kb.acknowledgements.wagtail_hooks import remember_substantial_change

    _assign(article, users)
    factory = RequestFactory()
    request = factory.post("/", {"acknowledge_again_shown": "1", "acknowledge_again": "1"})
    request.user = users["editor"]
    remember_substantial_change(request, article)
    assert services.is_marked_substantial(article)
    request = factory.post("/", {"acknowledge_again_shown": "1"})
    request.user = users["editor"]
    remember_substantial_change(request, article)
    assert not services.is_marked_substantial(article)
    # The edit form shows the box on an article with sheets.
    html = _client(users["editor"]).get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert 'name="acknowledge_again"' in html


def test_reminders_before_the_due_date_once_and_after_it(article, users, settings):
    settings.KB_ACK_REMIND_DAYS_BEFORE = 2
    sheet = _assign(article, users, people=("reader", "executor"), days=5)
    today = timezone.localdate()
    assert services.send_reminders(today)["reminders"] == 0  # not yet
    made = services.send_reminders(today + dt.timedelta(days=3))
    assert made["reminders"] == 2
    assert services.send_reminders(today + dt.timedelta(days=4))["reminders"] == 0  # once
    services.confirm(article, users["reader"])
    made = services.send_reminders(sheet.due_date + dt.timedelta(days=1))
    assert made["overdue"] == 1
    assert Notification.objects.filter(
        recipient=users["executor"], verb=services.VERB_OVERDUE
    ).exists()
    assert not Notification.objects.filter(
        recipient=users["reader"], verb=services.VERB_OVERDUE
    ).exists()


def test_one_failing_line_does_not_stop_the_reminders(article, users, monkeypatch):
    sheet = _assign(article, users, people=("reader", "executor"), days=1)
    real = services._remind
    first = sheet.lines.order_by("pk").first()

    def failing(line, today):
        if line.pk == first.pk:
            raise RuntimeError("broken record")
        return real(line, today)

    monkeypatch.setattr(services, "_remind", failing)
    made = services.send_reminders(timezone.localdate())
    assert made["failed"] == 1 and made["reminders"] == 1


def test_the_demo_asks_the_reader_and_the_head_sees_who_has_read(kb, users):
    """Day one of the demo: the head of ОМП has asked the department and the reader to read the
    procedure; the reader sees the button and a notification, the head's sheet shows two
    confirmations and the others waiting; seeding again adds nothing."""
    from kb.acknowledgements import demo

    sheet = Sheet.objects.get(article__slug=demo.ARTICLE_SLUG)
    article = sheet.article.specific
    assert sheet.assigned_by == users["head3"]
    confirmed = set(
        sheet.lines.filter(confirmed_at__isnull=False).values_list("user__username", flat=True)
    )
    assert confirmed == {"editor3", "head3"}
    waiting = set(
        sheet.lines.filter(confirmed_at__isnull=True).values_list("user__username", flat=True)
    )
    # The reader and the rest of the department, its units included.
    assert {"reader", "chief", "head", "executor2"} <= waiting
    html = _client(users["reader"]).get(article.url).content.decode()
    assert "Ознакомлен(а)" in html
    # Told at the top, before the long text, where to confirm.
    top = html.index('class="kb-ack-notice')
    assert top < html.index('id="acknowledgement"') and 'href="#acknowledgement"' in html[top:]
    assert f"до {sheet.due_date:%d.%m.%Y}" in html[top : top + 300]
    assert Notification.objects.filter(
        recipient=users["reader"], verb=services.VERB_ASSIGNED, url=article.url
    ).exists()
    page = (
        _client(users["head3"])
        .get(reverse("acknowledgements:sheet", kwargs={"pk": sheet.pk}))
        .content.decode()
    )
    assert "Козлов" in page  # the reader, still to confirm
    services.confirm(article, users["reader"])
    assert "kb-ack-notice" not in _client(users["reader"]).get(article.url).content.decode()
    demo.seed()
    assert Sheet.objects.filter(article=article).count() == 1
