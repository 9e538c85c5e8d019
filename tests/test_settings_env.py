"""Settings switch on environment variables only (DESIGN.md, "Stack"). Each case runs
in a fresh interpreter with a controlled environment, because settings are read once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Every variable that could leak from the caller's shell (CI exports several).
SWITCHES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "ELASTICSEARCH_URL",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "SECRET_KEY",
    "DEBUG",
    "VAR_DIR",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' conftest for Playwright
    "ELASTICSEARCH_VERSION",
    "SEARCH_CONFIG",
    "PG_RANDOM_PAGE_COST",
    "BASE_URL",
)

# Settings and the Celery app are read without django.setup(): loading every app would
# cost three seconds a probe, and what is probed is fixed when the settings load.
PROBE = """
import json
from django.conf import settings
from intranet.celery import app
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "host": db.get("HOST"),
    "options": db.get("OPTIONS", {}),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "app_eager": app.conf.task_always_eager,
    "broker": settings.CELERY_BROKER_URL,
    "result_backend": settings.CELERY_RESULT_BACKEND,
    "search": settings.WAGTAILSEARCH_BACKENDS["default"],
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST,
    "debug": settings.DEBUG,
    "base_dir": str(settings.BASE_DIR),
}, default=str))
"""


def run_settings(module: str, code: str = PROBE, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = f"intranet.settings.{module}"
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(module: str = "dev", **env: str) -> dict:
    result = run_settings(module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PROD = {"SECRET_KEY": "x" * 60 + "-test-only-not-a-dev-key"}


@pytest.mark.parametrize("module,env", [("dev", {}), ("production", PROD)])
def test_no_database_url_means_sqlite_under_var(module, env):
    state = probe(module, **env)
    assert state["engine"] == "django.db.backends.sqlite3"
    assert Path(state["name"]) == Path(state["base_dir"]) / "var" / "db.sqlite3"


@pytest.mark.parametrize("module,env", [("dev", {}), ("production", PROD)])
def test_database_url_selects_postgresql(module, env):
    state = probe(
        module, DATABASE_URL="postgres://intranet:secret@db.internal:5432/intranet", **env
    )
    assert state["engine"] == "django.db.backends.postgresql"
    assert state["name"] == "intranet"
    assert state["host"] == "db.internal"
    if module == "production":
        assert state["options"]["connect_timeout"] <= 2
    # SSD planner costs, so broad full-text queries use the GIN indexes (bench/README.md).
    assert state["options"]["options"] == "-c random_page_cost=1.1"


def test_random_page_cost_can_be_left_to_the_server():
    state = probe(DATABASE_URL="postgres://intranet@db.internal/intranet", PG_RANDOM_PAGE_COST="")
    assert "options" not in state["options"]
    state = probe(DATABASE_URL="postgres://intranet@db.internal/intranet", PG_RANDOM_PAGE_COST="2")
    assert state["options"]["options"] == "-c random_page_cost=2.0"


def test_without_broker_tasks_run_eagerly():
    state = probe("dev")
    assert state["broker"] == ""
    assert state["eager"] is True
    assert state["app_eager"] is True


@pytest.mark.parametrize("module,env", [("dev", {}), ("production", PROD)])
def test_with_broker_tasks_go_to_the_broker(module, env):
    state = probe(module, CELERY_BROKER_URL="redis://redis:6379/0", **env)
    assert state["eager"] is False
    assert state["app_eager"] is False
    # The result backend follows the broker unless CELERY_RESULT_BACKEND says otherwise.
    assert state["result_backend"] == "redis://redis:6379/0"


def test_without_elasticsearch_the_database_backend_is_used():
    state = probe("dev")
    # Wagtail's database backend or the search app's subclass of it (search.backends).
    assert state["search"]["BACKEND"].endswith("backends.database")


def test_elasticsearch_url_selects_elasticsearch_with_russian_analysis():
    code = PROBE.replace(
        "print(json.dumps({",
        "import django\ndjango.setup()\n"
        "from wagtail.search.backends import get_search_backend\n"
        "backend = get_search_backend()\n"
        "print(json.dumps({'merged': backend.settings, 'hosts': backend.hosts,",
    )
    result = run_settings("dev", code, ELASTICSEARCH_URL="http://elasticsearch:9200")
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    # Wagtail's backend or the search app's subclass of it (search.backends).
    assert state["search"]["BACKEND"].endswith("backends.elasticsearch9")
    assert state["search"]["URLS"] == ["http://elasticsearch:9200"]
    analysis = state["search"]["INDEX_SETTINGS"]["settings"]["index"]["analysis"]
    assert analysis["filter"]["russian_stemmer"] == {"type": "stemmer", "language": "russian"}
    assert analysis["filter"]["russian_stop"]["stopwords"] == "_russian_"
    assert analysis["analyzer"]["default"]["filter"][-1] == "russian_stemmer"
    # The backend merged our analysis into its own index settings (nothing connects yet).
    merged = state["merged"]["settings"]["index"]["analysis"]
    assert merged["filter"]["russian_stemmer"]["language"] == "russian"
    assert state["hosts"][0]["host"] == "elasticsearch"


def test_email_host_selects_smtp():
    assert probe("dev")["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    state = probe("dev", EMAIL_HOST="mail.example.gov.ru")
    assert state["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert state["email_host"] == "mail.example.gov.ru"


def test_production_without_secret_key_refuses_to_start():
    result = run_settings("production")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_the_dev_key():
    result = run_settings("production", SECRET_KEY="dev-only-insecure-key-change-me")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_debug_defaults():
    assert probe("dev")["debug"] is True
    assert probe("dev", DEBUG="0")["debug"] is False
    assert probe("production", **PROD)["debug"] is False
