"""Admin screens for the organisation (Wagtail viewsets; wagtail-modeladmin is in
maintenance mode and its docs point to these)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from intranet.admin_display import yes_no_column
from intranet.exports import SafeSpreadsheetExportMixin
from intranet.forms import UserCreationForm, UserEditForm
from intranet.models import CalendarOverride, StaffProfile, Unit


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return UserEditForm if for_update else UserCreationForm


class UnitIndexView(SafeSpreadsheetExportMixin, IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("parent", "head")


class StaffProfileIndexView(SafeSpreadsheetExportMixin, IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "unit")


class UnitFilterSet(WagtailFilterSet):
    class Meta:
        model = Unit
        fields = ["parent", "is_active"]


class UnitViewSet(ModelViewSet):
    model = Unit
    index_view_class = UnitIndexView
    name = "units"
    url_prefix = "org/units"
    icon = "group"
    menu_label = _("Units")
    add_to_admin_menu = False
    list_display = [
        "name",
        "short_name",
        "parent",
        "head",
        "phone",
        "room",
        yes_no_column(Unit, "is_active"),
    ]
    list_export = ["name", "short_name", "parent", "head", "phone", "email", "room"]
    search_fields = ["name", "short_name"]
    filterset_class = UnitFilterSet
    ordering = ["sort_order", "name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("parent"),
        FieldPanel("head"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("room"),
        FieldPanel("sort_order"),
        FieldPanel("is_active"),
    ]


class StaffProfileFilterSet(WagtailFilterSet):
    class Meta:
        model = StaffProfile
        fields = ["unit", "show_in_directory"]


class StaffProfileViewSet(ModelViewSet):
    model = StaffProfile
    index_view_class = StaffProfileIndexView
    name = "staff"
    url_prefix = "org/staff"
    icon = "user"
    menu_label = _("Staff")
    list_display = ["user", "unit", "position", "room", "phone", "work_email"]
    list_export = ["user", "unit", "position", "room", "phone", "work_email"]
    search_fields = ["user__last_name", "user__first_name", "position", "room"]
    filterset_class = StaffProfileFilterSet
    panels = [
        FieldPanel("user"),
        FieldPanel("unit"),
        FieldPanel("position"),
        FieldPanel("room"),
        FieldPanel("phone"),
        FieldPanel("work_email"),
        FieldPanel("show_in_directory"),
    ]


class CalendarOverrideViewSet(ModelViewSet):
    model = CalendarOverride
    name = "calendar"
    url_prefix = "org/calendar"
    icon = "date"
    menu_label = _("Production calendar")
    list_display = [
        "date",
        yes_no_column(CalendarOverride, "is_working"),
        "shortened",
        "reason",
    ]
    form_fields = ["date", "is_working", "shortened", "reason"]


class OrganisationGroup(ViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "group"
    menu_order = 250
    items = (UnitViewSet, StaffProfileViewSet, CalendarOverrideViewSet)
