"""API keys of consuming systems, their webhooks, and each webhook delivery (sent, tried
and retried by the outbox: kb.integrations.webhooks)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    PUBLIC = "public", _("Public articles only")
    INTERNAL = "internal", _("Internal articles too")


class ApiKey(models.Model):
    """A key a consuming system sends as `Authorization: Api-Key <key>`. Only the
    SHA-256 of the key is stored; the key itself is shown once, when it is issued.
    `prefix` (the part before the dot) finds the row and names the key in lists."""

    name = models.CharField(_("system name"), max_length=200)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.PUBLIC)
    prefix = models.CharField(_("key begins with"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"),
        null=True,
        blank=True,
        help_text=_("Empty: the default limit of the settings (KB_API_KEY_RATE)."),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("Who runs the system and how to reach them.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Clear to revoke the key: it stops working at once.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class WebhookConsumer(models.Model):
    """A URL of a consuming system that is told of changes to the articles its key may
    read. The secret signs each body (HMAC-SHA256); it is shown once, when it is made."""

    name = models.CharField(_("name"), max_length=200)
    api_key = models.ForeignKey(
        ApiKey,
        verbose_name=_("API key"),
        on_delete=models.PROTECT,
        related_name="webhooks",
        help_text=_("The key's scope decides which articles the system is told about."),
    )
    url = models.URLField(_("address (URL)"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    on_publish = models.BooleanField(_("article published"), default=True)
    on_unpublish = models.BooleanField(_("article unpublished"), default=True)
    on_flag = models.BooleanField(_("article flagged by an amended act"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WebhookEvent(models.TextChoices):
    PUBLISHED = "article.published", _("Article published")
    UNPUBLISHED = "article.unpublished", _("Article unpublished")
    FLAGGED = "article.flagged", _("Article flagged by an amended act")


class WebhookDelivery(models.Model):
    """One event for one consumer. What is sent, its state, tries and log are the
    outgoing message's (intranet.outbox: the body as it is sent and signed, the same on
    every try); this row says which webhook, event and article it is, and carries the
    delivery id the consumer deduplicates on."""

    consumer = models.ForeignKey(
        WebhookConsumer,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    message = models.OneToOneField(
        "intranet.OutgoingMessage",
        verbose_name=_("outgoing message"),
        on_delete=models.PROTECT,
        related_name="webhook_delivery",
    )
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True)
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    article_id = models.PositiveIntegerField(_("article id"), null=True, blank=True)
    article_title = models.CharField(_("article"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_event_display()}: {self.article_title} → {self.consumer}"


class ContentVersion(models.Model):
    """When the API first answered from a state of the knowledge base, for its
    Last-Modified (kb.integrations.conditional): one row per KB generation
    (kb.caching) and set of hidden subtrees."""

    token = models.CharField(_("state"), max_length=64, unique=True)
    seen_at = models.DateTimeField(_("first seen"))

    class Meta:
        verbose_name = _("API content state")
        verbose_name_plural = _("API content states")

    def __str__(self) -> str:
        return f"{self.token[:12]} {self.seen_at:%d.%m.%Y %H:%M:%S}"
