"""In-app notifications (the bell in the header, the list at /notifications/) and each
person's choice of e-mail for them (intranet/notifications.py creates and mails them).

A notification names what it is about by a plain reference (`target_type`, `target_id`:
"case", 42) and a link, so this app knows nothing of the apps that notify."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailChoice(models.TextChoices):
    INSTANT = "instant", _("At once, one letter per notification")
    DIGEST = "digest", _("Once a day, in a digest")
    NONE = "none", _("Do not e-mail me")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # What happened, as a code the sender chose ("case.assigned"): for filters and tests.
    verb = models.CharField(_("kind"), max_length=64)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500)
    target_type = models.CharField(_("about"), max_length=32, blank=True)
    target_id = models.PositiveBigIntegerField(_("about (number)"), null=True, blank=True)
    # Set for a notification that must be sent once only (a deadline reminder): a second
    # one with the same key for the same person is not created.
    key = models.CharField(_("key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Waits for the recipient's daily digest.
    digest_pending = models.BooleanField(_("waits for the digest"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell: the recipient's unread count.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread"
            ),
            # The list page: the recipient's notifications, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
            # Forgetting what a notification is about (a case destroyed).
            models.Index(fields=["target_type", "target_id"], name="notif_target"),
            # The daily digest: what waits for it.
            models.Index(
                fields=["recipient"], condition=Q(digest_pending=True), name="notif_digest"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notif_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSettings(models.Model):
    """How a person wants notifications by e-mail. Without a row: the default
    (NOTIFICATIONS_DEFAULT_EMAIL, a daily digest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    email = models.CharField(
        _("notifications by e-mail"),
        max_length=16,
        choices=EmailChoice.choices,
        default=EmailChoice.DIGEST,
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user}: {self.email}"
