"""/health/: the state of the database, the broker and the search backend, 503 when one
is down. Nothing is mocked: "down" means a real connection to a closed port."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler
from django.test import override_settings

from intranet.health import check_broker, check_database, check_search

CLOSED_PORT = 1  # nothing listens on TCP port 1 on a developer machine or a CI runner
DEAD_BROKER = f"redis://127.0.0.1:{CLOSED_PORT}/0"
DEAD_SEARCH = {
    "default": {
        "BACKEND": "wagtail.search.backends.elasticsearch9",
        "URLS": [f"http://127.0.0.1:{CLOSED_PORT}"],
        "INDEX_PREFIX": "health_test_",
    }
}


def get_health(client):
    started = time.monotonic()
    response = client.get("/health/")
    elapsed = time.monotonic() - started
    assert response["Content-Type"] == "application/json"
    return response, response.json(), elapsed


@pytest.mark.django_db
def test_all_up_anonymous(client):
    response, body, elapsed = get_health(client)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["services"]) == {"database", "broker", "search"}
    assert all(state["ok"] for state in body["services"].values())
    assert body["services"]["database"]["vendor"] in {"sqlite", "postgresql"}
    expected_mode = "broker" if settings.CELERY_BROKER_URL else "eager"
    assert body["services"]["broker"]["mode"] == expected_mode
    assert "Cache-Control" in response and "no-cache" in response["Cache-Control"]
    assert elapsed < 2


@pytest.mark.django_db
def test_only_get(client):
    assert client.post("/health/").status_code == 405


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL=DEAD_BROKER)
def test_broker_down_gives_503(client):
    response, body, elapsed = get_health(client)
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["services"]["broker"]["ok"] is False
    assert body["services"]["broker"]["mode"] == "broker"
    assert body["services"]["broker"]["error"]
    assert body["services"]["database"]["ok"] is True
    assert elapsed < 3


@pytest.mark.django_db
@override_settings(WAGTAILSEARCH_BACKENDS=DEAD_SEARCH)
def test_search_down_gives_503(client):
    response, body, elapsed = get_health(client)
    assert response.status_code == 503
    assert body["services"]["search"] == {
        "ok": False,
        "backend": "elasticsearch9",
        "error": "ConnectionError",
    }
    assert elapsed < 3


def test_database_down_on_a_closed_postgresql_port(django_db_blocker):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "HOST": "127.0.0.1",
                "PORT": CLOSED_PORT,
                "NAME": "intranet",
                "USER": "postgres",
                "OPTIONS": {"connect_timeout": 2},
            }
        }
    )
    connection = handler["default"]
    try:
        # A second, real connection: pytest-django only blocks it until unblocked.
        with django_db_blocker.unblock():
            started = time.monotonic()
            state = check_database(connection)
            assert time.monotonic() - started < 3
    finally:
        handler.close_all()
    assert state == {"ok": False, "vendor": "postgresql", "error": "OperationalError"}


@pytest.mark.django_db
def test_database_up_with_the_default_connection():
    from django.db import connection

    assert check_database() == {"ok": True, "vendor": connection.vendor}


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_up_on_postgresql():
    assert check_database() == {"ok": True, "vendor": "postgresql"}


@pytest.mark.redis
def test_broker_up_on_redis():
    assert check_broker() == {"ok": True, "mode": "broker"}
    # The same check follows a changed setting.
    with override_settings(CELERY_BROKER_URL=DEAD_BROKER):
        assert check_broker()["ok"] is False


def test_eager_mode_is_healthy():
    with override_settings(CELERY_BROKER_URL=""):
        assert check_broker() == {"ok": True, "mode": "eager"}


@pytest.mark.django_db
def test_database_search_backend_follows_the_database():
    with override_settings(
        WAGTAILSEARCH_BACKENDS={"default": {"BACKEND": "wagtail.search.backends.database"}}
    ):
        state = check_search()
    assert state["ok"] is True
    assert not state["backend"].startswith("elasticsearch")
