"""Hostile input, generated: every write operation of the API from its OpenAPI schema, and
every form of the portal and the workspace as the pages render them, get values made by
hypothesis (well-typed, wrong-typed, oversized, markup, control characters, Cyrillic). No
answer may be a server error. The number of examples is bounded so CI stays fast; raise
FUZZ_EXAMPLES locally for a longer run."""

from __future__ import annotations

import contextlib
import os
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security import matrix

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "' OR 1=1 --",
        "../../etc/passwd",
        "\x00\x01\x02",
        "\u202eкод",
        "Срочно!!! " * 400,
        "9" * 40,
        "-1",
        "2026-02-30",
        "null",
        "{}",
        "[]",
    ]
)
TEXT = st.one_of(HOSTILE, st.text(max_size=300))
SCALAR = st.one_of(TEXT, st.integers(-(2**63), 2**63), st.booleans(), st.none(), st.floats())


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    if "allOf" in node:
        merged: dict = {}
        for part in node["allOf"]:
            merged.update(_resolve(schema, part))
        return merged
    return node


def strategy_for(schema: dict, node: dict, depth: int = 0):
    """Values shaped by the schema most of the time, anything the rest of the time."""
    node = _resolve(schema, node)
    if "enum" in node:
        shaped = st.sampled_from(node["enum"])
    elif node.get("type") == "object" or "properties" in node:
        if depth > 2:
            return st.just({})
        fields = {
            name: strategy_for(schema, sub, depth + 1)
            for name, sub in node.get("properties", {}).items()
            if not sub.get("readOnly")
        }
        shaped = st.fixed_dictionaries({}, optional=fields)
    elif node.get("type") == "array":
        shaped = st.lists(strategy_for(schema, node.get("items", {}), depth + 1), max_size=3)
    elif node.get("type") == "integer":
        shaped = st.integers(-5, 10**6)
    elif node.get("type") == "boolean":
        shaped = st.booleans()
    elif node.get("format") == "date":
        shaped = st.dates().map(str)
    elif node.get("format") == "date-time":
        shaped = st.datetimes().map(lambda value: value.isoformat())
    else:
        shaped = TEXT
    return st.one_of(shaped, shaped, SCALAR)


def api_operations() -> list[tuple[str, str, dict]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in {"post", "put", "patch"}:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            operations.append((path, method, body or {}))
    return schema, operations


def _login(username: str) -> Client:
    from intranet.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _run(probe) -> None:
    """Run a probe; its failures are collected by the probe itself, so a falsified
    example does not hide the other operations' results."""
    with contextlib.suppress(AssertionError):
        probe()


def _api_probe(client, method, url, strategy, failures, username):
    @FUZZ
    @given(data=strategy)
    def probe(data):
        response = getattr(client, method)(url, data, content_type="application/json")
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url} as {username}: {data!r}")
        assert response.status_code < 500

    return probe


def _form_probe(client, action, names, failures):
    @FUZZ
    @given(values=st.fixed_dictionaries({}, optional=dict.fromkeys(names, TEXT)))
    def probe(values):
        response = client.post(action, values)
        if response.status_code >= 500:
            failures.append(f"POST {action}: {values!r}")
        assert response.status_code < 500

    return probe


def test_every_api_write_operation_survives_hostile_bodies(demo):
    from cases.models import Case

    schema, operations = api_operations()
    assert len(operations) >= 15, "the schema lost its write operations"
    own = Case.objects.get(subject__startswith=matrix.OBJECTS["own"])
    failures = []
    for username in ("head", "client", "registrar"):
        client = _login(username)
        for path, method, body in operations:
            url = path.replace("{id}", str(own.pk))

            strategy = strategy_for(schema, body) if body else SCALAR
            _run(_api_probe(client, method, url, strategy, failures, username))
    assert not failures, "\n".join(failures[:20])


class _Forms(HTMLParser):
    """The POST forms of a page: their action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._current)
        elif self._current is not None and tag in {"input", "textarea", "select"}:
            name = attrs.get("name")
            if name and attrs.get("type") not in {"submit", "file"}:
                self._current["fields"][name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def post_forms(client: Client, page_url: str) -> list[tuple[str, dict]]:
    response = client.get(page_url)
    assert response.status_code == 200, page_url
    parser = _Forms()
    parser.feed(response.content.decode())
    return [(form["action"] or page_url, form["fields"]) for form in parser.forms]


FORM_PAGES = [
    ("client", "cases:new", None),
    ("client", "cases:client_detail", "own"),
    ("registrar", "cases:register", None),
    ("registrar", "cases:detail", "own"),
    ("executor", "cases:detail", "own"),
    ("head", "cases:detail", "own"),
]


@pytest.mark.parametrize(("username", "name", "obj"), FORM_PAGES)
def test_every_form_survives_hostile_values(demo, username, name, obj):
    from cases.models import Case

    client = _login(username)
    kwargs = {}
    if obj:
        kwargs["pk"] = Case.objects.get(subject__startswith=matrix.OBJECTS[obj]).pk
    forms = post_forms(client, reverse(name, kwargs=kwargs))
    forms = [(action, fields) for action, fields in forms if "logout" not in action]
    assert forms, f"no POST form on {name}"
    failures = []
    for action, fields in forms:
        names = sorted(set(fields) - {"csrfmiddlewaretoken"})

        _run(_form_probe(client, action, names, failures))
    assert not failures, "\n".join(failures[:20])


@FUZZ
@given(query=TEXT, page=TEXT, facet=TEXT)
def _search_probe(client, query, page, facet):
    for url in ("/search/", "/api/search/", "/api/search/suggest/", "/search/suggest/"):
        response = client.get(url, {"q": query, "page": page, "kind": facet, "topic": facet})
        assert response.status_code < 500, (url, query, page, facet)


def test_search_survives_hostile_queries(demo):
    client = _login("reader")
    _search_probe(client)


def test_hostile_text_is_never_reflected_as_markup(demo):
    client = _login("reader")
    response = client.get("/search/", {"q": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert re.search(rb"&lt;script&gt;|&quot;&gt;", response.content)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "справка\x00", "topic": "declarations\x00"},
        {"q": "справка", "unit": "9" * 30, "year": "99999"},
        {"q": "справка", "page": "²", "per_page": "³"},
        {"q": "\x00\x00", "kind": "\x00", "status": "\x1f", "regime": "\x00"},
    ],
)
def test_search_parameters_found_by_fuzzing(demo, params):
    """Inputs hypothesis found (a NUL byte reached PostgreSQL as a filter value)."""
    client = _login("reader")
    for url in ("/search/", "/api/search/", "/api/search/suggest/"):
        assert client.get(url, params).status_code == 200, url
