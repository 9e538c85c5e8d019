"""/cases/reports/: the report of a period for the units the user heads (the department
head and administrators: every unit), with charts, and its CSV and XLSX exports."""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import permissions
from cases.reports import figures
from intranet import exports, formatting, roles
from intranet.forms import DateField


def scope_unit_ids(user) -> frozenset[int]:
    from intranet.models import Unit

    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser or user.has_role(roles.ADMINISTRATORS):
        return frozenset(Unit.objects.values_list("pk", flat=True))
    return permissions.headed_subtree_ids(user)


class PeriodForm(forms.Form):
    start = DateField(label=gettext_lazy("From"), required=False)
    end = DateField(label=gettext_lazy("To"), required=False)
    unit = forms.TypedChoiceField(label=gettext_lazy("Unit"), required=False, coerce=int,
                                  empty_value=None)  # fmt: skip

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All my units")), *units]

    def clean_defaults(self) -> dict:
        today = timezone.localdate()
        return {"start": dt.date(today.year, 1, 1), "end": today, "unit": None}

    def clean(self):
        data = super().clean()
        if self.has_error("start") or self.has_error("end"):
            return data
        today = timezone.localdate()
        data["start"] = data.get("start") or dt.date(today.year, 1, 1)
        data["end"] = data.get("end") or today
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("The period starts after it ends."))
        if (data["end"] - data["start"]).days > 3 * 366:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return data


@dataclass(frozen=True)
class Row:
    """A line of the exports. `digits` places after the comma (None: a count or text);
    `percent`: the value is a share in per cent."""

    section: str
    item: str
    value: object
    digits: int | None = None
    percent: bool = False

    def text(self) -> str:
        """The value as the page writes it («66,7 %», «4,0»), for the CSV. Text (never
        a number) is neutralised for spreadsheets (intranet.exports)."""
        if isinstance(self.value, str):
            return exports.neutralise(self.value)
        if self.percent:
            return formatting.percent(self.value, self.digits)
        return "" if self.value is None else formatting.number(self.value, self.digits)


def _rows(report):
    period = f"{report.start:%d.%m.%Y} – {report.end:%d.%m.%Y}"
    yield Row(_("Period"), period, "")
    summary = _("Summary")
    for label, value, digits, percent in (
        (_("Received"), report.received, None, False),
        (_("Share of urgent cases"), report.urgent_share, 1, True),
        (_("Answered"), report.answered, None, False),
        (_("Share answered on time"), report.on_time_share, 1, True),
        (_("Overdue now"), report.overdue_now, None, False),
        (_("Median answer time, working days"), report.median_days, 1, False),
        (_("90th percentile of answer time, working days"), report.p90_days, 1, False),
        (_("Forwarded"), report.forwarded, None, False),
        (_("Forwarded after the term"), report.forwarded_late, None, False),
        (_("Refused"), report.refused, None, False),
        (_("Left without an answer"), report.no_answer, None, False),
        (_("Ratings"), report.ratings, None, False),
        (_("Average rating"), report.rating_avg, 2, False),
        (_("Reception visits"), report.reception_visits, None, False),
        (_("Questions dropped after a knowledge-base article"), report.answered_by_kb, None, False),
    ):
        yield Row(summary, label, value, digits, percent)
    for breakdown in report.breakdowns:
        percent = breakdown.unit == "%"
        for label, value in breakdown.rows:
            yield Row(str(breakdown.title), label, value, 1 if percent else None, percent)


def _csv(report) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(exports.csv_row([_("Section"), _("Item"), _("Value")]))
    # Labels are people's and units' names: neutralised; values are written as the
    # page writes them (a number is never quoted).
    writer.writerows(exports.csv_row([row.section, row.item]) + [row.text()]
                     for row in _rows(report))  # fmt: skip
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{report.end:%Y%m%d}.csv"'
    return response


def _xlsx(report) -> HttpResponse:
    """Numbers stay numbers (the spreadsheet writes them with the reader's decimal comma);
    their number formats give the places after the comma and « %» for the shares. Text
    cells (the labels: people's and units' names) are text, never formulas
    (intranet.exports)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    sheet.append([exports.xlsx_value(v) for v in (_("Section"), _("Item"), _("Value"))])
    for row in _rows(report):
        value = row.value
        if row.percent and value is not None:
            value = value / 100
        cells = (row.section, row.item, "" if value is None else value)
        sheet.append([exports.xlsx_value(v) for v in cells])
        for cell in sheet[sheet.max_row]:
            exports.force_text_cell(cell)
        if exports.is_number(value):
            places = "0" if not row.digits else "0." + "0" * row.digits
            sheet.cell(sheet.max_row, 3).number_format = places + (" %" if row.percent else "")
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 50
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="report-{report.end:%Y%m%d}.xlsx"'
    return response


def report(request):
    from intranet.models import Unit

    unit_ids = scope_unit_ids(request.user)
    if not unit_ids:
        raise PermissionDenied
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("sort_order", "name")
                 .values_list("pk", "short_name"))  # fmt: skip
    form = PeriodForm(request.GET or None, units=units)
    if request.GET and not form.is_valid():
        return render(request, "reports/report.html", {"form": form}, status=400)
    data = form.cleaned_data if request.GET else form.clean_defaults()
    scope = [data["unit"]] if data.get("unit") in unit_ids else list(unit_ids)
    result = figures.build(scope, data["start"], data["end"])
    export = request.GET.get("format")
    if export == "csv":
        return _csv(result)
    if export == "xlsx":
        return _xlsx(result)
    query = request.GET.urlencode()
    return render(request, "reports/report.html", {"form": form, "report": result, "query": query})
