"""Attachments follow approval, in a real browser: the ОДС editor uploads a new version of
an attachment into the draft of a live article and submits it; a reader still downloads
the approved file; the ОДС head approves; the reader gets the new file."""

import pytest
from django.core.files.base import ContentFile

from tests.security import files

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

APPROVED = b"%PDF-1.4\n% approved version\n" + files.PDF
NEW = b"%PDF-1.4\n% new version, uploaded into the draft\n" + files.PDF


def _click_in_footer_menu(page, selector):
    """Wagtail keeps the secondary actions in the footer's dropdown: open it, click."""
    button = page.locator(selector).first
    if not button.is_visible():
        page.locator(
            "footer [data-w-dropdown-target='toggle'], footer .dropdown-toggle"
        ).first.click()
    button.click()


def _attachment_link(page, live_server, url):
    """The article as the reader sees it: the address of its attachment's file."""
    page.goto(f"{live_server.url}{url}")
    return page.locator("a[href^='/documents/']").first.get_attribute("href")


def _download(page, live_server, href) -> bytes:
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200, (href, response.status)
    return response.body()


def test_new_attachment_version_reaches_readers_only_after_approval(
    demo, live_server, browser, login, tmp_path
):
    from wagtail.documents import get_document_model

    from kb.demo import publish_article
    from kb.models import ArticleAttachment, ArticlePage, KnowledgeBaseSectionPage

    section = KnowledgeBaseSectionPage.objects.get(slug="declarations")  # ОДС
    old = get_document_model()(title="Образец заявления", uploaded_by_user=demo["editor"])
    old.file.save("obrazec-zayavleniya.pdf", ContentFile(APPROVED), save=False)
    old.save()
    article = publish_article(
        section, title="Образец заявления о выдаче справки", slug="obrazec-zayavleniya"
    )
    article.attachments.add(ArticleAttachment(document=old, caption="Образец заявления"))
    article.save_revision(user=demo["editor"]).publish(user=demo["head"])
    new_file = tmp_path / "obrazec-zayavleniya-2.pdf"
    new_file.write_bytes(NEW)

    contexts = []

    def as_user(username):
        context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return login(page, username)

    try:
        # The editor replaces the attachment in the article's draft and submits it.
        editor = as_user("editor")
        editor.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
        chooser = editor.locator("#id_attachments-0-document-chooser")
        chooser.locator("[data-w-dropdown-target='toggle']").click()
        chooser.get_by_role("button", name="Выбрать другой документ").click()
        modal = editor.locator(".modal-dialog")
        modal.get_by_role("tab", name="Загрузка").click()
        modal.locator("#id_document-chooser-upload-file").set_input_files(str(new_file))
        modal.locator("#id_document-chooser-upload-title").fill("Образец заявления, ред. 2")
        modal.locator("#tab-upload button[type=submit]").click()
        editor.wait_for_selector(".modal-dialog", state="detached")
        assert "ред. 2" in chooser.inner_text()
        with editor.expect_navigation():
            _click_in_footer_menu(editor, "button[name='action-submit']")
        article.refresh_from_db()
        assert article.current_workflow_state is not None, "submitted to the head"
        assert article.has_unpublished_changes
        new = get_document_model().objects.get(title="Образец заявления, ред. 2")

        # A reader still gets the approved file; the draft's file is not served to them.
        reader = as_user("reader")
        href = _attachment_link(reader, live_server, article.url)
        assert href == old.url
        assert _download(reader, live_server, href) == APPROVED
        assert reader.request.get(f"{live_server.url}{new.url}").status == 404

        # The head approves the revision.
        head = as_user("head")
        head.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
        with head.expect_navigation():
            _click_in_footer_menu(
                head,
                "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])",
            )
        article.refresh_from_db()
        assert article.current_workflow_state is None
        assert not article.has_unpublished_changes

        # Now the reader gets the new file, and the replaced one is gone for them.
        href = _attachment_link(reader, live_server, article.url)
        assert href == new.url
        assert _download(reader, live_server, href) == NEW
        assert reader.request.get(f"{live_server.url}{old.url}").status == 404
        assert ArticlePage.objects.get(pk=article.pk).attachments.get().document_id == new.pk
    finally:
        for context in contexts:
            context.close()
