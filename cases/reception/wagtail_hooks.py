"""Admin screen of the booking settings of each reception point (slot length, how many
days ahead booking is open); the hours themselves are on the point's page."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSet

from cases.reception.models import PointSettings
from intranet.admin_display import yes_no_column


class PointSettingsViewSet(ModelViewSet):
    model = PointSettings
    name = "reception_settings"
    url_prefix = "reception/settings"
    icon = "date"
    menu_label = _("Reception booking")
    add_to_settings_menu = True
    list_display = [
        "point",
        "slot_minutes",
        "horizon_days",
        yes_no_column(PointSettings, "booking_open"),
    ]
    panels = [
        FieldPanel("point"),
        FieldPanel("slot_minutes"),
        FieldPanel("horizon_days"),
        FieldPanel("booking_open"),
    ]

    def get_queryset(self, request):
        return PointSettings.objects.select_related("point")


@hooks.register("register_admin_viewset")
def register_point_settings():
    return PointSettingsViewSet()
