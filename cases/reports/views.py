"""/cases/reports/: the report of a period for the units the user heads (the department
head and administrators: every unit), with charts, and its CSV and XLSX exports."""

import csv
import datetime as dt
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import permissions
from cases.reports import figures
from intranet import roles


def scope_unit_ids(user) -> frozenset[int]:
    from intranet.models import Unit

    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser or user.has_role(roles.ADMINISTRATORS):
        return frozenset(Unit.objects.values_list("pk", flat=True))
    return permissions.headed_subtree_ids(user)


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    end = forms.DateField(label=gettext_lazy("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
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
        today = timezone.localdate()
        data["start"] = data.get("start") or dt.date(today.year, 1, 1)
        data["end"] = data.get("end") or today
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("The period starts after it ends."))
        if (data["end"] - data["start"]).days > 3 * 366:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return data


def _rows(report):
    yield _("Period"), f"{report.start:%d.%m.%Y} – {report.end:%d.%m.%Y}", ""
    for label, value in (
        (_("Received"), report.received),
        (_("Urgent, %"), report.urgent_share),
        (_("Answered"), report.answered),
        (_("Answered on time, %"), report.on_time_share),
        (_("Overdue now"), report.overdue_now),
        (_("Median answer time, working days"), report.median_days),
        (_("90th percentile of answer time, working days"), report.p90_days),
        (_("Forwarded"), report.forwarded),
        (_("Refused"), report.refused),
        (_("Left without an answer"), report.no_answer),
        (_("Ratings"), report.ratings),
        (_("Average rating"), report.rating_avg),
        (_("Reception visits"), report.reception_visits),
    ):
        yield _("Summary"), label, "" if value is None else value
    for breakdown in report.breakdowns:
        for label, value in breakdown.rows:
            yield str(breakdown.title), label, value


def _csv(report) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Section"), _("Item"), _("Value")])
    writer.writerows(_rows(report))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{report.end:%Y%m%d}.csv"'
    return response


def _xlsx(report) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    sheet.append([_("Section"), _("Item"), _("Value")])
    for row in _rows(report):
        sheet.append(list(row))
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
