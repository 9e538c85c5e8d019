"""Faults of the services the product stands on, each made real: the PostgreSQL
connection cut in the middle of a request, the broker down while a client submits a
question. (Elasticsearch down: tests/search/test_indexing.py; SMTP refusing and the
broker down during delivery: tests/cases/test_delivery_worker.py; a worker killed in the
middle of a task: tests/test_celery_faults.py; two people changing one answer at once:
tests/cases/test_edit_conflict.py.)"""

from __future__ import annotations

import socket
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

QUESTION = {
    "subject": "Вклад в справке о доходах",
    "text": "Как указать вклад, закрытый в декабре прошлого года?",
    "topic": "declarations",
    "reply_channel": "portal",
    "reply_contact": "",
    "extra_reply_channel": "",
    "extra_reply_contact": "",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
