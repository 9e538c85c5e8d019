import logging
import sys

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from wagtail.views import serve as wagtail_serve

logger = logging.getLogger("intranet.database")


class LoginRequiredMiddleware(DjangoLoginRequired):
    """The intranet is for signed-in staff. Exempt: views marked `login_not_required`
    (login, health), the prefixes in LOGIN_EXEMPT_PREFIXES (static files; the Wagtail
    admin and API, which check access themselves), and Wagtail pages, which decide per
    page in the `before_serve_page` hook (public KB material is served anonymously)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_serve:
            return None
        if any(request.path.startswith(p) for p in settings.LOGIN_EXEMPT_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class DatabaseUnavailableMiddleware:
    """A request that meets a database it cannot use (PostgreSQL down or restarted, the
    connection cut, a lock wait cancelled) gets a clear "try again in a minute" page in
    Russian (JSON for the API) with 503 and Retry-After, rendered without touching the
    database, whichever middleware or view met the failure first. Whatever the request
    was writing is rolled back with its transaction (the services run each change in
    one), so nothing is half-written; the connection is dropped and the next request
    opens a new one.

    Two ways in, because Django turns an exception into a response at the layer where it
    is raised: an exception of the view reaches `process_exception`; one raised by a
    middleware (the session read in LoginRequiredMiddleware.process_view, the session
    save in SessionMiddleware, a lockout check of django-axes) becomes Django's 500
    there, and comes back here as that 500. Django announces every such exception with
    the got_request_exception signal while it is being handled: the receiver marks the
    request when the exception (or one it was raised from) is a database error, and a
    500 of a marked request is replaced here by the 503. This middleware therefore sits
    outside every middleware that may touch the database (before SessionMiddleware in
    MIDDLEWARE), and the same holds under DEBUG, whose error page is replaced too.

    A connection kept from an earlier request that died in between (the backend
    terminated, PostgreSQL restarted, an idle timeout on the way) is found before the
    request's first query, the session read, and replaced: the request goes through.
    Django checks kept connections when a request starts only from its request_started
    signal (close_old_connections with CONN_HEALTH_CHECKS); this check does not depend on
    who sends that signal (Django's test client, for one, does not run that receiver)."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(
            mark_database_failure, dispatch_uid="intranet.middleware.mark_database_failure"
        )

    def __call__(self, request):
        drop_dead_connections()
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, DATABASE_FAILED, False):
            logger.error(
                "Database unavailable during %s %s: answered 503", request.method, request.path
            )
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not is_database_failure(exception):
            return None
        logger.error(
            "Database unavailable during %s %s", request.method, request.path, exc_info=exception
        )
        return database_unavailable_response(request)


# The request attribute that marks a request whose handling met a database failure.
DATABASE_FAILED = "_intranet_database_failed"


def mark_database_failure(sender, request=None, **kwargs) -> None:
    """got_request_exception receiver: Django sends the signal from inside its `except`
    block, so the exception being handled is sys.exc_info()'s."""
    if request is not None and is_database_failure(sys.exc_info()[1]):
        setattr(request, DATABASE_FAILED, True)


def is_database_failure(exception: BaseException | None) -> bool:
    """True for a database error, or an error raised while handling one (an exception
    whose cause or context, however deep, is a database error)."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def database_unavailable_response(request) -> HttpResponse:
    """The 503 "try again in a minute" answer: the 503 page, or JSON {"detail": ...} under
    /api/ and for callers that ask for JSON, with Retry-After; Russian whatever language
    the failed request had reached; no query made. Connections left unusable are closed
    so the next request opens a new one (a connection without errors is not touched)."""
    for connection in connections.all(initialized_only=True):
        if connection.errors_occurred:
            connection.close_if_unusable_or_obsolete()
    wants_json = request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")
    with translation.override(settings.LANGUAGE_CODE):
        if wants_json:
            response = JsonResponse(
                {"detail": gettext("The database is unavailable. Try again in a minute.")},
                status=503,
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(DatabaseUnavailableMiddleware.RETRY_AFTER_SECONDS)
    return response


def drop_dead_connections() -> None:
    """Close every open database connection that no longer works, so the next query opens
    a new one. A connection inside a transaction is left alone: closing it would lose
    the transaction (a test's, or one the caller holds), and its error is the caller's."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or connection.in_atomic_block:
            continue
        if not connection.is_usable():
            connection.close()
