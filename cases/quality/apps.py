from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """Quality review of answers by heads of units (seed 001 §7)."""

    name = "cases.quality"
    label = "quality"
    verbose_name = _("Quality of answers")
    default_auto_field = "django.db.models.BigAutoField"
