from django import forms
from django.utils.translation import gettext_lazy as _

from cases.retention.models import CaseFile


class CaseFileForm(forms.ModelForm):
    class Meta:
        model = CaseFile
        fields = ["year", "index", "title", "regime", "retention_years", "mark"]


class ActForm(forms.Form):
    reason = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 3}))
