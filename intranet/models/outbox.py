"""The outbox: every message the portal sends by e-mail, and each try to send it
(intranet/outbox.py sends them)."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent (accepted by the receiving server)")
    FAILED = "failed", _("Not sent: error")
    CANCELLED = "cancelled", _("Closed without sending")


def attachment_path(instance, filename: str) -> str:
    """Under MEDIA_ROOT, outside the folders the proxy serves (docs/security.md): the
    file is only ever read by the outbox. A random name; the original is on the row."""
    suffix = PurePosixPath(filename).suffix.lower()[:16]
    return f"outbox/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class OutgoingMessage(models.Model):
    """One e-mail to one recipient. Its text and attachments are stored as they will be
    sent; its Message-ID is set when it is created, so every try carries the same one."""

    kind = models.CharField(_("kind"), max_length=64)
    # Optional: a second message with the same key is not created (the first is
    # returned), e.g. one digest per person and day.
    key = models.CharField(_("key"), max_length=200, null=True, blank=True, unique=True)
    recipient = models.CharField(_("recipient"), max_length=500)  # an address or a URL
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML text"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    # Tries since the message was queued or a person sent it again.
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "updated_at"], name="outbox_status")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"

    @property
    def is_stuck(self) -> bool:
        """Failed and no longer tried by itself: waits for a person."""
        return self.status == MessageStatus.FAILED and self.next_attempt_at is None


class MessageAttachment(models.Model):
    message = models.ForeignKey(
        OutgoingMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class MessageAttempt(models.Model):
    """One entry of a message's log: a try (sent, failed with the error), or a person
    sending it again or closing it."""

    message = models.ForeignKey(
        OutgoingMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="log"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("sending attempt")
        verbose_name_plural = _("sending attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.status}"
