"""State of the services the intranet depends on, for /health/ and operators.

Every check reads the current settings (so `override_settings` and a changed
environment are honoured) and gives up within TIMEOUT seconds: a load balancer or
Docker polls /health/ often, and a dead service must not make it hang."""

from __future__ import annotations

from django.conf import settings
from django.db import connection as default_connection

TIMEOUT = 2  # seconds, per service


def check_database(conn=None) -> dict:
    """`conn` is a Django database connection (default: the `default` alias). The
    connect timeout comes from the connection's OPTIONS (production sets
    `connect_timeout`, see intranet/settings/production.py)."""
    conn = conn if conn is not None else default_connection
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return {"ok": False, "vendor": conn.vendor, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": conn.vendor}


def check_broker(url: str | None = None) -> dict:
    """Opens a fresh kombu connection to CELERY_BROKER_URL (or `url`). Unset means
    tasks run eagerly in-process, which is healthy by definition."""
    url = settings.CELERY_BROKER_URL if url is None else url
    if not url:
        return {"ok": True, "mode": "eager"}
    from kombu import Connection

    try:
        with Connection(
            url,
            connect_timeout=TIMEOUT,
            transport_options={"socket_timeout": TIMEOUT, "max_retries": 0},
        ) as conn:
            conn.ensure_connection(max_retries=0, timeout=TIMEOUT)
    except Exception as exc:
        return {"ok": False, "mode": "broker", "error": exc.__class__.__name__}
    return {"ok": True, "mode": "broker"}


def check_search() -> dict:
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    name = backend.__class__.__module__.rsplit(".", 1)[-1]
    if hasattr(backend, "es"):
        client = backend.es
        if hasattr(client, "options"):  # elasticsearch-py >= 8
            client = client.options(request_timeout=TIMEOUT, max_retries=0)
        try:
            # info() rather than ping(): it fails on any non-2xx answer, including the
            # one an Elasticsearch 8 server gives to the version 9 client.
            info = client.info()
        except Exception as exc:
            return {"ok": False, "backend": name, "error": exc.__class__.__name__}
        return {"ok": True, "backend": name, "version": info["version"]["number"]}
    # The database backend lives in the database checked above.
    return {"ok": check_database()["ok"], "backend": name}


def service_states() -> dict[str, dict]:
    return {"database": check_database(), "broker": check_broker(), "search": check_search()}
