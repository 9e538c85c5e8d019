"""Measures one peer (django-helpdesk or the plain Wagtail site of ../shared/peerbench)
in its own process and virtual environment, with the method of bench/run.py: Django's
test client in one process, every path once as a warm-up, then N requests in turn,
p50/p95 by bench.common.percentile, the SQL queries of one request. Run by bench/peers.py
with the peer's Python, in the peer's project directory:

    <peer venv>/bin/python bench/peer_driver.py hd|wt --requests 200 --out FILE.json

Prints nothing the orchestrator needs on stdout: everything goes into FILE.json,
including a signed-in session for the load test through gunicorn."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.getcwd())  # the peer's project (hdsite, wtsite, home)
sys.path.insert(1, str(ROOT))  # bench.common: stdlib only, the percentile of our figures

from bench.common import percentile  # noqa: E402


def timed(call, items, count: int, expect: int) -> dict:
    """Warm-up over every item once, one request with its SQL counted, then `count`
    requests over the items in turn: the loop of bench/run.py's measure_inprocess."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    errors = []
    for item in items:
        call(item)
    with CaptureQueriesContext(connection) as captured:
        call(items[0])
    queries = len(captured.captured_queries)  # now: the next request clears the log
    times = []
    for i in range(count):
        item = items[i % len(items)]
        started = time.perf_counter()
        response = call(item)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != expect and len(errors) < 5:
            errors.append(f"{item}: HTTP {response.status_code}")
    return {
        "n": len(times),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "queries": queries,
        "per_second": len(times) / (sum(times) / 1000),
        "errors": errors,
    }


def helpdesk(requests: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdsite.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse
    from helpdesk.models import Queue, Ticket
    from helpdesk.query import query_to_base64

    staff = Client()
    staff.force_login(User.objects.get(username="staff0"))
    rows = {"draw": "1", "start": "0", "length": "25"}

    def data_url(query: dict) -> str:
        return reverse("helpdesk:datatables_ticket_list", args=[query_to_base64(query)])

    default = {
        "filtering": {"status__in": [1, 2]},
        "sorting": "created",
        "search_string": "",
        "sortreverse": False,
    }

    def ticket_list(_item):
        # The list is two requests: the HTML shell and the DataTables JSON with the rows.
        staff.get("/tickets/")
        return staff.get(data_url(default), rows)

    queues = list(Queue.objects.order_by("id").values_list("id", flat=True))
    words = ["справкой", "командировка", "пароль", "принтера", "согласование", "отпуска"]
    searches = [(queues[i % len(queues)], words[i % len(words)]) for i in range(30)]

    def keyword(item):
        queue, word = item
        staff.get("/tickets/", {"queue": queue, "q": word})
        query = {
            "filtering": {"queue__id__in": [queue]},
            "filtering_null": {},
            "sorting": "created",
            "sortreverse": None,
            "search_string": word,
        }
        return staff.get(data_url(query), rows)

    ids = random.Random(3).sample(list(Ticket.objects.values_list("id", flat=True)), 50)

    def detail(ticket_id):
        return staff.get(f"/tickets/{ticket_id}/")

    results = {
        "tickets": Ticket.objects.count(),
        "list": timed(ticket_list, [None], requests, 200),
        # 20 searches: at some 3 s each, 200 would take ten minutes (bench/README.md).
        "keyword": timed(keyword, searches, min(requests, 20), 200),
        "detail": timed(detail, ids, requests, 200),
    }

    # The public form, one serial client, no file (the helpdesk's form has none).
    import rutext  # the peer harness's own text generator (../shared/peerbench/common)

    anonymous = Client()
    queue = queues[0]
    text = random.Random(5)

    def submit(_item):
        fields = {
            "queue": queue,
            "title": rutext.title(text)[:100],
            "body": rutext.paragraphs(text),
            "priority": 3,
            "submitter_email": f"peerbench-{text.randrange(10**6)}@example.com",
        }
        return anonymous.post("/tickets/submit/", fields)

    before = Ticket.objects.count()
    # As many as bench/run.py's submissions: a fifth of the requests, at least ten.
    results["submit"] = timed(submit, [None], max(10, requests // 5), 302)
    results["submit"]["created"] = Ticket.objects.count() - before
    Ticket.objects.filter(submitter_email__startswith="peerbench-").delete()

    # A session for the load test (DB sessions: gunicorn's workers read it).
    session = Client()
    session.force_login(User.objects.get(username="staff1"))
    results["session"] = session.cookies["sessionid"].value
    results["list_paths"] = ["/tickets/", data_url(default) + "?draw=1&start=0&length=25"]
    results["detail_paths"] = [f"/tickets/{i}/" for i in ids]
    return results


def wagtail_site(requests: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wtsite.settings.bench")
    import django

    django.setup()
    from django.test import Client
    from home.models import ArticleIndexPage, ArticlePage

    anonymous = Client()
    index = ArticleIndexPage.objects.get(slug="baza-znanij")
    pages = list(ArticlePage.objects.child_of(index).order_by("pk"))
    leaves = [page.url for page in random.Random(1).sample(pages, 100)]
    words = ["справка", "отпуск", "командировка", "пароль", "принтер", "договор", "бухгалтерия"]
    words += ["зарплата", "пропуск", "совещание", "сервер", "почта", "доступ", "приказ"]
    words += ["премия", "склад", "оплата", "клиент", "монитор", "накладная"]
    from django.conf import settings

    return {
        "pages": len(pages),
        "search_config": settings.WAGTAILSEARCH_BACKENDS["default"].get("SEARCH_CONFIG", ""),
        "leaf": timed(anonymous.get, leaves, requests, 200),
        "index": timed(anonymous.get, [index.url], requests, 200),
        "search": timed(
            lambda word: anonymous.get("/search/", {"query": word}), words, requests, 200
        ),
        "leaf_paths": leaves,
        "index_path": index.url,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("peer", choices=["hd", "wt"])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(os.environ["PEERBENCH"], "common"))  # rutext
    result = helpdesk(args.requests) if args.peer == "hd" else wagtail_site(args.requests)
    result["load_after"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
