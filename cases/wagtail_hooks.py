"""Admin screens of the cases desk: the topic → unit routing table, and a menu link to
the staff workspace (the cases themselves are worked on at /cases/, not in the admin)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSet

from cases import permissions
from cases.models import TopicRoute, UnitCaseSettings
from intranet.admin_display import yes_no_column


class TopicRouteViewSet(ModelViewSet):
    model = TopicRoute
    name = "topic_routes"
    url_prefix = "cases/topic-routes"
    icon = "redirect"
    menu_label = _("Topic routes")
    add_to_settings_menu = True
    list_display = ["topic", "unit"]
    panels = [FieldPanel("topic"), FieldPanel("unit")]

    def get_queryset(self, request):
        return TopicRoute.objects.select_related("unit")


class UnitCaseSettingsViewSet(ModelViewSet):
    """Per unit: whether answers go to the head for approval (refusals always do)."""

    model = UnitCaseSettings
    name = "unit_case_settings"
    url_prefix = "cases/unit-settings"
    icon = "cog"
    menu_label = _("Answer approval by unit")
    add_to_settings_menu = True
    list_display = ["unit", yes_no_column(UnitCaseSettings, "answers_need_approval")]
    panels = [FieldPanel("unit"), FieldPanel("answers_need_approval")]

    def get_queryset(self, request):
        return UnitCaseSettings.objects.select_related("unit")


class WorkspaceMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_use_workspace(request.user)


@hooks.register("register_admin_viewset")
def register_topic_routes():
    return TopicRouteViewSet()


@hooks.register("register_admin_viewset")
def register_unit_settings():
    return UnitCaseSettingsViewSet()


@hooks.register("register_admin_menu_item")
def register_workspace_link():
    return WorkspaceMenuItem(
        _("Cases desk"), reverse("cases:workspace"), icon_name="mail", order=250
    )
