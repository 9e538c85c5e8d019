"""The admin dashboard panels: stale and flagged articles of the units the user edits or
heads, and the user's unread KB notifications; for the department head and
administrators, the department overview's headline counts (kb.overview)."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from .models import ArticlePage, Notification
from .ownership import units_of


class ReviewPanel(Component):
    name = "kb_review"
    order = 90
    template_name = "kb/admin/review_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        today = timezone.localdate()
        units = units_of(self.user)
        articles = (
            list(
                ArticlePage.objects.needing_review(today)
                .owned_by(units)
                .select_related("owner_unit")
                .order_by("next_review_due", "title")[:50]
            )
            if units
            else []
        )
        context.update(
            units=units,
            articles=articles,
            notifications=Notification.objects.filter(recipient=self.user, read_at=None)[:10],
            today=today,
        )
        return context


class OverviewPanel(Component):
    name = "kb_overview"
    order = 85
    template_name = "kb/admin/overview_panel.html"

    def __init__(self, unit_ids):
        self.unit_ids = unit_ids

    def get_context_data(self, parent_context=None):
        from .overview import headline

        context = super().get_context_data(parent_context)
        context["counts"] = headline(self.unit_ids)
        return context
