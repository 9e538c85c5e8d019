"""The request being handled, for signal receivers that get no request (permission
changes are m2m/save signals). A ContextVar, so threads and async tasks do not mix."""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)


class AuditContextMiddleware:
    """Makes the current request known to audit receivers (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
