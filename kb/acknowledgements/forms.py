import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.forms import DateField
from intranet.models import Unit
from kb.acknowledgements import permissions


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        position = getattr(getattr(obj, "profile", None), "position", "")
        return f"{obj.get_full_name()}, {position}" if position else obj.get_full_name()


class AssignForm(forms.Form):
    """The head's form: an article of their units, whom to ask, by when."""

    article = forms.ModelChoiceField(label=_("Article"), queryset=None)
    units = forms.ModelMultipleChoiceField(
        label=_("Units (with the units below them)"),
        queryset=Unit.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Role groups"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = PersonChoiceField(
        label=_("People"),
        queryset=None,
        required=False,
        # Tick boxes in a scrolling box: a list that needs Ctrl to choose several cannot
        # be used on a phone.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ack-people"}),
    )
    due_date = DateField(label=_("Confirm by"))
    note = forms.CharField(
        label=_("Note for the sheet"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, articles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = articles
        self.fields["groups"].queryset = permissions.assignable_groups()
        self.fields["people"].queryset = (
            permissions.eligible_people()
            .select_related("profile")
            .order_by("last_name", "first_name", "pk")
        )
        if not self.is_bound and "due_date" not in self.initial:
            self.initial["due_date"] = timezone.localdate() + dt.timedelta(days=10)

    def clean(self):
        data = super().clean()
        if not (data.get("units") or data.get("groups") or data.get("people")):
            raise forms.ValidationError(_("Choose at least one unit, group or person."))
        return data
