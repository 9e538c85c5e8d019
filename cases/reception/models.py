"""Personal reception (seed 000 §2.1 "the list of visitors booked for reception and
informing them", seed 001 §4 "personal visit"; DESIGN.md "Personal reception").

A client books a slot at a reception point (slots come from the point's weekly hours,
see `cases.reception.slots`); one slot holds one visitor, which the database enforces
(`reception_one_booking_per_slot`, a unique index on the point and start of the bookings
that are not cancelled). The day before, the visitor gets a reminder on the channel they
chose. During or after the visit a reception card records the oral message and its
outcome: answered orally with the client's consent, or turned into a written case."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.topics import Topic

DEFAULT_SLOT_MINUTES = 30
DEFAULT_HORIZON_DAYS = 30


class PointSettings(models.Model):
    """Booking settings of one reception point (the page keeps its hours)."""

    point = models.OneToOneField(
        "intranet.ReceptionPointPage",
        verbose_name=_("reception point"),
        on_delete=models.CASCADE,
        related_name="booking_settings",
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length, minutes"),
        default=DEFAULT_SLOT_MINUTES,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking open for, days ahead"),
        default=DEFAULT_HORIZON_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    booking_open = models.BooleanField(_("booking open"), default=True)

    class Meta:
        verbose_name = _("reception booking settings")
        verbose_name_plural = _("reception booking settings")

    def __str__(self):
        return str(self.point)


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class ReminderChannel(models.TextChoices):
    EMAIL = "email", _("By e-mail")
    PORTAL = "portal", _("In the portal")
    PHONE = "phone", _("By phone (the registrar calls)")


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=BookingStatus.CANCELLED)


class Booking(models.Model):
    point = models.ForeignKey(
        "intranet.ReceptionPointPage",
        verbose_name=_("reception point"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        related_name="reception_bookings",
    )
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    question = models.TextField(_("short question"))
    reminder_channel = models.CharField(
        _("reminder channel"),
        max_length=8,
        choices=ReminderChannel.choices,
        default=ReminderChannel.EMAIL,
    )
    reminder_contact = models.CharField(_("e-mail or phone for the reminder"), max_length=255,
                                        blank=True)  # fmt: skip
    # The unit the topic is routed to (cases.TopicRoute): the unit scope of the reports.
    unit = models.ForeignKey(
        "intranet.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # The e-mail reminder in the outbox (intranet.outbox), which sends and retries it.
    reminder_message = models.ForeignKey(
        "intranet.OutgoingMessage",
        verbose_name=_("reminder e-mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("reception booking")
        verbose_name_plural = _("reception bookings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "starts_at"],
                condition=~Q(status="cancelled"),
                name="reception_one_booking_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="reception_booking_ends"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "starts_at"], name="reception_client_date"),
            models.Index(fields=["unit", "starts_at"], name="reception_unit_date"),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%d.%m.%Y %H:%M} {self.visitor_name}"

    @property
    def is_active(self) -> bool:
        return self.status != BookingStatus.CANCELLED

    @property
    def is_future(self) -> bool:
        return self.starts_at > timezone.now()

    @property
    def visitor_name(self) -> str:
        return self.client.get_full_name() or self.client.get_username()

    @property
    def starts_token(self) -> str:
        """What the cancel/reschedule forms carry: the slot the user was shown."""
        return timezone.localtime(self.starts_at).isoformat()


class EventKind(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    REMINDED = "reminded", _("Reminder")
    CARD = "card", _("Reception card")
    CASE = "case", _("Written case")


class BookingEvent(models.Model):
    """The history of a booking: who did what, when (the audit of its changes)."""

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("what"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message}"


class CardOutcome(models.TextChoices):
    ORAL = "oral", _("Answered orally")
    WRITTEN = "written", _("Turned into a written case")


class ReceptionCard(models.Model):
    """What the visitor said and what came of it (seed 001 §4: the answer to an oral
    message is a consultation given at once; with the client's consent that is the
    answer, otherwise the message becomes a written case)."""

    booking = models.OneToOneField(
        Booking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="card"
    )
    message = models.TextField(_("oral message"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=CardOutcome.choices)
    answer = models.TextField(_("answer given orally"), blank=True)
    oral_consent = models.BooleanField(_("the client agrees to an oral answer"), default=False)
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("written case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reception_card",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reception card")
        verbose_name_plural = _("reception cards")
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="oral") | Q(oral_consent=True),
                name="reception_oral_answer_needs_consent",
            )
        ]

    def __str__(self):
        return f"{self.booking}: {self.get_outcome_display()}"

    @property
    def awaits_registration(self) -> bool:
        return self.outcome == CardOutcome.WRITTEN and self.case_id is None
