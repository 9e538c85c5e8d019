"""The queue page's filter form and rows as the workspace renders them: the unit and
executor lists are limited to the units the user works in (grouped by unit when there are
several), a picked value stays shown and still filters, and every row shows its deadline
as the case page does."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case

pytestmark = pytest.mark.django_db


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}" id="id_{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return match.group(1)


def _options(html: str, name: str) -> dict[str, bool]:
    """value -> selected, the empty choice left out."""
    return {
        value: bool(selected)
        for value, selected in re.findall(
            r'<option value="([^"]*)"( selected)?>', _select(html, name)
        )
        if value
    }


def _groups(html: str, name: str) -> list[str]:
    return re.findall(r'<optgroup label="([^"]*)">', _select(html, name))


def _page(client, user, query="?queue=all"):
    client.force_login(user)
    response = client.get(reverse("cases:workspace") + query)
    assert response.status_code == 200
    return response.content.decode()


def _pks(org, *names):
    return {str(org.users[name].pk) for name in names}


def test_head_is_offered_their_units_people(client, org):
    html = _page(client, org.head)
    assert set(_options(html, "executor")) == _pks(org, "executor", "editor")
    assert _groups(html, "executor") == []
    assert set(_options(html, "unit")) == {str(org.units["ОДС"].pk)}


def test_department_head_gets_every_unit_grouped(client, org):
    html = _page(client, org.chief)
    assert set(_options(html, "executor")) == _pks(
        org, "executor", "editor", "executor2", "editor2"
    )
    assert _groups(html, "executor") == ["ОДС", "ОКИ"]  # the units' order
    assert set(_options(html, "unit")) == {str(u.pk) for u in org.units.values()}


def test_executor_is_offered_their_co_workers(client, org):
    html = _page(client, org.executor, "?queue=mine")
    assert set(_options(html, "executor")) == _pks(org, "executor", "editor")
    assert set(_options(html, "unit")) == {str(org.units["ОДС"].pk)}


def test_registrar_is_offered_everyone(client, org):
    html = _page(client, org.registrar)
    assert set(_options(html, "executor")) == _pks(
        org, "executor", "editor", "executor2", "editor2"
    )


def test_people_without_a_unit_are_grouped_apart(client, org):
    from intranet.models import StaffProfile

    StaffProfile.objects.filter(user=org.editor2).update(unit=None)
    html = _page(client, org.registrar)
    assert _groups(html, "executor")[-1] == "Без подразделения"


def test_picked_executor_outside_the_list_stays_selected_and_filters(client, org, make_case):
    mine = make_case(state="assigned", executor="executor")
    make_case(state="assigned", executor="editor")
    other = str(org.executor2.pk)
    html = _page(client, org.head, f"?queue=all&executor={other}&unit={org.units['ОКИ'].pk}")
    assert _options(html, "executor")[other] is True
    assert _options(html, "unit")[str(org.units["ОКИ"].pk)] is True
    html = _page(client, org.head, f"?queue=all&executor={org.executor.pk}&status=assigned")
    assert _options(html, "executor")[str(org.executor.pk)] is True
    assert _options(html, "status") == {
        value: value == "assigned" for value in _options(html, "status")
    }
    assert re.findall(r'<tr data-case="(\d+)"', html) == [str(mine.pk)]


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 40, "<b>"])
def test_odd_filter_values_are_harmless(client, org, value):
    html = _page(client, org.head, f"?queue=all&executor={value}&unit={value}&number={value}")
    assert "<b>" not in html.split('id="id_number"', 1)[1][:80]
    assert not any(_options(html, "executor").values())


def test_text_filters_keep_what_was_typed(client, org):
    html = _page(client, org.head, "?queue=all&number=ОБ-2026&due_from=01.03.2026")
    assert '<input type="text" name="number" id="id_number" value="ОБ-2026">' in html
    assert re.search(
        r'<input type="text" name="due_from" value="01.03.2026" [^>]*id="id_due_from"', html
    )
    assert re.search(
        r'<input type="text" name="due_to" placeholder="ДД.ММ.ГГГГ" [^>]*id="id_due_to"', html
    )


def test_rows_show_the_deadline_state_and_badges(client, org, make_case):
    today = timezone.localdate()
    due = today - dt.timedelta(days=2)
    overdue = make_case(state="assigned", urgent=True)
    Case.objects.filter(pk=overdue.pk).update(due_date=due)
    later = make_case(state="assigned")
    Case.objects.filter(pk=later.pk).update(due_date=today + dt.timedelta(days=40))
    undecided = make_case(state="registered")
    html = _page(client, org.head, "?queue=all&sort=due_date")

    def row(case):
        match = re.search(rf'<tr data-case="{case.pk}">(.*?)</tr>', html, re.S)
        assert match, case.pk
        return match.group(1)

    first = row(overdue)
    assert f'<a href="{overdue.get_absolute_url()}">' in first
    assert 'class="deadline is-overdue" data-state="overdue"' in first
    assert f'<time datetime="{due:%Y-%m-%d}">{due:%d.%m.%Y}</time> · просрочено</span>' in first
    assert '<span class="badge badge-urgent">срочное</span>' in first
    assert "ОДС" in first and "Васильев П. А." in first
    assert 'data-state="on_track"' in row(later) and "в срок" in row(later)
    html = _page(client, org.registrar, "?queue=unassigned")
    assert "срочность не определена" in row(undecided)


@pytest.mark.parametrize("field", ["unit", "executor", "co_executors"])
def test_a_key_too_large_for_the_database_is_a_form_error_not_a_500(client, org, make_case, field):
    """A number beyond a 64-bit key in a choice is refused by the form with Django's Russian
    message; it never reaches the database (SQLite raised OverflowError: a 500)."""
    from django.urls import reverse

    case = make_case(state="triaged")
    client.force_login(org.registrar)
    data = {"unit": org.units["ОДС"].pk, "executor": org.executor.pk, "co_executors": []}
    data[field] = "9" * 30
    response = client.post(reverse("cases:assign", args=[case.pk]), data)
    assert response.status_code == 400  # the case page again, with the form's errors
    assert "Выберите корректный вариант" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "triaged"


def test_queue_filters_take_dd_mm_yyyy(client, org, make_case):
    old = make_case(subject="Пришло четвёртого")
    new = make_case(subject="Пришло пятого")
    Case.objects.filter(pk=old.pk).update(received_at=_noon(2026, 12, 4))
    Case.objects.filter(pk=new.pk).update(received_at=_noon(2026, 12, 5))
    client.force_login(org.registrar)
    url = reverse("cases:workspace")
    html = client.get(url, {"queue": "all", "received_from": "05.12.2026"}).content.decode()
    assert "Пришло пятого" in html and "Пришло четвёртого" not in html
    assert 'role="alert"' not in html
    for bad in ("2026-13-45", "32.01.2026"):
        html = client.get(url, {"queue": "all", "due_from": bad}).content.decode()
        assert 'role="alert">Введите дату в виде ДД.ММ.ГГГГ.</div>' in html, bad
        box = re.search(r'<input [^>]*id="id_due_from"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in box and 'aria-describedby="id_due_from_error"' in box
        assert 'id="id_due_from_error"' in html


def _noon(*day) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*day, 12))
