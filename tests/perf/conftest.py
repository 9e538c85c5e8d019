"""Query-count guards of the pages users wait on (issue 9): each test builds a small and
a larger data set and checks that the number of SQL queries of the page stays the same
(or within a stated constant) and under a ceiling, on SQLite and on PostgreSQL.

The fixtures of the cases and KB tests are reused as they are."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.cases.conftest import make_case  # noqa: F401  (fixture)
from tests.kb.conftest import kb, make_article  # noqa: F401  (fixtures)
from tests.search.conftest import corpus  # noqa: F401  (fixture)


@dataclass
class Measured:
    response: object
    queries: list[dict]

    @property
    def count(self) -> int:
        return len(self.queries)

    def sql(self) -> str:
        return "\n".join(f"{i:3} {q['sql'][:300]}" for i, q in enumerate(self.queries, 1))


def measure(client, url: str, method: str = "get", data=None, status: int = 200) -> Measured:
    """One request with its SQL queries captured."""
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == status, (response.status_code, url)
    return Measured(response, list(context.captured_queries))


def signed_in(users: dict, usernames) -> dict:
    """A test client signed in as each of `usernames` (from a world's `users`), for the
    guards that measure several people's views of one data set."""
    clients = {}
    for username in usernames:
        clients[username] = Client()
        clients[username].force_login(users[username])
    return clients


def _shape(query: dict) -> str:
    """The query with its literal numbers and strings blanked, to compare two runs."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"])[:400]


def assert_bounded(few: Measured, many: Measured, *, ceiling: int, slack: int = 0) -> None:
    """`many` (the larger data set) runs no more queries than `few` plus `slack`, and
    neither goes above `ceiling`. On failure both query lists are shown."""
    extra = Counter(_shape(q) for q in many.queries) - Counter(_shape(q) for q in few.queries)
    message = (
        f"{few.count} queries with the small data set, {many.count} with the larger one "
        f"(ceiling {ceiling})\n--- only in the larger:\n"
        + "\n".join(extra.elements())
        + f"\n--- small:\n{few.sql()}\n--- larger:\n{many.sql()}"
    )
    assert many.count <= few.count + slack, message
    assert many.count <= ceiling and few.count <= ceiling, message


@pytest.fixture
def warm(client):
    """Request a URL once, so that per-process caches (content types, the site's root
    paths, translations) are filled before the request that is counted."""

    def _warm(url: str):
        client.get(url)

    return _warm
