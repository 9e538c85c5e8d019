from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from intranet.health import service_states


@login_not_required
@never_cache
@require_GET
def health(request):
    """JSON with the state of the database, the broker and the search backend;
    HTTP 503 when any of them is down."""
    services = service_states()
    ok = all(state["ok"] for state in services.values())
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "services": services},
        status=200 if ok else 503,
        json_dumps_params={"ensure_ascii": False},
    )


# Error pages: Django's default views render the templates by name (400.html, 403.html,
# 403_csrf.html, 404.html, 500.html); these handlers only add the API's JSON.

API_PREFIX = "/api/"


def _api_error(request, status: int, detail) -> JsonResponse | None:
    """The error as the API's JSON ({"detail": ...}, in Russian), for a request under
    /api/ that no API view answered (an unknown address, an error outside DRF)."""
    if not request.path.startswith(API_PREFIX):
        return None
    return JsonResponse(
        {"detail": str(detail)}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def page_not_found(request, exception):
    """handler404: the API's JSON under /api/, the 404 page elsewhere."""
    from intranet.api_errors import NOT_FOUND

    return _api_error(request, 404, NOT_FOUND) or defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: the API's JSON under /api/, the 500 page elsewhere (Django renders it
    without the request, and the layout then needs no database: the failure may be it)."""
    from intranet.api_errors import SERVER_ERROR

    return _api_error(request, 500, SERVER_ERROR) or defaults.server_error(request)


@login_not_required
@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico when a response names no icon (an image, a PDF, the
    API's JSON): send them, once and for all, to the intranet's icon."""
    return HttpResponsePermanentRedirect(static("intranet/favicon.svg"))


# Uploaded files under MEDIA_ROOT, in development (DEBUG) only: production's proxy serves
# the images' folders itself and nothing else (README, "Docker Compose"; docs/security.md).
# Wagtail keeps original images in original_images/ and their renditions in images/.
MEDIA_IMAGE_FOLDERS = ("original_images/", "images/")
MEDIA_DOCUMENT_FOLDER = "documents/"


@require_safe
def development_media(request, path):
    """/media/ under DEBUG (`make run`), with the permission checks production has: an
    image is served as the proxy would; a Wagtail document only through Wagtail's
    document view (its collection's view restrictions, the login rule for non-public
    documents, the download headers), exactly as at /documents/<id>/<name>; anything else
    (the files of cases and answers, which only their permission-checked views serve,
    a name no document has) is not found."""
    from django.views.static import serve as serve_file
    from wagtail.documents import get_document_model
    from wagtail.documents.views.serve import serve as serve_document

    if path.startswith(MEDIA_IMAGE_FOLDERS):
        return serve_file(request, path, document_root=settings.MEDIA_ROOT)
    if path.startswith(MEDIA_DOCUMENT_FOLDER):
        document = get_document_model().objects.filter(file=path).first()
        if document is not None:
            return serve_document(request, document.pk, document.filename)
    raise Http404(path)
