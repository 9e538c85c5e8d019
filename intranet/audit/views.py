"""The audit log in the Wagtail admin: read-only (list, filter, inspect, export)."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from intranet.audit.models import AuditAction, AuditEvent
from intranet.exports import SafeSpreadsheetExportMixin


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Only "view" can ever be granted: nobody, not even a superuser, adds, edits or
    deletes audit events through the admin."""

    READ_ONLY_ACTIONS = {"view"}

    def user_has_permission(self, user, action):
        if action not in self.READ_ONLY_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        actions = [a for a in actions if a in self.READ_ONLY_ACTIONS]
        if not actions:
            return self.auth_model._default_manager.none()
        return super().users_with_any_permission(actions)


class AuditEventFilterSet(WagtailFilterSet):
    when = django_filters.DateFromToRangeFilter(label=_("when"), widget=DateRangePickerWidget)
    action = django_filters.ChoiceFilter(label=_("action"), choices=AuditAction.choices)
    object_type = django_filters.ModelChoiceFilter(
        label=_("object type"),
        queryset=ContentType.objects.order_by("app_label", "model"),
    )
    actor_repr = django_filters.CharFilter(label=_("actor name"), lookup_expr="icontains")
    ip = django_filters.CharFilter(label=_("IP address"), lookup_expr="startswith")

    class Meta:
        model = AuditEvent
        fields = ["action", "when", "actor_repr", "object_type", "ip"]


class AuditEventIndexView(SafeSpreadsheetExportMixin, IndexView):
    """The listing and its CSV/XLSX export: names and usernames come from outside (a
    failed sign-in records the username typed), so no cell may be a formula."""


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    index_view_class = AuditEventIndexView
    icon = "list-ul"
    url_prefix = "audit"
    menu_label = _("Audit log")
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["when", "actor_repr", "action", "object_repr", "ip"]
    list_export = [
        "when",
        "actor_repr",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "ip",
        "details",
    ]
    export_filename = "audit-log"
    inspect_view_fields = [
        "when",
        "actor",
        "actor_repr",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "ip",
        "details",
    ]
    search_fields = ["actor_repr", "object_repr"]
    filterset_class = AuditEventFilterSet
    ordering = ["-when"]
    list_per_page = 100
    search_backend_name = None

    def get_queryset(self, request):
        return AuditEvent.objects.select_related("object_type", "actor")

    def get_urlpatterns(self):
        # Only the reading views exist: no add, edit, delete, copy, history or usage URL.
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
        ]
