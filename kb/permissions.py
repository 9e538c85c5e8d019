"""Model permissions of the KB's admin screens per role group, applied after `migrate`
(page permissions are per section, see kb.ownership). Idempotent, only adds."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from intranet import roles

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.EDITORS: [
        "kb.add_legalact",
        "kb.change_legalact",
        "kb.view_legalact",
        "kb.view_topic",
        "kb.view_articlefeedback",
    ],
    roles.HEADS: [
        "kb.add_legalact",
        "kb.change_legalact",
        "kb.view_legalact",
        "kb.view_topic",
        "kb.view_articlefeedback",
    ],
    roles.ADMINISTRATORS: [
        *[f"kb.{action}_legalact" for action in ("add", "change", "delete", "view")],
        *[f"kb.{action}_topic" for action in ("add", "change", "delete", "view")],
        "kb.view_articlefeedback",
        "kb.delete_articlefeedback",
    ],
}


def sync_kb_role_permissions() -> None:
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        query = Q()
        for name in names:
            app_label, codename = name.split(".", 1)
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.filter(query))
