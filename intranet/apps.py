from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


def _sync_permissions(sender, **kwargs):
    """post_migrate is sent once per app, in INSTALLED_APPS order, and each app's
    permissions are created on its own signal: act on the last one, when all exist."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        from intranet.permissions import sync_role_permissions

        sync_role_permissions()


def _sync_site(sender, using=None, **kwargs):
    """Every `migrate` gives the Wagtail Site the hostname and port of BASE_URL, so an
    existing database follows a changed address."""
    from django.db import DEFAULT_DB_ALIAS

    from intranet.links import sync_site

    sync_site(using or DEFAULT_DB_ALIAS)


class IntranetConfig(AppConfig):
    default = True
    name = "intranet"
    verbose_name = _("Intranet")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401

        post_migrate.connect(_sync_permissions, dispatch_uid="intranet-role-permissions")
        post_migrate.connect(_sync_site, sender=self, dispatch_uid="intranet-site-address")


class IntranetUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app with our user forms (the documented way to customise them)."""

    user_viewset = "intranet.viewsets.UserViewSet"
