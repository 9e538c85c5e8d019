"""The outbox in the Wagtail admin (Settings → Outgoing mail): every message the portal
sent or tried to send, with its tries and errors. A message that failed after its last
try stays here as failed until a person acts: sends it again (its tries afresh, the
same Message-ID) or closes it without sending.

Seeing the list needs `intranet.view_outgoingmessage`, acting
`intranet.change_outgoingmessage` (administrators; superusers). Nobody adds, edits or
deletes a message here: the text is what was, or will be, sent."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from intranet import outbox
from intranet.admin_display import display_value
from intranet.models import MessageStatus, OutgoingMessage

CHANGE_PERMISSION = "intranet.change_outgoingmessage"


def can_act(user) -> bool:
    return user.has_perm(CHANGE_PERMISSION)


class OutgoingMessageFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=capfirst(gettext_lazy("status")), choices=MessageStatus.choices
    )

    class Meta:
        model = OutgoingMessage
        fields = ["status"]


class OutboxIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().only(
            "pk", "kind", "recipient", "subject", "status", "attempts", "last_error",
            "created_at", "next_attempt_at", "sent_at",
        )  # fmt: skip


class OutboxInspectView(InspectView):
    template_name = "intranet/outbox/inspect.html"

    def get_kind_display_value(self):
        return outbox.label(self.object.kind)

    def get_field_display_value(self, field_name, field):
        return display_value(super().get_field_display_value(field_name, field))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        message = self.object
        context["log"] = message.log.all()
        context["files"] = message.attachments.all()
        context["can_act"] = can_act(self.request.user) and message.status != (MessageStatus.SENT)
        context["can_close"] = context["can_act"] and message.status != MessageStatus.CANCELLED
        context["retry_url"] = reverse("outbox:retry", args=[message.pk])
        context["close_url"] = reverse("outbox:close", args=[message.pk])
        return context


@require_POST
def retry_view(request, pk):
    if not can_act(request.user):
        raise PermissionDenied
    message = outbox.retry(get_object_or_404(OutgoingMessage, pk=pk), request.user)
    if message.status == MessageStatus.SENT:
        messages.info(request, _("The message has already been sent."))
    else:
        messages.success(request, _("The message is queued to be sent again."))
    return redirect("outbox:inspect", message.pk)


@require_POST
def close_view(request, pk):
    if not can_act(request.user):
        raise PermissionDenied
    message = outbox.cancel(get_object_or_404(OutgoingMessage, pk=pk), request.user)
    if message.status == MessageStatus.SENT:
        messages.info(request, _("The message has already been sent."))
    else:
        messages.success(request, _("The message is closed without sending."))
    return redirect("outbox:inspect", message.pk)


def _kind(message) -> str:
    return outbox.label(message.kind)


class OutgoingMessageViewSet(ModelViewSet):
    model = OutgoingMessage
    index_view_class = OutboxIndexView
    inspect_view_class = OutboxInspectView
    icon = "mail"
    url_prefix = "outbox"
    menu_label = gettext_lazy("Outgoing mail")
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "subject",
        "recipient",
        Column("kind", label=capfirst(gettext_lazy("kind")), accessor=_kind),
        "status",
        "attempts",
        "created_at",
        "last_error",
    ]
    inspect_view_fields = [
        "kind",
        "recipient",
        "subject",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "closed_by",
        "message_id",
        "body",
    ]
    search_fields = ["recipient", "subject"]
    filterset_class = OutgoingMessageFilterSet
    ordering = ["-created_at"]
    list_per_page = 100
    search_backend_name = None

    def get_urlpatterns(self):
        # The reading views, and the two acts on a message; no add, edit or delete.
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
            path(f"retry/<{conv}:pk>/", retry_view, name="retry"),
            path(f"close/<{conv}:pk>/", close_view, name="close"),
        ]
