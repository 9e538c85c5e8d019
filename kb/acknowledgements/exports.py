"""The sheet on paper: XLSX (openpyxl, every cell through intranet.exports) and a
printable PDF «Лист ознакомления» (WeasyPrint, loaded only when a PDF is asked for, as
cases.letters does). Columns: №, ФИО, должность / подразделение, дата ознакомления,
редакция."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import exports


def _filename(sheet, extension: str) -> str:
    return f"acknowledgement-{sheet.pk}-{timezone.localdate():%Y%m%d}.{extension}"


def _when(value) -> str:
    return f"{timezone.localtime(value):%d.%m.%Y %H:%M}" if value else ""


def _revision(value) -> str:
    return f"{timezone.localtime(value):%d.%m.%Y}" if value else ""


def rows(groups) -> list[tuple]:
    """(№, ФИО, должность / подразделение, дата ознакомления, редакция) per line."""
    result, number = [], 0
    for group in groups:
        for line in group["lines"]:
            number += 1
            place = ", ".join(
                part for part in (line.position, line.unit.short_name if line.unit else "") if part
            )
            result.append(
                (number, line.user.get_full_name(), place, _when(line.confirmed_at),
                 _revision(line.revision_at))
            )  # fmt: skip
    return result


def headers() -> list[str]:
    return [_("No."), _("Full name"), _("Position / unit"), _("Acknowledged on"), _("Revision of")]


def xlsx(sheet, groups) -> HttpResponse:
    from openpyxl import Workbook  # only the export needs it

    book = Workbook()
    table = book.active
    table.title = _("Acknowledgement sheet")[:31]
    table.append([exports.xlsx_value(sheet.article.title)])
    due = _("Confirm by %(date)s") % {"date": f"{sheet.due_date:%d.%m.%Y}"}
    table.append([exports.xlsx_value(due)])
    table.append([])
    table.append([exports.xlsx_value(value) for value in headers()])
    for row in rows(groups):
        table.append([exports.xlsx_value(value) for value in row])
    for line in table.iter_rows():
        for cell in line:
            exports.force_text_cell(cell)
    for letter, width in (("A", 6), ("B", 40), ("C", 45), ("D", 20), ("E", 14)):
        table.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(sheet, "xlsx")}"'
    return response


def document(sheet, groups) -> str:
    return render_to_string(
        "acknowledgements/sheet_pdf.html",
        {"sheet": sheet, "rows": rows(groups), "headers": headers(), "today": timezone.localdate()},
    )


def pdf(sheet, groups) -> HttpResponse:
    # Imported here: WeasyPrint loads Pango and its fonts, which most requests never need.
    import weasyprint

    content = weasyprint.HTML(string=document(sheet, groups)).write_pdf()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(sheet, "pdf")}"'
    return response
