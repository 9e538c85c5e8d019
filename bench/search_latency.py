"""Latency of the staff search service on PostgreSQL at scale: 100,000 cases and 5,000
articles (the data set of bench/generate.py).

    .venv/bin/python bench/search_latency.py [--cases 100000] [--articles 5000] [--rounds 1]

Uses (and creates, migrates and fills if needed) the database of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/intranet_bench9, the same data set as `make bench`
(bench/run.py, which also measures /search/ through HTTP). Then it times 30 queries
through `search.services.search` (what /search/ and the API call: every tab's count, the
first hits of each kind, facets, snippets) as a registrar, an executor and a client, and
prints p50/p95 in milliseconds (`make bench-search`). Not part of `make test`."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.generate import Params, generate
from bench.run import QUERIES, pick


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = Params()
    parser.add_argument("--cases", type=int, default=defaults.cases)
    parser.add_argument("--articles", type=int, default=defaults.articles)
    parser.add_argument("--users", type=int, default=defaults.users)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--rounds", type=int, default=1, help="times each query is run")
    parser.add_argument("--regenerate", action="store_true", help="drop generated data first")
    parser.add_argument("--skip-migrate", action="store_true", help="the database is migrated")
    args = parser.parse_args()
    # Connections kept as in production (.env.example, bench/run.py).
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")
    url = common.configure()
    if not url.startswith("postgres"):
        sys.exit("search_latency.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    common.ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    if not args.skip_migrate:
        call_command("migrate", verbosity=0)
    params = Params(cases=args.cases, articles=args.articles, users=args.users, seed=args.seed)
    marker = generate(params, regenerate=args.regenerate)

    from search import services

    # The users of bench/run.py: a registrar, the busiest executor and client.
    who = pick(marker)
    users = {name: who[name] for name in ("registrar", "executor", "client")}
    # Warm up: connections, caches, the planner's statistics.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    for query in QUERIES[:3]:
        services.search(users["registrar"], query)
    load_before = os.getloadavg()
    bench_started = time.monotonic()
    timings: dict[str, list[float]] = {name: [] for name in users}
    for _round in range(args.rounds):
        for query in QUERIES:
            for name, user in users.items():
                started = time.perf_counter()
                services.search(user, query)
                timings[name].append((time.perf_counter() - started) * 1000)
    from cases.models import Case
    from kb.models import ArticlePage

    wall = time.monotonic() - bench_started
    load_after = os.getloadavg()
    print(
        f"\ncorpus: {Case.objects.count()} cases, {ArticlePage.objects.count()} articles; "
        f"{len(QUERIES)} queries x {args.rounds} x {len(users)} users in {wall:.0f} s; "
        f"CPUs: {os.cpu_count()} ({common.cpu_model()}); PostgreSQL {server_version}"
    )
    print(
        "load average (1/5/15 min) before: "
        + " ".join(f"{x:.2f}" for x in load_before)
        + ", after: "
        + " ".join(f"{x:.2f}" for x in load_after)
    )
    print(f"{'user':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    every = []
    for name, values in timings.items():
        every += values
        print(
            f"{name:<10} {statistics.median(values):>8.1f} {common.percentile(values, 95):>8.1f} "
            f"{max(values):>8.1f}"
        )
    print(
        f"{'all':<10} {statistics.median(every):>8.1f} {common.percentile(every, 95):>8.1f} "
        f"{max(every):>8.1f}"
    )


if __name__ == "__main__":
    main()
