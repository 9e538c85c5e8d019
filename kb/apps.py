from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_permissions(sender, **kwargs):
    """Like intranet's: act once all apps' permissions exist (the last post_migrate)."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        from .permissions import sync_kb_role_permissions

        sync_kb_role_permissions()


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The endpoint, the receivers, the beat entry, the kinds of mail of the outbox.
        from . import api, services, signals, tasks  # noqa: F401

        post_migrate.connect(_sync_permissions, dispatch_uid="kb-role-permissions")
