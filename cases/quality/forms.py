from django import forms
from django.utils.translation import gettext_lazy as _

from cases.quality.models import CHECKLIST, Score, UnitReviewSettings


class ReviewForm(forms.Form):
    """One radio group per checklist point (keyboard-friendly), a comment, rework."""

    comment = forms.CharField(
        label=_("Comment for the executor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rework = forms.BooleanField(label=_("Return the case for rework"), required=False)

    def __init__(self, *args, refusal: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = []
        for name, label in CHECKLIST:
            if name == "refusal_grounds" and not refusal:
                continue
            self.fields[name] = forms.TypedChoiceField(
                label=label, choices=Score.choices, coerce=int, widget=forms.RadioSelect
            )
            self.points.append(name)
        self.order_fields([*self.points, "comment", "rework"])

    def point_fields(self):
        return [self[name] for name in self.points]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = UnitReviewSettings
        fields = ["sample_percent", "poor_below"]


class ReworkForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
