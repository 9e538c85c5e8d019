"""Wagtail API v2 (headless). The knowledge base registers its endpoint here."""

from wagtail.api.v2.router import WagtailAPIRouter

api_router = WagtailAPIRouter("wagtailapi")


def public_api_endpoints(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: the published schema describes our REST API
    under /api/ only, not the Wagtail admin's internal API (/admin/api/...)."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if path.startswith("/api/") and not path.startswith("/api/v2/")
    ]
