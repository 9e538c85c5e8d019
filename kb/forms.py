from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.forms import ClientTextField


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this material helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = ClientTextField(
        label=_("What was missing or unclear?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
