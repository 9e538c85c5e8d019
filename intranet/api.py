"""Wagtail API v2 (headless). The knowledge base registers its endpoint here."""

from drf_spectacular.authentication import SessionScheme
from wagtail.api.v2.router import WagtailAPIRouter

api_router = WagtailAPIRouter("wagtailapi")


class SessionAuthenticationScheme(SessionScheme):
    """The schema describes the API's session authentication (intranet.api_errors, DRF's
    with Russian errors) as DRF's session cookie scheme."""

    target_class = "intranet.api_errors.SessionAuthentication"


# Wagtail API v2 paths in the published schema: the knowledge base's listing and
# detail (kb.api describes them); its `find/` only redirects to the detail.
DOCUMENTED_V2_PATHS = ("/api/v2/kb/", "/api/v2/kb/{pk}/")


def public_api_endpoints(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: the published schema describes our REST API
    under /api/ only, not the Wagtail admin's internal API (/admin/api/...), and of the
    Wagtail API v2 only the knowledge base endpoint."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if path.startswith("/api/")
        and (not path.startswith("/api/v2/") or path in DOCUMENTED_V2_PATHS)
    ]
