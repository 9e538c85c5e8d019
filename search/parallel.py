"""The cases' share of a database search on a second connection, beside the articles'.

A search on the database backends is two independent halves: the articles (matches,
totals and facets of both article kinds, their ranking, snippets) and the cases (the
total and facets over every visible match, the page of keys). On PostgreSQL each half
of a common query costs tens of milliseconds of database time; run one after the other
they add up, run side by side on two connections the search takes about as long as the
slower half (bench/README.md). So `search.services` hands the cases' half to a small
pool of threads, each with its own database connection, and does the articles' half
meanwhile.

The rules that keep this correct:

- Only on PostgreSQL, and only when the caller is not inside a transaction: another
  connection would not see what that transaction wrote and has not committed (a view
  inside ``atomic``, a test case). Then, and on other databases, both halves run in the
  caller's thread, one after the other, with the same code.
- The pool thread runs with the caller's language and time zone (the facets' years are
  counted in the current time zone), inside `text_index_scans` like the caller.
- Its connection follows Django's request rules: ``close_old_connections`` before and
  after each task (kept for ``DB_CONN_MAX_AGE`` seconds, health-checked; closed at once
  with 0).
- At most ``SEARCH_PARALLEL_WORKERS`` tasks per process run in the pool at once (a
  search hands it its cases' share, and its articles' topic counts where the backend
  does not count them with the articles, as PostgreSQL's does; each pool thread holds a
  connection: with gunicorn's 5 processes and the default 4, up to 20 more
  connections); when no thread is free, the work runs in the caller's thread rather
  than wait in a queue. 0 turns the pool off.
- An error in the pool thread is raised in the caller's, where the halves are collected.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone, translation

T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_slots: threading.BoundedSemaphore | None = None
_lock = threading.Lock()


def workers() -> int:
    return max(0, int(getattr(settings, "SEARCH_PARALLEL_WORKERS", 0) or 0))


def available(using: str = "default") -> bool:
    """Whether a search may run a half on another connection now (see the module)."""
    connection = connections[using]
    return bool(workers()) and connection.vendor == "postgresql" and not connection.in_atomic_block


def _get_pool() -> tuple[ThreadPoolExecutor, threading.BoundedSemaphore]:
    global _pool, _slots
    with _lock:
        if _pool is None:
            size = workers()
            _pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="search")
            _slots = threading.BoundedSemaphore(size)
        return _pool, _slots


def start(work: Callable[[], T], *, parallel: bool) -> Callable[[], T]:
    """Start `work` and return a function that gives its result (or raises its error).

    With `parallel`, and a pool thread free, `work` runs there now (inside
    `text_index_scans`, with the caller's language and time zone); otherwise it runs in
    the caller's thread when its result is first asked for."""
    if parallel:
        pool, slots = _get_pool()
        if slots.acquire(blocking=False):
            language = translation.get_language()
            zone = timezone.get_current_timezone()

            def task() -> T:
                from search.backends.postgres import text_index_scans

                close_old_connections()
                try:
                    with (
                        translation.override(language),
                        timezone.override(zone),
                        text_index_scans(),
                    ):
                        return work()
                finally:
                    close_old_connections()
                    slots.release()

            try:
                future = pool.submit(task)
            except BaseException:
                slots.release()
                raise
            return future.result
    done: list[T] = []

    def later() -> T:
        if not done:
            done.append(work())
        return done[0]

    return later
