"""The queue's tools (issue 20 part 6): counts on the tabs in one aggregate, sortable
column headers, page size and jump to page, the number search across every case the
user sees, invalid filter values shown next to their field while the other filters
apply, bulk assign and co-assign, the export of the filtered queue and the saved
filters. The registrar's client autocomplete: tests/cases/test_client_lookup.py."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from cases import services
from cases.choices import Status
from cases.filters import QUEUES, apply_queue, page_size, queue_counts
from cases.models import Case, SavedFilter
from intranet.workdays import get_calendar

pytestmark = pytest.mark.django_db

URL = reverse("cases:workspace")


def _get(client, user, query=""):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response


def _row_keys(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-case="(\d+)"', response.content.decode())]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- counts, sorting, pages ---------------------------------------------------------


def test_tab_counts_match_every_queue_in_one_query(org, make_case, django_assert_max_num_queries):
    make_case(state="assigned", executor="executor", urgent=True)
    make_case(state="assigned", executor="editor", co_executors=["executor"])
    make_case(state="registered")
    withdrawn = make_case(state="assigned", executor="executor")
    services.withdraw(withdrawn, withdrawn.client)
    user = org.executor
    base = Case.objects.visible_to(user)
    expected = {key: apply_queue(base, key, user).count() for key, _label in QUEUES}
    assert expected["mine"] == 2 and expected["closed"] == 1 and expected["urgent"] == 1
    calendar = get_calendar()
    # The executor's "mine" reads the co-executed keys first; then one aggregate over the
    # open cases, one over the cases with deliveries to see to, the capped closed count.
    with django_assert_max_num_queries(4):
        assert queue_counts(base, user, calendar=calendar) == expected

    html = _get(Client(), user, "?queue=mine")
    tabs = {tab["key"]: tab for tab in html.context["tabs"]}
    assert tabs["mine"]["count"] == 2 and tabs["mine"]["current"]
    assert 'data-queue-count="closed">1</span>' in html.content.decode()


def test_the_closed_tab_counts_up_to_its_cap(org, make_case, monkeypatch):
    """The archive grows every year: the closed tab says «N+» past the cap, read with a
    LIMIT, while the open tabs are counted exactly."""
    from cases import filters

    monkeypatch.setattr(filters, "CLOSED_COUNT_CAP", 2)
    monkeypatch.setattr("cases.views.CLOSED_COUNT_CAP", 2)
    for _n in range(3):
        case = make_case(state="assigned", executor="executor")
        services.withdraw(case, case.client)
    make_case(state="assigned", executor="executor")
    user = org.executor
    assert queue_counts(Case.objects.visible_to(user), user)["closed"] == 3  # 2 + 1: "more"
    html = _get(Client(), user, "?queue=mine")
    tabs = {tab["key"]: tab for tab in html.context["tabs"]}
    assert tabs["closed"]["count"] == 2 and tabs["closed"]["more"]
    assert tabs["mine"]["count"] == 1 and not tabs["mine"]["more"]
    assert 'data-queue-count="closed">2+</span>' in html.content.decode()


def test_tab_counts_follow_the_filters_and_links_keep_them(client, org, make_case):
    make_case(state="assigned", urgent=True)
    make_case(state="assigned")
    response = _get(client, org.head, "?queue=all&urgency=urgent")
    tabs = {tab["key"]: tab for tab in response.context["tabs"]}
    assert tabs["all"]["count"] == 1
    assert tabs["closed"]["url"] == "?queue=closed&urgency=urgent"


def test_column_headers_sort_with_aria_sort(client, org, make_case):
    b = make_case(state="assigned", subject="Б: второй")
    a = make_case(state="assigned", subject="А: первый")
    c = make_case(state="assigned", subject="В: третий")
    response = _get(client, org.head, "?queue=all&sort=subject")
    assert _row_keys(response) == [a.pk, b.pk, c.pk]
    headers = {h["field"]: h for h in response.context["headers"] if h["field"]}
    assert headers["subject"]["aria_sort"] == "ascending"
    assert headers["subject"]["url"] == "?queue=all&sort=-subject"  # a second click reverses
    assert headers["due_date"]["aria_sort"] == "" and headers["due_date"]["url"].endswith(
        "sort=due_date"
    )
    html = response.content.decode()
    assert '<th scope="col" aria-sort="ascending"><a href="?queue=all&amp;sort=-subject"' in html
    assert html.count("aria-sort=") == 1
    # The filters' select keeps the column's order when the filters are applied again.
    assert '<option value="subject" selected>' in html
    response = _get(client, org.head, "?queue=all&sort=-subject")
    assert _row_keys(response) == [c.pk, b.pk, a.pk]
    assert '<option value="-subject" selected>Как отсортировано' in response.content.decode()
    # A key outside the whitelist is the deadline's order, never an error.
    response = _get(client, org.head, "?queue=all&sort=client__password")
    assert response.context["sort"] == "due_date"


def test_page_size_and_jump_to_page(client, org, make_case):
    assert page_size("25") == 25 and page_size("100") == 100
    assert page_size("7") == 50 and page_size("x") == 50 and page_size(None) == 50
    for i in range(27):
        make_case(subject=f"Вопрос {i}")
    response = _get(client, org.registrar, "?queue=unassigned&per_page=25&page=2")
    page = response.context["page"]
    assert page.paginator.per_page == 25 and page.number == 2 and len(page.object_list) == 2
    html = response.content.decode()
    assert '<option value="25" selected>' in html
    assert 'name="page" id="id_page" min="1" max="2" value="2"' in html
    assert '<input type="hidden" name="queue" value="unassigned">' in html
    # The pages' links keep the page size.
    assert "per_page=25&amp;page=1" in html


# --- the number search ----------------------------------------------------------------


def test_number_search_matches_a_part_across_every_queue(client, org, make_case):
    open_case = make_case(state="assigned", executor="executor")
    closed = make_case(state="assigned", executor="executor")
    services.withdraw(closed, closed.client)
    other_unit = make_case(state="assigned", unit="ОКИ", executor="executor2")
    closed.refresh_from_db()
    tail = closed.registration_number[-6:]  # «000002»
    for part in (tail, tail.lstrip("0"), closed.registration_number.lower()):
        response = _get(client, org.executor, f"?queue=mine&number={part}")
        assert closed.pk in _row_keys(response), part
        assert response.context["searching"]
        assert not any(tab["current"] for tab in response.context["tabs"])
    assert "ищутся во всех очередях" in response.content.decode()
    # Only what the user sees: the other unit's case is not found by its full number.
    response = _get(client, org.executor, f"?number={other_unit.registration_number}")
    assert _row_keys(response) == []
    response = _get(client, org.executor, f"?number={open_case.registration_number}")
    assert _row_keys(response) == [open_case.pk]


def test_invalid_values_are_shown_by_their_field_and_the_rest_applies(client, org, make_case):
    urgent = make_case(state="assigned", urgent=True)
    make_case(state="assigned")
    response = _get(client, org.head, "?queue=all&urgency=urgent&due_from=31.02.2026&number=<b>")
    assert _row_keys(response) == [urgent.pk]  # the urgency filter still applies
    html = response.content.decode()
    assert re.search(r'name="due_from" value="31.02.2026"[^>]*aria-invalid="true"', html)
    error = '<div class="error" id="id_due_from_error" role="alert">Введите дату в виде ДД.ММ.ГГГГ.'
    assert error in html
    assert 'aria-describedby="id_number_error"' in html
    assert "Введите номер или его часть" in html
    assert "<b>" not in html.split('id="id_number"', 1)[1][:200]
    assert not response.context["searching"]


# --- bulk assign and co-assign ----------------------------------------------------------


def _bulk(client, user, keys, **data):
    client.force_login(user)
    data = {
        "bulk-case": [str(k) for k in keys],
        "next": "queue=all&sort=subject",
        **{f"bulk-{key}": value for key, value in data.items()},
    }
    return client.post(reverse("cases:bulk_assign"), data)


def test_bulk_assign_reports_each_refused_case_and_assigns_the_others(client, org, make_case):
    triaged = make_case(state="triaged")
    undecided = make_case(state="registered")
    assigned = make_case(state="assigned", executor="executor")
    unit = org.units["ОКИ"]
    response = _bulk(
        client,
        org.registrar,
        [triaged.pk, undecided.pk, assigned.pk, 99999999],
        action="assign",
        unit=unit.pk,
        executor=org.executor2.pk,
    )
    assert response.status_code == 302
    assert response["Location"] == URL + "?queue=all&sort=subject"
    triaged.refresh_from_db()
    undecided.refresh_from_db()
    assigned.refresh_from_db()
    assert (triaged.unit_id, triaged.executor_id, triaged.status) == (
        unit.pk,
        org.executor2.pk,
        Status.ASSIGNED,
    )
    assert undecided.unit_id is None and assigned.unit_id == org.units["ОДС"].pk
    text = "\n".join(_messages(response))
    assert f"Изменено 1 обращение: {triaged.registration_number}." in text
    assert f"{undecided.registration_number} не изменено: Сначала определите срочность" in text
    # Reassigning needs the reason, as on the case page.
    assert f"{assigned.registration_number} не изменено: Укажите причину" in text
    assert "№ 99999999 не изменено: Обращение не найдено." in text


def test_bulk_co_assign_adds_to_the_co_executors(client, org, make_case):
    assigned = make_case(state="assigned", executor="executor", co_executors=["editor"])
    triaged = make_case(state="triaged")
    response = _bulk(
        client,
        org.registrar,
        [assigned.pk, triaged.pk],
        action="co_assign",
        co_executors=[org.executor2.pk],
        reason="Нужен второй специалист",
    )
    assigned.refresh_from_db()
    assert assigned.executor_id == org.executor.pk
    assert set(assigned.co_executors.values_list("username", flat=True)) == {
        "editor",
        "executor2",
    }
    text = "\n".join(_messages(response))
    assert f"{triaged.registration_number} не изменено: Соисполнителей можно добавить" in text


def test_bulk_is_refused_to_those_who_may_not_assign(client, org, make_case):
    triaged = make_case(state="triaged")
    other = make_case(state="triaged")
    services.assign(other, org.registrar, unit=org.units["ОКИ"], executor=org.executor2)
    # An executor may not route at all: no action bar, and a POST is refused.
    response = _get(client, org.executor, "?queue=all")
    assert response.context["bulk"] is None and 'name="bulk-case"' not in response.content.decode()
    data = {"action": "assign", "unit": org.units["ОДС"].pk}
    assert _bulk(client, org.executor, [triaged.pk], **data).status_code == 403
    assert _bulk(client, org.client, [triaged.pk], **data).status_code == 403
    triaged.refresh_from_db()
    assert triaged.unit_id is None
    # A head may not take another unit's case: refused by its number, nothing changed.
    response = _bulk(
        client, org.head, [other.pk], action="co_assign", co_executors=[org.editor.pk], reason="x"
    )
    other.refresh_from_db()
    assert list(other.co_executors.all()) == []
    assert any(m.endswith("Обращение не найдено.") or "не можете" in m for m in _messages(response))
    # The action bar's fields do not share ids with the filters above it.
    html = _get(client, org.registrar, "?queue=all").content.decode()
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) and 'id="id_bulk-unit"' in html
    # A form error is reported, nothing is done.
    response = _bulk(client, org.registrar, [triaged.pk], action="assign")
    assert "Подразделение: Выберите подразделение." in _messages(response)


# --- export -------------------------------------------------------------------------------


def test_export_csv_and_xlsx_of_the_filtered_queue(client, org, make_case):
    from openpyxl import load_workbook

    evil = make_case(state="assigned", urgent=True, subject='=HYPERLINK("http://x","y")')
    make_case(state="assigned")
    client.force_login(org.head)
    query = "?queue=all&urgency=urgent&page=3"
    response = client.get(reverse("cases:export", args=["csv"]) + query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Номер", "Поступило", "Тема сообщения", "Клиент"]
    assert len(rows) == 2  # the filter applies, the page does not
    assert rows[1][0] == evil.registration_number
    assert rows[1][2] == '\'=HYPERLINK("http://x","y")'
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", rows[1][1])
    # Only the queue's columns: never the text of the message nor contacts.
    assert evil.text not in response.content.decode("utf-8-sig")

    response = client.get(reverse("cases:export", args=["xlsx"]) + query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][0] == evil.registration_number
    assert values[1][2] == '\'=HYPERLINK("http://x","y")' and sheet.cell(2, 3).data_type == "s"
    assert sheet.cell(2, 10).number_format == "DD.MM.YYYY"


def test_export_keeps_to_what_the_user_sees(client, org, make_case):
    mine = make_case(state="assigned", unit="ОДС")
    make_case(state="assigned", unit="ОКИ", executor="executor2")
    client.force_login(org.head)
    response = client.get(reverse("cases:export", args=["csv"]) + "?queue=all")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [mine.registration_number]
    client.force_login(org.client)
    assert client.get(reverse("cases:export", args=["csv"])).status_code == 403
    client.force_login(org.head)
    assert client.get(reverse("cases:export", args=["pdf"])).status_code == 404


# --- saved filters --------------------------------------------------------------------------


def test_saved_filters_are_per_user(client, org):
    client.force_login(org.head)
    response = client.post(
        reverse("cases:save_filter"),
        {"name": "Срочные", "next": "queue=all&urgency=urgent&page=4&csrfmiddlewaretoken=x&evil=1"},
    )
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=org.head, name="Срочные")
    assert saved.query == "queue=all&urgency=urgent"
    html = _get(client, org.head).content.decode()
    assert f'<a href="{URL}?queue=all&amp;urgency=urgent">Срочные</a>' in html
    # Saving under the same name replaces it.
    client.post(reverse("cases:save_filter"), {"name": "Срочные", "next": "queue=closed"})
    assert SavedFilter.objects.get(user=org.head, name="Срочные").query == "queue=closed"
    # Another member of staff neither sees nor deletes it.
    assert ">Срочные</a>" not in _get(client, org.executor).content.decode()
    assert client.post(reverse("cases:delete_filter", args=[saved.pk])).status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    client.force_login(org.head)
    client.post(reverse("cases:delete_filter", args=[saved.pk]))
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()
    # An empty name is an error, nothing saved.
    response = client.post(reverse("cases:save_filter"), {"name": "", "next": "queue=all"})
    assert _messages(response) and not SavedFilter.objects.exists()
