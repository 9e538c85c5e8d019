"""Latency of the staff search on PostgreSQL at scale: 100,000 cases and 5,000 articles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/intranet_bench \\
        .venv/bin/python bench/search_latency.py [--cases 100000] [--articles 5000]

Uses (and creates if missing) the database named in DATABASE_URL, default
``intranet_bench``: never point it at a database you care about. Generating the data is
done once (bulk inserts for cases, Wagtail's tree API for pages) and reused on later
runs. Then it times 30 queries through `search.services.search` (what /search/ and the
API call: every tab's count, the first hits of each kind, facets, snippets) as a
registrar, an executor and a client, and prints p50/p95 in milliseconds. Not part of
`make test`; record the figures in bench/README.md."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/intranet_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.dev")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")

QUERIES = [
    "справка о доходах",
    "справкой о доходах супруги",
    "конфликт интересов",
    "подарок",
    "совместительство",
    "вклад в банке",
    "декларация",
    "сведения о сайтах",
    "уведомление о подарке",
    "кешбэк",
    "продажа автомобиля",
    "родственник в учреждении",
    "проверка достоверности сведений",
    "увольнение",
    "иная оплачиваемая работа",
    "личная заинтересованность",
    "склонение к коррупции",
    "справки бк",
    "срок справки",
    "уточнённая справка",
    "доход от вклада",
    "арендная плата",
    "ценные бумаги",
    "командировка",
    "жалоба",
    "запрос информации",
    "юбилей",
    "ошибка в справке",
    "несовершеннолетние дети",
    "счета в банках",
]


def load_sentences() -> list[str]:
    """Sentences of real Russian texts of the domain: the two procedures the demo
    knowledge base is built from and the demo cases. Generated documents are made of
    them, so word frequencies are those of real anti-corruption texts, not uniform."""
    import re

    from cases.demo import CASES

    text = " ".join(
        path.read_text("utf-8") for path in sorted((ROOT / "kb" / "demo_data").glob("*.txt"))
    )
    sentences = [
        " ".join(part.split())
        for part in re.split(r"(?<=[.;:!?])\s+", text)
        if 30 <= len(part) <= 400 and "ГАРАНТ" not in part
    ]
    demo = [f"{case.subject}. {case.text}" for case in CASES]
    return sentences + demo * max(1, len(sentences) // (len(demo) * 10))


def ensure_database():
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def text_of(rng, sentences, n) -> str:
    return " ".join(rng.choice(sentences) for _ in range(n))


def title_of(rng, sentences) -> str:
    words = rng.choice(sentences).split()
    start = rng.randint(0, max(0, len(words) - 8))
    return " ".join(words[start : start + rng.randint(4, 9)]).strip(" .,;:").capitalize()


def generate_cases(target: int, rng, sentences) -> None:
    from django.utils import timezone

    from cases.choices import Channel, Regime, ReplyChannel, Status
    from cases.models import Case
    from cases.topics import Topic
    from intranet.accounts.models import User
    from intranet.models import Unit
    from search.documents import index_all_documents, sync_all

    have = Case.objects.count()
    if have >= target:
        return
    users = list(User.objects.values_list("pk", flat=True))
    units = list(Unit.objects.values_list("pk", flat=True))
    statuses = [Status.REGISTERED, Status.ASSIGNED, Status.SENT, Status.CLOSED]
    now = timezone.now()
    batch = []
    started = time.monotonic()
    for i in range(have, target):
        batch.append(
            Case(
                client_id=rng.choice(users),
                channel=rng.choice(Channel.values),
                regime=rng.choice(Regime.values),
                received_at=now - dt.timedelta(days=rng.randint(0, 1500)),
                subject=title_of(rng, sentences)[:255],
                text=text_of(rng, sentences, rng.randint(1, 4)),
                topic=rng.choice(Topic.values),
                reply_channel=ReplyChannel.PORTAL,
                status=rng.choice(statuses),
                unit_id=rng.choice(units),
                executor_id=rng.choice(users),
                is_confidential=rng.random() < 0.05,
                registration_number=f"Б-{i:07d}",
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    if batch:
        Case.objects.bulk_create(batch)
    print(f"cases: {target - have} inserted in {time.monotonic() - started:.0f} s", flush=True)
    started = time.monotonic()
    sync_all()
    index_all_documents()
    print(f"cases: documents built and indexed in {time.monotonic() - started:.0f} s", flush=True)


def generate_articles(target: int, rng, sentences) -> None:
    from django.db import transaction
    from django.db.models.signals import post_save
    from modelsearch.backends import get_search_backends
    from modelsearch.signal_handlers import post_save_signal_handler

    from kb.models import ArticlePage, KnowledgeBaseSectionPage, Topic

    have = ArticlePage.objects.count()
    if have >= target:
        return
    sections = list(KnowledgeBaseSectionPage.objects.all())
    topics = list(Topic.objects.all())
    kinds = ArticlePage.Kind.values
    started = time.monotonic()
    # Pages are indexed in bulk below, not one by one on save.
    post_save.disconnect(post_save_signal_handler, sender=ArticlePage)
    created = []
    for i in range(have, target):
        section = rng.choice(sections)
        kind = rng.choice(kinds)
        article = ArticlePage(
            title=title_of(rng, sentences)[:250],
            slug=f"bench-{i}",
            kind=kind,
            summary=text_of(rng, sentences, 1),
            body=[("paragraph", f"<p>{text_of(rng, sentences, rng.randint(5, 15))}</p>")],
            answer_text=text_of(rng, sentences, 2)
            if kind == ArticlePage.Kind.TYPICAL_ANSWER
            else "",
            live=True,
        )
        with transaction.atomic():
            section = KnowledgeBaseSectionPage.objects.get(pk=section.pk)
            section.add_child(instance=article)
            article.topics.set([rng.choice(topics)])
        created.append(article.pk)
        if (i + 1) % 1000 == 0:
            print(f"articles: {i + 1}/{target}", flush=True)
    post_save.connect(post_save_signal_handler, sender=ArticlePage)
    for backend in get_search_backends(with_auto_update=True):
        for chunk in range(0, len(created), 1000):
            pages = ArticlePage.objects.filter(pk__in=created[chunk : chunk + 1000])
            backend.add_bulk(ArticlePage, list(pages.prefetch_related("topics", "tags")))
    print(f"articles: {target - have} created in {time.monotonic() - started:.0f} s", flush=True)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=1, help="times each query is run")
    parser.add_argument("--regenerate", action="store_true", help="drop generated data first")
    parser.add_argument("--skip-migrate", action="store_true", help="the database is migrated")
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("search_latency.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database()

    import django

    django.setup()
    from django.core.management import call_command

    if not args.skip_migrate:
        call_command("migrate", verbosity=0)
    from intranet import demo as intranet_demo
    from intranet.accounts.models import User
    from kb import demo as kb_demo

    intranet_demo.seed()
    kb_demo.seed()
    rng = random.Random(20261123)
    sentences = load_sentences()
    if args.regenerate:
        from cases.models import Case
        from kb.models import ArticlePage
        from search.models import CaseDocument

        CaseDocument.objects.all().delete()
        Case.objects.filter(registration_number__startswith="Б-")._raw_delete(using="default")
        for page in ArticlePage.objects.filter(slug__startswith="bench-"):
            page.delete()
        from wagtail.search.models import IndexEntry

        IndexEntry.objects.all().delete()
        call_command("update_index", verbosity=0)
    generate_cases(args.cases, rng, sentences)
    generate_articles(args.articles, rng, sentences)

    from search import services

    users = {name: User.objects.get(username=name) for name in ("registrar", "executor", "client")}
    # Warm up: connections, caches, the planner's statistics.
    from django.db import connection

    with connection.cursor() as cursor:
        # Dead rows of bulk rewrites (e.g. migration staffsearch.0003 removing the cases'
        # entries from modelsearch's table) out of the indexes, fresh statistics.
        cursor.execute("VACUUM ANALYZE")
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
        f"CPUs: {os.cpu_count()} ({cpu_model()}); PostgreSQL {server_version}"
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
            f"{name:<10} {statistics.median(values):>8.1f} {percentile(values, 95):>8.1f} "
            f"{max(values):>8.1f}"
        )
    print(
        f"{'all':<10} {statistics.median(every):>8.1f} {percentile(every, 95):>8.1f} "
        f"{max(every):>8.1f}"
    )


if __name__ == "__main__":
    main()
