"""Who may do what in the knowledge base, expressed as Wagtail page permissions and
workflows (DESIGN.md, "Knowledge base"):

- a section belongs to one unit; that unit's editors' group may add and change pages in
  the section's subtree (and so submit them for moderation) but not publish;
- the unit's heads' group may add, change and publish there, and is the approver of the
  unit's workflow «Публикация в базе знаний: <unit>», assigned to the section;
- no other unit group holds any permission on the section. Wagtail checks these rights
  in the admin (edit, move, delete, publish, copy) and in its APIs.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from intranet.models import Unit

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
HEAD_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def units_of(user) -> list[Unit]:
    """Units whose KB sections the user edits or heads."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        Unit.objects.filter(
            Q(editors_group__user=user) | Q(heads_group__user=user) | Q(head=user)
        ).distinct()
    )


def unit_recipients(unit: Unit):
    """Active people responsible for a unit's KB sections: its editors and its head."""
    from intranet.models import User

    query = Q(pk=unit.head_id) if unit.head_id else Q(pk__in=[])
    for group_id in (unit.editors_group_id, unit.heads_group_id):
        if group_id:
            query |= Q(groups__pk=group_id)
    return User.objects.filter(query, is_active=True).distinct().order_by("pk")


def _page_permissions(codenames: list[str]) -> dict[str, Permission]:
    found = Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames)
    return {permission.codename: permission for permission in found}


def unit_workflow(unit: Unit) -> Workflow:
    """The unit's publication workflow: one step, approval by the unit's heads' group.
    Created on first use; the step's group follows the unit's current heads' group."""
    from .models import UnitWorkflow

    link = UnitWorkflow.objects.select_related("workflow").filter(unit=unit).first()
    with translation.override(settings.LANGUAGE_CODE):
        if link is None:
            workflow = Workflow.objects.create(
                name=_("Knowledge base publication: %(unit)s") % {"unit": unit.short_name}
            )
            task = GroupApprovalTask.objects.create(
                name=_("Approval by the head: %(unit)s") % {"unit": unit.short_name}
            )
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
            UnitWorkflow.objects.create(unit=unit, workflow=workflow)
        else:
            workflow = link.workflow
    for task in GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow):
        if unit.heads_group_id and list(task.groups.values_list("pk", flat=True)) != [
            unit.heads_group_id
        ]:
            task.groups.set([unit.heads_group_id])
    return workflow


@transaction.atomic
def sync_section_ownership(section) -> None:
    """Make the page permissions and the workflow of `section` match its owner unit.
    Idempotent; a former owner's rights on the section are removed."""
    unit = Unit.objects.get(pk=section.owner_unit_id)
    if unit.editors_group_id is None or unit.heads_group_id is None:
        unit.sync_groups()
    permissions = _page_permissions(HEAD_PAGE_PERMISSIONS)
    wanted = {(unit.editors_group_id, permissions[c].pk) for c in EDITOR_PAGE_PERMISSIONS} | {
        (unit.heads_group_id, permissions[c].pk) for c in HEAD_PAGE_PERMISSIONS
    }
    unit_group_ids = {
        pk
        for pair in Unit.objects.values_list("editors_group_id", "heads_group_id")
        for pk in pair
        if pk
    }
    existing = GroupPagePermission.objects.filter(page_id=section.pk, group_id__in=unit_group_ids)
    have = set()
    for grant in existing:
        key = (grant.group_id, grant.permission_id)
        if key in wanted:
            have.add(key)
        else:
            grant.delete()
    for group_id, permission_id in wanted - have:
        GroupPagePermission.objects.create(
            group_id=group_id, page_id=section.pk, permission_id=permission_id
        )
    # Members of the unit's groups work in the admin even without a role group.
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group_id in (unit.editors_group_id, unit.heads_group_id):
        Group.objects.get(pk=group_id).permissions.add(access_admin)

    WorkflowPage.objects.update_or_create(
        page_id=section.pk, defaults={"workflow": unit_workflow(unit)}
    )

    # Articles carry their owner unit (for digests, reports and the API filters).
    from .models import ArticlePage

    ArticlePage.objects.descendant_of(section).exclude(owner_unit_id=unit.pk).update(
        owner_unit_id=unit.pk
    )


def document_is_public(document) -> bool:
    """True when a live public article uses the document (as an attachment or in its
    body). Only such documents are served to anonymous visitors."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex

    from .models import ArticleAttachment, ArticlePage

    public = ArticlePage.objects.visible_to(AnonymousUser())
    if ArticleAttachment.objects.filter(document=document, page__in=public).exists():
        return True
    page_ids = [str(pk) for pk in public.values_list("pk", flat=True)]
    return (
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=ContentType.objects.get_for_model(Page), object_id__in=page_ids)
        .exists()
    )


def pages_visible_in_admin(pages, user):
    """The pages of `pages` (a page queryset) that `user` may see named in the admin's
    page choosers and searches: the pages they may read on the site (live, outside any
    view restriction they do not pass: kb.models.hidden_paths, so a page restricted to
    heads or to another unit's editors is left out, and so are password-protected
    ones), and the pages they work on in the admin (Wagtail's explorable pages: their
    unit's sections with their drafts, and the way down to them). Superusers see
    every page.

    Returned as `pages` less a list of keys, so that a search backend (the database or
    Elasticsearch) can apply it like any filter."""
    from django.db.models import Q
    from wagtail.models import Page
    from wagtail.permission_policies.pages import PagePermissionPolicy

    from .models import hidden_paths

    if user is None or not user.is_authenticated:
        return pages.none()
    if user.is_superuser:
        return pages
    unreadable = Q(live=False)
    for path in hidden_paths(user):
        unreadable |= Q(path__startswith=path)
    explorable = PagePermissionPolicy().explorable_instances(user)
    hidden = (
        Page.objects.filter(unreadable)
        .exclude(pk__in=explorable.values("pk"))
        .values_list("pk", flat=True)
    )
    return pages.exclude(pk__in=list(hidden))
