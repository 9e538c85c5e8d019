from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from wagtail.views import serve as wagtail_serve


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
    """A request whose database connection fails (PostgreSQL restarted, the connection
    cut, a lock wait cancelled) gets a clear "try again in a minute" page with 503 and
    Retry-After, rendered without touching the database. Whatever the request was writing
    is rolled back with its transaction (the services run each change in one), so nothing
    is half-written; the connection is dropped and the next request opens a new one.

    A connection kept from an earlier request that died in between (the backend
    terminated, PostgreSQL restarted, an idle timeout on the way) is found before the
    request's first query, the session read, and replaced: the request goes through.
    Django checks kept connections when a request starts only from its request_started
    signal (close_old_connections with CONN_HEALTH_CHECKS); this check does not depend on
    who sends that signal (Django's test client, for one, does not run that receiver)."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        drop_dead_connections()
        return self.get_response(request)

    def process_exception(self, request, exception):
        import logging

        from django.db import InterfaceError, OperationalError, connections
        from django.template.loader import render_to_string

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logging.getLogger("intranet.database").error(
            "Database unavailable during %s %s", request.method, request.path, exc_info=exception
        )
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        from django.http import HttpResponse

        wants_json = request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")
        if wants_json:
            from django.http import JsonResponse
            from django.utils.translation import gettext

            response = JsonResponse(
                {"detail": gettext("The database is unavailable. Try again in a minute.")},
                status=503,
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response


def drop_dead_connections() -> None:
    """Close every open database connection that no longer works, so the next query opens
    a new one. A connection inside a transaction is left alone: closing it would lose
    the transaction (a test's, or one the caller holds), and its error is the caller's."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.connection is None or connection.in_atomic_block:
            continue
        if not connection.is_usable():
            connection.close()
