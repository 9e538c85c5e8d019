from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    """The consultation line log: phone and personal-visit consultations (seed 001 §5)."""

    name = "cases.consultations"
    label = "consultations"
    verbose_name = _("Consultation line")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.consultations import digest  # noqa: F401  (its kind of mail, registered)
