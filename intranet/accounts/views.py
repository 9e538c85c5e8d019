"""The admin's password reset, throttled like the sign-in (docs/security.md, "Password
reset"): at most PASSWORD_RESET_LIMIT requests from one IP address and for one e-mail
address in PASSWORD_RESET_WINDOW, answered beyond that with a Russian message (HTTP 429)
and no mail, whether or not the address belongs to an account; at most as many mails to
one account (intranet.accounts.forms)."""

import math

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.admin.views.account import PasswordResetView as WagtailPasswordResetView

from intranet.accounts.models import PasswordResetRequest
from intranet.audit.log import client_ip


def too_many_requests(ip: str | None, email: str) -> bool:
    """The window is full for this IP address or this e-mail address."""
    recent = PasswordResetRequest.objects.since(timezone.now() - settings.PASSWORD_RESET_WINDOW)
    recent = recent.requests()
    limit = settings.PASSWORD_RESET_LIMIT
    by_address = recent.filter(email=email).count() >= limit
    return by_address or (ip is not None and recent.filter(ip=ip).count() >= limit)


class PasswordResetView(WagtailPasswordResetView):
    def form_valid(self, form):
        ip = client_ip(self.request)
        email = form.cleaned_data["email"].lower()
        window = settings.PASSWORD_RESET_WINDOW
        PasswordResetRequest.objects.filter(when__lt=timezone.now() - window).delete()
        if too_many_requests(ip, email):
            minutes = math.ceil(window.total_seconds() / 60)
            form.add_error(
                None,
                gettext(
                    "Too many password reset requests: no letter was sent. "
                    "Try again in %(minutes)d min."
                )
                % {"minutes": minutes},
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        PasswordResetRequest.objects.create(ip=ip, email=email)
        form.client_ip = ip
        return super().form_valid(form)
