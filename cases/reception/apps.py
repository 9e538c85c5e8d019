from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    """Personal reception (seed 000 §2.1, seed 001 §4): bookings of slots at a reception
    point, the day's list of visitors, reminders, and the reception card."""

    name = "cases.reception"
    label = "reception"
    verbose_name = _("Personal reception")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.reception import reminders  # noqa: F401  (its kinds of mail, registered)
