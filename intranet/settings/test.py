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
