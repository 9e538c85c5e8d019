from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cases.consultations.models import Consultation, Outcome
from intranet import roles
from intranet.forms import client_text_formfield


class ConsultationForm(forms.ModelForm):
    """Filled in during a call: the question first, radio buttons for the outcome, the
    fields of the chosen outcome required."""

    class Meta:
        model = Consultation
        fields = [
            "channel", "client_name", "client_contact", "topic", "question", "outcome",
            "answer", "redirected_to", "competent_body", "competent_body_contacts",
            "duration_minutes",
        ]  # fmt: skip
        # What the caller said, the answer given, names and contacts: as typed, less
        # the characters that hide or reorder text (intranet.security.client_text).
        formfield_callback = client_text_formfield
        widgets = {
            "question": forms.Textarea(attrs={"rows": 4, "autofocus": True}),
            "answer": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.RadioSelect,
            "channel": forms.RadioSelect,
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": 480}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(
            is_active=True, groups__name__in=[roles.EXECUTORS, roles.HEADS]
        )
        self.fields["redirected_to"].queryset = users.distinct().order_by("last_name", "first_name")
        self.fields["redirected_to"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        self.fields["outcome"].choices = Outcome.choices

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == Outcome.ANSWERED and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write down the answer given."))
        if outcome == Outcome.REDIRECTED and not data.get("redirected_to"):
            self.add_error("redirected_to", _("Name the colleague the caller was sent to."))
        if outcome == Outcome.OUTSIDE:
            if not (data.get("competent_body") or "").strip():
                self.add_error("competent_body", _("Name the competent body."))
            if not (data.get("competent_body_contacts") or "").strip():
                self.add_error(
                    "competent_body_contacts", _("Write down the contacts given to the caller.")
                )
        return data
