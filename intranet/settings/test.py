"""Tests: the same environment switches as production (DATABASE_URL, CELERY_BROKER_URL,
ELASTICSEARCH_URL), with a fast hasher, in-memory mail and plain static storage."""

import os
import tempfile

os.environ.setdefault("DEBUG", "0")

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
MEDIA_ROOT = tempfile.mkdtemp(prefix="intranet-test-media-")
# Each test process has its own cache (tests/conftest.py empties it before every test),
# also when CACHE_URL is set: parallel test processes must not share cached fragments.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["*"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise scans it at start-up)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test database is thrown away: its commits need not wait for the WAL to reach the
    # disk (the tests that commit, and the worlds of tests/worlds.py, are built faster).
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
