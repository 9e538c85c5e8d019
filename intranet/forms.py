"""Wagtail admin user forms with the patronymic (отчество) of a Russian name."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm as WagtailUserCreationForm
from wagtail.users.forms import UserEditForm as WagtailUserEditForm


class UserCreationForm(WagtailUserCreationForm):
    patronymic = forms.CharField(required=False, label=_("Patronymic"))

    class Meta(WagtailUserCreationForm.Meta):
        fields = WagtailUserCreationForm.Meta.fields | {"patronymic"}


class UserEditForm(WagtailUserEditForm):
    patronymic = forms.CharField(required=False, label=_("Patronymic"))

    class Meta(WagtailUserEditForm.Meta):
        fields = WagtailUserEditForm.Meta.fields | {"patronymic"}
