from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """API keys and webhooks of the systems that consume the knowledge base."""

    name = "kb.integrations"
    label = "kb_integrations"
    verbose_name = _("Knowledge base integrations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The receivers of the webhook events, the outbox kind of the deliveries, the
        # OpenAPI description of the key authentication.
        from . import schema, signals, webhooks  # noqa: F401
