from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out after failed sign-ins")
    LOGOUT = "logout", _("Signed out")
    GROUPS_CHANGED = "groups_changed", _("Group membership changed")
    PERMISSIONS_CHANGED = "permissions_changed", _("Permissions changed")
    ACCOUNT_FLAGS_CHANGED = "account_flags_changed", _("Account status changed")
    CONFIDENTIAL_READ = "confidential_read", _("Confidential record read")
    RECORD_DESTROYED = "record_destroyed", _("Record destroyed under an approved act")
    # The knowledge base API used by another system with its key (kb.integrations).
    API_KEY_USED = "api_key_used", _("Knowledge base API called with a key")
    API_KEY_REFUSED = "api_key_refused", _("Knowledge base API key refused")


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            object_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        )

    def delete(self):
        raise PermissionError("The audit log is append-only.")

    delete.queryset_only = True


class AuditEvent(models.Model):
    """One recorded event. Append-only: saving an existing event or deleting one
    raises; retention is handled by the database administrator, not the application."""

    when = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the username typed in a failed sign-in, or a deleted account.
    actor_repr = models.CharField(_("actor name"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=64, choices=AuditAction.choices)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()
    # Not in Wagtail's reference index: an event's "reference" to a content type is no
    # usage of anything, and indexing each event cost three queries per recorded event
    # (every sign-in, every case action).
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-when", "-pk"]
        indexes = [
            models.Index(fields=["-when"], name="audit_when_idx"),
            models.Index(fields=["action", "-when"], name="audit_action_when_idx"),
            models.Index(fields=["actor", "-when"], name="audit_actor_when_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M:%S} {self.actor_repr} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")
