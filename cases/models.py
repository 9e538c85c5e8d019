"""Cases (messages): what a client sent, through which channel, under which regime,
who handles it, by when, and every step taken on it (the timeline).

Rules live next door: day counts in `cases.deadlines`, who may see and do what in
`cases.permissions` (and `Case.objects.visible_to`), state changes in `cases.services`."""

from __future__ import annotations

import datetime as dt
import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import deadlines
from cases.choices import (
    DEADLINE_STATUSES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    Channel,
    ClientKind,
    DeadlineState,
    Regime,
    ReplyChannel,
    Status,
    Urgency,
)
from cases.topics import Topic
from intranet.models import Unit


class TopicRoute(models.Model):
    """Which structural unit answers questions on a topic: the suggestion when a case
    is assigned. See `cases.topics` for why topics are codes, not a KB foreign key."""

    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="topic_routes"
    )

    class Meta:
        verbose_name = _("topic route")
        verbose_name_plural = _("topic routes")
        ordering = ["topic"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} → {self.unit}"


class ExternalClient(models.Model):
    """A person or organisation outside the intranet whose message a registrar entered
    (post, phone, visit, website, feedback platform)."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=ClientKind.choices, default=ClientKind.PERSON
    )
    name = models.CharField(_("full name or organisation name"), max_length=255)
    postal_address = models.TextField(_("postal address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("external client")
        verbose_name_plural = _("external clients")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.name


class RegistrationCounter(models.Model):
    """The last registration number issued per regime and year. Locked with
    SELECT … FOR UPDATE inside the registering transaction, so numbers are unique and
    gap-free: a rolled-back registration rolls its number back too."""

    regime = models.CharField(_("regime"), max_length=32, choices=Regime.choices)
    year = models.PositiveIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("registration counter")
        verbose_name_plural = _("registration counters")
        constraints = [
            models.UniqueConstraint(fields=["regime", "year"], name="cases_counter_regime_year")
        ]

    def __str__(self) -> str:
        return f"{self.regime} {self.year}: {self.last_number}"


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        """The cases `user` may see: the one visibility rule used by every listing,
        page, API endpoint and download (see cases.permissions)."""
        from cases.permissions import visibility_filter

        condition = visibility_filter(user)
        return self.none() if condition is None else self.filter(condition)

    def handled_by(self, user) -> CaseQuerySet:
        """The cases `user` may see as staff (not merely as the client who sent them)."""
        from cases.permissions import visibility_filter

        condition = visibility_filter(user, own=False)
        return self.none() if condition is None else self.filter(condition)

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def running(self) -> CaseQuerySet:
        """Cases whose deadline is running."""
        return self.filter(status__in=DEADLINE_STATUSES, due_date__isnull=False)

    def overdue(self, today: dt.date) -> CaseQuerySet:
        return self.running().filter(due_date__lt=today)

    def due_soon(self, today: dt.date, calendar=None) -> CaseQuerySet:
        until = deadlines.due_soon_until(today, calendar)
        return self.running().filter(due_date__gte=today, due_date__lte=until)

    def for_list(self) -> CaseQuerySet:
        """What a list row shows, in a fixed number of queries."""
        return self.select_related("client", "external_client", "unit", "executor", "registered_by")

    def for_queue(self) -> CaseQuerySet:
        """The columns a row of the workspace queue shows (cases.views._queue_rows) and
        nothing more: not the message's text, nor the people's other columns."""
        person = ("first_name", "last_name", "patronymic", "username")
        return self.select_related("client", "external_client", "unit", "executor").only(
            "registration_number", "received_at", "subject", "urgency", "is_confidential",
            "regime", "channel", "status", "due_date", "unit__short_name",
            "external_client__name",
            *(f"client__{name}" for name in person),
            *(f"executor__{name}" for name in person),
        )  # fmt: skip


def today_local() -> dt.date:
    return timezone.localdate()


class Case(models.Model):
    """A message (сообщение): обращение, запрос, заявление, письмо, предложение."""

    # Who sent it: an intranet user, or an external person entered by a registrar.
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="client_cases",
    )
    external_client = models.ForeignKey(
        ExternalClient,
        verbose_name=_("external client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    regime = models.CharField(_("regime"), max_length=32, choices=Regime.choices)

    subject = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("text"))
    client_comments = models.TextField(_("client's comments"), blank=True)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices, blank=True)

    reply_channel = models.CharField(
        _("reply channel"), max_length=16, choices=ReplyChannel.choices
    )
    reply_contact = models.CharField(_("contact for the reply"), max_length=255, blank=True)
    extra_reply_channel = models.CharField(
        _("additional reply channel"), max_length=16, choices=ReplyChannel.choices, blank=True
    )
    extra_reply_contact = models.CharField(
        _("contact for the additional channel"), max_length=255, blank=True
    )

    registration_number = models.CharField(
        _("registration number"), max_length=32, unique=True, null=True, blank=True
    )
    registration_year = models.PositiveIntegerField(_("registration year"), null=True, blank=True)
    registration_sequence = models.PositiveIntegerField(
        _("registration sequence"), null=True, blank=True
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_cases",
    )

    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.UNDECIDED
    )
    urgency_suggested = models.BooleanField(_("suggested as urgent"), default=False)
    urgency_reasons = models.JSONField(_("urgency reasons"), default=list, blank=True)
    urgency_comment = models.TextField(_("urgency decision comment"), blank=True)
    urgency_decided_at = models.DateTimeField(_("urgency decided at"), null=True, blank=True)
    urgency_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("urgency decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="executed_cases",
    )
    co_executors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-executors"),
        blank=True,
        related_name="co_executed_cases",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    registration_deadline = models.DateField(_("register by"), null=True, blank=True)
    statutory_deadline = models.DateField(_("statutory deadline"), null=True, blank=True)
    target_deadline = models.DateField(_("target deadline"), null=True, blank=True)
    # The date the desk controls now: the registration deadline until registered, then
    # the urgent target or the statutory deadline. Kept in a column to sort and filter.
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)

    is_confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the assigned executors and the head of the unit see it"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # No duplicates (cases.services.intake): the one-time token of the question form or
    # the API's Idempotency-Key, unique per client, with a digest of what was sent.
    submission_key = models.CharField(_("submission key"), max_length=100, blank=True)
    submission_digest = models.CharField(_("submission digest"), max_length=64, blank=True)
    # A new message like an open or recent case of the same client (59-FZ art. 11 p. 5).
    possible_repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("possible repeat of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="possible_repeats",
    )
    # A duplicate joined to its original keeps its number, with the JOINED status.
    joined_to = models.ForeignKey(
        "self",
        verbose_name=_("joined to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joined_cases",
    )
    related = models.ManyToManyField("self", verbose_name=_("related cases"), blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["due_date", "-received_at"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="case_status_due"),
            models.Index(fields=["unit", "status"], name="case_unit_status"),
            models.Index(fields=["executor", "status"], name="case_executor_status"),
            models.Index(fields=["client", "-received_at"], name="case_client_received"),
            models.Index(fields=["external_client"], name="case_external_client"),
            models.Index(fields=["due_date"], name="case_due"),
            models.Index(fields=["statutory_deadline"], name="case_statutory"),
            models.Index(fields=["regime", "status"], name="case_regime_status"),
            models.Index(fields=["channel"], name="case_channel"),
            models.Index(fields=["topic", "status"], name="case_topic_status"),
            models.Index(fields=["urgency", "status"], name="case_urgency_status"),
            models.Index(fields=["-received_at"], name="case_received"),
            models.Index(fields=["is_confidential"], name="case_confidential"),
            # The workspace queues list open cases by deadline (docs/performance.md):
            # walking this index skips the closed nine tenths of the table.
            models.Index(
                fields=["due_date"],
                condition=Q(status__in=sorted(s.value for s in OPEN_STATUSES)),
                name="case_open_due",
            ),
            # Reports and the received-period filter of one unit's cases.
            models.Index(fields=["unit", "received_at"], name="case_unit_received"),
            # The queue's table sorted by a column header (cases.filters.SORT_FIELDS).
            models.Index(fields=["subject", "-received_at"], name="case_subject"),
            models.Index(
                fields=["registration_number", "-received_at"], name="case_number_received"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(client__isnull=False) & Q(external_client__isnull=False)),
                name="case_one_kind_of_client",
            ),
            # Two requests with the same key cannot both create a case.
            models.UniqueConstraint(
                fields=["client", "submission_key"],
                condition=~Q(submission_key=""),
                name="case_client_submission_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_number or _('unregistered')}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.pk])

    def get_client_url(self) -> str:
        return reverse("cases:client_detail", args=[self.pk])

    @property
    def client_name(self) -> str:
        if self.client_id:
            return self.client.get_full_name()
        if self.external_client_id:
            return self.external_client.name
        return ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_urgent(self) -> bool:
        return self.urgency == Urgency.URGENT

    @property
    def urgency_decided(self) -> bool:
        return self.urgency != Urgency.UNDECIDED

    def deadline_state(
        self, today: dt.date | None = None, calendar=None, *, soon_until: dt.date | None = None
    ) -> DeadlineState:
        if self.status not in DEADLINE_STATUSES:
            return DeadlineState.NONE
        return deadlines.deadline_state(
            self.due_date, today or today_local(), calendar, soon_until=soon_until
        )


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random: the client's file name is kept in `original_name` and
    # never decides a path on disk.
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"cases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Attachment(models.Model):
    """A file the client sent with the message (photos, copies of documents), kept on
    disk under MEDIA_ROOT and served only through a permission-checked view. An upload
    without a case is a file kept for a form that failed validation."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["uploaded_by", "case"], name="attachment_owner")]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("cases:attachment", args=[self.pk])


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered")
    URGENCY = "urgency", _("Urgency decided")
    ASSIGNED = "assigned", _("Assigned")
    REASSIGNED = "reassigned", _("Reassigned")
    WITHDRAWN = "withdrawn", _("Withdrawn by the client")
    NOTE = "note", _("Note")
    CLARIFICATION = "clarification", _("Clarification requested")
    CLIENT_REPLY = "client_reply", _("The client replied")
    EXTENDED = "extended", _("Deadline extended")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested from the head")
    EXTENSION_DECLINED = "extension_declined", _("Extension request declined")
    REDATED = "redated", _("Dates re-counted on the changed calendar")
    FORWARDED = "forwarded", _("Forwarded to another body")
    FORWARD_REQUESTED = "forward_requested", _("Forwarding requested from the head")
    FORWARD_DECLINED = "forward_declined", _("Forwarding request declined")
    OTHER_BODY = "other_body", _("Documents requested from another body")
    OTHER_BODY_REPLY = "other_body_reply", _("Another body replied")
    DRAFTED = "drafted", _("Answer drafted")
    SUBMITTED = "submitted", _("Answer sent for approval")
    APPROVED = "approved", _("Answer approved")
    RETURNED = "returned", _("Answer returned for rework")
    ANSWER_REGISTERED = "answer_registered", _("Answer registered")
    DELIVERY = "delivery", _("Letter to the client")
    CLOSED = "closed", _("Closed")
    READ = "read", _("The client read the answer")
    RATED = "rated", _("The client rated the answer")
    LINKED = "linked", _("Linked to a related case")
    JOINED = "joined", _("Joined to the original case")
    DUPLICATE_JOINED = "duplicate_joined", _("A duplicate was joined to this case")
    SUPPLEMENT = "supplement", _("The client added information")


class CaseEvent(models.Model):
    """One step on the case timeline: who, when, what, why. Clients see only the steps
    marked `visible_to_client`."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=32, choices=EventKind.choices)
    from_status = models.CharField(
        _("status before"), max_length=16, choices=Status.choices, blank=True
    )
    to_status = models.CharField(
        _("status after"), max_length=16, choices=Status.choices, blank=True
    )
    message = models.TextField(_("details"), blank=True)
    reason = models.TextField(_("why"), blank=True)
    visible_to_client = models.BooleanField(_("visible to the client"), default=False)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["case", "at"], name="case_event_case_at"),
            # The pending requests to the head (cases.services.requests.pending_requests).
            models.Index(fields=["kind", "case"], name="case_event_kind_case"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def status_change(self) -> str:
        """The change of status the timeline shows beside the step, or "" when there is
        none: the same status before and after (a delivery), or a first status that
        only repeats the step's name (received)."""
        if not self.to_status or self.to_status == self.from_status:
            return ""
        if not self.from_status:
            after = self.get_to_status_display()
            return "" if str(after) == str(self.get_kind_display()) else str(after)
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


# --- part 2: answers, clarifications, forwarding, deliveries, ratings -------------------


class UnitCaseSettings(models.Model):
    """Per-unit rules of the desk: whether answers go to the head for approval (refusals
    always do, whatever this says)."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="case_settings"
    )
    answers_need_approval = models.BooleanField(
        _("answers need the head's approval"),
        default=True,
        help_text=_("Refusals always need approval."),
    )

    class Meta:
        verbose_name = _("unit settings of the cases desk")
        verbose_name_plural = _("unit settings of the cases desk")

    def __str__(self) -> str:
        return str(self.unit)


class AnswerKind(models.TextChoices):
    MERITS = "merits", _("On the merits")
    REFUSAL = "refusal", _("Refusal")
    LINK = "link", _("Link to a published answer")
    NO_ANSWER = "no_answer", _("Left without an answer")


class NoAnswerGround(models.TextChoices):
    """Lawful grounds to leave a written appeal without an answer (59-FZ art. 11)."""

    ANONYMOUS = "anonymous", _("No name or no address for the answer (art. 11 p. 1)")
    COURT = "court", _("The message appeals against a court decision (art. 11 p. 2)")
    OBSCENE = "obscene", _("Obscene or offensive language, threats (art. 11 p. 3)")
    UNREADABLE = "unreadable", _("The text cannot be read (art. 11 p. 4)")
    UNCLEAR = "unclear", _("The substance cannot be understood (art. 11 p. 4.1)")
    REPEATED = "repeated", _("Repeated, no new arguments (art. 11 p. 5)")
    SECRET = "secret", _("The answer would disclose a state or other secret (art. 11 p. 6)")


class AnswerStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVAL = "approval", _("Awaiting approval")
    RETURNED = "returned", _("Returned for rework")
    APPROVED = "approved", _("Approved")
    REGISTERED = "registered", _("Registered")


class Answer(models.Model):
    """The answer to a case: drafted, approved where needed, then registered with an
    outgoing number and delivered (see cases.delivery)."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="answer"
    )
    kind = models.CharField(
        _("kind of answer"), max_length=16, choices=AnswerKind.choices, default=AnswerKind.MERITS
    )
    body = models.TextField(_("answer text"), blank=True)  # sanitised HTML
    grounds = models.TextField(
        _("grounds of the refusal, in plain words"),
        blank=True,
        help_text=_("Explain why, in words the client understands without reading the acts."),
    )
    link_url = models.CharField(_("link to the published answer"), max_length=500, blank=True)
    no_answer_ground = models.CharField(
        _("ground for leaving without an answer"),
        max_length=16,
        choices=NoAnswerGround.choices,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AnswerStatus.choices, default=AnswerStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(_("head's comment"), blank=True)
    outgoing_number = models.CharField(
        _("outgoing number"), max_length=32, unique=True, null=True, blank=True
    )
    outgoing_date = models.DateField(_("outgoing date"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read by the client at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        # Reports count the answers registered in a period.
        indexes = [models.Index(fields=["registered_at"], name="answer_registered")]

    def __str__(self) -> str:
        return self.outgoing_number or f"{self.get_kind_display()} ({self.case_id})"

    @property
    def is_registered(self) -> bool:
        return self.status == AnswerStatus.REGISTERED


def answer_attachment_path(instance, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"answers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class AnswerAttachment(models.Model):
    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=answer_attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer attachment")
        verbose_name_plural = _("answer attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("cases:answer_attachment", args=[self.pk])


class AnswerRevision(models.Model):
    """The answer as it was each time it was sent for approval (or marked ready): what
    the head approves is compared with the version before it."""

    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind of answer"), max_length=16, choices=AnswerKind.choices)
    body = models.TextField(_("answer text"), blank=True)  # sanitised HTML
    grounds = models.TextField(_("grounds of the refusal, in plain words"), blank=True)
    link_url = models.CharField(_("link to the published answer"), max_length=500, blank=True)
    no_answer_ground = models.CharField(
        _("ground for leaving without an answer"),
        max_length=16,
        choices=NoAnswerGround.choices,
        blank=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("answer version")
        verbose_name_plural = _("answer versions")
        ordering = ["answer", "number"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "number"], name="answer_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.answer_id} v{self.number}"


class Clarification(models.Model):
    """A question the executor asks the client, and the client's reply."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="clarifications"
    )
    question = models.TextField(_("question to the client"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    status_before = models.CharField(_("status before"), max_length=16, blank=True)
    reply = models.TextField(_("the client's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return self.question[:60]


class Forwarding(models.Model):
    """A case sent to the competent body (59-FZ art. 8 p. 3): the client is notified
    within the forwarding term."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="forwarding"
    )
    body_name = models.CharField(_("body"), max_length=255)
    body_contacts = models.TextField(_("the body's contacts"))
    covering_letter = models.TextField(_("covering letter"))
    forwarded_at = models.DateTimeField(_("forwarded at"), default=timezone.now)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("forwarded by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    notice_due = models.DateField(_("notify the client by"))
    on_time = models.BooleanField(_("within the term"), default=True)

    class Meta:
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")

    def __str__(self) -> str:
        return self.body_name

    @property
    def days_late(self) -> int:
        """Days after the forwarding term (0 when on time)."""
        if self.on_time:
            return 0
        return max(0, (timezone.localdate(self.forwarded_at) - self.notice_due).days)

    def late_warning(self) -> str:
        """The warning shown when the forwarding came after its term ("" when on time)."""
        if self.on_time:
            return ""
        return ngettext(
            "Forwarded after the term (59-FZ art. 8 p. 3): late by %(days)d day, "
            "the client was to be notified by %(date)s.",
            "Forwarded after the term (59-FZ art. 8 p. 3): late by %(days)d days, "
            "the client was to be notified by %(date)s.",
            self.days_late,
        ) % {"days": self.days_late, "date": self.notice_due.strftime("%d.%m.%Y")}


class OtherBodyRequest(models.Model):
    """Documents requested from another body (59-FZ art. 10 p. 2: reply within 15 days)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="body_requests"
    )
    body_name = models.CharField(_("body"), max_length=255)
    what = models.TextField(_("documents requested"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    due_date = models.DateField(_("reply due"))
    answered_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    answer_note = models.TextField(_("what they replied"), blank=True)

    class Meta:
        verbose_name = _("request to another body")
        verbose_name_plural = _("requests to other bodies")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.body_name

    @property
    def is_overdue(self) -> bool:
        return self.answered_at is None and self.due_date < today_local()


class LetterKind(models.TextChoices):
    """The official letters of the desk (cases.letters, their templates in
    cases/templates/cases/letters/)."""

    ANSWER = "answer", _("Answer")
    NO_ANSWER = "no_answer", _("Notice: left without an answer")
    CLARIFICATION = "clarification", _("Clarification request")
    EXTENSION = "extension", _("Extension notice")
    DEADLINE = "deadline", _("Notice: the deadline moved with the calendar")
    FORWARDING = "forwarding", _("Forwarding notice")
    COVERING = "covering", _("Covering letter to the competent body")
    DOCUMENTS = "documents", _("Request for documents to another body")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of receipt")


class OutgoingLetter(models.Model):
    """An official letter as it was issued: its outgoing number and date (one counter
    for every outgoing letter of the year, cases.services.next_outgoing_number), whom it
    is to, and its text and HTML as rendered from the templates then, so that the letter
    printed or downloaded later is the one that was sent."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="letters"
    )
    kind = models.CharField(_("kind of letter"), max_length=16, choices=LetterKind.choices)
    number = models.CharField(
        _("outgoing number"), max_length=32, unique=True, null=True, blank=True
    )
    date = models.DateField(_("outgoing date"))
    addressee = models.CharField(_("addressee"), max_length=500, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("text"))
    html = models.TextField(_("letter"))
    answer = models.ForeignKey(
        Answer,
        verbose_name=_("answer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="letters",
    )
    body_request = models.OneToOneField(
        OtherBodyRequest,
        verbose_name=_("request to another body"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="letter",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("outgoing letter")
        verbose_name_plural = _("outgoing letters")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.number or '—'} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cases:letter_pdf", args=[self.case_id, self.pk])

    def get_client_url(self) -> str:
        return reverse("cases:client_letter_pdf", args=[self.case_id, self.pk])


class DeliveryPurpose(models.TextChoices):
    ANSWER = "answer", _("Answer")
    CLARIFICATION = "clarification", _("Clarification request")
    EXTENSION = "extension", _("Extension notice")
    DEADLINE = "deadline", _("Notice: the deadline moved with the calendar")
    FORWARDING = "forwarding", _("Forwarding notice")
    NO_ANSWER = "no_answer", _("Notice: left without an answer")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of receipt")


class DeliveryStatus(models.TextChoices):
    """Where a letter is on one channel. "sent" is an e-mail the mail server accepted
    (nobody knows whether it reached the mailbox); "handed over" is a letter placed in
    the portal, or one a person posted, handed over or told by phone, on the date they
    give. `Delivery.state` says it in words for each channel."""

    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent (accepted by the mail server)")
    FAILED = "failed", _("Not sent: error")
    DELIVERED = "delivered", _("Handed over")


DONE_DELIVERY_STATUSES = frozenset({DeliveryStatus.SENT, DeliveryStatus.DELIVERED})


class Delivery(models.Model):
    """One letter to the client on one channel. Created in the transaction that decides
    to write to the client (cases.delivery); its e-mail is sent by the outbox."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="deliveries"
    )
    answer = models.ForeignKey(
        Answer,
        verbose_name=_("answer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=DeliveryPurpose.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=ReplyChannel.choices)
    contact = models.CharField(_("contact"), max_length=255, blank=True)
    letter = models.ForeignKey(
        OutgoingLetter,
        verbose_name=_("letter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))  # plain text of the letter
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    # The e-mail channel's letter in the outbox (intranet.outbox), which sends it and
    # keeps its tries; the delivery follows its status (cases.delivery).
    outgoing = models.OneToOneField(
        "intranet.OutgoingMessage",
        verbose_name=_("e-mail"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    # The day the letter was posted, handed over or told, as the registrar gives it.
    handed_on = models.DateField(_("date sent or handed over"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "updated_at"], name="delivery_status")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} / {self.get_channel_display()}"

    @property
    def is_done(self) -> bool:
        return self.status in DONE_DELIVERY_STATUSES

    @property
    def needs_hands(self) -> bool:
        """Post, pickup and phone are delivered by a person."""
        return self.channel in {ReplyChannel.POST, ReplyChannel.PICKUP, ReplyChannel.PHONE}

    @property
    def attempts(self) -> int:
        """Tries to send the e-mail (since a person last sent it again)."""
        return self.outgoing.attempts if self.outgoing_id else 0

    @property
    def last_error(self) -> str:
        if self.outgoing_id and self.status == DeliveryStatus.FAILED:
            return self.outgoing.last_error
        return ""

    @property
    def state(self) -> str:
        """The state in words, as honest as what is known: an e-mail is "sent" when the
        mail server accepted it, a letter in the portal "read" once the client opened
        the answer, post and pickup on the date the registrar gave."""
        if self.status == DeliveryStatus.QUEUED:
            if self.needs_hands:
                return str(_("Waiting for the registrar"))
            return str(_("Queued"))
        if self.status == DeliveryStatus.FAILED:
            return str(_("Not sent: error"))
        if self.status == DeliveryStatus.SENT:
            return _("Sent (accepted by the mail server) %(date)s") % {"date": _day(self.sent_at)}
        if self.channel == ReplyChannel.PORTAL:
            read_at = self.answer.read_at if self.answer_id else None
            if read_at:
                return _("Read %(date)s") % {"date": _day(read_at)}
            return _("Placed in the portal %(date)s") % {"date": _day(self.delivered_at)}
        day = f"{self.handed_on:%d.%m.%Y}" if self.handed_on else _day(self.delivered_at)
        return HANDED_OVER[self.channel] % {"date": day}


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y}" if moment else ""


# What a person marked, by channel (an e-mail: sent by other means after a failure).
HANDED_OVER = {
    ReplyChannel.POST: _("Sent by post %(date)s"),
    ReplyChannel.PICKUP: _("Handed over in person %(date)s"),
    ReplyChannel.PHONE: _("Told by phone %(date)s"),
    ReplyChannel.EMAIL: _("Sent by other means %(date)s"),
    ReplyChannel.PORTAL: _("Placed in the portal %(date)s"),
}


class Rating(models.Model):
    """The client's rating of the answer (1–5) for the unit's reports."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="rating"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


class SavedFilter(models.Model):
    """A set of queue filters a member of staff saved under a name: the query string of
    the workspace (queue, filters, sort, page size), applied again by a link. Each
    person sees and deletes only their own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_case_filters",
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("query string"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved queue filter")
        verbose_name_plural = _("saved queue filters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_user_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        url = reverse("cases:workspace")
        return f"{url}?{self.query}" if self.query else url


class KnowledgeBaseOpening(models.Model):
    """A knowledge-base article the client opened from the suggestions of the question
    form, with the one-time token of the form's draft (`QuestionForm.submission_token`).
    A draft with an opening and no question sent under its token is a question the
    knowledge base answered (cases.suggestions, the heads' report)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    token = models.CharField(_("draft token"), max_length=100)
    page_id = models.PositiveIntegerField(_("article"))
    # The unit owning the article's section: the report's units count it.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        verbose_name = _("knowledge-base article opened from a draft")
        verbose_name_plural = _("knowledge-base articles opened from drafts")
        ordering = ["opened_at", "pk"]
        indexes = [
            models.Index(fields=["opened_at"], name="kb_opening_at"),
            models.Index(fields=["user", "token"], name="kb_opening_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.token} {self.page_id}"
