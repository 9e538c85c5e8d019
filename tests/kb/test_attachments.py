"""Attachments follow approval (kb.attachments): the file of a live article's document is
not replaced in place; a new version waits in the draft, unserved to readers, until the
head approves; orphan uploads are deleted after the grace period."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from wagtail.documents import get_document_model

from kb.models import ArticleAttachment, ArticlePage
from tests.security import files

pytestmark = pytest.mark.django_db

APPROVED = b"%PDF-1.4\n% approved version\n" + files.PDF
NEW = b"%PDF-1.4\n% new version\n" + files.PDF
REFUSAL = "файл и название здесь изменить нельзя"


def _document(title, content=APPROVED, user=None, name="obrazec.pdf"):
    document = get_document_model()(title=title, uploaded_by_user=user)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def attached(kb, make_article):
    """A live ОДС article with one attachment uploaded by the ОДС editor."""
    editor = kb["users"]["editor"]
    document = _document("Образец заявления", user=editor)
    article = make_article(kb["sections"]["declarations"], title="Образец заявления")
    article.attachments.add(ArticleAttachment(document=document, caption="Образец"))
    article.save_revision(user=editor).publish(user=kb["users"]["head"])
    return article, document


def _edit(client, document, **changes):
    data = {"title": document.title, "collection": document.collection_id, "tags": ""}
    data.update(changes)
    return client.post(f"/admin/documents/edit/{document.pk}/", data)


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_the_file_of_a_live_articles_document_is_not_replaced_in_place(kb, attached, who):
    article, document = attached
    client = _as(kb["users"][who])
    page = client.get(f"/admin/documents/edit/{document.pk}/")
    assert page.status_code == 200, "the uploader and administrators may open the form"
    assert REFUSAL in page.content.decode(), "the form says so before anyone tries"

    response = _edit(client, document, file=SimpleUploadedFile("novyj.pdf", NEW))
    assert response.status_code == 200, "the form is shown again with the refusal"
    html = response.content.decode()
    assert REFUSAL in html and article.title in html
    response = _edit(client, document, title="Другое название")
    assert REFUSAL in response.content.decode()

    document.refresh_from_db()
    assert document.title == "Образец заявления"
    with document.file.open("rb") as stored:
        assert stored.read() == APPROVED
    reader = _as(kb["users"]["reader"])
    assert _body(reader.get(document.url)) == APPROVED


def test_a_document_no_live_page_uses_is_edited_in_place(kb):
    editor = kb["users"]["editor"]
    document = _document("Черновик образца", user=editor)
    response = _edit(
        _as(editor), document, title="Образец, версия 2", file=SimpleUploadedFile("v2.pdf", NEW)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.title == "Образец, версия 2"
    with document.file.open("rb") as stored:
        assert stored.read() == NEW


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_a_document_a_live_article_attaches_cannot_be_deleted(kb, attached, who):
    """Deleting it used to drop the attachment from the live article, unapproved. Now
    Wagtail's delete views (one document, or in bulk) show it in use and refuse."""
    article, document = attached
    client = _as(kb["users"][who])
    page = client.get(f"/admin/documents/delete/{document.pk}/")
    assert page.status_code == 200
    assert "защищен от удаления" in page.content.decode()
    response = client.post(f"/admin/documents/delete/{document.pk}/")
    assert response.status_code in (302, 403)
    bulk = client.post(
        f"/admin/bulk/wagtaildocs/document/delete/?id={document.pk}", {"confirm": "1"}
    )
    assert bulk.status_code in (200, 302, 403)
    assert get_document_model().objects.filter(pk=document.pk).exists()
    live = ArticlePage.objects.get(pk=article.pk)
    assert [a.document_id for a in live.attachments.all()] == [document.pk]
    reader = _as(kb["users"]["reader"])
    assert _body(reader.get(document.url)) == APPROVED


def test_a_document_nothing_attaches_is_deleted(kb):
    editor = kb["users"]["editor"]
    document = _document("Лишний файл", user=editor)
    response = _as(editor).post(f"/admin/documents/delete/{document.pk}/")
    assert response.status_code == 302
    assert not get_document_model().objects.filter(pk=document.pk).exists()


def test_a_new_version_in_the_draft_reaches_readers_only_when_approved(kb, attached):
    article, old = attached
    editor, head = kb["users"]["editor"], kb["users"]["head"]
    new = _document("Образец заявления (ред. 2)", content=NEW, user=editor, name="obrazec-2.pdf")
    draft = ArticlePage.objects.get(pk=article.pk)
    draft.attachments.clear()  # the row of the draft now names the new document
    draft.attachments.add(ArticleAttachment(document=new, caption="Образец"))
    revision = draft.save_revision(user=editor)

    reader, anonymous, head_client = _as(kb["users"]["reader"]), Client(), _as(head)
    assert _body(reader.get(old.url)) == APPROVED
    assert reader.get(new.url).status_code == 404, "a draft's file is not served to readers"
    assert anonymous.get(new.url).status_code == 302
    assert _body(head_client.get(new.url)) == NEW, "the head checks it before approving"
    page = reader.get(article.url).content.decode()
    assert old.url in page and new.url not in page

    revision.publish(user=head)
    assert _body(reader.get(new.url)) == NEW
    assert reader.get(old.url).status_code == 404, "the replaced version is no longer served"
    page = reader.get(article.url).content.decode()
    assert new.url in page and old.url not in page


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_a_new_version_waiting_in_a_draft_cannot_be_deleted(kb, attached, who):
    """The new version is named only by the draft's revision (the page's row still has
    the approved file), so no foreign key or reference protects it: deleting it, one
    at a time or in bulk, is refused with a message naming the draft; once the draft no
    longer uses it, it can go."""
    article, _old = attached
    editor, head = kb["users"]["editor"], kb["users"]["head"]
    new = _document("Образец заявления (ред. 2)", content=NEW, user=editor, name="obrazec-2.pdf")
    draft = ArticlePage.objects.get(pk=article.pk)
    draft.attachments.clear()
    draft.attachments.add(ArticleAttachment(document=new, caption="Образец"))
    draft.save_revision(user=editor)

    client = _as(kb["users"][who])
    confirm = f"/admin/documents/delete/{new.pk}/"
    response = client.post(confirm, HTTP_REFERER=f"http://testserver{confirm}")
    assert response.status_code == 302 and response["Location"].endswith(confirm)
    message = client.get(confirm).content.decode()
    assert "нельзя удалить" in message and f"«{article.title}»" in message
    bulk = client.post(f"/admin/bulk/wagtaildocs/document/delete/?id={new.pk}", {"confirm": "1"})
    assert bulk.status_code == 302 and bulk["Location"] == "/admin/documents/"
    assert "нельзя удалить" in client.get("/admin/documents/").content.decode()
    assert get_document_model().objects.filter(pk=new.pk).exists()

    # The head approves: readers get the new file (it was never lost).
    ArticlePage.objects.get(pk=article.pk).latest_revision.publish(user=head)
    assert _body(_as(kb["users"]["reader"]).get(new.url)) == NEW

    # A draft that drops it again: then it may be deleted (nothing else uses it).
    other = _document("Черновой файл", user=editor, name="chernovik.pdf")
    draft = ArticlePage.objects.get(pk=article.pk)
    draft.attachments.add(ArticleAttachment(document=other, caption="Черновик"))
    draft.save_revision(user=editor)
    assert client.post(f"/admin/documents/delete/{other.pk}/").status_code == 302
    assert get_document_model().objects.filter(pk=other.pk).exists()
    draft = ArticlePage.objects.get(pk=article.pk)
    draft.save_revision(user=editor)  # the row has only the published attachment
    assert client.post(f"/admin/documents/delete/{other.pk}/").status_code == 302
    assert not get_document_model().objects.filter(pk=other.pk).exists()


def test_a_reader_does_not_get_a_document_of_an_article_they_may_not_read(kb, attached):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    article, document = attached
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Только проверяющие (тест)"))
    assert _as(kb["users"]["reader"]).get(document.url).status_code == 404
    assert _as(kb["users"]["head"]).get(document.url).status_code == 200


def test_orphan_cleanup_deletes_only_old_documents_nothing_uses(kb, attached, caplog):
    from kb.attachments import delete_orphan_documents

    article, live = attached
    editor = kb["users"]["editor"]
    old = timezone.now() - dt.timedelta(days=8)
    abandoned = _document("Брошенная загрузка", user=editor)
    in_draft = _document("Во вложении черновика", user=editor)
    in_body_draft = _document("Ссылка в тексте черновика", user=editor)
    recent = _document("Загружен вчера", user=editor)
    draft = ArticlePage.objects.get(pk=article.pk)
    draft.attachments.add(ArticleAttachment(document=in_draft))
    draft.body = [
        ("paragraph", f'<p><a linktype="document" id="{in_body_draft.pk}">образец</a></p>')
    ]
    draft.save_revision(user=editor)  # a draft only: no row, no reference
    documents = get_document_model().objects
    documents.exclude(pk=recent.pk).update(created_at=old)
    documents.filter(pk=recent.pk).update(created_at=timezone.now() - dt.timedelta(days=1))

    with caplog.at_level("INFO", logger="kb.attachments"):
        assert delete_orphan_documents() == 1
    remaining = set(documents.values_list("pk", flat=True))
    assert abandoned.pk not in remaining
    assert {live.pk, in_draft.pk, in_body_draft.pk, recent.pk} <= remaining
    assert "Брошенная загрузка" in caplog.text


def test_one_bad_document_does_not_stop_the_cleanup(kb, monkeypatch, caplog):
    from kb.attachments import delete_orphan_documents

    Document = get_document_model()
    broken = _document("Не удаляется")
    fine = _document("Удаляется")
    Document.objects.filter(pk__in=[broken.pk, fine.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    delete = Document.delete

    def failing_delete(self, *args, **kwargs):
        if self.pk == broken.pk:
            raise RuntimeError("storage is down")
        return delete(self, *args, **kwargs)

    monkeypatch.setattr(Document, "delete", failing_delete)
    with caplog.at_level("ERROR", logger="kb.attachments"):
        deleted = delete_orphan_documents()
    assert deleted >= 1
    assert not Document.objects.filter(pk=fine.pk).exists()
    assert Document.objects.filter(pk=broken.pk).exists()
    assert "Не удаляется" in caplog.text


def test_cleanup_task_is_scheduled_daily(settings):
    from intranet.celery import app
    from kb.tasks import ORPHAN_DOCUMENTS_SCHEDULE

    app.loader.import_default_modules()
    app.finalize()
    assert app.conf.beat_schedule[ORPHAN_DOCUMENTS_SCHEDULE]["task"] == (
        "kb.delete_orphan_documents"
    )
    assert settings.KB_ORPHAN_DOCUMENT_GRACE_DAYS == 7


def test_the_admin_help_tells_editors_how_to_replace_a_file(kb):
    html = _as(kb["users"]["editor"]).get("/admin/help/").content.decode()
    assert "Как заменить приложенный файл" in html
    assert "удаляется через 7 дней" in html
