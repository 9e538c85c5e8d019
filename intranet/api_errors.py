"""The REST API's errors in Russian: its exception handler and session authentication.

The product is Russian-only, so the API's errors are in Russian whatever the caller's
Accept-Language (LANGUAGES has Russian alone, so LocaleMiddleware always activates it).
DRF's own messages come from its Russian catalogue; the English ones it passes through
from elsewhere (Django's 404 naming the model, a parser's error, the CSRF check's reason)
are replaced here. This module imports no DRF views: DRF loads the authentication classes
while it defines its APIView."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework import authentication, exceptions

# The API's 404. DRF's own «Not found.» is translated «Страница не найдена.» by another
# catalogue that Django merges first (the admin's), which is wrong for an API object.
NOT_FOUND = pgettext_lazy("api", "Not found.")
# An error outside DRF under /api/ (intranet.views.server_error).
SERVER_ERROR = pgettext_lazy("api", "A server error occurred.")


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handler, with Russian messages.

    Http404 (get_object_or_404: «No Case matches the given query.») and DRF's NotFound
    without a message of its own become «Не найдено.»; a body that could not be parsed
    gets one Russian message instead of the parser's English error."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404) or (
        isinstance(exc, exceptions.NotFound)
        and str(exc.detail) == str(exceptions.NotFound.default_detail)
    ):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(
            _("The request body could not be read: send valid JSON or form data.")
        )
    return drf_exception_handler(exc, context)


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication; its CSRF refusal says in Russian what is missing
    (DRF's is «CSRF Failed: » and Django's English reason)."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise exceptions.PermissionDenied(
                _(
                    "The request failed the CSRF check: send the CSRF token "
                    "in the X-CSRFToken header."
                )
            ) from exc
