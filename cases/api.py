"""REST API of the cases desk (DRF, schema by drf-spectacular at /api/schema/).

The same rules as the UI: every query starts from ``Case.objects.visible_to(user)`` (a
case the user may not see is a 404), actions check ``cases.permissions`` and change
cases only through ``cases.services``; the queues and filters are ``cases.filters``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cases import limits, permissions, services, uploads
from cases.choices import Channel, ClientKind, Regime, ReplyChannel, Status
from cases.filters import QUEUE_KEYS, CaseFilter, apply_queue, apply_sort, default_queue
from cases.models import (
    Answer,
    AnswerAttachment,
    AnswerKind,
    AnswerStatus,
    Attachment,
    Case,
    CaseEvent,
    Delivery,
    ExternalClient,
    Forwarding,
    NoAnswerGround,
    Rating,
)
from cases.topics import Topic
from intranet.accounts.models import User
from intranet.models import Unit
from intranet.security import client_text
from intranet.workdays import get_calendar


class PersonSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "short_name", "name"]


class ExternalClientSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalClient
        fields = ["kind", "name", "postal_address", "email", "phone"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "url"]


class EventSerializer(serializers.ModelSerializer):
    """An entry of the full timeline (staff): `actor` is null for the system's own
    entries (deadline checks, deliveries)."""

    actor = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = [
            "at", "actor", "kind", "from_status", "to_status", "message", "reason",
            "visible_to_client",
        ]  # fmt: skip


# --- what each audience is given ------------------------------------------------------
#
# A case is serialised for one of two audiences, named by its `audience` field: "staff"
# (who handles the case: Case.objects.handled_by) get the workspace's view, "client"
# (who only sent it) get exactly what the portal's pages show them (my_questions.html,
# client_detail.html and the client's timeline), nothing of the internal triage (urgency,
# its reasons and comment, the regime, usernames, the full timeline). An action that
# takes the case out of the actor's view answers "out_of_view" (CaseOutOfViewSerializer).
# tests/cases/test_api_audience.py compares the client's API with the client's pages.

AUDIENCE_STAFF = "staff"
AUDIENCE_CLIENT = "client"
AUDIENCE_OUT_OF_VIEW = "out_of_view"


class _AudienceField(serializers.Field):
    """The constant that names the view a body gives (the schema's discriminator)."""

    audience = ""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return self.audience


@extend_schema_field({"type": "string", "enum": [AUDIENCE_STAFF]})
class StaffAudienceField(_AudienceField):
    audience = AUDIENCE_STAFF


@extend_schema_field({"type": "string", "enum": [AUDIENCE_CLIENT]})
class ClientAudienceField(_AudienceField):
    audience = AUDIENCE_CLIENT


@extend_schema_field({"type": "string", "enum": [AUDIENCE_OUT_OF_VIEW]})
class OutOfViewAudienceField(_AudienceField):
    audience = AUDIENCE_OUT_OF_VIEW


class CaseListSerializer(serializers.ModelSerializer):
    """A row of the workspace's queues (staff)."""

    audience = StaffAudienceField()
    client_name = serializers.CharField(read_only=True)
    unit = UnitSerializer(read_only=True, allow_null=True)
    executor = PersonSerializer(read_only=True, allow_null=True)
    deadline_state = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "audience", "id", "registration_number", "registered_at", "received_at",
            "channel", "regime", "subject", "topic", "status", "urgency", "client_name",
            "unit", "executor", "statutory_deadline", "target_deadline", "due_date",
            "deadline_state", "is_confidential",
        ]  # fmt: skip

    def get_deadline_state(self, case) -> str:
        context = self.context
        return str(case.deadline_state(context.get("today"), context.get("calendar")))


class AnswerAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = AnswerAttachment
        fields = ["id", "original_name", "content_type", "size", "url"]


class AnswerSerializer(serializers.ModelSerializer):
    attachments = AnswerAttachmentSerializer(many=True, read_only=True)
    version = serializers.SerializerMethodField(
        help_text="Send it back with the next change of the answer (optimistic concurrency)."
    )

    class Meta:
        model = Answer
        fields = [
            "kind", "status", "body", "grounds", "link_url", "no_answer_ground",
            "review_comment", "outgoing_number", "outgoing_date", "registered_at", "read_at",
            "attachments", "version",
        ]  # fmt: skip

    def get_version(self, answer) -> str:
        return services.answer_version(answer)


class DeliverySerializer(serializers.ModelSerializer):
    """A letter on one channel. `status` "sent" is an e-mail the mail server accepted
    (not known to have reached the mailbox); "delivered" a letter placed in the portal,
    or marked by a person as posted, handed over or told on `handed_on`. `state` says it
    in words («Отправлено (принято почтовым сервером) 05.12.2026», «Прочитано …»,
    «Вручено лично …»)."""

    state = serializers.CharField(read_only=True)
    attempts = serializers.IntegerField(read_only=True)
    last_error = serializers.CharField(read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id", "purpose", "channel", "contact", "status", "state", "attempts", "last_error",
            "sent_at", "delivered_at", "handed_on", "note", "created_at",
        ]  # fmt: skip


class ForwardingSerializer(serializers.ModelSerializer):
    """The forwarding of a case (staff): `on_time` false and `days_late` above 0 when it
    came after its term; `warning` says so in words ("" when on time)."""

    days_late = serializers.IntegerField(read_only=True)
    warning = serializers.SerializerMethodField()

    class Meta:
        model = Forwarding
        fields = ["body_name", "body_contacts", "forwarded_at", "notice_due", "on_time",
                  "days_late", "warning"]  # fmt: skip

    def get_warning(self, forwarding) -> str:
        return forwarding.late_warning()


class CaseDetailSerializer(CaseListSerializer):
    """A case with its full timeline, its answer at any stage and its forwarding, as the
    workspace's case page shows it (staff)."""

    external_client = ExternalClientSerializer(read_only=True, allow_null=True)
    co_executors = PersonSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    answer = serializers.SerializerMethodField()
    forwarding = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "text", "client_comments", "reply_channel", "reply_contact", "extra_reply_channel",
            "extra_reply_contact", "external_client", "co_executors", "attachments",
            "urgency_suggested", "urgency_reasons", "urgency_comment", "registration_deadline",
            "events", "extension_count", "answer", "forwarding",
        ]  # fmt: skip

    @extend_schema_field(ForwardingSerializer(allow_null=True))
    def get_forwarding(self, case):
        forwarding = Forwarding.objects.filter(case=case).first()
        return None if forwarding is None else ForwardingSerializer(forwarding).data

    @extend_schema_field(AnswerSerializer(allow_null=True))
    def get_answer(self, case):
        answer = Answer.objects.filter(case=case).prefetch_related("attachments").first()
        return None if answer is None else AnswerSerializer(answer).data


class ClientFileSerializer(serializers.Serializer):
    """A file as the client's page lists it: its name, linked."""

    original_name = serializers.CharField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)


class ClientUnitSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)


class ClientPersonSerializer(serializers.Serializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)


class ClientEventSerializer(serializers.ModelSerializer):
    """An entry of the client's timeline: when, what, and the words shown to them (no
    actor, no status codes, no internal reason)."""

    class Meta:
        model = CaseEvent
        fields = ["at", "kind", "message"]
        read_only_fields = fields


def _choice(choices, **kwargs):
    """A read-only choice of an output serializer: read_only_fields would drop the blank
    choice from its schema."""
    return serializers.ChoiceField(choices=choices, read_only=True, **kwargs)


class ClientAnswerSerializer(serializers.ModelSerializer):
    """The registered answer as the client reads it."""

    attachments = ClientFileSerializer(many=True, read_only=True)
    no_answer_ground = _choice(NoAnswerGround.choices, allow_blank=True)

    class Meta:
        model = Answer
        fields = [
            "outgoing_number", "outgoing_date", "body", "grounds", "link_url",
            "no_answer_ground", "attachments",
        ]  # fmt: skip
        read_only_fields = fields


class ClientRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["score", "comment"]
        read_only_fields = fields


class ClientCaseListSerializer(serializers.ModelSerializer):
    """A row of «Мои вопросы» (the client's own case)."""

    audience = ClientAudienceField()
    deadline_state = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "audience", "id", "registration_number", "subject", "received_at", "status",
            "due_date", "deadline_state",
        ]  # fmt: skip
        read_only_fields = fields

    def get_deadline_state(self, case) -> str:
        context = self.context
        return str(case.deadline_state(context.get("today"), context.get("calendar")))


class ClientCaseDetailSerializer(ClientCaseListSerializer):
    """The client's own case as their page shows it: who handles it (the unit's name and
    the executor's full name), the reply channels, their question, comments and files,
    the open clarification question, the registered answer, their rating and the steps
    of the timeline shown to them."""

    topic = _choice(Topic.choices, allow_blank=True)
    reply_channel = _choice(ReplyChannel.choices)
    extra_reply_channel = _choice(ReplyChannel.choices, allow_blank=True)
    unit = ClientUnitSerializer(read_only=True, allow_null=True)
    executor = serializers.SerializerMethodField()
    attachments = ClientFileSerializer(many=True, read_only=True)
    question = serializers.SerializerMethodField(
        help_text="The question the executor asked and the client has yet to reply to."
    )
    answer = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta(ClientCaseListSerializer.Meta):
        fields = ClientCaseListSerializer.Meta.fields + [
            "registered_at", "topic", "unit", "executor", "reply_channel", "reply_contact",
            "extra_reply_channel", "extra_reply_contact", "text", "client_comments",
            "attachments", "question", "answer", "rating", "events",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ClientPersonSerializer(allow_null=True))
    def get_executor(self, case):
        if case.unit_id is None or case.executor_id is None:
            return None
        return ClientPersonSerializer(case.executor).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_question(self, case):
        if case.status != Status.CLARIFICATION:
            return None
        open_question = case.clarifications.filter(replied_at__isnull=True).last()
        return None if open_question is None else open_question.question

    @extend_schema_field(ClientAnswerSerializer(allow_null=True))
    def get_answer(self, case):
        answer = (
            Answer.objects.filter(case=case, status=AnswerStatus.REGISTERED)
            .prefetch_related("attachments")
            .first()
        )
        return None if answer is None else ClientAnswerSerializer(answer).data

    @extend_schema_field(ClientRatingSerializer(allow_null=True))
    def get_rating(self, case):
        rating = Rating.objects.filter(case=case).first()
        return None if rating is None else ClientRatingSerializer(rating).data

    @extend_schema_field(ClientEventSerializer(many=True))
    def get_events(self, case):
        shown = [event for event in case.events.all() if event.visible_to_client]
        return ClientEventSerializer(shown, many=True).data


class CaseOutOfViewSerializer(serializers.Serializer):
    """The answer to an action that took the case out of the actor's own view (a
    registrar routing a confidential case to a unit, a head of a parent unit passing a
    confidential case down): the change is saved; the case is no longer shown to them."""

    audience = OutOfViewAudienceField()
    id = serializers.IntegerField(read_only=True)
    registration_number = serializers.CharField(read_only=True, allow_null=True)
    detail = serializers.CharField(read_only=True)


def out_of_view(case) -> dict:
    return {
        "id": case.pk,
        "registration_number": case.registration_number,
        "detail": permissions.left_view_message(case),
    }


class ClientTextField(serializers.CharField):
    """Text a client typed: neutralised by intranet.security.client_text before the
    field's checks (blank, min_length, max_length, no NUL), as intranet.forms.ClientTextField
    does in the portal; markup stays as typed."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str):
            data = client_text(data)
        return super().run_validation(data)


class SubmitSerializer(serializers.Serializer):
    """A client's question (portal)."""

    subject = ClientTextField(max_length=255)
    text = ClientTextField(min_length=10, validators=[limits.text_with_files])
    topic = serializers.ChoiceField(choices=Topic.choices, required=False, allow_blank=True)
    client_comments = ClientTextField(required=False, allow_blank=True, validators=[limits.comment])
    reply_channel = serializers.ChoiceField(choices=ReplyChannel.choices, default="portal")
    reply_contact = ClientTextField(required=False, allow_blank=True, max_length=255)
    extra_reply_channel = serializers.ChoiceField(
        choices=ReplyChannel.choices, required=False, allow_blank=True
    )
    extra_reply_contact = ClientTextField(required=False, allow_blank=True, max_length=255)
    is_confidential = serializers.BooleanField(default=False)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, write_only=True
    )

    def validate_attachments(self, files):
        if len(files) > uploads.max_count():
            raise ValidationError(
                _("At most %(count)d files can be attached.") % {"count": uploads.max_count()}
            )
        for upload in files:
            try:
                uploads.validate_upload(upload)
            except DjangoValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return files

    def validate(self, attrs):
        from cases.forms import _check_contact

        errors: dict = {}
        _check_contact(attrs.get("reply_channel", ""), attrs.get("reply_contact", ""),
                       "reply_contact", errors)  # fmt: skip
        if attrs.get("extra_reply_channel"):
            _check_contact(attrs["extra_reply_channel"], attrs.get("extra_reply_contact", ""),
                           "extra_reply_contact", errors)  # fmt: skip
        if errors:
            raise ValidationError({k: [str(v)] for k, v in errors.items()})
        return attrs


class ReceivedAtField(serializers.DateTimeField):
    """The date of receipt of a registered message, in the sane range of
    cases.services.check_received_at: checked as written before DRF converts it to the
    local time zone (0001-01-01T00:00+14:00 would overflow there), and again once aware."""

    def enforce_timezone(self, value):
        self._check(value)
        value = super().enforce_timezone(value)
        self._check(value)
        return value

    @staticmethod
    def _check(value):
        try:
            services.check_received_at(value)
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from exc


class RegisterSerializer(SubmitSerializer):
    """A message a registrar records from any channel."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    regime = serializers.ChoiceField(choices=Regime.choices, required=False, allow_null=True)
    received_at = ReceivedAtField(
        required=False,
        help_text="When the message reached the body (default: now); not before "
        "CASES_EARLIEST_RECEIVED (01.01.2000), not in the future.",
    )
    client = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    external_client = ExternalClientSerializer(required=False)
    reply_channel = serializers.ChoiceField(choices=ReplyChannel.choices, default="post")
    text = ClientTextField(validators=[limits.text_with_files])

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not attrs.get("client") and not (attrs.get("external_client") or {}).get("name"):
            raise ValidationError(
                {"client": [_("Name the client: an intranet user or an outside person.")]}
            )
        return attrs


class UrgencySerializer(serializers.Serializer):
    urgent = serializers.BooleanField()
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[limits.comment]
    )


class AssignSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.active())
    executor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    co_executors = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False, default=list
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[limits.comment]
    )


class WithdrawSerializer(serializers.Serializer):
    reason = ClientTextField(
        required=False, allow_blank=True, default="", validators=[limits.comment]
    )


class AnswerInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AnswerKind.choices)
    body = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[limits.text_with_files]
    )
    grounds = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[limits.text]
    )
    link_url = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    no_answer_ground = serializers.ChoiceField(
        choices=NoAnswerGround.choices, required=False, allow_blank=True, default=""
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, write_only=True
    )
    version = serializers.CharField(
        required=False,
        help_text="The `answer_version` the client read; a newer save by someone else "
        "is refused with 409 instead of being overwritten.",
    )
    submit = serializers.BooleanField(
        default=False, help_text="Also submit: to the head, or ready to register."
    )


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "return"])
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[limits.comment]
    )


class DeliveryActionSerializer(serializers.Serializer):
    delivery = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["retry", "delivered"])
    note = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[limits.comment]
    )
    on = serializers.DateField(
        required=False,
        default=None,
        allow_null=True,
        help_text="`delivered`: the day the letter was posted, handed over or told "
        "(default today; not in the future, not before the letter's date).",
    )


class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField(validators=[limits.comment])


class ReplySerializer(serializers.Serializer):
    text = ClientTextField(validators=[limits.text])


class ExtendSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(validators=[limits.comment])


class ForwardSerializer(serializers.Serializer):
    body_name = serializers.CharField(max_length=255)
    body_contacts = serializers.CharField(validators=[limits.comment])
    covering_letter = serializers.CharField(validators=[limits.text])


class DocumentsRequestSerializer(serializers.Serializer):
    body_name = serializers.CharField(max_length=255)
    what = serializers.CharField(validators=[limits.comment])


class RateSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = ClientTextField(
        required=False, allow_blank=True, default="", validators=[limits.comment]
    )


QUEUE_PARAMETER = OpenApiParameter(
    "queue",
    OpenApiTypes.STR,
    enum=sorted(QUEUE_KEYS),
    description="Workspace queue (staff); clients always get their own cases.",
)
SORT_PARAMETER = OpenApiParameter(
    "sort", OpenApiTypes.STR, enum=["due_date", "-due_date", "received_at", "-received_at"]
)

# --- the schema's answers -------------------------------------------------------------
#
# Each operation lists the statuses it can answer (drf-spectacular documents only the
# success by itself); schemathesis checks every answer against them in CI
# (tests/security/test_schemathesis.py).

CASE = PolymorphicProxySerializer(
    component_name="Case",
    serializers=[CaseDetailSerializer, ClientCaseDetailSerializer],
    resource_type_field_name="audience",
)
CASE_ROW = PolymorphicProxySerializer(
    component_name="CaseRow",
    serializers=[CaseListSerializer, ClientCaseListSerializer],
    resource_type_field_name="audience",
)
CASE_OR_OUT_OF_VIEW = PolymorphicProxySerializer(
    component_name="CaseAfterRouting",
    serializers=[CaseDetailSerializer, ClientCaseDetailSerializer, CaseOutOfViewSerializer],
    resource_type_field_name="audience",
)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True, help_text="What went wrong, in Russian.")


VALIDATION_ERRORS = {
    "type": "object",
    "description": "The errors in Russian: a list of messages per field (`non_field_errors` "
    "for the body as a whole; an object for a nested field), or `detail` for a body that "
    "could not be read.",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {}},
            {"type": "object"},
            {"type": "string"},
        ]
    },
}
ERRORS = {
    400: OpenApiResponse(VALIDATION_ERRORS, description="The query or the body is invalid."),
    403: OpenApiResponse(
        ErrorSerializer,
        description="Not signed in (or the CSRF token is missing), or the user's role may "
        "not do this to this case in its present state.",
    ),
    404: OpenApiResponse(
        ErrorSerializer,
        description="No such case among those the user may see (or no such page of a list).",
    ),
    409: OpenApiResponse(
        ErrorSerializer,
        description="Someone else saved the answer since the `version` sent was read: "
        "`detail` names them and the time; nothing was overwritten.",
    ),
    503: OpenApiResponse(
        ErrorSerializer,
        description="The database is unavailable: try again after the seconds of the "
        "`Retry-After` header. Nothing was half-written.",
    ),
}


def answers(success, *codes: int, status_code: int = 200) -> dict:
    """The responses of an operation: its success and the errors it can answer (503,
    the database unavailable, on every one)."""
    return {status_code: success, **{code: ERRORS[code] for code in (*codes, 503)}}


# The errors of an action on one case with a body: the body's checks, the role or the
# case's state, the case out of the user's view.
ACTION_ERRORS = (400, 403, 404)


class Conflict(APIException):
    status_code = 409
    default_detail = "Someone else changed this since you read it."
    default_code = "conflict"


class TooManySubmissions(APIException):
    """429 with Retry-After (DRF's handler sets the header from `wait`)."""

    status_code = 429
    default_code = "submission_limit"

    def __init__(self, detail, wait: int):
        super().__init__(detail)
        self.wait = wait


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any string up to 100 characters, new for each new question (a UUID). "
    "A retry with the same key and the same body returns the case created the first "
    "time (200) instead of creating another; the same key with another body is refused "
    "(409). Kept per user.",
)
SUBMIT_RESPONSES = {
    **answers(CASE, 400, 403, status_code=201),
    200: OpenApiResponse(
        CASE, description="A retry with an `Idempotency-Key` already used: the case it created."
    ),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The `Idempotency-Key` was used before with another body; nothing created.",
    ),
    429: OpenApiResponse(
        ErrorSerializer,
        description="The user sent CASES_SUBMISSIONS_PER_HOUR questions in the last hour: "
        "`detail` says when the next is accepted, the `Retry-After` header in how many "
        "seconds.",
    ),
}


def _call(func, *args, **kwargs):
    """Run a service and turn Django's exceptions into DRF's."""
    try:
        return func(*args, **kwargs)
    except Case.DoesNotExist as exc:
        raise NotFound from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc
    except services.EditConflict as exc:
        raise Conflict(exc.messages[0]) from exc
    except DjangoValidationError as exc:
        raise ValidationError(
            exc.message_dict
            if hasattr(exc, "error_dict")
            else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        ) from exc


def _is_own_case(user, case) -> bool:
    """Replying to a clarification and rating the answer are the client's own acts."""
    return user.is_authenticated and case.client_id == user.pk


@extend_schema_view(
    list=extend_schema(
        parameters=[QUEUE_PARAMETER, SORT_PARAMETER],
        summary="List cases",
        description="Each row is given to its audience: `staff` for the cases the user "
        "handles, `client` (the columns of «Мои вопросы») for the user's own questions.",
        responses=answers(CASE_ROW, 400, 403, 404),
    ),
    retrieve=extend_schema(
        summary="A case with its timeline",
        description="`staff` for who handles the case; `client` for who only sent it: "
        "what the portal's page of the question shows, no internal triage.",
        responses=answers(CASE, 403, 404),
    ),
    create=extend_schema(
        request=SubmitSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=SUBMIT_RESPONSES,
        summary="Ask a question",
    ),
)
class CaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Cases the signed-in user may see. Staff get the workspace queues and filters;
    a client without a staff role gets their own cases. Every case is serialised for
    its audience (the `audience` field): staff who handle it, or its client."""

    queryset = Case.objects.none()  # for the schema; get_queryset() decides
    filterset_class = CaseFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        user = self.request.user
        queryset = Case.objects.visible_to(user)
        if self.action == "list":
            if permissions.can_use_workspace(user):
                queue = self.request.query_params.get("queue") or default_queue(user)
                if queue in QUEUE_KEYS:
                    queryset = apply_queue(queryset, queue, user, calendar=self._calendar())
            else:
                queryset = queryset.filter(client=user)
            return apply_sort(queryset.for_list(), self.request.query_params.get("sort", ""))
        return queryset.for_list().prefetch_related(
            "co_executors",
            "attachments",
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        )

    def filter_queryset(self, queryset):
        """The filters are the list's; a case is looked up by its id alone."""
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def _calendar(self):
        if not hasattr(self, "_cal"):
            self._cal = get_calendar()
        return self._cal

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["today"] = timezone.localdate()
        context["calendar"] = self._calendar()
        return context

    def get_serializer_class(self):
        if self.action == "list":
            return CaseListSerializer
        if self.action == "create":
            return SubmitSerializer
        return CaseDetailSerializer

    def list(self, request, *args, **kwargs):
        cases = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        handled = set(
            Case.objects.handled_by(request.user)
            .filter(pk__in=[case.pk for case in cases])
            .values_list("pk", flat=True)
        )
        context = self.get_serializer_context()
        rows = [
            (CaseListSerializer if case.pk in handled else ClientCaseListSerializer)(
                case, context=context
            ).data
            for case in cases
        ]
        return self.get_paginated_response(rows)

    def _case_for(self, check):
        """The case of a detail action, refused with 403 before its body is validated
        when `check(user, case)` fails (a role that may see the case but not act on it
        learns that, not which fields it left out). The service checks again under its
        row lock."""
        case = self.get_object()
        if check is not None and not check(self.request.user, case):
            raise PermissionDenied
        return case

    def _detail(self, case, code=status.HTTP_200_OK):
        """The case for its audience after a read or an action, read again through the
        user's visibility; an action that took it out of their view (routing a
        confidential case) is a success all the same, answered "out_of_view". Its text
        reaches the user either way: a confidential case's read is recorded in the audit
        log (as the case page does) whichever endpoint answers with it."""
        if self.action != "retrieve":
            found = self.get_queryset().filter(pk=case.pk).first()
            if found is None:
                return Response(CaseOutOfViewSerializer(out_of_view(case)).data, status=code)
            case = found
        context = self.get_serializer_context()
        serializer = (
            CaseDetailSerializer
            if permissions.can_handle(self.request.user, case)
            else ClientCaseDetailSerializer
        )
        data = serializer(case, context=context).data
        if case.is_confidential:
            from intranet import audit

            audit.record_confidential_read(self.request, case, via=f"api:{self.action}")
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def create(self, request, *args, **kwargs):
        if not permissions.can_submit(request.user):
            raise PermissionDenied
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        files = data.pop("attachments", [])
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 100:
            raise ValidationError(
                {
                    "Idempotency-Key": [
                        _("The Idempotency-Key header is longer than 100 characters.")
                    ]
                }
            )
        try:
            case, created = _call(
                services.submit_once, request.user, submission_key=key, uploads=files, **data
            )
        except ValidationError as exc:
            # _call turned the service's own refusals into a 400: give them their codes.
            cause = exc.__cause__
            if isinstance(cause, services.SubmissionLimitReached):
                raise TooManySubmissions(cause.messages[0], cause.retry_after) from cause
            if isinstance(cause, services.SubmissionKeyReused):
                raise Conflict(cause.messages[0]) from cause
            raise
        return self._detail(case, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        request=RegisterSerializer,
        responses=answers(CASE, 400, 403, status_code=201),
    )
    @action(detail=False, methods=["post"])
    def register(self, request):
        """Register a message received through any channel (registrars)."""
        if not permissions.can_register(request.user):
            raise PermissionDenied
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        files = data.pop("attachments", [])
        external = data.pop("external_client", None)
        if external:
            external.setdefault("kind", ClientKind.PERSON)
        case = _call(
            services.register_message,
            request.user,
            uploads=files,
            external=external if not data.get("client") else None,
            **data,
        )
        return self._detail(case, status.HTTP_201_CREATED)

    @extend_schema(request=UrgencySerializer, responses=answers(CASE, *ACTION_ERRORS))
    @action(detail=True, methods=["post"])
    def urgency(self, request, pk=None):
        """Confirm or override the urgency suggestion (registrars, heads)."""
        case = self._case_for(permissions.can_decide_urgency)
        serializer = UrgencySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = _call(services.decide_urgency, case, request.user, **serializer.validated_data)
        return self._detail(case)

    @extend_schema(
        request=AssignSerializer,
        responses=answers(CASE_OR_OUT_OF_VIEW, *ACTION_ERRORS),
        description="Assign a case whose urgency is decided; an assigned case is "
        "reassigned, and then a reason is required (registrars, heads of the case's "
        "unit). Routing a confidential case can take it out of the user's own view (a "
        "registrar's, a parent unit's head's): the assignment is saved all the same and "
        "the answer is 200 with `audience` `out_of_view` and a `detail` saying so.",
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign or reassign the case (registrars, heads of the case's unit)."""
        case = self._case_for(permissions.can_assign)
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = services.reassign if case.status == "assigned" else services.assign
        case = _call(service, case, request.user, **serializer.validated_data)
        return self._detail(case)

    @extend_schema(request=WithdrawSerializer, responses=answers(CASE, *ACTION_ERRORS))
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The client withdraws their own question."""
        case = self._case_for(permissions.can_withdraw)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = _call(services.withdraw, case, request.user, **serializer.validated_data)
        return self._detail(case)

    # --- part 2 ------------------------------------------------------------------------

    def _run(self, request, serializer_class, service, check=None, **extra):
        case = self._case_for(check)
        data = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
        _call(service, case, request.user, **data, **extra)
        return self._detail(case)

    @extend_schema(request=AnswerInputSerializer, responses=answers(CASE, *ACTION_ERRORS, 409))
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Draft or redraft the answer (executor, co-executors, head); `submit` sends it
        on: to the head for approval, or ready to register."""
        from cases.forms import text_to_html

        case = self._case_for(permissions.can_work_on)
        serializer = AnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        submit = data.pop("submit")
        files = data.pop("attachments", [])
        data["body"] = text_to_html(data["body"])
        _call(services.save_answer, case, request.user, uploads=files, **data)
        if submit:
            _call(services.submit_answer, case, request.user)
        return self._detail(case)

    @extend_schema(request=ReviewSerializer, responses=answers(CASE, *ACTION_ERRORS))
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The head approves the answer or returns it with a comment."""
        case = self._case_for(permissions.can_approve)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        service = (
            services.approve_answer if data["decision"] == "approve" else services.return_answer
        )
        _call(service, case, request.user, comment=data["comment"])
        return self._detail(case)

    @extend_schema(request=None, responses=answers(CASE, *ACTION_ERRORS))
    @action(detail=True, methods=["post"], url_path="register-answer")
    def register_answer(self, request, pk=None):
        """Give the answer its outgoing number; delivery starts once it is stored."""
        return self._run(request, None, services.register_answer, permissions.can_register_answer)

    @extend_schema(responses=answers(DeliverySerializer(many=True), 403, 404))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def deliveries(self, request, pk=None):
        """The letters to the client and their delivery state (staff): all of them, in
        one list (a case has a few)."""
        case = self.get_object()
        if not permissions.can_handle(request.user, case):
            raise PermissionDenied
        items = case.deliveries.select_related("outgoing", "answer")
        return Response(DeliverySerializer(items, many=True).data)

    @extend_schema(
        request=DeliveryActionSerializer,
        responses=answers(DeliverySerializer, *ACTION_ERRORS),
    )
    @action(detail=True, methods=["post"], url_path="deliveries/act")
    def delivery_act(self, request, pk=None):
        """Retry a failed e-mail, or mark a letter posted, handed over, told by phone or
        sent by other means, on a day (`on`, default today)."""
        from cases import delivery

        case = self.get_object()
        if not permissions.can_manage_delivery(request.user, case):
            raise PermissionDenied
        serializer = DeliveryActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = case.deliveries.filter(pk=data["delivery"]).first()
        if item is None:
            raise NotFound
        if data["action"] == "retry":
            item = delivery.retry(item, request.user)
        else:
            item = _call(delivery.mark_delivered, item, request.user, data["note"], on=data["on"])
        return Response(DeliverySerializer(item).data)

    @extend_schema(request=QuestionSerializer, responses=answers(CASE, *ACTION_ERRORS))
    @action(detail=True, methods=["post"])
    def clarify(self, request, pk=None):
        """Ask the client a question (portal and the client's channel)."""
        return self._run(
            request, QuestionSerializer, services.ask_clarification, permissions.can_work_on
        )

    @extend_schema(request=ReplySerializer, responses=answers(CASE, *ACTION_ERRORS))
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """The client replies to the question."""
        return self._run(request, ReplySerializer, services.reply_to_clarification, _is_own_case)

    @extend_schema(request=ExtendSerializer, responses=answers(CASE, *ACTION_ERRORS))
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """The head extends the running deadline once, by at most 30 days (15 under 8-FZ),
        with a reason; refused once the statutory date has passed, and under 8-FZ once
        the 7 days of registration for the delay notice have passed."""
        return self._run(request, ExtendSerializer, services.extend, permissions.can_extend)

    @extend_schema(request=ForwardSerializer, responses=answers(CASE, *ACTION_ERRORS))
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        """Forward the message to the competent body; the client is notified."""
        return self._run(request, ForwardSerializer, services.forward, permissions.can_forward)

    @extend_schema(request=DocumentsRequestSerializer, responses=answers(CASE, *ACTION_ERRORS))
    @action(detail=True, methods=["post"], url_path="request-documents")
    def request_documents(self, request, pk=None):
        """Record a request for documents to another body (reply due in 15 days)."""
        return self._run(
            request, DocumentsRequestSerializer, services.request_documents,
            permissions.can_work_on,
        )  # fmt: skip

    @extend_schema(request=RateSerializer, responses=answers(CASE, *ACTION_ERRORS))
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """The client rates the answer 1–5 with a comment."""
        return self._run(request, RateSerializer, services.rate_answer, _is_own_case)
