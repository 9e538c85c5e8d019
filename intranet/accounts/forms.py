"""The password-reset form of the admin (settings WAGTAILADMIN_USER_PASSWORD_RESET_FORM):
who is sent a reset mail. The policy and its reasons: docs/security.md, "Password reset"."""

from django.conf import settings
from django.utils import timezone
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from intranet.accounts.models import PasswordResetRequest


def may_reset_by_mail(user) -> bool:
    """An account that may be sent a reset link: active, with a usable password (Django's
    own rule, applied before this) and access to the admin, whose reset flow this is.
    Readers and internal clients never use the admin: their administrator sets a new
    password in Settings → Users."""
    return (
        user.is_active and user.has_usable_password() and user.has_perm("wagtailadmin.access_admin")
    )


def mails_left(user) -> bool:
    """Fewer than PASSWORD_RESET_LIMIT reset mails went to this account in the window."""
    since = timezone.now() - settings.PASSWORD_RESET_WINDOW
    sent = PasswordResetRequest.objects.since(since).mails().filter(user=user).count()
    return sent < settings.PASSWORD_RESET_LIMIT


class PasswordResetForm(WagtailPasswordResetForm):
    """Wagtail's form; a mail goes only to the accounts of the address that may reset by
    mail and have mails left in the window, and each mail sent is recorded. The answer is
    the same whoever the address belongs to (Django's "done" page)."""

    def get_users(self, email):
        for user in super().get_users(email):
            if may_reset_by_mail(user) and mails_left(user):
                PasswordResetRequest.objects.create(
                    ip=getattr(self, "client_ip", None), email=email.lower(), user=user
                )
                yield user
