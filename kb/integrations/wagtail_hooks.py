from wagtail import hooks

from .viewsets import ApiKeyViewSet, WebhookConsumerViewSet


@hooks.register("register_admin_viewset")
def register_api_keys():
    return ApiKeyViewSet("kb_api_keys")


@hooks.register("register_admin_viewset")
def register_webhooks():
    return WebhookConsumerViewSet("kb_webhooks")
