"""Publication through the unit's workflow: the editor submits, the head of the owning
unit approves or rejects with a comment, the editor is notified by e-mail, and the page
history records who approved."""

import pytest
from django.core import mail
from wagtail.models import PageLogEntry, TaskState, WorkflowState

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(kb, make_article):
    """A published ОДС article with a new draft by the ОДС editor."""
    article = make_article(kb["sections"]["declarations"], title="Черновик ОДС")
    article.title = "Черновик ОДС, новая редакция"
    article.save_revision(user=kb["users"]["editor"])
    return article


def _start(article, user):
    workflow = article.get_workflow()
    assert workflow is not None
    mail.outbox.clear()
    return workflow.start(article, user)


def test_editor_submits_head_approves_with_comment(kb, draft):
    editor, head = kb["users"]["editor"], kb["users"]["head"]
    workflow_state = _start(draft, editor)
    task_state = workflow_state.current_task_state
    task = task_state.task.specific

    # The unit's head is asked; editors and other units' heads cannot act on it.
    assert {name for name, *_ in task.get_actions(draft, head)} >= {"approve", "reject"}
    assert task.get_actions(draft, editor) == []
    assert task.get_actions(draft, kb["users"]["head2"]) == []
    assert head.email in {address for m in mail.outbox for address in m.to}, (
        "the head was told that an article awaits approval"
    )
    assert kb["users"]["head2"].email not in {a for m in mail.outbox for a in m.to}

    mail.outbox.clear()
    task_state.approve(user=head, comment="Проверено, публикуем")

    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    draft.refresh_from_db()
    assert draft.live and draft.title == "Черновик ОДС, новая редакция"
    assert not draft.has_unpublished_changes

    approval = PageLogEntry.objects.filter(page=draft, action="wagtail.workflow.approve").get()
    assert approval.user == head
    assert approval.data["comment"] == "Проверено, публикуем"
    publish = PageLogEntry.objects.filter(page=draft, action="wagtail.publish").latest("timestamp")
    assert publish.user == head
    assert editor.email in [address for m in mail.outbox for address in m.to], (
        "the editor was told the article was approved"
    )


def test_head_rejects_with_comment_and_editor_is_told(kb, draft):
    editor, head = kb["users"]["editor"], kb["users"]["head"]
    workflow_state = _start(draft, editor)
    task_state = workflow_state.current_task_state
    mail.outbox.clear()
    task_state.reject(user=head, comment="Уточните сроки")

    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.get_comment() == "Уточните сроки"
    draft.refresh_from_db()
    assert draft.title == "Черновик ОДС", "the live version is untouched"
    reject = PageLogEntry.objects.get(page=draft, action="wagtail.workflow.reject")
    assert reject.user == head
    messages = [m for m in mail.outbox if editor.email in m.to]
    assert messages, "the editor was told the article needs changes"
    assert "Уточните сроки" in messages[0].body


def test_approval_through_the_admin_by_the_head(client, kb, draft):
    editor, head = kb["users"]["editor"], kb["users"]["head"]
    workflow_state = _start(draft, editor)
    task_state = workflow_state.current_task_state

    # Another unit's head cannot approve through the admin view.
    client.force_login(kb["users"]["head2"])
    url = f"/admin/pages/workflow/action/{draft.pk}/approve/{task_state.pk}/"
    response = client.post(url, {"comment": "Не мой раздел"})
    assert response.status_code in (302, 403)
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS

    client.force_login(head)
    response = client.post(url, {"comment": "Согласовано"})
    assert response.status_code in (200, 302)
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    draft.refresh_from_db()
    assert draft.title == "Черновик ОДС, новая редакция"
