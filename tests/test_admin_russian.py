"""The admin's own listings and workflows read Russian (issue 16): yes/no fields in
words, not True/False; Wagtail's default workflow under a Russian name. The knowledge
base's admin pages are tested in tests/kb/test_admin_russian.py."""

import datetime as dt

import pytest
from wagtail.models import Page, Task, Workflow

from intranet.permissions import WAGTAIL_DEFAULT_WORKFLOW_NAME, rename_default_workflow
from tests.html import soup as _soup
from tests.html import text as _text

pytestmark = pytest.mark.django_db


def _column(soup, heading: str) -> list[str]:
    headings = [_text(th) for th in soup.select("table thead th")]
    index = headings.index(heading)
    return [_text(row.select("td")[index]) for row in soup.select("table tbody tr")]


@pytest.fixture
def yes_no_rows(demo):
    """One row with «yes» and one with «no» in each settings listing that has a yes/no
    column (the demo has reception settings and units; the others are added here)."""
    from cases.models import UnitCaseSettings
    from intranet.models import CalendarOverride, Unit

    CalendarOverride.objects.create(date=dt.date(2026, 12, 31), is_working=False, reason="Указ")
    CalendarOverride.objects.create(date=dt.date(2026, 12, 26), is_working=True, reason="Перенос")
    units = list(Unit.objects.order_by("pk")[:2])
    UnitCaseSettings.objects.update_or_create(
        unit=units[0], defaults={"answers_need_approval": True}
    )
    UnitCaseSettings.objects.update_or_create(
        unit=units[1], defaults={"answers_need_approval": False}
    )
    Unit.objects.filter(pk=units[1].pk).update(is_active=False)


@pytest.mark.parametrize(
    "url, heading",
    [
        ("/admin/org/units/", "Действует"),
        ("/admin/org/calendar/", "Рабочий день"),
        ("/admin/cases/unit-settings/", "Ответы согласуются с руководителем"),
        ("/admin/reception/settings/", "Запись открыта"),
    ],
)
def test_yes_no_columns_are_words(client, demo, yes_no_rows, url, heading):
    client.force_login(demo["admin"])
    soup = _soup(client.get(url))
    cells = set(_column(soup, heading))
    assert cells and cells <= {"да", "нет"}, cells
    table = _text(soup.select_one("table"))
    assert "True" not in table and "False" not in table


def test_users_active_icons_are_titled_in_words(client, demo):
    client.force_login(demo["admin"])
    soup = _soup(client.get("/admin/users/"))
    titles = {_text(node) for node in soup.select("table tbody td .w-sr-only")}
    assert "да" in titles
    assert not {"True", "False", "None"} & titles


def test_default_workflow_has_a_russian_name(client, org_demo):
    root = Page.get_first_root_node()
    assert root.get_workflow().name == "Согласование публикации"
    assert not Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW_NAME).exists()
    assert not Task.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW_NAME).exists()

    client.force_login(org_demo["admin"])
    for url in ("/admin/workflows/list/", "/admin/workflows/tasks/index/"):
        text = _text(_soup(client.get(url)).select_one("main"))
        assert "Согласование публикации" in text
        assert "Moderators" not in text


def test_renaming_touches_only_wagtails_english_name(org_demo):
    Workflow.objects.create(name=WAGTAIL_DEFAULT_WORKFLOW_NAME)
    own = Workflow.objects.create(name="Согласование руководителем: ОДО")
    rename_default_workflow()
    rename_default_workflow()  # idempotent
    assert Workflow.objects.filter(name="Согласование публикации").count() == 2
    own.refresh_from_db()
    assert own.name == "Согласование руководителем: ОДО"
