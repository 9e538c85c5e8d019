"""The admin of other systems' access (Settings → API keys, Webhooks). Administrators
issue and revoke keys and register webhooks; a new key or signing secret is shown once,
on the page that answers its creation, and never again (only the key's hash is stored).
The deliveries are outgoing messages of the outbox (Settings → Outgoing mail, kind
«Webhook to another system»), sent again or closed there like the e-mails."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic.models import CreateView
from wagtail.admin.viewsets.model import ModelViewSet

from intranet.admin_display import yes_no_column

from .forms import ApiKeyForm, WebhookConsumerForm
from .models import ApiKey, WebhookConsumer


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
