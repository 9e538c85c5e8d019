from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    """Case files of the nomenclature, retention periods and destruction acts."""

    name = "cases.retention"
    label = "retention"
    verbose_name = _("Case files and retention")
    default_auto_field = "django.db.models.BigAutoField"
