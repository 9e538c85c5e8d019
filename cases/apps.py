from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The receivers, and the kinds of mail the desk sends registered with the outbox.
        from cases import delivery, signals, tasks  # noqa: F401
