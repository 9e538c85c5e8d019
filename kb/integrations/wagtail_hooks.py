from wagtail import hooks
from wagtail.permissions import register_permission_policy

from intranet.audit.views import ReadOnlyPermissionPolicy

from .models import WebhookDelivery
from .viewsets import ApiKeyViewSet, WebhookConsumerViewSet, WebhookDeliveryViewSet

# Wagtail's own views only read deliveries; sending again and closing are the viewset's
# own views with their own permission (kb.integrations.viewsets).
register_permission_policy(
    WebhookDelivery, ReadOnlyPermissionPolicy(WebhookDelivery), exact_class=True
)


@hooks.register("register_admin_viewset")
def register_api_keys():
    return ApiKeyViewSet("kb_api_keys")


@hooks.register("register_admin_viewset")
def register_webhooks():
    return WebhookConsumerViewSet("kb_webhooks")


@hooks.register("register_admin_viewset")
def register_webhook_deliveries():
    return WebhookDeliveryViewSet("kb_webhook_deliveries")
