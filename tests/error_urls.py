"""The site's URLs and error handlers, plus views that fail on purpose (for
tests/test_error_pages.py: a 500 and a refusal with a message; for
tests/security/test_faults.py: a view that writes to the session)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _

from intranet.urls import handler404, handler500  # noqa: F401
from intranet.urls import urlpatterns as site_urlpatterns


@login_not_required
def fails(request):
    raise RuntimeError("a bug")


def refuses(request):
    # A real message of the cases desk, translated in its catalogue.
    raise PermissionDenied(_("Only the head of the unit can extend the deadline."))


@login_not_required
def remembers(request):
    request.session["remembered"] = True  # saved by SessionMiddleware after the view
    return HttpResponse("ok")


urlpatterns = [
    path("test-errors/remembers/", remembers),
    path("test-errors/fails/", fails),
    path("test-errors/refuses/", refuses),
    path("api/test-errors/fails/", fails),
    *site_urlpatterns,
]
