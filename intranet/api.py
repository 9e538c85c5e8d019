"""Wagtail API v2 (headless). The knowledge base registers its endpoint here."""

from typing import ClassVar

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response
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


class SchemaView(SpectacularAPIView):
    """The API's OpenAPI schema (/api/schema/). It describes the code, the same for every
    caller (drf-spectacular's SERVE_PUBLIC), so it is generated once per process for
    each language, version and format and served from memory afterwards: generating it
    walks every endpoint and serializer (about a third of a second). A change of the
    settings it is made from (tests) forgets it."""

    _schemas: ClassVar[dict[tuple, tuple[dict, dict]]] = {}

    @extend_schema(exclude=True)  # the schema does not describe itself (as its parent)
    def get(self, request, *args, **kwargs):
        lang = request.GET.get("lang") or translation.get_language() or ""
        if lang not in dict(settings.LANGUAGES):
            return super().get(request, *args, **kwargs)
        renderer, _media_type = self.perform_content_negotiation(request, force=True)
        key = (lang, request.GET.get("version") or "", renderer.format)
        cached = self._schemas.get(key)
        if cached is None:
            response = super().get(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            cached = self._schemas[key] = (response.data, dict(response.headers))
        data, headers = cached
        return Response(data=data, headers=headers)


@receiver(setting_changed)
def _forget_schemas(*, setting, **kwargs):
    if setting in ("SPECTACULAR_SETTINGS", "REST_FRAMEWORK", "ROOT_URLCONF", "LANGUAGES"):
        SchemaView._schemas.clear()
