"""The API key in DRF: authentication, the per-key rate limit, and the audit record of
every use (kb.api uses them on /api/v2/kb/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import SimpleRateThrottle

from intranet import audit
from intranet.audit.models import AuditAction

from . import keys
from .models import ApiKey

KEYWORD = "Api-Key"

UNKNOWN_KEY = _("The API key is not known. Check the Authorization header: Api-Key <key>.")
REVOKED_KEY = _("The API key has been revoked. Ask the portal's administrators for a new one.")
MALFORMED = _("Send the API key as: Authorization: Api-Key <key>.")
THROTTLED = _("Too many requests with this API key. Try again in %(seconds)d s.")


def _request(request):
    return getattr(request, "_request", request)


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`. A request without that header is left to the
    next authentication (the session) or stays anonymous. The request's user is
    anonymous; `request.auth` is the ApiKey, whose scope decides what it reads."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() != KEYWORD.lower():
            return None
        if len(header) != 2:
            self._refuse(request, None, MALFORMED, reason="malformed")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            self._refuse(request, None, UNKNOWN_KEY, reason="unknown")
        api_key = keys.find(key)
        if api_key is None:
            self._refuse(request, None, UNKNOWN_KEY, reason="unknown", prefix=key[:8])
        if not api_key.is_active:
            self._refuse(request, api_key, REVOKED_KEY, reason="revoked")
        keys.mark_used(api_key)
        return AnonymousUser(), api_key

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'

    @staticmethod
    def _refuse(request, api_key, message, **details):
        audit.record(
            _request(request),
            AuditAction.API_KEY_REFUSED,
            api_key,
            actor_repr=api_key.name if api_key else "",
            **details,
        )
        raise exceptions.AuthenticationFailed(message)


def record_use(request, response) -> None:
    """One audit event per request made with a key: which key, what was asked (method,
    path, query) and the answer's status; never the articles' content."""
    api_key = getattr(request, "auth", None)
    if not isinstance(api_key, ApiKey):
        return
    audit.record(
        _request(request),
        AuditAction.API_KEY_USED,
        api_key,
        actor_repr=api_key.name,
        method=request.method,
        query=request.META.get("QUERY_STRING", "")[:500],
        status=response.status_code,
        scope=api_key.scope,
    )


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Requests per key: the key's own `rate_limit` a minute, else KB_API_KEY_RATE
    (DRF's notation, e.g. "600/min"). Requests without a key are not counted here."""

    scope = "kb_api_key"

    def get_rate(self):
        return None  # decided per request, from the key

    def allow_request(self, request, view):
        api_key = getattr(request, "auth", None)
        if not isinstance(api_key, ApiKey):
            return True
        self.rate = (
            f"{api_key.rate_limit}/min"
            if api_key.rate_limit
            else getattr(settings, "KB_API_KEY_RATE", "600/min")
        )
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
