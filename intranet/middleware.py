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
