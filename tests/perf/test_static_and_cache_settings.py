"""Static files under production settings are served by WhiteNoise with hashed names,
cached for a year as immutable, and compressed; the cache backend follows CACHE_URL.

Both run in a fresh interpreter with production settings (as the containers start),
with `collectstatic` of the project's own files into a throw-away directory: the
libraries' bundles (Wagtail's and Django's admin, the API docs' Swagger and ReDoc) take
the same path through the same storage, and compressing their megabytes with Brotli cost
the suite some 45 seconds on two cores."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

LEAKY = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "ELASTICSEARCH_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "STATIC_ROOT",
    "CACHE_URL",
    "CACHE_MAX_ENTRIES",
)


@pytest.fixture
def production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    env.update(
        DJANGO_SETTINGS_MODULE="intranet.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS="intranet.example.gov.ru",
        VAR_DIR=str(tmp_path),  # throw-away SQLite file and static root
        PYTHONPATH=str(ROOT),
    )
    return env


def _run(env, *args, timeout=180) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


STATIC_PROBE = """
import json
import django
django.setup()
from django.templatetags.static import static
from django.test import Client
client = Client()
host = {"HTTP_HOST": "intranet.example.gov.ru"}
url = static("css/intranet.css")
hashed = client.get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip, deflate", **host)
raw = client.get(url, secure=True, **host)
plain = client.get("/static/css/intranet.css", secure=True, **host)
print(json.dumps({
    "url": url,
    "hashed_status": hashed.status_code,
    "hashed": dict(hashed.headers),
    "hashed_magic": b"".join(hashed.streaming_content)[:2].hex(),
    "raw": dict(raw.headers),
    "plain_status": plain.status_code,
    "plain": dict(plain.headers),
}))
"""


def test_hashed_static_files_are_long_cached_and_compressed(production_env, tmp_path):
    libraries = ("admin", "wagtail*", "rest_framework", "drf_spectacular_sidecar", "table_block")
    ignore = [arg for pattern in libraries for arg in ("-i", pattern)]
    _run(production_env, "manage.py", "collectstatic", "--noinput", "-v", "0", *ignore)
    static_root = tmp_path / "static"
    assert (static_root / "staticfiles.json").exists(), "manifest storage in production"
    state = json.loads(_run(production_env, "-c", STATIC_PROBE).stdout.strip().splitlines()[-1])

    # Templates link the hashed name (ManifestStaticFilesStorage).
    name = state["url"].removeprefix("/static/")
    assert name.startswith("css/intranet.") and name != "css/intranet.css", state["url"]
    # The compressed variant exists beside it, and it is what a gzip client gets.
    assert (static_root / (name + ".gz")).exists()
    assert state["hashed_status"] == 200
    hashed = {k.lower(): v for k, v in state["hashed"].items()}
    assert hashed["content-encoding"] == "gzip" and state["hashed_magic"] == "1f8b"
    assert "Accept-Encoding" in hashed["vary"]
    # A hashed name never changes content: a year or more, immutable.
    directives = {part.strip() for part in hashed["cache-control"].split(",")}
    assert "immutable" in directives and "public" in directives
    max_age = int(next(d for d in directives if d.startswith("max-age=")).split("=")[1])
    assert max_age >= 31536000
    # A client without gzip gets the plain file, still long-cached.
    raw = {k.lower(): v for k, v in state["raw"].items()}
    assert "content-encoding" not in raw and "immutable" in raw["cache-control"]
    # The unhashed name may change under the same URL: cached briefly, not immutable.
    assert state["plain_status"] == 200
    plain = {k.lower(): v for k, v in state["plain"].items()}
    assert "immutable" not in plain["cache-control"]


CACHE_PROBE = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({"caches": settings.CACHES, "kb": settings.KB_FRAGMENT_CACHE_SECONDS}))
"""


def test_cache_backend_follows_cache_url(production_env):
    def caches(**env):
        result = _run({**production_env, **env}, "-c", CACHE_PROBE)
        return json.loads(result.stdout.strip().splitlines()[-1])

    default = caches()
    assert default["caches"]["default"]["BACKEND"].endswith("LocMemCache")
    assert default["caches"]["default"]["OPTIONS"]["MAX_ENTRIES"] == 1000
    assert default["kb"] == 600
    shared = caches(CACHE_URL="redis://127.0.0.1:6379/1", KB_FRAGMENT_CACHE_SECONDS="120")
    assert shared["caches"]["default"]["BACKEND"].endswith("RedisCache")
    assert shared["caches"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert shared["kb"] == 120
