from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _grant_view_to_administrators(sender, using="default", **kwargs):
    """Administrators read the audit log. The permission is created here first because
    this app's post_migrate runs before django.contrib.auth's (INSTALLED_APPS order)."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from intranet import roles

    create_permissions(sender, verbosity=0, using=using)
    group = Group.objects.using(using).filter(name=roles.ADMINISTRATORS).first()
    if group is None:
        return
    permission = Permission.objects.using(using).get(
        content_type__app_label="audit", codename="view_auditevent"
    )
    if not group.permissions.filter(pk=permission.pk).exists():
        group.permissions.add(permission)


class AuditConfig(AppConfig):
    name = "intranet.audit"
    label = "audit"
    verbose_name = _("Audit log")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401

        post_migrate.connect(
            _grant_view_to_administrators, sender=self, dispatch_uid="audit-grant-view"
        )
