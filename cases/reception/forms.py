import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import limits
from cases.reception.models import ReminderChannel
from cases.topics import Topic
from intranet.forms import ClientTextField, DateField


class SlotField(forms.CharField):
    """The start of a slot as the picker sends it (ISO 8601 with the offset)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(_("Choose a free time from the list.")) from None
        if parsed.tzinfo is None:
            raise forms.ValidationError(_("Choose a free time from the list."))
        return parsed


class BookingForm(forms.Form):
    slot = SlotField(
        label=_("Time"), error_messages={"required": _("Choose a free time from the list.")}
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *Topic.choices])
    question = ClientTextField(
        label=_("Your question in a few words"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("So that the right colleague receives you. Do not write confidential "
                    "details here: you will tell them in person."),
    )  # fmt: skip
    reminder_channel = forms.ChoiceField(
        label=_("Remind me the day before"),
        choices=ReminderChannel.choices,
        initial=ReminderChannel.EMAIL,
        widget=forms.RadioSelect,
    )
    reminder_contact = ClientTextField(
        label=_("E-mail or phone for the reminder"),
        max_length=255,
        required=False,
        help_text=_("For a reminder by e-mail the address of your account is used if "
                    "left empty."),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        channel, contact = data.get("reminder_channel"), (data.get("reminder_contact") or "")
        if channel == ReminderChannel.EMAIL and contact.strip():
            try:
                forms.EmailField().clean(contact.strip())
            except forms.ValidationError:
                self.add_error("reminder_contact", _("Enter a valid e-mail address."))
        return data


class RescheduleForm(forms.Form):
    slot = SlotField(
        label=_("New time"), error_messages={"required": _("Choose a free time from the list.")}
    )
    shown = forms.CharField(widget=forms.HiddenInput)


class CancelForm(forms.Form):
    shown = forms.CharField(widget=forms.HiddenInput)
    reason = ClientTextField(label=_("Reason (optional)"), max_length=500, required=False)


class CardForm(forms.Form):
    """The outcome comes from the button pressed: "answered orally" or "turn into a
    written case" (one click)."""

    message = ClientTextField(
        label=_("Oral message of the visitor"),
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[limits.text],
    )
    answer = ClientTextField(
        label=_("Answer given orally"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[limits.text],
    )
    oral_consent = forms.BooleanField(
        label=_("The client agrees to receive the answer orally"), required=False
    )


class DayForm(forms.Form):
    """The day of the visitors' list, typed as ДД.ММ.ГГГГ (the links carry ISO dates)."""

    day = DateField(label=_("Day"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, auto_id="day-%s", **kwargs)

    def day_or(self, default: dt.date) -> dt.date:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["day"] or default
        return default
