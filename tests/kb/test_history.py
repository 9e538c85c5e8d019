"""The readers' history of changes (kb.history) and following articles and sections
(kb.following): the editor's change note travels with the revision and reaches readers
only when it is published; followers are told in the notification centre, and only
those who may read the article, never whoever made the change."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.log_actions import LogContext

from intranet.models import Notification
from kb.models import ArticleEdition, ArticlePage, Following

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(kb):
    return kb["sections"]["declarations"]  # ОДС: editor, head


def _republish(article, note="", author=None, publisher=None, title=None):
    """A new revision of `article` by `author`, published by `publisher` in the admin
    (Wagtail's log context names who acts there)."""
    article = ArticlePage.objects.get(pk=article.pk)
    article.change_note = note
    if title:
        article.title = title
    revision = article.save_revision(user=author)
    with LogContext(user=publisher):
        revision.publish(user=publisher)
    article.refresh_from_db()
    return article


def _notices(user, verb="kb.edition"):
    return list(Notification.objects.filter(recipient=user, verb=verb))


# ----------------------------------------------------------------- history of changes


def test_the_note_of_a_published_revision_is_in_the_history_drafts_never(
    client, kb, section, make_article
):
    editor, head = kb["users"]["editor"], kb["users"]["head"]
    article = make_article(section, title="Справка: история")
    first = article.editions.get()
    assert first.first and first.text == "Первая публикация"

    article = _republish(article, "Уточнён срок подачи справки", editor, head)
    draft = ArticlePage.objects.get(pk=article.pk)
    draft.change_note = "Черновая заметка, не для читателей"
    draft.save_revision(user=editor)  # a draft: no edition

    assert list(article.editions.values_list("note", flat=True)) == [
        "Уточнён срок подачи справки",
        "",
    ]
    client.force_login(kb["users"]["reader"])
    html = client.get(article.url).content.decode()
    today = f"{timezone.localdate():%d.%m.%Y}"
    assert f"Редакция от {today}" in html
    assert "История изменений" in html
    assert html.index("Уточнён срок подачи справки") < html.index("Первая публикация")
    assert "Черновая заметка" not in html


def test_an_empty_note_reads_editorial_changes(client, kb, section, make_article):
    article = make_article(section)
    article = _republish(article, "", kb["users"]["editor"], kb["users"]["head"])
    edition = article.editions.first()
    assert not edition.first and edition.note == "" and edition.text == "Редакционные правки"
    client.force_login(kb["users"]["reader"])
    assert "Редакционные правки" in client.get(article.url).content.decode()


def test_the_next_version_starts_with_an_empty_note_a_draft_keeps_its_own(
    kb, section, make_article
):
    editor = kb["users"]["editor"]
    article = _republish(make_article(section), "Добавлен образец", editor, kb["users"]["head"])
    assert article.get_latest_revision_as_object().change_note == ""
    draft = ArticlePage.objects.get(pk=article.pk)
    draft.change_note = "Новая заметка"
    draft.save_revision(user=editor)
    assert ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object().change_note == (
        "Новая заметка"
    )


def test_the_note_goes_through_the_heads_approval(kb, section, make_article):
    editor, head = kb["users"]["editor"], kb["users"]["head"]
    article = make_article(section)
    draft = ArticlePage.objects.get(pk=article.pk)
    draft.change_note = "Новый порядок уведомления"
    draft.save_revision(user=editor)
    workflow_state = article.get_workflow().start(draft, editor)
    assert article.editions.count() == 1, "sent for approval: not yet an edition"
    with LogContext(user=head):  # as the admin's views do
        workflow_state.current_task_state.approve(user=head)
    edition = article.editions.first()
    assert edition.note == "Новый порядок уведомления" and edition.published_by == head


# --------------------------------------------------------------------------- following


def test_a_reader_follows_a_section_and_is_told_of_a_new_edition(kb, section, make_article):
    reader, editor, head = kb["users"]["reader"], kb["users"]["editor"], kb["users"]["head"]
    article = make_article(section, title="Справка о доходах: сроки")
    client = Client()
    client.force_login(reader)
    response = client.post(f"/kb/follow/{section.pk}/", {"follow": "1"})
    assert response.status_code == 302 and response["Location"].endswith("#follow")
    assert Following.objects.filter(user=reader, page=section).exists()
    # Who makes the change is never told of it, even when following.
    Following.objects.create(user=editor, page=section)
    Following.objects.create(user=head, page=article)

    _republish(article, "Новый срок — 30 апреля", editor, head)

    [notice] = _notices(reader)
    assert notice.text == (
        f"Новая редакция статьи «Справка о доходах: сроки» от {timezone.localdate():%d.%m.%Y}: "
        "Новый срок — 30 апреля"
    )
    assert notice.url == article.url and notice.target_id == article.pk
    assert _notices(editor) == [] and _notices(head) == []
    # Opened from the list, the notification leads to the article.
    opened = client.get(f"/notifications/{notice.pk}/")
    assert opened.status_code == 302 and opened["Location"] == article.url


def test_a_section_follower_hears_of_a_new_article(kb, section, make_article):
    reader = kb["users"]["reader"]
    Following.objects.create(user=reader, page=section)
    make_article(
        section,
        title="Новая статья раздела",
        editor=kb["users"]["editor"],
        head=kb["users"]["head"],
    )
    [notice] = _notices(reader)
    assert notice.text == f"Новая статья в разделе «{section.title}»: «Новая статья раздела»"


def test_instant_mail_goes_through_the_outbox(kb, section, make_article):
    from intranet import notifications
    from intranet.models import EmailChoice, OutgoingMessage

    reader = kb["users"]["reader"]
    notifications.set_email_choice(reader, EmailChoice.INSTANT)
    article = make_article(section)
    Following.objects.create(user=reader, page=article)
    _republish(article, "Исправлена ссылка", kb["users"]["editor"], kb["users"]["head"])
    letter = OutgoingMessage.objects.filter(recipient=reader.email).latest("pk")
    assert "Исправлена ссылка" in letter.body


def test_who_may_not_read_a_restricted_article_is_not_told(kb, section, make_article):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    reader, other = kb["users"]["reader"], kb["users"]["executor"]
    article = make_article(section, title="Только для группы")
    group = Group.objects.create(name="Комиссия по конфликту интересов")
    other.groups.add(group)
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    Following.objects.create(user=reader, page=section)
    Following.objects.create(user=other, page=section)

    _republish(article, "Закрытая правка", kb["users"]["editor"], kb["users"]["head"])

    assert _notices(reader) == []
    assert len(_notices(other)) == 1
    # Nor may the reader follow the article itself, or see it in a list.
    client = Client()
    client.force_login(reader)
    assert client.post(f"/kb/follow/{article.pk}/").status_code == 404
    Following.objects.create(user=reader, page=article)
    assert "Только для группы" not in client.get("/kb/following/").content.decode()


def test_anonymous_cannot_follow(kb, section):
    response = Client().post(f"/kb/follow/{section.pk}/", {"follow": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Following.objects.exists()
    html = Client().get(section.url).content.decode()
    assert "Следить за разделом" not in html


def test_followers_are_told_when_a_cited_act_is_amended(kb, section, make_article):
    from kb.models import LegalAct

    reader = kb["users"]["reader"]
    act = LegalAct.objects.create(
        title="О тестовом порядке", kind=LegalAct.Kind.FEDERAL_LAW, number="1-ФЗ",
        date=timezone.localdate(),
    )  # fmt: skip
    article = make_article(section, title="Статья по акту", legal_acts=[act])
    Following.objects.create(user=reader, page=article)
    act.status = LegalAct.Status.AMENDED
    act.save()
    act.save()  # saved again: nobody is told twice
    [notice] = _notices(reader, verb="kb.flagged")
    assert notice.text.startswith("Статья «Статья по акту» проверяется: Федеральный закон")
    assert "изменён" in notice.text and notice.url == article.url


def test_the_buttons_toggle_and_the_list_shows_what_one_follows(client, kb, section, make_article):
    reader = kb["users"]["reader"]
    article = make_article(section, title="Статья для подписки")
    client.force_login(reader)
    html = client.get(article.url).content.decode()
    assert "Следить за изменениями статьи" in html
    client.post(f"/kb/follow/{article.pk}/")  # no value: toggles on
    client.post(f"/kb/follow/{section.pk}/", {"follow": "1"})
    html = client.get(article.url).content.decode()
    assert "Не следить за статьёй" in html and "Вы следите за всем разделом" in html
    listing = client.get("/kb/following/").content.decode()
    assert "Статья для подписки" in listing and section.title in listing

    response = client.post(f"/kb/follow/{article.pk}/", {"follow": "0", "next": "/kb/following/"})
    assert response["Location"] == "/kb/following/"
    assert list(Following.objects.filter(user=reader).values_list("page_id", flat=True)) == [
        section.pk
    ]
    # `next` elsewhere is refused: back to the page.
    response = client.post(
        f"/kb/follow/{article.pk}/", {"follow": "1", "next": "https://example.com/"}
    )
    assert response["Location"] == f"{article.url}#follow"
    assert ArticleEdition.objects.filter(article=article).count() == 1
