from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import limits, permissions, richtext, uploads
from cases.choices import Channel, ClientKind, Regime, ReplyChannel
from cases.client_search import resolve
from cases.delivery import check_handed_on
from cases.models import AnswerKind, NoAnswerGround
from cases.topics import Topic
from intranet import roles
from intranet.accounts.models import User
from intranet.forms import ClientTextField, DateField, DateTimeField
from intranet.models import Unit
from intranet.security import sanitize_html

# The largest key a database row can have (a signed 64-bit integer). A larger number
# typed into a choice would reach the database, where SQLite refuses it with an
# OverflowError (a 500) that Django's choice fields do not catch.
LARGEST_KEY = 2**63 - 1


def _out_of_range(value) -> bool:
    try:
        return abs(int(str(value).strip())) > LARGEST_KEY
    except (TypeError, ValueError):
        return False  # not a number: the field's own check refuses it


class RecordChoiceField(forms.ModelChoiceField):
    """A choice of one record whose key is checked before it reaches the database."""

    def to_python(self, value):
        if value not in self.empty_values and _out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of records whose keys are checked before they reach the database."""

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item not in self.empty_values and _out_of_range(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super().clean(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned, errors = [], []
        for item in items:
            item = super().clean(item, initial)
            try:
                uploads.validate_upload(item)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            cleaned.append(item)
        if errors:
            raise ValidationError(errors)
        return cleaned


# Reply channels that need a contact, and what the contact is.
CONTACT_NEEDED = {
    ReplyChannel.EMAIL: _("an e-mail address"),
    ReplyChannel.POST: _("a postal address"),
    ReplyChannel.PHONE: _("a phone number"),
}


def _check_contact(channel: str, contact: str, field: str, errors: dict) -> None:
    if channel in CONTACT_NEEDED and not contact.strip():
        errors[field] = _("Give %(what)s for this channel.") % {"what": CONTACT_NEEDED[channel]}
    elif channel == ReplyChannel.EMAIL:
        try:
            validate_email(contact.strip())
        except ValidationError:
            errors[field] = _("Enter a valid e-mail address.")


class ReplyChannelsMixin:
    def clean_reply_channels(self, cleaned):
        errors: dict = {}
        _check_contact(
            cleaned.get("reply_channel", ""),
            cleaned.get("reply_contact", ""),
            "reply_contact",
            errors,
        )
        extra = cleaned.get("extra_reply_channel", "")
        if extra:
            if extra == cleaned.get("reply_channel"):
                errors["extra_reply_channel"] = _(
                    "The additional channel must differ from the main one."
                )
            else:
                _check_contact(
                    extra, cleaned.get("extra_reply_contact", ""), "extra_reply_contact", errors
                )
        for field, message in errors.items():
            self.add_error(field, message)


class QuestionForm(ReplyChannelsMixin, forms.Form):
    """The client's question (portal). Files that passed the checks are kept on the
    server when another field fails, and offered again (see ``keep_uploads``)."""

    subject = ClientTextField(label=_("Subject"), max_length=255)
    text = ClientTextField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 10}),
        min_length=10,
        validators=[limits.text_with_files],
        help_text=_("Describe the situation and what you need to know."),
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("Not sure"))] + list(Topic.choices), required=False
    )
    client_comments = ClientTextField(
        label=_("Comments"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        validators=[limits.comment],
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("Photos, copies of documents; up to %(count)d files.")
        % {"count": uploads.max_count()},
    )
    reply_channel = forms.ChoiceField(
        label=_("How should we answer?"), choices=ReplyChannel.choices, initial=ReplyChannel.PORTAL
    )
    reply_contact = ClientTextField(
        label=_("Contact for the answer"),
        max_length=255,
        required=False,
        help_text=_("E-mail, postal address or phone, as the channel needs."),
    )
    extra_reply_channel = forms.ChoiceField(
        label=_("Additional channel (optional)"),
        choices=[("", "—")] + list(ReplyChannel.choices),
        required=False,
        help_text=_("The answer is duplicated there."),
    )
    extra_reply_contact = ClientTextField(
        label=_("Contact for the additional channel"), max_length=255, required=False
    )
    is_confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        help_text=_("Only the executors and the head of the unit will see the question."),
    )
    # A one-time token, new each time the empty form is shown: sending the same form
    # twice (back and resubmit, a double click) finds the case it created.
    submission_token = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=100, initial=""
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submission_token"] = new_submission_token()
        self.user = user
        self.kept = uploads.kept_for(user, self.data.getlist("kept_attachments")) if (
            self.is_bound and hasattr(self.data, "getlist")
        ) else []  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        self.clean_reply_channels(cleaned)
        total = len(self.kept) + len(cleaned.get("attachments") or [])
        if total > uploads.max_count():
            self.add_error(
                "attachments",
                _("At most %(count)d files can be attached.") % {"count": uploads.max_count()},
            )
        return cleaned

    def keep_uploads(self) -> list:
        """Store the acceptable files of a failed submission; returns every kept file."""
        stored = []
        for upload in self.files.getlist("attachments") if self.files else []:
            try:
                stored.append(uploads.store(upload, self.user))
            except ValidationError:
                continue
        self.kept = list(self.kept) + stored
        return self.kept


def new_submission_token() -> str:
    return uuid.uuid4().hex


class ClientInput(forms.TextInput):
    """The text box of the client's autocomplete (cases/static/cases/client_lookup.js
    turns it into a combobox with a list; without scripts it is a plain text box)."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "data-client-lookup": "",
                **(attrs or {}),
            }
        )


class ClientField(forms.CharField):
    """An intranet user chosen by the registrar: the key the autocomplete puts, or a
    login or e-mail typed (cases.client_search.resolve)."""

    widget = ClientInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, User):
            return value.username
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        people = resolve(value)
        if not people:
            raise ValidationError(
                _("No active user with this login or e-mail: choose the person from the list."),
                code="unknown",
            )
        if len(people) > 1:
            raise ValidationError(
                _("Several users have this e-mail: type the login."), code="ambiguous"
            )
        return people[0]


class RegisterForm(ReplyChannelsMixin, forms.Form):
    """A registrar records a message received through any channel."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.POST)
    regime = forms.ChoiceField(
        label=_("Regime"),
        choices=[("", _("The channel's default"))] + list(Regime.choices),
        required=False,
        help_text=_(
            "Since 30.03.2025 a plain e-mail is not an appeal under 59-FZ: by default it is "
            "an internal request. Change the regime if the message requires it."
        ),
    )
    received_at = DateTimeField(label=_("Received at"))
    client = ClientField(
        label=_("Client: an intranet user"),
        required=False,
        help_text=_(
            "Type the surname, login or e-mail and choose the person from the list; "
            "without the list, type the login or the e-mail exactly."
        ),
    )
    external_kind = forms.ChoiceField(
        label=_("Or an outside client"), choices=ClientKind.choices, required=False
    )
    external_name = ClientTextField(
        label=_("Full name or organisation"), max_length=255, required=False
    )
    external_postal_address = ClientTextField(
        label=_("Postal address"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[limits.comment],
    )
    external_email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    external_phone = ClientTextField(label=_("Phone"), max_length=50, required=False)
    subject = ClientTextField(label=_("Subject"), max_length=255)
    text = ClientTextField(
        label=_("Text of the message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[limits.text_with_files],
    )
    client_comments = ClientTextField(
        label=_("Client's comments"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[limits.comment],
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", "—")] + list(Topic.choices), required=False
    )
    attachments = MultipleFileField(label=_("Attachments (scans, photos)"))
    reply_channel = forms.ChoiceField(
        label=_("Reply channel"), choices=ReplyChannel.choices, initial=ReplyChannel.POST
    )
    reply_contact = ClientTextField(
        label=_("Contact for the answer"), max_length=255, required=False
    )
    extra_reply_channel = forms.ChoiceField(
        label=_("Additional channel"),
        choices=[("", "—")] + list(ReplyChannel.choices),
        required=False,
    )
    extra_reply_contact = ClientTextField(
        label=_("Contact for the additional channel"), max_length=255, required=False
    )
    is_confidential = forms.BooleanField(label=_("Confidential"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["client"].widget.attrs.update(
            {
                "data-lookup-url": reverse("cases:client_lookup"),
                "data-list-label": _("People found"),
                "data-found-label": _("People found: %s"),
            }
        )

    def clean_received_at(self):
        from cases.services import check_received_at

        value = self.cleaned_data["received_at"]
        check_received_at(value)
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("client") and not (cleaned.get("external_name") or "").strip():
            self.add_error(
                "external_name", _("Choose an intranet user or give the outside client's name.")
            )
        self.clean_reply_channels(cleaned)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        external = None
        if not data.get("client"):
            external = {
                "kind": data.get("external_kind") or ClientKind.PERSON,
                "name": data["external_name"],
                "postal_address": data.get("external_postal_address", ""),
                "email": data.get("external_email", ""),
                "phone": data.get("external_phone", ""),
            }
        return {
            "channel": data["channel"],
            "regime": data.get("regime") or None,
            "received_at": data["received_at"],
            "client": data.get("client"),
            "external": external,
            "subject": data["subject"],
            "text": data["text"],
            "client_comments": data.get("client_comments", ""),
            "topic": data.get("topic", ""),
            "reply_channel": data["reply_channel"],
            "reply_contact": data.get("reply_contact", ""),
            "extra_reply_channel": data.get("extra_reply_channel", ""),
            "extra_reply_contact": data.get("extra_reply_contact", ""),
            "is_confidential": data.get("is_confidential", False),
            "uploads": data.get("attachments") or [],
        }


class UrgencyForm(forms.Form):
    urgent = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Urgent")), ("0", _("Not urgent"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[limits.comment],
    )


def executors_queryset():
    return (
        User.objects.filter(is_active=True, groups__name__in=[roles.EXECUTORS, roles.HEADS])
        .select_related("profile__unit")
        .distinct()
        .order_by("last_name", "first_name")
    )


class PersonChoiceField(RecordChoiceField):
    def label_from_instance(self, obj):
        unit = getattr(getattr(obj, "profile", None), "unit", None)
        return f"{obj.get_full_name()} ({unit.short_name})" if unit else obj.get_full_name()


class PeopleChoiceField(RecordsChoiceField):
    def label_from_instance(self, obj):
        return PersonChoiceField.label_from_instance(self, obj)


class AssignForm(forms.Form):
    unit = RecordChoiceField(label=_("Unit"), queryset=Unit.objects.active())
    executor = PersonChoiceField(label=_("Executor"), queryset=User.objects.none(), required=False)
    co_executors = PeopleChoiceField(
        label=_("Co-executors"), queryset=User.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[limits.comment],
        help_text=_("Required when reassigning."),
    )

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = permissions.assignable_unit_ids(user) if user else None
        if allowed is not None:
            self.fields["unit"].queryset = Unit.objects.active().filter(pk__in=allowed)
        self.fields["executor"].queryset = executors_queryset()
        self.fields["co_executors"].queryset = executors_queryset()
        self.reassigning = case is not None and case.status == "assigned"
        if self.reassigning:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("Why the case changes hands.")


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Name of the filter"), max_length=100)


class KeysField(forms.Field):
    """Record keys ticked in a list (checkboxes of one name). Whether the user may see
    each record is checked where they are used; what is not a key is refused here."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        keys = []
        for item in values:
            try:
                key = int(item)
            except (TypeError, ValueError):
                raise ValidationError(_("Tick the cases in the list."), code="invalid") from None
            if not 0 < key < 2**31:
                raise ValidationError(_("Tick the cases in the list."), code="invalid")
            keys.append(key)
        return keys


class BulkAssignForm(forms.Form):
    """The queue's action bar: route the ticked cases, or add co-executors to them."""

    ASSIGN = "assign"
    CO_ASSIGN = "co_assign"

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (ASSIGN, _("Assign to a unit and an executor")),
            (CO_ASSIGN, _("Add co-executors")),
        ],
        initial=ASSIGN,
        widget=forms.RadioSelect,
    )
    case = KeysField(label=_("Cases"), error_messages={"required": _("Tick the cases.")})
    unit = RecordChoiceField(label=_("Unit"), queryset=Unit.objects.active(), required=False)
    executor = PersonChoiceField(label=_("Executor"), queryset=User.objects.none(), required=False)
    co_executors = PeopleChoiceField(
        label=_("Co-executors"), queryset=User.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[limits.comment],
        help_text=_("Required when a case changes hands or gets co-executors."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = permissions.assignable_unit_ids(user) if user else None
        if allowed is not None:
            self.fields["unit"].queryset = Unit.objects.active().filter(pk__in=allowed)
        self.fields["executor"].queryset = executors_queryset()
        self.fields["co_executors"].queryset = executors_queryset()

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == self.ASSIGN and not cleaned.get("unit"):
            self.add_error("unit", _("Choose the unit."))
        if action == self.CO_ASSIGN:
            if not cleaned.get("co_executors"):
                self.add_error("co_executors", _("Choose the co-executors."))
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", _("Give the reason."))
        return cleaned


# --- part 2 ------------------------------------------------------------------------------


class MultipleSafeFileField(forms.FileField):
    """Several files, each checked by its content (intranet.uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        from intranet.uploads import validate_upload

        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned, errors = [], []
        for item in items:
            item = super().clean(item, initial)
            try:
                validate_upload(item)
            except ValidationError as exc:
                errors.extend(f"{item.name}: {m}" for m in exc.messages)
                continue
            cleaned.append(item)
        if errors:
            raise ValidationError(errors)
        return cleaned


# The kind of answer each kind-specific field belongs to (the page shows only the fields
# of the kind chosen; a field of another kind is not saved).
KIND_FIELDS = {
    "grounds": AnswerKind.REFUSAL,
    "link_url": AnswerKind.LINK,
    "no_answer_ground": AnswerKind.NO_ANSWER,
}
# How the answer's text is posted: "html" from the editor (JavaScript), "text" from the
# plain textarea (no JavaScript). A post without it (older forms, scripts) is read as
# before: HTML when it holds tags, text otherwise.
BODY_FORMATS = [("text", "text"), ("html", "html")]


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=AnswerKind.choices)
    body = forms.CharField(
        label=_("Answer text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "answer-body"}),
        validators=[limits.text_with_files],
        help_text=_("A blank line starts a new paragraph; lines that start with «•», «-» or "
                    "«1.» become a list."),
    )  # fmt: skip
    body_format = forms.ChoiceField(
        choices=BODY_FORMATS, required=False, initial="text", widget=forms.HiddenInput
    )
    grounds = forms.CharField(
        label=_("Grounds of the refusal, in plain words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[limits.text],
        help_text=_("Why the request is refused, so that the client understands it without "
                    "reading the acts. References to acts may follow in brackets."),
    )  # fmt: skip
    link_url = forms.CharField(
        label=_("Address of the published answer"), required=False, max_length=500
    )
    no_answer_ground = forms.ChoiceField(
        label=_("Ground for leaving without an answer"),
        choices=[("", "—"), *NoAnswerGround.choices],
        required=False,
    )
    attachments = MultipleSafeFileField(label=_("Attach files"))
    # The version of the answer the form was opened at (services.answer_version).
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kind: str = "", **kwargs):
        """Unbound, `initial["body"]` is the stored HTML: the editor starts from it, the
        plain textarea shows it as text. Bound, the posted text is cleaned at once and
        then shown the same way, so the textarea never holds markup. `kind` is the kind
        to show the fields of when the form does not say (the page's ?kind=)."""
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial = dict(self.initial)
            self.editor_html = sanitize_html(self.initial.get("body", ""))
            self.initial["body"] = richtext.html_to_text(self.editor_html)
            self.initial["body_format"] = "text"
            if kind in AnswerKind.values:
                self.initial["kind"] = kind
            return
        self.editor_html = self._posted_html()
        self.full_clean()
        # Shown again (an error, a preview): as text in the textarea, HTML in the editor.
        self.data = self.data.copy()
        self.data["body"] = richtext.html_to_text(self.editor_html)
        self.data["body_format"] = "text"

    def _posted_html(self) -> str:
        body = self.data.get(self.add_prefix("body"), "")
        posted = self.data.get(self.add_prefix("body_format"))
        if posted == "html":
            return sanitize_html(body)
        if posted == "text":
            return richtext.text_to_html(body)
        return sanitize_html(text_to_html(body))

    @property
    def shown_kind(self) -> str:
        """The kind whose fields the page shows."""
        if self.is_bound:
            kind = self.data.get(self.add_prefix("kind"))
            if kind in AnswerKind.values:
                return kind
        return self.initial.get("kind") or AnswerKind.MERITS

    def clean(self):
        cleaned = super().clean()
        cleaned["body"] = self.editor_html
        kind = cleaned.get("kind")
        for name, owner in KIND_FIELDS.items():
            if kind and kind != owner and name in cleaned:
                cleaned[name] = ""
        return cleaned


def text_to_html(text: str) -> str:
    """A body posted without its format (the API, older forms): kept as HTML when it
    holds tags (sanitised later), otherwise typed text as paragraphs."""
    import re

    text = (text or "").strip()
    if not text or re.search(r"<(p|br|ul|ol|strong|em|a|h[2-4]|table)\b", text, re.I):
        return text
    return richtext.text_to_html(text)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[limits.comment],
    )


class ClarificationForm(forms.Form):
    question = forms.CharField(
        label=_("Question to the client"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[limits.comment],
    )


class SupplementForm(forms.Form):
    """The client adds information and/or files to an open question."""

    text = ClientTextField(
        label=_("What you want to add"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        validators=[limits.text_with_files],
    )
    attachments = MultipleFileField(
        label=_("Files"),
        help_text=_("Photos, copies of documents; up to %(count)d files.")
        % {"count": uploads.max_count()},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_supplement_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        files = cleaned.get("attachments") or []
        if not cleaned.get("text") and not files:
            self.add_error("text", _("Write what you want to add, or attach a file."))
        if len(files) > uploads.max_count():
            self.add_error(
                "attachments",
                _("At most %(count)d files can be attached.") % {"count": uploads.max_count()},
            )
        return cleaned


class ReplyForm(forms.Form):
    text = ClientTextField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), validators=[limits.text]
    )


class OwnIdsMixin:
    """Element ids of a form that shares a page with others that have fields of the same
    name (the case page has «reason» in assigning and extending, «body_name» in forwarding
    and in requesting documents): `id_<ids>_<field>`, so each label points at its own
    field. Field names, and so what is posted, do not change."""

    ids = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.ids}_%s")
        super().__init__(*args, **kwargs)


class ExtendForm(OwnIdsMixin, forms.Form):
    ids = "extend"
    days = forms.IntegerField(label=_("Extend by, days"), min_value=1, max_value=30, initial=30)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), validators=[limits.comment]
    )


class ExtensionRequestForm(OwnIdsMixin, forms.Form):
    """The executor asks the head of the unit for more time: the new deadline proposed
    (checked against the law by the service) and why."""

    ids = "extension_request"
    until = DateField(label=_("Proposed new deadline"))
    reason = forms.CharField(
        label=_("Why more time is needed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[limits.comment],
        error_messages={"required": _("Give the reason for the extension.")},
    )


class DecisionForm(forms.Form):
    """The head's decision on an executor's request, from the approvals queue."""

    reason = ClientTextField(
        label=_("Reason of the decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[limits.comment],
        error_messages={"required": _("Give the reason for your decision.")},
    )

    def __init__(self, *args, request_event, **kwargs):
        kwargs.setdefault("prefix", f"request-{request_event.pk}")
        super().__init__(*args, **kwargs)


class NoteForm(OwnIdsMixin, forms.Form):
    """An internal note on the case, for the staff only; @login or @Surname mentions a
    colleague who may open the case."""

    ids = "note"
    text = forms.CharField(
        label=_("Internal note"),
        help_text=_(
            "Seen only by the staff, never by the client. To mention a colleague who may "
            "open the case, write @ and their surname or login, e.g. @Иванов."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[limits.comment],
        error_messages={"required": _("Write the note.")},
    )


class DeclineExtensionForm(OwnIdsMixin, forms.Form):
    """The head declines an executor's request for more time, saying why."""

    ids = "decline"
    comment = forms.CharField(
        label=_("Why the request is declined"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[limits.comment],
    )


class ForwardForm(OwnIdsMixin, forms.Form):
    ids = "forward"
    body_name = forms.CharField(label=_("Competent body"), max_length=255)
    body_contacts = forms.CharField(
        label=_("Its contacts"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[limits.comment],
    )
    covering_letter = forms.CharField(
        label=_("Covering letter"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[limits.text],
    )


class ForwardRequestForm(ForwardForm):
    """The executor asks the head to forward the case to another body: the body, its
    contacts and the covering letter as they will be sent (the forwarding form's
    fields), and why."""

    ids = "forward_request"
    reason = forms.CharField(
        label=_("Why the case is outside our competence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[limits.comment],
    )


class BodyRequestForm(OwnIdsMixin, forms.Form):
    ids = "request"
    body_name = forms.CharField(label=_("Body"), max_length=255)
    what = forms.CharField(
        label=_("Documents requested"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[limits.comment],
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = ClientTextField(
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[limits.comment],
    )


class DeliveryMarkForm(forms.Form):
    """A registrar marks a letter as posted, handed over in person, told by phone, or an
    e-mail that failed as sent by other means, with the day it happened (today unless
    said otherwise; never in the future, never before the letter's date)."""

    on = DateField(label=_("Date"))
    note = ClientTextField(
        label=_("Note"),
        required=False,
        validators=[limits.comment],
        widget=forms.TextInput(attrs={"placeholder": _("how it was sent or handed over")}),
    )

    def __init__(self, *args, delivery, **kwargs):
        kwargs.setdefault("prefix", f"delivery-{delivery.pk}")
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.delivery = delivery

    def clean_on(self):
        on = self.cleaned_data["on"]
        try:
            check_handed_on(self.delivery, on)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["on"]) from None
        return on


class LinkForm(OwnIdsMixin, forms.Form):
    """Link the case to a related one, or join it as a duplicate to its original."""

    ids = "link"
    RELATED, JOIN = "related", "join"

    other = forms.CharField(
        label=_("Number of the other case"),
        max_length=64,
        help_text=_("The registration number, e.g. ОБ-2026-000029."),
    )
    action = forms.ChoiceField(
        label=_("What to do"),
        widget=forms.RadioSelect,
        initial=RELATED,
        choices=[
            (RELATED, _("Link as a related case")),
            (JOIN, _("This case is a duplicate: join it to that one")),
        ],
    )
    reason = ClientTextField(
        label=_("Reason"), required=False, validators=[limits.comment], widget=forms.TextInput
    )
