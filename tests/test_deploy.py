"""Production settings pass Django's deployment checklist and send the security headers.
Both run in a subprocess with DJANGO_SETTINGS_MODULE=intranet.settings.production and
a strong SECRET_KEY, exactly as the containers start."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Variables that other tests or the caller's shell may have set and that production must
# not see: the service URLs, and DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set
# for Playwright and which `check --deploy` rightly rejects (async.E001).
LEAKY = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "ELASTICSEARCH_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


@pytest.fixture
def production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    (tmp_path / "static").mkdir()
    env.update(
        DJANGO_SETTINGS_MODULE="intranet.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS="intranet.example.gov.ru",
        # A throw-away SQLite file and static root: the checks must not touch var/.
        VAR_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
    )
    return env


def test_check_deploy_passes_with_no_warning(production_env):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # Silenced checks are allowed only with a reason in production.py (security.W019).
    source = (ROOT / "intranet" / "settings" / "production.py").read_text()
    assert '"security.W019",' in source and "preview" in source


HEADERS_PROBE = """
import json
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
host = {"HTTP_HOST": "intranet.example.gov.ru"}
secure = client.get("/health/", secure=True, **host)
plain_health = client.get("/health/", **host)
plain_page = client.get("/accounts/login/", **host)
print(json.dumps({
    "secure": dict(secure.headers),
    "secure_status": secure.status_code,
    "plain_health_status": plain_health.status_code,
    "plain_page_status": plain_page.status_code,
    "plain_page_location": plain_page.headers.get("Location"),
}))
"""


def test_security_headers_under_production_settings(production_env):
    result = subprocess.run(
        [sys.executable, "-c", HEADERS_PROBE],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    headers = {k.lower(): v for k, v in state["secure"].items()}
    # /health/ answers (200, or 503 on this throw-away database; both carry the headers).
    assert state["secure_status"] in (200, 503)
    hsts = headers["strict-transport-security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    # Plain HTTP is redirected to HTTPS, except the health probe.
    assert state["plain_health_status"] in (200, 503)
    assert state["plain_page_status"] == 301
    assert state["plain_page_location"].startswith("https://intranet.example.gov.ru/")


def test_gunicorn_config(monkeypatch):
    import runpy

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert 3 <= config["workers"] <= 8
    assert config["worker_class"] == "gthread" and config["threads"] >= 1
    assert config["timeout"] <= 120 and config["graceful_timeout"] <= config["timeout"]
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["accesslog"] == "-"
    assert config["bind"] == "0.0.0.0:8000"
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "30")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["workers"], config["timeout"]) == (3, 30)
