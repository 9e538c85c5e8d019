"""What each role group may do, as data, applied after every `migrate`.

Groups themselves are created by migration 0002; permissions reference content types
that exist only once all migrations ran, so they are (re)applied on post_migrate.
Applying is idempotent and only adds: permissions granted by hand are kept."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from intranet import roles

MODEL_PERMS = ["add", "change", "delete", "view"]

# role -> list of "app_label.codename"
ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.READERS: [],
    roles.CLIENTS: [],
    roles.REGISTRARS: ["wagtailadmin.access_admin"],
    roles.EXECUTORS: ["wagtailadmin.access_admin"],
    # Editors and heads keep the search synonyms of the knowledge base (admin: Settings →
    # Search synonyms).
    roles.EDITORS: [
        "wagtailadmin.access_admin",
        *[f"staffsearch.{p}_synonymgroup" for p in MODEL_PERMS],
    ],
    roles.HEADS: [
        "wagtailadmin.access_admin",
        *[f"staffsearch.{p}_synonymgroup" for p in MODEL_PERMS],
    ],
    roles.ADMINISTRATORS: [
        "wagtailadmin.access_admin",
        *[f"staffsearch.{p}_synonymgroup" for p in MODEL_PERMS],
        *[f"accounts.{p}_user" for p in MODEL_PERMS],
        *[f"auth.{p}_group" for p in MODEL_PERMS],
        *[f"intranet.{p}_unit" for p in MODEL_PERMS],
        *[f"intranet.{p}_staffprofile" for p in MODEL_PERMS],
        *[f"intranet.{p}_calendaroverride" for p in MODEL_PERMS],
        *[f"cases.{p}_topicroute" for p in MODEL_PERMS],
        *[f"cases.{p}_unitcasesettings" for p in MODEL_PERMS],
        "audit.view_auditevent",
        "intranet.view_outgoingmessage",
        "intranet.change_outgoingmessage",
        # Other systems' access to the knowledge base (kb.integrations).
        *[f"kb_integrations.{p}_apikey" for p in MODEL_PERMS],
        *[f"kb_integrations.{p}_webhookconsumer" for p in MODEL_PERMS],
        "wagtailcore.change_site",
    ],
}

# Collection permissions (images and documents) on the root collection.
ROLE_COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    roles.EDITORS: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    roles.HEADS: [
        "wagtailimages.choose_image",
        "wagtaildocs.choose_document",
    ],
    roles.ADMINISTRATORS: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtailimages.delete_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtaildocs.delete_document",
    ],
}

# Page permissions on the tree root: administrators manage every page.
ROLE_ROOT_PAGE_PERMISSIONS: dict[str, list[str]] = {
    roles.ADMINISTRATORS: [
        "wagtailcore.add_page",
        "wagtailcore.change_page",
        "wagtailcore.publish_page",
        "wagtailcore.bulk_delete_page",
        "wagtailcore.lock_page",
        "wagtailcore.unlock_page",
    ],
}


def _permissions(names: list[str]) -> list[Permission]:
    if not names:
        return []
    query = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query))
    missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"Unknown permissions: {sorted(missing)}")
    return found


# Wagtail's starter groups hold rights on the whole page tree; here rights come from
# the role groups and the per-unit groups only, so the starter groups are removed.
WAGTAIL_STARTER_GROUPS = ["Editors", "Moderators"]
# The name Wagtail's migrations give the default workflow of the page tree and its one
# task (after the removed «Moderators» group); shown to people in Russian instead.
WAGTAIL_DEFAULT_WORKFLOW_NAME = "Moderators approval"


def rename_default_workflow() -> None:
    """Wagtail's default workflow and its task get a Russian name. Idempotent: only rows
    still carrying Wagtail's English name are renamed."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext
    from wagtail.models import Task, Workflow

    with translation.override(settings.LANGUAGE_CODE):
        name = gettext("Publication approval")
    Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW_NAME).update(name=name)
    Task.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW_NAME).update(name=name)


def sync_role_permissions() -> None:
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    Group.objects.filter(name__in=WAGTAIL_STARTER_GROUPS, user__isnull=True).delete()
    rename_default_workflow()

    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*_permissions(names))

    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for role, names in ROLE_COLLECTION_PERMISSIONS.items():
            group = Group.objects.get(name=role)
            for permission in _permissions(names):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )

    root_page = Page.get_first_root_node()
    if root_page is not None:
        for role, names in ROLE_ROOT_PAGE_PERMISSIONS.items():
            group = Group.objects.get(name=role)
            for permission in _permissions(names):
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission
                )
