"""The knowledge base's editorial cycle in a real browser: an ОДС editor edits an article
of their own section in the Wagtail admin and submits it; the ОДС head approves it; a
reader sees the new version; the editor cannot open another unit's article editor."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NEW_SUMMARY = "Нет: отпуск не продлевает срок. Сдайте справку заранее или отправьте по почте."


def _click_in_footer_menu(page, selector):
    """Wagtail keeps the secondary actions in the footer's dropdown: open it, click."""
    button = page.locator(selector).first
    if not button.is_visible():
        page.locator(
            "footer [data-w-dropdown-target='toggle'], footer .dropdown-toggle"
        ).first.click()
    button.click()


def test_editor_submits_head_approves_reader_sees_new_version(demo, live_server, page, login):
    from kb.models import ArticlePage

    own = ArticlePage.objects.get(slug="spravka-v-otpuske")  # ОДС
    other = ArticlePage.objects.get(slug="chto-takoe-konflikt-interesov")  # ОКИ

    # The ОДС editor edits and submits to the unit's workflow.
    login(page, "editor")
    page.goto(f"{live_server.url}/admin/pages/{own.pk}/edit/")
    page.fill("#id_summary", NEW_SUMMARY)
    with page.expect_navigation():
        _click_in_footer_menu(page, "button[name='action-submit']")
    own.refresh_from_db()
    workflow_state = own.current_workflow_state
    assert workflow_state is not None, "submitted to moderation"
    assert workflow_state.requested_by.username == "editor"
    assert own.summary != NEW_SUMMARY, "not published yet"

    # The same editor cannot open another unit's article.
    # (docs/knowledge_base.md: the read-only listing of its section, naming the owner)
    page.goto(f"{live_server.url}/admin/pages/{other.pk}/edit/")
    assert "/admin/kb/sections/" in page.url, page.url
    assert page.locator("#id_summary").count() == 0, "no editor of another unit's article"
    assert page.locator("#id_summary").count() == 0

    # The ОДС head approves in the admin.
    page.context.clear_cookies()
    login(page, "head")
    page.goto(f"{live_server.url}/admin/pages/{own.pk}/edit/")
    with page.expect_navigation():
        _click_in_footer_menu(
            page,
            "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])",
        )
    own.refresh_from_db()
    assert own.summary == NEW_SUMMARY
    assert own.current_workflow_state is None

    # A reader sees the new version.
    page.context.clear_cookies()
    login(page, "reader")
    page.goto(f"{live_server.url}{own.url}")
    assert page.locator("h1").inner_text() == own.title
    assert page.get_by_text(NEW_SUMMARY).is_visible()
    assert page.get_by_text("проверено").first.is_visible()
