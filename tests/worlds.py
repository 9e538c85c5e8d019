"""Test data built once per test process: "worlds".

Seeding the demo organisation took 0.6 s and the whole demo 5.5 s; run for each of some
500 tests it was most of the suite's time. Now each world is built once per test process
(per pytest-xdist worker), right after the test database is migrated, and kept as a
snapshot. Before each test the database is put in the world the test asks for, through
the fixtures it requests (`WORLD_OF_FIXTURE`); the test then runs in a transaction that is
rolled back, as pytest-django does for every non-transactional test, so the world is
still intact for the next one.

The worlds, each built on the one before it:

- ``empty``: the migrated database (data migrations: Wagtail's root page, the role
  groups, the topics);
- ``org``: the demo organisation of seed 001 (``intranet.demo.seed``, users with the demo
  password) and the routes of topics to units; tests of the cases desk build their cases
  on it with the ``make_case`` fixture or the factories;
- ``demo``: all of ``seed_demo`` (knowledge base, demo cases, reports, reception);
- ``corpus``: the organisation plus the small search corpus of ``tests.search.corpus``;
- ``permissions``: the organisation plus the four cases of the cases desk's permission
  tests (``tests.cases.permission_world``).

A test that commits (``transaction=True``, ``live_server``, a real Celery worker) runs on
the world as well; afterwards the world is marked dirty and put back from its snapshot
before the next test that needs it. Putting a world back costs a copy, never a re-seed:

- SQLite (the in-memory test database): SQLite's backup API copies the snapshot's pages
  into the test database (milliseconds);
- PostgreSQL: every world is a database of its own (``<test db>_<world>``), cloned from a
  template database (``<test db>_<world>_tpl``) with ``CREATE DATABASE … TEMPLATE``;
  entering a world points the connection at its database, and a dirty world is dropped
  and cloned again. A Celery worker or the live server started by a test reads the same
  settings, so it uses the same database.

Nothing here reaches into pytest-django's internals: the worlds are built by overriding
its ``django_db_setup`` fixture (as its documentation shows) and entered from the
``pytest_runtest_setup`` hook, which runs before any fixture of the test opens the
test's transaction."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.backends.signals import connection_created

# The fixture names that put a test in a world. A test in none of them (and using the
# database) runs on the empty, migrated database, as before.
WORLD_OF_FIXTURE = {
    "org": "org",
    "org_demo": "org",
    "make_case": "org",
    "demo": "demo",
    "kb": "demo",
    "corpus": "corpus",
    "permission_cases": "permissions",
}
# Which world each one is built on (and the order they are built in).
PARENT = {"empty": None, "org": "empty", "permissions": "org", "demo": "org", "corpus": "org"}
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "celery_worker"}


def world_of(item) -> str:
    """The world the test asks for through its fixtures; two worlds that are not built
    one on the other cannot be combined (e.g. `kb` with `corpus`)."""
    names = {
        WORLD_OF_FIXTURE[n] for n in getattr(item, "fixturenames", ()) if n in WORLD_OF_FIXTURE
    }
    if not names:
        return "empty"
    chains = {name: _chain(name) for name in names}
    deepest = max(names, key=lambda n: len(chains[n]))
    for name in names:
        if name not in chains[deepest]:
            raise ValueError(f"{item.nodeid}: the fixtures ask for worlds {sorted(names)}")
    return deepest


def _chain(name: str) -> list[str]:
    chain = []
    while name is not None:
        chain.append(name)
        name = PARENT[name]
    return chain


def uses_database(item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(
        fixtures & {"db", "transactional_db", "live_server", "django_db_setup"}
    )


def is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    ):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


# --- the builders ------------------------------------------------------------------


def build_org() -> None:
    from cases.demo import seed_routes
    from intranet import demo

    with _debug():  # the demo password is set only under DEBUG
        built = demo.seed()
    seed_routes(built["units"])


def build_demo() -> None:
    from django.core.management import call_command

    with _debug():
        call_command("seed_demo", verbosity=0)


def build_corpus() -> None:
    from tests.search.corpus import build

    build()


def build_permissions() -> None:
    from tests.cases.permission_world import build

    build()


BUILDERS: dict[str, Callable[[], None]] = {
    "org": build_org,
    "demo": build_demo,
    "corpus": build_corpus,
    "permissions": build_permissions,
}


@contextlib.contextmanager
def _debug():
    from django.urls import get_resolver

    # The URLconf reads DEBUG when it is first imported (media served in development):
    # import it now, as the tests will see it.
    _ = get_resolver().url_patterns
    old = settings.DEBUG
    settings.DEBUG = True
    try:
        yield
    finally:
        settings.DEBUG = old


def _forget_cached_rows() -> None:
    """Per-process caches of rows that a restored world may hold under other ids."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


# --- the two ways of keeping a world --------------------------------------------------


@dataclass
class Worlds:
    current: str | None = None
    dirty: bool = False
    pending: tuple[str, bool] | None = None
    built: bool = False
    blocker: object = None  # pytest-django's django_db_blocker, given by django_db_setup
    timings: dict[str, float] = field(default_factory=dict)
    sharing: Sharing | None = None  # the other test process's build, or ours for it

    def build(self) -> None:
        if self.sharing is not None and not self.sharing.builder:
            started = time.perf_counter()
            self._adopt()
            self.timings["adopted"] = time.perf_counter() - started
        else:
            try:
                for name in PARENT:  # each after the one it is built on
                    started = time.perf_counter()
                    self._make(name, PARENT[name], BUILDERS.get(name))
                    if self.sharing is not None:
                        self._publish(name)
                    self.timings[name] = time.perf_counter() - started
            except BaseException as error:
                if self.sharing is not None:
                    self.sharing.fail(error)
                raise
        self.current, self.dirty = None, False
        self.built = True
        if self.pending is not None:
            self.enter(*self.pending)
            self.pending = None

    def enter(self, name: str, transactional: bool) -> None:
        """Put the test database in world `name` (if it is not there or was changed by a
        test that committed); `transactional`: the coming test will commit."""
        if not self.built:
            self.pending = (name, transactional)
            return
        if self.current != name or self.dirty:
            with self.blocker.unblock():
                self._load(name)
            self.current = name
            _forget_cached_rows()
        self.dirty = transactional
        if transactional:
            self._will_change(name)

    # Implemented per database engine.
    def _make(self, name: str, parent: str | None, builder: Callable[[], None] | None) -> None:
        raise NotImplementedError

    def _load(self, name: str) -> None:
        raise NotImplementedError

    def _will_change(self, name: str) -> None:
        """The coming test will commit in world `name`."""

    def _publish(self, name: str) -> None:
        """Hand world `name`, just built, to the other test process (`Sharing`)."""
        raise NotImplementedError

    def _adopt(self) -> None:
        """Take the worlds the other test process builds instead of building them."""
        raise NotImplementedError

    def teardown(self) -> None:
        pass


class SqliteWorlds(Worlds):
    """Snapshots in private in-memory databases, copied with SQLite's backup API."""

    def __init__(self, sharing: Sharing | None = None):
        super().__init__(sharing=sharing)
        self.snapshots: dict[str, sqlite3.Connection] = {}

    def _raw(self) -> sqlite3.Connection:
        connection.ensure_connection()
        return connection.connection

    def _make(self, name, parent, builder) -> None:
        if parent is not None:
            self._load(parent)
            builder()
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        self._raw().backup(snapshot)
        self.snapshots[name] = snapshot

    def _load(self, name: str) -> None:
        if name not in self.snapshots:  # a world of the other process, read when first needed
            self.snapshots[name] = self._fetch(name)
        self.snapshots[name].backup(self._raw())

    def _publish(self, name: str) -> None:
        def write(path: Path) -> None:
            with contextlib.closing(sqlite3.connect(path)) as target:
                self.snapshots[name].backup(target)

        self.sharing.publish(name, write)

    def _adopt(self) -> None:
        pass  # each world is read from the builder's file by its first _load

    def _fetch(self, name: str) -> sqlite3.Connection:
        path = self.sharing.wait(name)
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        with contextlib.closing(sqlite3.connect(path)) as source:
            source.backup(snapshot)
        return snapshot

    def teardown(self) -> None:
        for snapshot in self.snapshots.values():
            snapshot.close()
        self.snapshots.clear()


# Every database connection this process opened. The same thread can hold more than one
# connection object for a database: Django keeps them per context (asgiref.local), and a
# test's fixtures may run in another context than this module's hook; a world switch
# closes them all, or one would stay on the previous world's database.
_OPENED: weakref.WeakSet = weakref.WeakSet()


def _track(sender, connection, **kwargs):
    _OPENED.add(connection)


connection_created.connect(_track, dispatch_uid="tests.worlds")


def _close_connections() -> None:
    """Close this thread's connections, in every context. Other threads' (the live
    server's requests, the search pool) close theirs after each request or task."""
    for wrapper in list(_OPENED):
        try:
            wrapper.validate_thread_sharing()
        except DatabaseError:
            continue
        wrapper.close()


class PostgresWorlds(Worlds):
    """A database per world, cloned from a template database of that world."""

    def __init__(self, sharing: Sharing | None = None):
        super().__init__(sharing=sharing)
        self.base = connection.settings_dict["NAME"]  # pytest-django's test database
        self.made: list[str] = []
        self.pristine: set[str] = set()  # worlds whose database no test has committed in

    def _name(self, world: str, template: bool = False) -> str:
        return f"{self.base}_{world}" + ("_tpl" if template else "")

    def _admin(self):
        import psycopg

        db = connection.settings_dict
        return psycopg.connect(
            dbname="postgres",
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            autocommit=True,
        )

    def _point_at(self, name: str) -> None:
        _close_connections()
        connection.close()
        connection.settings_dict["NAME"] = name
        settings.DATABASES[connection.alias]["NAME"] = name

    def _clone(self, target: str, template: str) -> None:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
        if target not in self.made:
            self.made.append(target)

    def _make(self, name, parent, builder) -> None:
        # A world is built in its template database, which no test connects to afterwards
        # (CREATE DATABASE needs a template nobody is connected to); the empty world's
        # template is a copy of the migrated database.
        template = self._name(name, template=True)
        connection.close()
        if parent is None:
            self._clone(template, self.base)
            return
        self._clone(template, self._name(parent, template=True))
        self._point_at(template)
        try:
            builder()
        finally:
            self._point_at(self.base)

    def _load(self, name: str) -> None:
        working = self._name(name)
        if name not in self.pristine:
            _close_connections()
            connection.close()
            self._clone(working, self._name(name, template=True))
            self.pristine.add(name)
        self._point_at(working)

    def _will_change(self, name: str) -> None:
        self.pristine.discard(name)

    def _publish(self, name: str) -> None:
        # The template database is the world; the other process clones it by its name.
        template = self._name(name, template=True)
        self.sharing.publish(name, lambda path: path.write_text(template))

    def _adopt(self) -> None:
        # Copies of the builder's templates, made at once: the builder drops its own when
        # its tests end, which may be before this process's last test.
        for name in PARENT:
            theirs = self.sharing.wait(name).read_text()
            self._clone(self._name(name, template=True), theirs)

    def teardown(self) -> None:
        self._point_at(self.base)
        with contextlib.suppress(Exception), self._admin() as admin:
            for name in reversed(self.made):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The worlds of this test process; a placeholder until django_db_setup builds them (it
# notes which world the first test asked for).
ACTIVE = Worlds()


# --- one build for both test processes -----------------------------------------------


@dataclass
class Sharing:
    """The two pytest-xdist processes of a run build the worlds once between them.

    Migrating the test database (some 30 s of Django's migration state rendering on this
    project's 2-core machine) and seeding the worlds (12 s) took each process 40 s before
    its first test. Now the first process to need the database (`claim`) migrates and
    builds; as each world is ready it writes it to the run's shared folder (a SQLite
    file, or the name of a PostgreSQL template database) with the files the builders
    stored under MEDIA_ROOT, then a marker. The other process creates its tables
    without running the migrations (Django's TEST MIGRATE setting: every test runs in a
    world, never on that database) and takes each world from the folder, waiting for its
    marker if need be. The tests that need no database are scheduled first in the
    other process (tests/conftest.py), so it has work while the worlds are built."""

    directory: Path
    builder: bool
    timeout: float = 900.0

    @classmethod
    def claim(cls, directory: Path) -> Sharing:
        directory.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(directory / "builder", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return cls(directory, builder=False)
        return cls(directory, builder=True)

    def _ready(self, name: str) -> Path:
        return self.directory / f"{name}.world"

    def publish(self, name: str, write: Callable[[Path], None]) -> None:
        partial = self.directory / f"{name}.partial"
        write(partial)
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            shutil.copytree(media, self.directory / f"media-{name}", dirs_exist_ok=True)
        partial.rename(self._ready(name))  # the marker: the world and its files are there

    def wait(self, name: str) -> Path:
        """The builder's world `name`, once ready; its files are copied to MEDIA_ROOT."""
        deadline = time.monotonic() + self.timeout
        ready, failed = self._ready(name), self.directory / "failed"
        while not ready.exists():
            if failed.exists():
                raise RuntimeError(
                    "the other test process could not build the test worlds: " + failed.read_text()
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"world {name!r} not built by the other test process")
            time.sleep(0.05)
        media = self.directory / f"media-{name}"
        if media.is_dir():
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        return ready

    def fail(self, error: BaseException) -> None:
        (self.directory / "failed").write_text(f"{type(error).__name__}: {error}")


def make_worlds(sharing: Sharing | None = None) -> Worlds:
    if connection.vendor == "postgresql":
        return PostgresWorlds(sharing=sharing)
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return SqliteWorlds(sharing=sharing)
    raise RuntimeError(
        f"test worlds support PostgreSQL and SQLite's in-memory test database, not "
        f"{connection.vendor} {connection.settings_dict['NAME']}"
    )


WORLDS_ENV = "TEST_WORLDS_TIMINGS"  # set to print how long each world took to build


def report(worlds: Worlds) -> str:
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in worlds.timings.items())


def wants_report() -> bool:
    return bool(os.environ.get(WORLDS_ENV))
