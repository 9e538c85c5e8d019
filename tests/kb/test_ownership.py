"""Ownership: a unit's editors may add and change pages in their unit's sections only,
and never publish; its head may publish. Tested from the editor of unit A's side (ОДС's
`editor`) against unit B's section (ОКИ's «Конфликт интересов»)."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page, WorkflowPage

from intranet.models import Unit

pytestmark = pytest.mark.django_db

OWN = "declarations"  # ОДС: editor / head
OTHER = "conflict-of-interest"  # ОКИ: editor2 / head2


@pytest.fixture
def pages(kb, make_article):
    own = make_article(kb["sections"][OWN], title="Статья ОДС")
    other = make_article(kb["sections"][OTHER], title="Статья ОКИ")
    return {"own": own, "other": other, **kb}


def test_section_grants_its_unit_editors_and_head_and_nobody_else(kb):
    section = kb["sections"][OWN]
    unit = Unit.objects.get(short_name="ОДС")
    grants = {
        (g.group.name, g.permission.codename)
        for g in GroupPagePermission.objects.filter(page=section).select_related(
            "group", "permission"
        )
    }
    assert grants == {
        (unit.editors_group.name, "add_page"),
        (unit.editors_group.name, "change_page"),
        (unit.heads_group.name, "add_page"),
        (unit.heads_group.name, "change_page"),
        (unit.heads_group.name, "publish_page"),
    }
    workflow = WorkflowPage.objects.get(page=section).workflow
    task = workflow.tasks.get().specific
    assert list(task.groups.all()) == [unit.heads_group]


def test_editor_edits_own_unit_articles_but_cannot_publish(pages):
    editor, head = pages["users"]["editor"], pages["users"]["head"]
    perms = pages["own"].permissions_for_user(editor)
    assert perms.can_edit()
    assert perms.can_add_subpage() is False  # articles have no subpages
    assert pages["sections"][OWN].permissions_for_user(editor).can_add_subpage()
    assert not perms.can_publish()
    assert not perms.can_unpublish()
    assert not perms.can_delete(), "a live article is deleted only by a publisher"
    assert pages["own"].permissions_for_user(head).can_publish()


def test_editor_of_unit_a_can_do_nothing_under_unit_b(pages):
    editor = pages["users"]["editor"]
    other_section = pages["sections"][OTHER]
    for page in (pages["other"], other_section):
        perms = page.permissions_for_user(editor)
        assert not perms.can_edit()
        assert not perms.can_delete()
        assert not perms.can_publish()
        assert not perms.can_unpublish()
        assert not perms.can_move()
        assert not perms.can_lock()
    assert not other_section.permissions_for_user(editor).can_add_subpage()
    # Nor move or copy own pages into the other unit's section.
    own_perms = pages["own"].permissions_for_user(editor)
    assert not own_perms.can_move_to(other_section)
    assert not own_perms.can_copy_to(other_section)
    # The head of unit A has no rights in unit B's section either.
    head = pages["users"]["head"]
    assert not pages["other"].permissions_for_user(head).can_edit()
    assert not pages["other"].permissions_for_user(head).can_publish()


def _denied(response):
    """Wagtail answers a refused admin action with 403 or a redirect away from it; the
    edit address of another unit's page redirects to its section's read-only listing
    (kb.readonly)."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and (
        response["Location"] == "/admin/" or response["Location"].startswith("/admin/kb/sections/")
    )


def test_admin_refuses_unit_a_editor_on_unit_b_pages(client, pages):
    client.force_login(pages["users"]["editor"])
    own, other = pages["own"], pages["other"]
    other_section = pages["sections"][OTHER]

    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200

    response = client.get(f"/admin/pages/{other.pk}/edit/")
    assert _denied(response), response.status_code
    before = other.specific_class.objects.get(pk=other.pk).title
    response = client.post(f"/admin/pages/{other.pk}/edit/", {"title": "Взлом", "slug": other.slug})
    assert _denied(response)
    assert other.specific_class.objects.get(pk=other.pk).title == before

    add_url = f"/admin/pages/add/kb/articlepage/{other_section.pk}/"
    assert _denied(client.get(add_url))
    assert _denied(client.post(add_url, {"title": "Чужая", "slug": "chuzhaya"}))
    assert _denied(client.get(f"/admin/pages/{other.pk}/delete/"))
    assert _denied(client.post(f"/admin/pages/{other.pk}/delete/"))
    assert _denied(client.get(f"/admin/pages/{other.pk}/move/"))
    assert _denied(client.post(f"/admin/pages/{own.pk}/move/{other_section.pk}/confirm/"))
    assert _denied(client.post(f"/admin/pages/{other.pk}/unpublish/"))
    assert Page.objects.filter(pk=other.pk, live=True).exists()
    assert Page.objects.get(pk=own.pk).get_parent().pk == pages["sections"][OWN].pk
    assert not Page.objects.filter(slug="chuzhaya").exists()


def test_section_owner_cannot_be_changed_by_the_unit_editor(client, pages):
    client.force_login(pages["users"]["editor"])
    section = pages["sections"][OWN]
    html = client.get(f"/admin/pages/{section.pk}/edit/").content.decode()
    assert 'name="owner_unit"' not in html


def test_changing_the_owner_moves_rights_and_workflow(pages):
    section = pages["sections"][OWN].specific
    oki = Unit.objects.get(short_name="ОКИ")
    section.owner_unit = oki
    section.save_revision().publish()

    editor, editor2 = pages["users"]["editor"], pages["users"]["editor2"]
    own = pages["own"].specific_class.objects.get(pk=pages["own"].pk)
    assert not own.permissions_for_user(editor).can_edit(), "former owner lost its rights"
    assert own.permissions_for_user(editor2).can_edit()
    assert own.owner_unit == oki, "articles follow their section"
    groups = set(
        GroupPagePermission.objects.filter(page=section).values_list("group__name", flat=True)
    )
    assert groups == {oki.editors_group.name, oki.heads_group.name}
    workflow = WorkflowPage.objects.get(page=section).workflow
    assert list(workflow.tasks.get().specific.groups.all()) == [oki.heads_group]


def test_moving_an_article_between_sections_changes_its_owner(pages, kb):
    admin = kb["users"]["admin"]
    article = pages["own"]
    target = pages["sections"][OTHER]
    article.move(target, pos="last-child", user=admin)
    article.refresh_from_db()
    assert article.owner_unit.short_name == "ОКИ"


def test_unit_groups_get_admin_access(kb):
    unit = Unit.objects.get(short_name="ОДС")
    for group in (unit.editors_group, unit.heads_group):
        assert Group.objects.get(pk=group.pk).permissions.filter(codename="access_admin").exists()
