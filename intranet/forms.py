"""Forms shared by the apps: the Wagtail admin user forms with the patronymic (отчество)
of a Russian name, the date fields every form uses (ДД.ММ.ГГГГ whatever the browser),
and the field for text people type (ClientTextField)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm as WagtailUserCreationForm
from wagtail.users.forms import UserEditForm as WagtailUserEditForm

from intranet.security import client_text


class ClientTextField(forms.CharField):
    """Text a person typed (a client's question, reply, comment, booking, feedback; what
    staff write down of a visitor's or caller's words): neutralised by
    intranet.security.client_text before the field's checks (required, min_length,
    max_length, no NUL), so invisible, bidi and control characters neither count as
    text nor make the form fail; markup stays as typed (pages escape it)."""

    def to_python(self, value):
        return client_text(super().to_python(value))


def client_text_formfield(db_field, **kwargs):
    """`Meta.formfield_callback` of a model form: the model's free-text fields (CharField
    and TextField without choices) become ClientTextField."""
    from django.db import models

    if isinstance(db_field, models.CharField | models.TextField) and not db_field.choices:
        return db_field.formfield(form_class=ClientTextField, **kwargs)
    return db_field.formfield(**kwargs)


class UserCreationForm(WagtailUserCreationForm):
    patronymic = forms.CharField(required=False, label=_("Patronymic"))

    class Meta(WagtailUserCreationForm.Meta):
        fields = WagtailUserCreationForm.Meta.fields | {"patronymic"}


class UserEditForm(WagtailUserEditForm):
    patronymic = forms.CharField(required=False, label=_("Patronymic"))

    class Meta(WagtailUserEditForm.Meta):
        fields = WagtailUserEditForm.Meta.fields | {"patronymic"}


# --- Dates typed the Russian way ------------------------------------------------------
#
# A browser's own date picker (<input type="date">) shows and takes dates in the
# browser's locale (MM/DD/YYYY in an English one), whatever the page says. Every date
# of the product's forms is therefore a text box that takes ДД.ММ.ГГГГ, with the same
# placeholder, keyboard and pattern everywhere; ISO 8601 (2026-12-05) is still accepted
# for the API and for links made before. A phone's digit keypad may have no full stop:
# «05122026» and «05,12,2026» are read as 05.12.2026. Slashes are not taken: «10/05/2026»
# is the 5th of October to some and the 10th of May to others.

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
]
# What the browser lets through before the server checks the date itself.
DATE_PATTERN = r"\s*(\d{1,2}[.,]\d{1,2}[.,]\d{4}|\d{8}|\d{4}-\d{2}-\d{2})\s*"
DATETIME_PATTERN = (
    r"\s*(\d{1,2}[.,]\d{1,2}[.,]\d{4},?\s+\d{1,2}:\d{2}(:\d{2})?"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?)\s*"
)
_TYPED_DATE = re.compile(r"(\d{1,2})[.,](\d{1,2})[.,](\d{4})|(\d{2})(\d{2})(\d{4})(?!\d)")


def normalise_typed_date(value: str) -> str:
    """«05122026», «5,12,2026», «05.12.2026, 10:30» → «05.12.2026», «5.12.2026», «05.12.2026
    10:30»; anything else is returned stripped."""
    text = value.strip()
    match = _TYPED_DATE.match(text)
    if not match:
        return text
    day, month, year = [part for part in match.groups() if part is not None]
    rest = text[match.end() :].lstrip(",")
    return f"{day}.{month}.{year}" + (" " + rest.strip() if rest.strip() else "")


class RussianDateInput(forms.DateInput):
    """A text box for a date typed as ДД.ММ.ГГГГ (never the browser's date picker)."""

    input_type = "text"
    placeholder = _("DD.MM.YYYY")
    hint = _("Enter the date as DD.MM.YYYY.")
    pattern = DATE_PATTERN
    css_class = "date-input"
    inputmode = "numeric"

    def __init__(self, attrs=None, format=None):
        defaults = {
            "placeholder": self.placeholder,
            "pattern": self.pattern,
            "title": self.hint,
            "autocomplete": "off",
            "class": self.css_class,
        }
        if self.inputmode:
            defaults["inputmode"] = self.inputmode
        super().__init__({**defaults, **(attrs or {})}, format=format or "%d.%m.%Y")


class RussianDateTimeInput(RussianDateInput):
    """A text box for a moment typed as ДД.ММ.ГГГГ ЧЧ:ММ (the full keyboard: a digit
    keypad may have neither the space nor the colon)."""

    placeholder = _("DD.MM.YYYY HH:MM")
    hint = _("Enter the date and time as DD.MM.YYYY HH:MM.")
    pattern = DATETIME_PATTERN
    css_class = "date-input date-time-input"
    inputmode = ""
    format_key = "DATETIME_INPUT_FORMATS"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%d.%m.%Y %H:%M")


class DateField(forms.DateField):
    """A date of a form: ДД.ММ.ГГГГ (or ISO 8601), with the Russian error."""

    widget = RussianDateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": RussianDateInput.hint}

    def to_python(self, value):
        return super().to_python(normalise_typed_date(value) if isinstance(value, str) else value)


class DateTimeField(forms.DateTimeField):
    """A date and time of a form: ДД.ММ.ГГГГ ЧЧ:ММ (or ISO 8601), with the Russian error."""

    widget = RussianDateTimeInput
    input_formats = DATETIME_INPUT_FORMATS
    default_error_messages = {"invalid": RussianDateTimeInput.hint}

    def to_python(self, value):
        return super().to_python(normalise_typed_date(value) if isinstance(value, str) else value)
