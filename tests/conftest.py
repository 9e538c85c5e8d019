"""Shared fixtures and the rule that keeps CI honest.

Tests marked `postgres`, `redis`, `celery_worker`, `browser` or `elasticsearch` need a
real service. On a laptop without it they skip with the reason. When the service is
listed in REQUIRE_SERVICES (CI sets "postgres,redis,browser"), a missing service fails
the test instead of skipping it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# Debian's Chromium as its headless shell (package chromium-headless-shell: the same
# build's classic headless mode, what Playwright itself runs for headless tests), else
# the full browser (package chromium) in its new headless mode. Both render with the
# same Blink; the shell spends under half the CPU per page load (measured: ~38 against
# ~83 ms for a small page), a quarter of the suite's CPU went to the browser.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or next(
    (
        path
        for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
        if Path(path).exists()
    ),
    "/usr/bin/chromium",
)
REQUIRED = {s.strip() for s in os.environ.get("REQUIRE_SERVICES", "").split(",") if s.strip()}


def _port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def _service_problem(marker: str) -> str | None:
    """Why the service behind `marker` cannot be used here, or None if it can."""
    if marker == "postgres":
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            return "needs PostgreSQL: set DATABASE_URL=postgres://..."
        return None
    if marker in {"redis", "celery_worker"}:
        url = settings.CELERY_BROKER_URL
        if not url.startswith("redis"):
            return "needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0"
        if not _port_open(url, 6379):
            return f"Redis is not reachable at {url}"
        return None
    if marker == "browser":
        if not Path(CHROMIUM).exists():
            return (
                f"needs Chromium at {CHROMIUM} "
                "(apt-get install chromium-headless-shell, or chromium)"
            )
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "needs the playwright package"
        return None
    if marker == "elasticsearch":
        if not settings.ELASTICSEARCH_URL:
            return "needs Elasticsearch: set ELASTICSEARCH_URL"
        return None
    return None


SERVICE_OF_MARKER = {"celery_worker": "redis"}


@pytest.fixture(scope="session")
def run_id(request) -> str:
    """The test run's id, the same in all its processes (pytest-xdist's `testrunuid`); a
    fresh one in a run of one process, also with `-p no:xdist`."""
    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is not None:
        return workerinput["testrunuid"]
    return uuid.uuid4().hex


@pytest.fixture(scope="session")
def world_sharing(tmp_path_factory, run_id):
    """Under pytest-xdist, which process of the run builds the worlds and which takes
    them (tests/worlds.py, `Sharing`); None in a run of one process."""
    from tests import worlds

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    return worlds.Sharing.claim(tmp_path_factory.getbasetemp().parent / f"worlds-{run_id}")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, world_sharing):
    """pytest-django's hook for the test database's settings, before it is created: the
    process that takes the worlds from the other creates its tables without migrating
    (Django's TEST MIGRATE setting), as none of its tests runs on that database."""
    if world_sharing is not None and not world_sharing.builder:
        settings.DATABASES["default"].setdefault("TEST", {})["MIGRATE"] = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, world_sharing):
    """The migrated test database, plus the worlds of test data built once for this test
    run (tests/worlds.py): the demo organisation, the whole demo, the search corpus."""
    from intranet.celery import app
    from tests import worlds

    with django_db_blocker.unblock():
        built = worlds.make_worlds(world_sharing)
        built.blocker = django_db_blocker
        built.pending, worlds.ACTIVE.pending = worlds.ACTIVE.pending, None
        worlds.ACTIVE = built
        old = app.conf.task_always_eager
        app.conf.task_always_eager = True  # the corpus is indexed by a task
        try:
            built.build()
        finally:
            app.conf.task_always_eager = old
        if worlds.wants_report():
            sys.stderr.write(f"\ntest worlds built: {worlds.report(built)}\n")
    yield
    with django_db_blocker.unblock():
        built.teardown()


def pytest_collection_modifyitems(config, items):
    """In a pytest-xdist process, the tests that need no database go in the middle: the
    first half of the list (pytest-xdist's first share) starts on the database, so its
    process builds the worlds, while the other process starts with those tests and
    takes the worlds when they are ready (tests/worlds.py, `Sharing`), in the order they
    are built. The order within each group is kept."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from tests import worlds

    with_db, without = [], []
    for item in items:
        (with_db if worlds.uses_database(item) else without).append(item)
    half = min(len(items) // 2, len(with_db))
    # The other process's database tests: those on the worlds published first (the
    # migrated database, then the organisation) before those on the demo, which is ready
    # some ten seconds later; it waited for it after its tests without a database.
    rank = {name: position for position, name in enumerate(worlds.PARENT)}
    second = sorted(with_db[half:], key=lambda item: rank[worlds.world_of(item)])
    items[:] = with_db[:half] + without + second


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip (or fail, in CI) a test whose service is missing; then put the test database
    in the world the test's fixtures ask for, before any of its fixtures opens the test's
    transaction (tests/worlds.py)."""
    from tests import worlds

    for marker in ("postgres", "redis", "celery_worker", "browser", "elasticsearch"):
        if item.get_closest_marker(marker) is None:
            continue
        problem = _service_problem(marker)
        if problem is None:
            continue
        if SERVICE_OF_MARKER.get(marker, marker) in REQUIRED:
            pytest.fail(f"required service unavailable: {problem}", pytrace=False)
        pytest.skip(problem)
    if worlds.uses_database(item):
        worlds.ACTIVE.enter(worlds.world_of(item), worlds.is_transactional(item))


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache. The KB's cached fragments are keyed by a
    generation kept in the database (kb.caching), which each test's rollback resets,
    while the per-process cache would outlive the test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run in-process in every test, even when CELERY_BROKER_URL points at Redis,
    so no test leaves a task on a shared queue nobody consumes. Tests of the real path
    request `celery_worker`, which switches eager mode off for their duration."""
    from intranet.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = old


def worker_env() -> dict:
    """The environment of a worker process: this test's settings and database."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "intranet.settings.test"
    env["TEST_SHARED_MEDIA_ROOT"] = str(settings.MEDIA_ROOT)  # intranet/settings/test.py
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    return env


def start_worker(queue: str, extra_env: dict | None = None) -> subprocess.Popen:
    """Start a real `celery worker` (solo pool) consuming `queue`; return once it answers
    a ping. Its log is var/celery-<queue>.log (appended to by restarts)."""
    from intranet.celery import app

    env = worker_env()
    env["TEST_CELERY_QUEUE"] = queue  # what the worker sends goes to its own queue
    env.update(extra_env or {})
    log = open(ROOT / "var" / f"celery-{queue}.log", "a")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "intranet",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()  # the child has its own descriptor
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"celery worker exited: {(ROOT / 'var' / f'celery-{queue}.log').read_text()}"
            )
        replies = app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=0.5)
        if replies:
            return proc
    proc.kill()
    pytest.fail("celery worker did not answer within 30 s")


def stop_worker(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def celery_worker(transactional_db, celery_eager):
    """A real `celery worker` process on the configured broker, consuming a queue of its
    own, with the test database. Tasks sent in the test are routed to that queue (its
    name: `celery_worker.queue`)."""
    from celery.result import allow_join_result

    from intranet.celery import app

    problem = _service_problem("celery_worker")
    if problem:
        pytest.skip(problem)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    (ROOT / "var").mkdir(exist_ok=True)
    proc = start_worker(queue)
    proc.queue = queue
    old_eager, old_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        # Celery keeps "a join would block" in a process-wide flag that eager tasks set
        # and reset around their run; eager tasks racing in live-server threads of earlier
        # tests can leave it set, and `result.get()` then refuses. This test process is not
        # a worker, so joining here is allowed.
        with allow_join_result():
            yield proc
    finally:
        app.conf.task_always_eager = old_eager
        app.conf.task_default_queue = old_queue
        stop_worker(proc)


@pytest.fixture
def org(db):
    """The demo organisation of seed 001 (units, one user per role with the demo password,
    the intranet's pages, the routes of topics to units): the `org` world of
    tests/worlds.py. `org.users`, `org.units` by short name, each user as `org.<name>`."""
    from tests.factories import load_org

    return load_org()


@pytest.fixture
def org_demo(org):
    """The demo users by username (the `org` world)."""
    return org.users


@pytest.fixture
def demo(db):
    """The whole demo (`seed_demo`: organisation, knowledge base, cases, reports,
    reception): the `demo` world of tests/worlds.py. The demo users by username."""
    from intranet.accounts.models import User

    return {user.username: user for user in User.objects.all()}


@pytest.fixture(scope="session")
def chromium_path():
    if not Path(CHROMIUM).exists() and shutil.which("chromium"):
        return shutil.which("chromium")
    return CHROMIUM


# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One Chromium per test process, started by its first browser test (starting it
    for each test cost about a second of the test's time); each test gets contexts of
    its own (`page`, or the test's `browser.new_context()`), which share nothing: no
    cookies, storage or cache. Defined here, once, for tests/browser and the other
    folders' browser tests alike: Playwright's sync API runs one instance per thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
