from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcknowledgementsConfig(AppConfig):
    """Acknowledgement sheets (листы ознакомления) of knowledge-base articles."""

    name = "kb.acknowledgements"
    label = "acknowledgements"
    verbose_name = _("Acknowledgement sheets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The receiver of publications and the beat entry of the reminders.
        from kb.acknowledgements import signals, tasks  # noqa: F401
