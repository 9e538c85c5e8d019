"""Tests: the same environment switches as production (DATABASE_URL, CELERY_BROKER_URL,
ELASTICSEARCH_URL), with a fast hasher, in-memory mail and plain static storage."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DEBUG", "0")

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
# A `celery worker` of the tests (tests/conftest.py) consumes a queue of its own; the
# tasks it sends itself (a digest task's messages, sent by the outbox's task) go there too.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TEST_CELERY_QUEUE", "celery")
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)


# Uploaded files of the tests go to a temporary folder that is removed when the test
# run ends. The first process of a run that loads these settings (pytest, or each
# pytest-xdist worker when the controller has not loaded them) makes the run's folder
# /tmp/intranet-test-media-*, passes it on in the environment to the processes it
# starts (xdist workers, `celery worker` processes of tests/conftest.py) and removes it
# at exit; every process keeps its own MEDIA_ROOT inside it and removes that at exit
# too. A process killed with SIGKILL (tests/cases/test_worker_killed.py) leaves its
# folder inside the run's folder, which goes with it.
def _media_root() -> str:
    parent = os.environ.get(_MEDIA_PARENT)
    if not parent or not os.path.isdir(parent):
        parent = tempfile.mkdtemp(prefix="intranet-test-media-")
        os.environ[_MEDIA_PARENT] = parent
        atexit.register(shutil.rmtree, parent, ignore_errors=True)
    root = tempfile.mkdtemp(prefix=f"process-{os.getpid()}-", dir=parent)
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


_MEDIA_PARENT = "INTRANET_TEST_MEDIA_PARENT"
# A `celery worker` started by a test shares the test process's files, as workers share
# the web servers' storage in production: it reads the outbox's stored attachments (the
# letters' PDFs) and the answers' files where the test wrote them.
MEDIA_ROOT = os.environ.get("TEST_SHARED_MEDIA_ROOT") or _media_root()
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
