"""The permission matrix of tests/security/matrix.py, checked for every demo role and for
anonymous against the demo organisation; a sweep of every Wagtail admin URL for the roles
that have no admin access; and a guard that fails when a URL has no row."""

from __future__ import annotations

import datetime
import os
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security import matrix

pytestmark = pytest.mark.django_db

PASSWORD = "demo-intranet-2026"


def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if pattern.namespace and namespace:
                ns = f"{namespace}:{pattern.namespace}"
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            yield prefix + str(pattern.pattern), f"{namespace}:{name}" if namespace else name


def project_url_names() -> set[str]:
    """Every named URL outside the Wagtail admin, DRF format-suffix twins merged."""
    names = set()
    for route, name in _walk(get_resolver()):
        if route.startswith("admin/") or name in matrix.NOT_IN_MATRIX:
            continue
        names.add(name)
    return names


def admin_routes() -> list[tuple[str, str]]:
    return [(route, name) for route, name in _walk(get_resolver()) if route.startswith("admin/")]


def classify(response) -> str:
    code = response.status_code
    if 200 <= code < 300:
        return "ok"
    if code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return "login" if "/login/" in location else "away"
    if code in (403, 404):
        return "no"
    if code == 405:
        return "405"
    return str(code)


class _Lazy(dict):
    """The matrix's objects, each made when a row first asks for it: a row needs one
    object, and making them all (files written, a reception slot booked) for each of
    some 200 rows cost more than many rows' checks."""

    def __init__(self, makers):
        super().__init__()
        self.makers = makers

    def __missing__(self, key):
        value = self[key] = self.makers[key](self)
        return value

    def make_all(self):
        """Every object at once (the crawl shows the case pages with all of them)."""
        for key in self.makers:
            self[key]  # made on access
        return self


def _cases(_objects):
    from cases.models import Case

    return {
        label: Case.objects.get(subject__startswith=prefix)
        for label, prefix in matrix.OBJECTS.items()
    }


def _attachment(objects):
    from cases.models import Attachment

    return Attachment.objects.create(
        case=objects["cases"]["own"],
        file=ContentFile(b"%PDF-1.4 matrix\n", name="matrix.pdf"),
        original_name="matrix.pdf",
    )


def _answer_file(objects):
    from cases.models import Answer, AnswerAttachment

    other = objects["cases"]["other"]
    answer = Answer.objects.filter(case=other).first() or Answer.objects.create(
        case=other, author=other.executor
    )
    return AnswerAttachment.objects.create(
        answer=answer,
        file=ContentFile(b"%PDF-1.4 answer\n", name="answer.pdf"),
        original_name="answer.pdf",
    )


def _body_request(objects):
    from cases.models import OtherBodyRequest

    other = objects["cases"]["other"]
    return OtherBodyRequest.objects.create(
        case=other,
        body_name="Налоговая инспекция",
        what="Копия декларации",
        requested_by=other.executor,
        due_date=datetime.date(2026, 12, 1),
    )


def _delivery(_objects):
    from cases.models import Delivery

    # Acknowledgements of receipt (on every registration) are not the row's letter.
    return Delivery.objects.exclude(purpose="acknowledgement").order_by("pk").first()


def _extension_ask(objects):
    """The executor's request for more time on `own`, for the head's decision URL."""
    from cases.models import CaseEvent, EventKind

    own = objects["cases"]["own"]
    return CaseEvent.objects.create(
        case=own,
        kind=EventKind.EXTENSION_REQUESTED,
        actor=own.executor,
        message="Матрица прав",
        reason="Матрица прав",
        data={"days": 5},
    )


def _case_file(_objects):
    from cases.retention.models import CaseFile

    return CaseFile.objects.order_by("year", "pk").first()  # due for review (demo)


def _act(objects):
    from cases.retention.models import DestructionAct

    return DestructionAct.objects.create(
        case_file=objects["case_file"],
        drafted_by=objects["cases"]["own"].executor,
        reason="Экспертная комиссия",
    )


def _objects():
    """The objects the matrix's rows are opened on (the module docstring of
    tests/security/matrix.py), made on first use."""
    from taggit.models import Tag

    from cases.quality.models import QualityReview
    from kb.models import ArticlePage, LegalAct, Topic

    return _Lazy(
        {
            "cases": _cases,
            "attachment": _attachment,
            "answer_file": _answer_file,
            "delivery": _delivery,
            "article": lambda _o: ArticlePage.objects.live().order_by("pk").first(),
            "legal_act": lambda _o: LegalAct.objects.order_by("pk").first(),
            "topic": lambda _o: Topic.objects.order_by("pk").first(),
            "tag": lambda _o: (
                Tag.objects.filter(kb_articlepagetag_items__isnull=False).order_by("pk").first()
            ),
            "body_request": _body_request,
            "extension_ask": _extension_ask,
            "review": lambda _o: QualityReview.objects.order_by("pk").first(),
            "case_file": _case_file,
            "act": _act,
            "notification": lambda o: _notification(o["cases"]["own"]),
            "point": lambda o: o["reception"]["point"],
            "booking": lambda o: o["reception"]["booking"],
            "reception": lambda _o: _reception_objects(),
            "saved_filter": lambda _o: _saved_filter(),
            "ack_sheet": lambda _o: _ack_sheet(),
            "ack_article": lambda o: o["ack_sheet"].article,
        }
    )


def _notification(case):
    """A notification of the case's executor about it (intranet.notifications)."""
    from intranet.models import Notification

    return Notification.objects.create(
        recipient=case.executor, verb="matrix", text="Матрица прав", url=case.get_absolute_url()
    )


def _ack_sheet():
    """An acknowledgement sheet of an ОДС instruction, `reader` on it (kb.acknowledgements)."""
    from django.utils import timezone

    from intranet.accounts.models import User
    from kb.acknowledgements import services
    from kb.models import ArticlePage

    article = ArticlePage.objects.get(slug="kak-predstavit-spravku")
    head, reader = User.objects.get(username="head"), User.objects.get(username="reader")
    return services.assign(article, head, due_date=timezone.localdate(), people=[reader])


def _saved_filter():
    """A saved queue filter of `head` (only its owner may delete it)."""
    from cases.models import SavedFilter
    from intranet.accounts.models import User

    head = User.objects.get(username="head")
    return SavedFilter.objects.create(user=head, name="Матрица прав", query="queue=all")


def _reception_objects():
    """A future booking of `client` at the demo reception point (cases.reception)."""
    from cases.reception import services
    from cases.reception.slots import Planner
    from intranet.accounts.models import User
    from intranet.models import ReceptionPointPage

    point = ReceptionPointPage.objects.live().first()
    planner = Planner(point)
    day = next(day for day, free in planner.days() if free)
    client = User.objects.get(username="client")
    booking = services.book(client, point, planner.free(day)[0].starts, topic="law",
                            question="Матрица прав: запись на приём")  # fmt: skip
    return {"point": point, "booking": booking}


# Letters of the matrix: (the case they are on, their kind).
LETTERS = {
    "letter": ("own", "clarification"),
    "conf_letter": ("conf", "clarification"),
    "body_letter": ("own", "covering"),
}


def _letter(case, kind):
    """An outgoing letter on `case`, written as a row (the letters themselves are
    rendered and tested in tests/cases/test_letters.py)."""
    from django.utils import timezone

    from cases.models import OutgoingLetter

    return OutgoingLetter.objects.create(
        case=case, kind=kind, date=timezone.localdate(), subject="Матрица прав",
        text="Матрица прав", html='<article class="letter"><p>Матрица прав</p></article>',
    )  # fmt: skip


def build_url(name: str, obj: str | None, objects) -> str:
    if obj is None:
        return reverse(name)
    if obj in objects["cases"]:
        return reverse(name, kwargs={"pk": objects["cases"][obj].pk})
    if obj == "attachment":
        return reverse(name, kwargs={"pk": objects["attachment"].pk})
    if obj == "answer_file":
        return reverse(name, kwargs={"pk": objects["answer_file"].pk})
    if obj == "delivery":
        delivery = objects["delivery"]
        return reverse(name, kwargs={"pk": delivery.case_id, "delivery_pk": delivery.pk})
    if obj in LETTERS:
        letter = _letter(objects["cases"][LETTERS[obj][0]], LETTERS[obj][1])
        return reverse(name, kwargs={"pk": letter.case_id, "letter_pk": letter.pk})
    if obj in ("case_file", "act"):
        return reverse(name, kwargs={"pk": objects[obj].pk})
    if obj in ("point", "booking"):
        return reverse(name, kwargs={"pk": objects[obj].pk})
    if obj == "notification":
        return reverse(name, kwargs={"pk": objects["notification"].pk})
    if obj == "saved_filter":
        return reverse(name, kwargs={"pk": objects["saved_filter"].pk})
    if obj in ("csv", "xlsx"):
        return reverse(name, kwargs={"kind": obj})
    if obj == "review":
        return reverse(name, kwargs={"pk": objects["review"].pk})
    if obj == "extension_ask":
        return reverse(name, kwargs={"event_pk": objects["extension_ask"].pk})
    if obj == "body_request":
        request = objects["body_request"]
        return reverse(name, kwargs={"pk": request.case_id, "request_pk": request.pk})
    if obj == "ack_sheet":
        return reverse(name, kwargs={"pk": objects["ack_sheet"].pk})
    if obj == "ack_article":
        return reverse(name, kwargs={"page_id": objects["ack_article"].pk})
    if obj == "article" and name == "search:open":
        return reverse(name, kwargs={"kind": "article", "pk": objects["article"].pk})
    if obj in ("legal_act", "tag"):
        return reverse(name, kwargs={"pk": objects[obj].pk})
    if obj == "topic":
        return reverse(name, kwargs={"slug": objects["topic"].slug})
    if obj == "article":
        key = "page_id" if name in ("kb:feedback", "kb:follow", "kb:mark_reviewed") else "pk"
        return reverse(name, kwargs={key: objects["article"].pk})
    raise AssertionError(f"unknown object {obj!r}")


def client_for(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        from intranet.accounts.models import User

        client.force_login(User.objects.get(username=role))
    return client


def clients_for_roles() -> dict[str, Client]:
    """A client per role, signed in by a session row of its own: the rows of all roles
    written in one statement (a sign-in's signals, last login and audit entry, written
    twelve times for each of some 170 rows, cost more than the rows' checks). The
    session is what `force_login` stores: the user's id, backend and password hash."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from intranet.accounts.models import User

    # The backend force_login names: the first that can load a user.
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    users = {u.username: u for u in User.objects.filter(username__in=matrix.ROLES)}
    expires = timezone.now() + timezone.timedelta(hours=1)
    clients, rows = {"anonymous": Client()}, []
    for role in matrix.ROLES:
        if role == "anonymous":
            continue
        user, store = users[role], SessionStore()
        key = get_random_string(32, VALID_KEY_CHARS)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        clients[role] = Client()
        clients[role].cookies[settings.SESSION_COOKIE_NAME] = key
    Session.objects.bulk_create(rows)
    return clients


def test_every_url_has_a_row():
    covered = {name for name, _obj in matrix.MATRIX}
    missing = sorted(project_url_names() - covered)
    assert not missing, (
        "URLs without a row in tests/security/matrix.py (add who may open them): "
        + ", ".join(missing)
    )
    stale = sorted(covered - project_url_names())
    assert not stale, f"rows for URLs that no longer exist: {stale}"


ROWS = sorted(matrix.MATRIX, key=lambda row: (row[0], repr(row[1])))


@pytest.mark.parametrize("row", ROWS, ids=[f"{name}-{obj}" for name, obj in ROWS])
def test_rows_hold_for_every_role(row, demo, settings):
    """One row of the matrix, for every role: a GET row, or a POST row with an empty form
    (refused roles must be refused before any validation; allowed ones get the form's own
    answer). Each row is a test of its own on the demo world, rolled back afterwards, so
    an allowed withdrawal does not change the case for the next row. MATRIX_DUMP=1 (with
    -s) prints the observed row as a line of matrix.py instead of checking it."""
    name, obj = row
    spec = matrix.MATRIX[row]
    url = build_url(name, obj, _objects())
    method = spec["method"]
    dump = os.environ.get("MATRIX_DUMP")
    # Signing out ends the session: each role's client is made for this row alone.
    clients = clients_for_roles()
    got = {role: classify(getattr(clients[role], method)(url, {})) for role in matrix.ROLES}
    if dump and method == "get" and set(list(got.values())[1:]) == {"405"}:
        method = "post"
        clients = {role: client_for(role) for role in matrix.ROLES}
        got = {role: classify(clients[role].post(url, {})) for role in matrix.ROLES}
    if dump:
        cells = " ".join(got[role] for role in matrix.ROLES)
        extra = ', method="post"' if method == "post" else ""
        print(f'add("{name}", {obj!r}, "{cells}"{extra})')
        return
    mismatches = [
        f"{method.upper()} {url} ({name}) as {role}: {got[role]}, expected {spec['expect'][role]}"
        for role in matrix.ROLES
        if got[role] != spec["expect"][role]
    ]
    assert not mismatches, "\n".join(mismatches)


ADMIN_ARG = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)|\([^)]*\)")


def _admin_sample_path(route: str) -> str:
    """A concrete path for an admin route: integers become 1, other parameters 'x'."""
    path = route.replace("^", "").replace("$", "")

    def fill(match):
        converter = match.group(1) or ""
        return "1" if converter == "int" or "pk" in (match.group(0) or "") else "x"

    return "/" + ADMIN_ARG.sub(fill, path)


@pytest.mark.parametrize("role", ["anonymous", "reader", "client"])
def test_every_admin_url_refuses_roles_without_admin_access(org_demo, role):
    """Readers and internal clients have no Wagtail admin access: every admin URL, with
    any arguments, sends them to sign in or refuses; none answers 2xx or fails. Which
    admin views unit editors and heads may open, and on whose pages, is tested in
    tests/kb/test_ownership.py (the ownership rule from the refused editor's side)."""
    client = client_for(role)
    failures = []
    for route, name in admin_routes():
        if name in matrix.ADMIN_PUBLIC:
            continue
        path = _admin_sample_path(route)
        response = client.get(path)
        outcome = classify(response)
        if outcome in ("ok",) or response.status_code >= 500:
            failures.append(f"{path} ({name}): {response.status_code}")
    assert not failures, "\n".join(failures)


def test_every_state_change_needs_the_csrf_token(demo):
    """Every POST URL of the matrix, posted by a signed-in user allowed to reach it but
    without the CSRF token (a forged cross-site form), is refused with 403 before any
    view code runs; the API's session authentication enforces it too."""
    objects = _objects()
    refused = []
    for (name, obj), spec in matrix.MATRIX.items():
        if spec["method"] != "post":
            continue
        allowed = [
            role for role, outcome in spec["expect"].items() if outcome not in ("no", "login")
        ]
        if not allowed or name == "logout":
            continue
        from intranet.accounts.models import User

        forged = Client(enforce_csrf_checks=True)
        forged.force_login(User.objects.get(username=allowed[0]))
        response = forged.post(build_url(name, obj, objects), {"text": "подделка"})
        if response.status_code != 403:
            refused.append(f"{name} ({obj}) as {allowed[0]}: {response.status_code}")
    assert not refused, "state changes accepted without a CSRF token:\n" + "\n".join(refused)
