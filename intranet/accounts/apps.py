from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The custom user model lives in its own app so that its first migration does not
    depend on Wagtail's (whose migrations depend on AUTH_USER_MODEL)."""

    name = "intranet.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"
