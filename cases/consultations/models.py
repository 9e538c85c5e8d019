"""The consultation line (seed 001 §4–5, DESIGN.md "Consultation line"): each oral
consultation by phone or in person is logged with its topic, the question and its
outcome: answered at once, redirected to a named colleague who has the competence, or
outside our competence with the competent body and its contacts given to the caller."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.topics import Topic


class ConsultationChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Personal visit")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered at once")
    REDIRECTED = "redirected", _("Redirected to a colleague")
    OUTSIDE = "outside", _("Outside our competence")


class Consultation(models.Model):
    held_at = models.DateTimeField(_("when"), default=timezone.now)
    channel = models.CharField(
        _("channel"), max_length=8, choices=ConsultationChannel.choices, default="phone"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client (staff member)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_name = models.CharField(_("client"), max_length=255, blank=True)
    client_contact = models.CharField(_("phone or e-mail"), max_length=255, blank=True)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    question = models.TextField(_("question"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    answer = models.TextField(_("answer given"), blank=True)
    redirected_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("colleague with the competence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    competent_body = models.CharField(_("competent body"), max_length=255, blank=True)
    competent_body_contacts = models.CharField(_("its contacts given"), max_length=500, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, minutes"), validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "intranet.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "held_at"], name="consult_unit_date"),
            models.Index(fields=["topic", "held_at"], name="consult_topic_date"),
        ]

    def __str__(self):
        return f"{self.held_at:%d.%m.%Y %H:%M} {self.get_topic_display()}"

    @property
    def who(self) -> str:
        if self.client_id:
            return self.client.get_full_name() or self.client.get_username()
        return self.client_name


class GapNotice(models.Model):
    """A knowledge gap already named in a unit's weekly digest (each is sent once)."""

    unit = models.ForeignKey(
        "intranet.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("gap"), max_length=32)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    sample = models.TextField(_("sample question"))
    questions = models.PositiveIntegerField(_("questions"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("knowledge gap notice")
        verbose_name_plural = _("knowledge gap notices")
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="gap_notice_once")]

    def __str__(self):
        return self.sample[:80]
