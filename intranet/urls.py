from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from intranet import exports, notification_views, views
from intranet.accounts.views import PasswordResetView
from intranet.api import SchemaView, api_router
from kb import chooser as kb_chooser
from kb import readonly as kb_readonly

handler404 = "intranet.views.page_not_found"
handler500 = "intranet.views.server_error"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The admin's password reset, throttled and limited to accounts with admin access.
    path(
        "admin/password_reset/",
        PasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    # Wagtail admin views taken over at their paths (first, so they answer instead of
    # Wagtail's): its exporting views made safe for spreadsheets (intranet.exports), and
    # the page chooser's views that name a page by its key (kb.chooser), the explorer and
    # the editor of another unit's knowledge-base pages (kb.readonly).
    path(
        "admin/",
        include(
            exports.admin_urlpatterns()
            + kb_chooser.admin_urlpatterns()
            + kb_readonly.admin_urlpatterns()
        ),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/search/", include("search.api_urls")),
    path("api/", include("cases.api_urls")),
    path("kb/acknowledgements/", include("kb.acknowledgements.urls")),
    path("kb/", include("kb.urls")),
    path("cases/quality/", include("cases.quality.urls")),
    path("cases/consultations/", include("cases.consultations.urls")),
    path("cases/gaps/", include("cases.consultations.gap_urls")),
    path("cases/retention/", include("cases.retention.urls")),
    path("cases/reports/", include("cases.reports.urls")),
    path("cases/reception/", include("cases.reception.urls")),
    path("cases/", include("cases.urls")),
    path("search/", include("search.urls")),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/",
        notification_views.open_notification,
        name="notification_open",
    ),
    path(
        "notifications/read-all/", notification_views.mark_all_read, name="notifications_read_all"
    ),
]

if settings.DEBUG and settings.MEDIA_URL.startswith("/"):
    # Uploaded files in development, through the permission checks of production
    # (intranet.views.development_media); production's proxy serves only the images.
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.development_media)
    )

urlpatterns += [path("", include(wagtail_urls))]
