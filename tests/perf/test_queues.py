"""The workspace list runs a bounded number of SQL queries, whatever the page holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _make(make_case, count, start=0):
    for i in range(start, start + count):
        make_case(
            state="assigned" if i % 2 else "registered",
            subject=f"Вопрос {i}",
            co_executors=["editor"] if i % 3 == 0 else (),
            executor="executor" if i % 2 else None,
        )


@pytest.mark.parametrize("username", ["registrar", "head", "executor", "chief"])
def test_workspace_queries_do_not_grow_with_the_page(client, org, make_case, username):
    client.force_login(org.users[username])
    url = reverse("cases:workspace") + "?queue=all"
    _make(make_case, 5)
    client.get(url)  # warm the per-process caches (content types, site)
    few = _queries(client, url)
    _make(make_case, 55, start=5)
    response = client.get(url)
    assert response.context["page"].paginator.per_page == 50
    many = _queries(client, url)
    assert many == few, f"{few} queries for 5 cases, {many} for a page of 50"
    assert many <= 25


def test_api_list_queries_do_not_grow(client, org, make_case):
    client.force_login(org.registrar)
    _make(make_case, 3)
    client.get("/api/cases/?queue=all")
    few = _queries(client, "/api/cases/?queue=all")
    _make(make_case, 50, start=3)
    many = _queries(client, "/api/cases/?queue=all")
    assert many == few
