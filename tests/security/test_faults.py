"""Faults of the services the product stands on, each made real: the PostgreSQL
connection cut in the middle of a request, the broker down while a client submits a
question. (Elasticsearch down: tests/search/test_indexing.py; SMTP refusing and the
broker down during delivery: tests/cases/test_delivery_worker.py; a worker killed in the
middle of a task: tests/test_celery_faults.py; two people changing one answer at once:
tests/cases/test_edit_conflict.py.)"""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import question_form
from tests.mailbox import free_port

QUESTION = question_form(subject="Вклад в справке о доходах")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_connection_cut_during_a_submission_gives_a_clear_page_and_writes_nothing(org):
    """The backend serving the request is terminated by another session
    (pg_terminate_backend) right after the case row is inserted: the client gets the
    503 page in Russian, no case and no timeline row remain, and the next request works.
    Then the backend is terminated between two requests: the next request's first query,
    the session read, would meet the dead connection; it gets a new one and the page is
    shown (intranet.middleware.DatabaseUnavailableMiddleware). The test never closes the
    connection itself: Django's test client does not run close_old_connections, so what
    replaces a dead connection here is the middleware alone."""
    import psycopg

    from cases.models import Case, CaseEvent

    client = Client(raise_request_exception=False)
    client.force_login(org.client)
    db = connection.settings_dict
    dsn = psycopg.conninfo.make_conninfo(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    )
    state = {"armed": False, "killed": False}

    def cut_after_the_case_insert(execute, sql, params, many, context):
        if state["armed"] and not state["killed"]:
            pid = context["connection"].connection.info.backend_pid
            with psycopg.connect(dsn, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            state["killed"] = True
            time.sleep(0.2)
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith('INSERT INTO "CASES_CASE"'):
            state["armed"] = True
        return result

    cases_before = Case.objects.count()
    with connection.execute_wrapper(cut_after_the_case_insert):
        response = client.post(reverse("cases:new"), QUESTION)
    assert state["killed"], "the connection was never cut: the test did not test anything"
    assert response.status_code == 503
    assert response["Retry-After"]
    html = response.content.decode()
    assert "Сервис временно недоступен" in html and "ничего не сохранено" in html
    # Not closed by the test: the connection the cut left was dropped during the request
    # (Django drops a connection whose rollback fails).
    assert Case.objects.count() == cases_before
    assert not Case.objects.filter(subject=QUESTION["subject"]).exists()
    assert not CaseEvent.objects.filter(case__subject=QUESTION["subject"]).exists()
    # The next request goes through.
    response = client.post(reverse("cases:new"), QUESTION)
    assert response.status_code == 302
    case = Case.objects.get(subject=QUESTION["subject"])
    assert response["Location"] == case.get_client_url()

    # The connection dies between two requests, before the client follows the redirect.
    pid = connection.connection.info.backend_pid
    with psycopg.connect(dsn, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend was not terminated"
            time.sleep(0.05)
    queries = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(response["Location"])
    assert response.status_code == 200
    assert '"django_session"' in queries[0]  # the first query: the session read
    assert connection.connection.info.backend_pid != pid  # on a new connection
    html = response.content.decode()
    assert QUESTION["subject"] in html
    assert f"Ваш вопрос зарегистрирован под номером {case.registration_number}" in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_api_gets_a_json_503_when_the_connection_is_cut(org):
    import psycopg

    client = Client(raise_request_exception=False)
    client.force_login(org.client)
    db = connection.settings_dict
    dsn = psycopg.conninfo.make_conninfo(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        password=db["PASSWORD"] or None, dbname=db["NAME"],
    )  # fmt: skip
    state = {"killed": False}

    def cut_before_the_first_case_query(execute, sql, params, many, context):
        if not state["killed"] and '"cases_case"' in sql:
            pid = context["connection"].connection.info.backend_pid
            with psycopg.connect(dsn, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            state["killed"] = True
            time.sleep(0.2)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_before_the_first_case_query):
        response = client.get("/api/cases/", HTTP_ACCEPT="application/json")
    connection.close()
    assert state["killed"]
    assert response.status_code == 503
    assert response.json()["detail"] == "База данных недоступна. Повторите через минуту."


@pytest.mark.django_db
def test_broker_down_a_question_is_saved_and_indexed_when_it_returns(
    client,
    org,
    django_capture_on_commit_callbacks,
):
    """With the broker unreachable the client's question is still saved and registered;
    its search update, which could not be queued, is picked up by the catch-up task (the
    outbox of index updates) once tasks run again."""
    from cases.models import Case
    from intranet.celery import app
    from search.documents import stale_case_ids
    from search.models import CaseDocument
    from search.tasks import catch_up

    def use_broker(url, write_url):
        app.conf.broker_url, app.conf.broker_write_url = url, write_url
        app._pool = None
        app.amqp._producer_pool = None

    good = app.conf.broker_url, app.conf.broker_write_url
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    client.force_login(org.client)
    app.conf.task_always_eager = False
    use_broker(closed, closed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("cases:new"), QUESTION)
    finally:
        app.conf.task_always_eager = True
        use_broker(*good)
    case = Case.objects.get(subject=QUESTION["subject"])
    assert response.status_code == 302 and response["Location"] == case.get_client_url()
    assert case.registration_number
    assert not CaseDocument.objects.filter(case_id=case.pk).exists()
    assert case.pk in stale_case_ids()
    # The broker is back: the beat's catch-up pass indexes what was missed, once.
    assert catch_up.delay().get() >= 1
    assert CaseDocument.objects.filter(case_id=case.pk).exists()
    assert case.pk not in stale_case_ids()
    assert catch_up.delay().get() == 0


def test_catch_up_is_on_the_beat_schedule():
    from intranet.celery import app
    from search.tasks import CATCH_UP_TASK

    app.finalize()
    assert CATCH_UP_TASK in {entry["task"] for entry in app.conf.beat_schedule.values()}


# --- the database gone: every URL, whoever asks ------------------------------------------

# (method, URL): representative URLs of every part: Wagtail pages, the portal, the staff
# desk, the search, the cases API, the pages API, the admin, the sign-in.
DEAD_DATABASE_URLS = [
    ("get", "/"),
    ("get", "/kb/"),
    ("get", "/cases/mine/"),
    ("get", "/cases/new/"),
    ("post", "/cases/new/"),
    ("get", "/cases/"),
    ("get", "/search/?q=справка"),
    ("get", "/api/cases/"),
    ("get", "/api/v2/kb/"),
    ("get", "/admin/"),
    ("get", "/admin/pages/"),
    ("get", "/admin/login/"),
    ("post", "/accounts/login/"),
]
# What an anonymous visitor gets without the database being asked at all: the way to the
# sign-in (whose form needs no database: signing in does, and gets the 503), or the API's
# refusal of an unauthenticated caller. Every other answer is the 503 (the search among
# them: an anonymous visitor searches the public articles, which reads the database).
ANONYMOUS_WITHOUT_DATABASE = {
    ("get", "/cases/mine/"): 302,
    ("get", "/cases/new/"): 302,
    ("post", "/cases/new/"): 302,
    ("get", "/cases/"): 302,
    ("get", "/api/cases/"): 403,
    ("get", "/admin/"): 302,
    ("get", "/admin/pages/"): 302,
}
SIGN_IN_PAGES = ("/accounts/login/?next=", "/admin/login/?next=")
POSTED = {"/cases/new/": QUESTION, "/accounts/login/": {"username": "client", "password": "x"}}


def _dsn() -> str:
    import psycopg

    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        password=db["PASSWORD"] or None, dbname=db["NAME"],
    )  # fmt: skip


def _terminate_the_backend(dsn: str) -> None:
    """End the server side of this process's connection from another session, and wait
    until PostgreSQL has let it go."""
    import psycopg

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with psycopg.connect(dsn, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend was not terminated"
            time.sleep(0.02)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_every_url_answers_503_while_the_database_is_gone(org):
    """The server side of the connection is terminated (pg_terminate_backend) before each
    request, and PostgreSQL cannot be reached again during it (the connection points at a
    port nobody listens on): whether the session read in a middleware, Wagtail's site
    lookup, a view or the admin meets the dead database first, the answer is the Russian
    503 page (JSON under /api/) with Retry-After, never Django's English 500; as an
    anonymous visitor, a client and a registrar (one test: a transactional test costs a
    restore of the world). The request after the database is back goes through."""
    db = connection.settings_dict
    dsn, port = _dsn(), db["PORT"]
    answers = {}
    clients = {}
    for role in ("anonymous", "client", "registrar"):
        clients[role] = client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(getattr(org, role))
    try:
        for role, client in clients.items():
            for method, url in DEAD_DATABASE_URLS:
                db["PORT"] = port
                _terminate_the_backend(dsn)
                db["PORT"] = str(free_port())  # reconnecting fails: nothing listens there
                data = POSTED.get(url, {}) if method == "post" else {}
                answers[role, method, url] = getattr(client, method)(url, data)
    finally:
        db["PORT"] = port
        connection.close()
    for (role, method, url), response in answers.items():
        where = f"{role} {method.upper()} {url}"
        if role == "anonymous" and (method, url) in ANONYMOUS_WITHOUT_DATABASE:
            assert response.status_code == ANONYMOUS_WITHOUT_DATABASE[method, url], where
            if response.status_code == 302:
                assert response["Location"].startswith(SIGN_IN_PAGES), where
            continue
        assert response.status_code == 503, f"{where}: {response.status_code}"
        assert response["Retry-After"] == "30", where
        if url.startswith("/api/"):
            assert response.json() == {
                "detail": "База данных недоступна. Повторите через минуту."
            }, where
        else:
            html = response.content.decode()
            assert "Сервис временно недоступен" in html and "ничего не сохранено" in html, where
            assert "Server Error" not in html, where
    # The database is back: the next request reconnects.
    assert clients["client"].get("/cases/mine/").status_code == 200


# The same without a database server: the failure raised where the first query would be.
LOST = "server closed the connection unexpectedly"


def _lost(*args, **kwargs):
    from django.db import OperationalError

    raise OperationalError(LOST)


def _assert_503(response, json_expected: bool) -> None:
    assert response.status_code == 503, response.status_code
    assert response["Retry-After"] == "30"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    if json_expected:
        assert response.json() == {"detail": "База данных недоступна. Повторите через минуту."}
    else:
        html = response.content.decode()
        assert "Сервис временно недоступен" in html and "ничего не сохранено" in html


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("url", ["/cases/mine/", "/api/cases/", "/search/?q=справка"])
def test_the_session_read_in_a_middleware_meets_the_dead_database(
    settings, monkeypatch, url, debug
):
    """The request of issue 18: a signed-in user's session is read first by
    LoginRequiredMiddleware.process_view, before any view; the database error raised
    there is answered with the 503, not Django's 500 (nor, under DEBUG, its error page)."""
    from django.contrib.sessions.backends.db import SessionStore

    settings.DEBUG = debug
    monkeypatch.setattr(SessionStore, "load", _lost)
    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    _assert_503(client.get(url), json_expected=url.startswith("/api/"))


@pytest.mark.urls("tests.error_urls")
def test_the_session_save_after_the_view_meets_the_dead_database(settings, monkeypatch):
    """SessionMiddleware saves a changed session after the view has answered: the 503
    must come from outside it (intranet.middleware.DatabaseUnavailableMiddleware sits
    before SessionMiddleware in MIDDLEWARE)."""
    from django.contrib.sessions.backends.db import SessionStore

    monkeypatch.setattr(SessionStore, "save", _lost)
    client = Client(raise_request_exception=False)
    _assert_503(client.get("/test-errors/remembers/"), json_expected=False)
    _assert_503(
        client.get("/test-errors/remembers/", HTTP_ACCEPT="application/json"),
        json_expected=True,
    )


@pytest.mark.urls("tests.error_urls")
def test_other_errors_stay_a_500(settings):
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/fails/")
    assert response.status_code == 500 and "Retry-After" not in response


def test_an_error_raised_while_handling_a_database_error_counts_as_one():
    from django.db import InterfaceError, OperationalError

    from intranet.middleware import is_database_failure

    def raised(exception, during=None):
        try:
            try:
                if during:
                    raise during
            finally:
                raise exception
        except Exception as caught:
            return caught

    assert is_database_failure(OperationalError(LOST))
    assert is_database_failure(InterfaceError("connection already closed"))
    assert is_database_failure(raised(AttributeError("_session_cache"), OperationalError(LOST)))
    assert not is_database_failure(RuntimeError("a bug"))
    assert not is_database_failure(raised(RuntimeError("a bug"), ValueError("x")))
    assert not is_database_failure(None)
