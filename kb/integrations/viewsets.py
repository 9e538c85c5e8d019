"""The admin of other systems' access (Settings → API keys, Webhooks, Webhook
deliveries). Administrators issue and revoke keys and register webhooks; a new key or
signing secret is shown once, on the page that answers its creation, and never again
(only the key's hash is stored). Deliveries are read-only, with the two acts of the
outbox: send again, close without delivering."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic.models import CreateView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from intranet.admin_display import display_value, yes_no_column

from . import webhooks
from .forms import ApiKeyForm, WebhookConsumerForm
from .models import ApiKey, DeliveryStatus, WebhookConsumer, WebhookDelivery

CHANGE_DELIVERY = "kb_integrations.change_webhookdelivery"


class SecretOnceCreateView(CreateView):
    """Creates the row, then answers with the page that shows its key or secret once
    (instead of the redirect to the listing)."""

    secret_title = ""
    secret_help = ""

    def form_valid(self, form):
        response = super().form_valid(form)
        secret = getattr(form, "issued_secret", None)
        if not isinstance(response, HttpResponseRedirect) or not secret:
            return response
        return TemplateResponse(
            self.request,
            "kb_integrations/secret_issued.html",
            {
                "object": self.object,
                "secret": secret,
                "page_title": self.secret_title,
                "header_title": self.secret_title,
                "secret_help": self.secret_help,
                "index_url": reverse(self.index_url_name),
            },
        )


class ApiKeyCreateView(SecretOnceCreateView):
    secret_title = gettext_lazy("The API key is issued")
    secret_help = gettext_lazy(
        "Copy the key now and hand it to the system's administrators by a safe channel: "
        "it is not stored and will not be shown again. The system sends it in the header "
        "Authorization: Api-Key <key>."
    )


class WebhookCreateView(SecretOnceCreateView):
    secret_title = gettext_lazy("The webhook is registered")
    secret_help = gettext_lazy(
        "Copy the signing secret now and hand it to the system's administrators: it will "
        "not be shown again. Each request carries X-Intranet-Signature: sha256=<HMAC-SHA256 "
        "of the body with this secret>."
    )


class ApiKeyViewSet(ModelViewSet):
    model = ApiKey
    add_view_class = ApiKeyCreateView
    icon = "key"
    url_prefix = "kb/api-keys"
    menu_label = gettext_lazy("API keys")
    add_to_settings_menu = True
    copy_view_enabled = False
    list_display = [
        "name",
        "scope",
        "prefix",
        yes_no_column(ApiKey, "is_active"),
        "last_used_at",
        "created_at",
        "created_by",
    ]
    search_fields = ["name", "prefix"]
    list_filter = ["scope", "is_active"]
    ordering = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("scope"), FieldPanel("rate_limit")]),
            FieldPanel("note"),
            FieldPanel("is_active"),
        ],
        base_form_class=ApiKeyForm,
    )


class WebhookConsumerViewSet(ModelViewSet):
    model = WebhookConsumer
    add_view_class = WebhookCreateView
    icon = "link-external"
    url_prefix = "kb/webhooks"
    menu_label = gettext_lazy("Webhooks")
    add_to_settings_menu = True
    copy_view_enabled = False
    list_display = ["name", "url", "api_key", yes_no_column(WebhookConsumer, "is_active")]
    search_fields = ["name", "url"]
    ordering = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("api_key"),
            FieldPanel("url"),
            MultiFieldPanel(
                [FieldPanel("on_publish"), FieldPanel("on_unpublish"), FieldPanel("on_flag")],
                heading=gettext_lazy("Events"),
            ),
            FieldPanel("is_active"),
        ],
        base_form_class=WebhookConsumerForm,
    )


class DeliveryFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=capfirst(gettext_lazy("status")), choices=DeliveryStatus.choices
    )

    class Meta:
        model = WebhookDelivery
        fields = ["status", "consumer"]


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("consumer")


class DeliveryInspectView(InspectView):
    template_name = "kb_integrations/delivery_inspect.html"

    def get_field_display_value(self, field_name, field):
        return display_value(super().get_field_display_value(field_name, field))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        delivery = self.object
        can_act = self.request.user.has_perm(CHANGE_DELIVERY)
        context["log"] = delivery.log.all()
        context["can_act"] = can_act and delivery.status != DeliveryStatus.SENT
        context["can_close"] = context["can_act"] and delivery.status != DeliveryStatus.CANCELLED
        context["retry_url"] = reverse("kb_webhook_deliveries:retry", args=[delivery.pk])
        context["close_url"] = reverse("kb_webhook_deliveries:close", args=[delivery.pk])
        return context


@require_POST
def retry_view(request, pk):
    if not request.user.has_perm(CHANGE_DELIVERY):
        raise PermissionDenied
    delivery = webhooks.retry(get_object_or_404(WebhookDelivery, pk=pk), request.user)
    if delivery.status == DeliveryStatus.SENT:
        messages.info(request, _("The delivery has already been made."))
    else:
        messages.success(request, _("The delivery is queued to be sent again."))
    return redirect("kb_webhook_deliveries:inspect", delivery.pk)


@require_POST
def close_view(request, pk):
    if not request.user.has_perm(CHANGE_DELIVERY):
        raise PermissionDenied
    delivery = webhooks.cancel(get_object_or_404(WebhookDelivery, pk=pk), request.user)
    if delivery.status == DeliveryStatus.SENT:
        messages.info(request, _("The delivery has already been made."))
    else:
        messages.success(request, _("The delivery is closed without delivering."))
    return redirect("kb_webhook_deliveries:inspect", delivery.pk)


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    icon = "resubmit"
    url_prefix = "kb/webhook-deliveries"
    menu_label = gettext_lazy("Webhook deliveries")
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "article_title",
        "event",
        "consumer",
        "status",
        "attempts",
        "created_at",
        "last_error",
    ]
    inspect_view_fields = [
        "consumer",
        "event",
        "article_id",
        "article_title",
        "delivery_id",
        "status",
        "attempts",
        "response_status",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "closed_by",
        "body",
    ]
    search_fields = ["article_title"]
    filterset_class = DeliveryFilterSet
    ordering = ["-created_at"]
    list_per_page = 100
    search_backend_name = None

    def get_urlpatterns(self):
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
            path(f"retry/<{conv}:pk>/", retry_view, name="retry"),
            path(f"close/<{conv}:pk>/", close_view, name="close"),
        ]
