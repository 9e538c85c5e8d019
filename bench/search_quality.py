"""Search quality over the demo content: MRR and recall@5 of the judged query set
(tests/search/judged_queries.py), per search backend.

    .venv/bin/python bench/search_quality.py
    .venv/bin/python bench/search_quality.py --postgres postgres://postgres@127.0.0.1:5432/x
    ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python bench/search_quality.py

Each backend runs in its own process on a throwaway test database (Django's test
database machinery: ``test_<name>``, created and dropped), loaded with `seed_demo`:
SQLite with the Snowball stemmer always; PostgreSQL full text (``russian``) when
--postgres or a postgres DATABASE_URL is given; Elasticsearch when ELASTICSEARCH_URL is
set (with the database of the run)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with open(os.devnull, "w") as devnull:
            call_command("seed_demo", stdout=devnull)
            if os.environ.get("ELASTICSEARCH_URL"):
                call_command("update_index", stdout=devnull)
        from intranet.accounts.models import User
        from search import services
        from tests.search.judged_queries import evaluate, scores

        users = {user.username: user for user in User.objects.all()}
        backends = []

        def titles(user, query, kind):
            result = services.search(user, query, kind=kind, per_page=10)
            backends.append(result.backend)
            return [hit.title for hit in result.hits]

        outcome = evaluate(users, titles)
        result = scores(outcome)
        result["misses"] = [
            [query, list(item)] for query, ranks in outcome for item, rank in ranks if not rank
        ]
        result["answered_by"] = sorted(set(backends))
        print("RESULT " + json.dumps(result, ensure_ascii=False))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL (its test_ database is used)")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ELASTICSEARCH_URL")}
    base["LOG_LEVEL"] = "ERROR"
    runs = [("database: SQLite FTS5 + Snowball", {**base, "VAR_DIR": str(ROOT / "var")})]
    postgres = args.postgres or (
        os.environ.get("DATABASE_URL", "")
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else ""
    )
    if postgres:
        runs.append(("database: PostgreSQL russian", {**base, "DATABASE_URL": postgres}))
    if os.environ.get("ELASTICSEARCH_URL"):
        env = {**base, "ELASTICSEARCH_URL": os.environ["ELASTICSEARCH_URL"]}
        if postgres:
            env["DATABASE_URL"] = postgres
        runs.append(("Elasticsearch", env))

    print(f"{'backend':<36} {'queries':>7} {'MRR':>6} {'recall@5':>9} {'hit rate':>9}")
    for name, env in runs:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(f"{name:<36} failed:\n{proc.stderr[-2000:]}")
            continue
        result = json.loads(line.removeprefix("RESULT "))
        print(
            f"{name:<36} {result['queries']:>7} {result['mrr']:>6.3f} {result['recall']:>9.3f} "
            f"{result['hit_rate']:>9.3f}   (answered by: {', '.join(result['answered_by'])})"
        )
        for query, item in result["misses"]:
            print(f"    miss: «{query}» → {item[0]}: {item[1]}")


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker()
    else:
        main()
