"""Values as the admin shows them to people: «да»/«нет» for a yes/no field, a dash for an
empty value, dates as ДД.ММ.ГГГГ. Wagtail shows such values as Python prints them
(True, None, 2026-10-27) in listings, read-only fields and revision comparisons."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.admin.compare import FieldComparison, TextDiff
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column

EMPTY = "—"


def display_value(value):
    """The value as a person reads it; anything else is returned unchanged."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return format_date(value, "d.m.Y H:i")
    if isinstance(value, dt.date):
        return format_date(value, "d.m.Y")
    return value


class YesNoColumn(Column):
    """A listing column of a yes/no field, in words («да»/«нет»)."""

    def get_value(self, instance):
        return display_value(super().get_value(instance))


def yes_no_column(model, field_name: str) -> YesNoColumn:
    """The column of `model.field_name` with the field's verbose name as its heading,
    sortable by the field."""
    field = model._meta.get_field(field_name)
    return YesNoColumn(field_name, label=capfirst(field.verbose_name), sort_key=field_name)


class DisplayComparison(FieldComparison):
    """The revision comparison of a date, number or yes/no field, with its values shown
    by `display_value`."""

    def htmldiff(self):
        before, after = display_value(self.val_a), display_value(self.val_b)
        if self.val_a != self.val_b:
            return TextDiff([("deletion", str(before)), ("addition", str(after))]).to_html()
        return escape(before)


class DisplayFieldPanel(FieldPanel):
    """A FieldPanel whose read-only output and revision comparison show the value by
    `display_value` (a dash for an empty value, not «None»; ДД.ММ.ГГГГ for a date)."""

    def format_value_for_display(self, value):
        return display_value(super().format_value_for_display(value))

    def get_comparison_class(self):
        comparison_class = super().get_comparison_class()
        return DisplayComparison if comparison_class is FieldComparison else comparison_class
