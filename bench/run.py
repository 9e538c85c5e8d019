"""The benchmark suite: where users wait, at 100,000 cases, on PostgreSQL.

    make bench                                   # everything, default sizes
    .venv/bin/python bench/run.py [--cases 100000 --articles 5000 --users 2000]
        [--duration 10] [--connections 8] [--requests 200] [--only kb_article,search]
        [--skip-gunicorn] [--skip-inprocess] [--regenerate] [--profile]
        [--results bench/results.md]

Steps: create the database if missing (default
postgres://postgres@127.0.0.1:5432/intranet_bench9, or DATABASE_URL / --database-url),
migrate, generate the data if it is not there (bench/generate.py, in its own process),
collect static files, then measure each page

(a) in this process with Django's test client: a warm-up, then N requests, p50/p95 ms
    and the SQL queries of one request;
(b) through gunicorn started here with the project's gunicorn.conf.py on a loopback
    port (production settings: DEBUG off, static files by whitenoise) under wrk (Lua
    scripts carry the session cookie, CSRF token and the 1 MB upload): requests/s and
    latency percentiles;

and prints a table with the targets of issue 9 and writes bench/results.md (machine,
versions, data sizes, figures, memory). Not part of `make test`."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.generate import Params

ROOT = common.ROOT
RESULTS = ROOT / "bench" / "results.md"
ANALYSIS_START = "<!-- analysis -->"
ANALYSIS_END = "<!-- /analysis -->"
UPLOAD_BYTES = 1024 * 1024

# The 30 queries of bench/search_latency.py: words of the domain, inflected forms,
# common and rare ones.
QUERIES = [
    "справка о доходах", "справкой о доходах супруги", "конфликт интересов", "подарок",
    "совместительство", "вклад в банке", "декларация", "сведения о сайтах",
    "уведомление о подарке", "кешбэк", "продажа автомобиля", "родственник в учреждении",
    "проверка достоверности сведений", "увольнение", "иная оплачиваемая работа",
    "личная заинтересованность", "склонение к коррупции", "справки бк", "срок справки",
    "уточнённая справка", "доход от вклада", "арендная плата", "ценные бумаги", "командировка",
    "жалоба", "запрос информации", "юбилей", "ошибка в справке", "несовершеннолетние дети",
    "счета в банках",
]  # fmt: skip


@dataclass
class Target:
    p95_ms: float | None = None  # in-process p95 must be below
    rps: float | None = None  # gunicorn requests/s must be above
    seconds: float | None = None  # a single run must take less

    def describe(self) -> str:
        parts = []
        if self.p95_ms is not None:
            parts.append(f"p95 < {self.p95_ms:g} ms")
        if self.rps is not None:
            parts.append(f"> {self.rps:g} req/s")
        if self.seconds is not None:
            parts.append(f"< {self.seconds:g} s")
        return ", ".join(parts) or "—"


@dataclass
class Scenario:
    key: str
    title: str
    user: object
    paths: list[str]
    target: Target
    method: str = "GET"
    expect: int = 200
    single: bool = False  # timed as single runs (the report), not under load
    note: str = ""
    # filled in
    inproc: list[float] = field(default_factory=list)
    queries: int | None = None
    sql_ms: float | None = None
    slowest_sql: str = ""
    wrk: dict | None = None
    runs: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


# --- setup ---------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, flush=True)


def generate_data(args) -> None:
    """bench/generate.py in its own process: its peak memory is its own, and it is
    recorded in the marker the results read."""
    command = [
        sys.executable,
        str(ROOT / "bench" / "generate.py"),
        f"--cases={args.cases}",
        f"--articles={args.articles}",
        f"--users={args.users}",
        f"--seed={args.seed}",
        "--skip-migrate",
    ]
    if args.regenerate:
        command.append("--regenerate")
    subprocess.run(command, check=True, cwd=ROOT)


def collect_static() -> float:
    from django.core.management import call_command

    started = time.monotonic()
    with open(os.devnull, "w") as devnull:
        call_command("collectstatic", interactive=False, verbosity=0, stdout=devnull)
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- who and what ----------------------------------------------------------------------


def pick(marker: dict) -> dict:
    """The users and objects each page is measured with: the busiest executor, client
    and unit head of the generated data, the department head, the 50-article section."""
    from django.db.models import Count, Q

    from cases.choices import FINAL_STATUSES
    from cases.models import Case
    from intranet import roles
    from intranet.accounts.models import User
    from intranet.models import Unit
    from kb.models import ArticlePage, KnowledgeBaseSectionPage

    bench = Q(username__startswith="b-")
    executor = (
        User.objects.filter(bench, groups__name=roles.EXECUTORS)
        .annotate(n=Count("executed_cases", filter=~Q(executed_cases__status__in=FINAL_STATUSES)))
        .order_by("-n", "pk")
        .first()
    )
    client = (
        User.objects.filter(bench, groups__name=roles.CLIENTS)
        .annotate(n=Count("client_cases"))
        .order_by("-n", "pk")
        .first()
    )
    submitter = User.objects.filter(pk=marker["targets"].get("submitter")).first()
    registrar = User.objects.filter(bench, groups__name=roles.REGISTRARS).order_by("pk").first()
    unit = (
        Unit.objects.filter(head__username__startswith="b-")
        .annotate(n=Count("cases", filter=~Q(cases__status__in=FINAL_STATUSES)))
        .order_by("-n", "pk")
        .first()
    )
    department = Unit.objects.filter(parent__isnull=True, head__isnull=False).order_by("pk").first()
    section = KnowledgeBaseSectionPage.objects.filter(pk=marker["targets"]["section_50"]).first()
    if section is None:
        section = KnowledgeBaseSectionPage.objects.order_by("-numchild").first()
    # What the client reads: typical answers are for staff only (kb.audience, a 404).
    articles = list(
        ArticlePage.objects.live()
        .filter(slug__startswith="statya-")
        .exclude(kind=ArticlePage.Kind.TYPICAL_ANSWER)
        .order_by("path")
    )
    step = max(1, len(articles) // 100)
    article_urls = [page.get_url() for page in articles[::step][:100]]
    public = [page for page in articles if page.audience == "public"]
    public_urls = [page.get_url() for page in public[:: max(1, len(public) // 100)][:100]]
    cases = list(
        Case.objects.filter(executor=executor)
        .annotate(n=Count("events"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:50]
    )
    return {
        "executor": executor,
        "client": client,
        "submitter": submitter,
        "registrar": registrar,
        "head": unit.head if unit else None,
        "head_unit": unit,
        "chief": department.head if department else None,
        "department": department,
        "section": section,
        "article_urls": article_urls,
        "public_article_urls": public_urls,
        "case_ids": cases,
    }


def scenarios(who: dict, today: dt.date) -> list[Scenario]:
    from urllib.parse import quote

    year_ago = today - dt.timedelta(days=364)
    search_paths = [f"/search/?q={quote(q)}" for q in QUERIES]
    queue = "/cases/?queue={}&sort=due_date"
    unit = who["head_unit"]
    return [
        Scenario("kb_article", "KB article", who["client"], who["article_urls"],
                 Target(p95_ms=30, rps=300), note="100 articles in turn, as a client"),
        Scenario("kb_article_public", "KB public article, signed out", None,
                 who["public_article_urls"], Target(),
                 note="100 public articles in turn, anonymous (issue 23)"),
        Scenario("kb_section", "KB section page, 50 articles", who["client"],
                 [who["section"].get_url()], Target(), note="no target in the issue"),
        Scenario("search", "Search, 30 queries", [who["registrar"], who["executor"], who["client"]],
                 search_paths, Target(p95_ms=100),
                 note="the «all» tab: counts, first hits, facets; registrar, executor, client"),
        Scenario("executor_queue", "Executor's queue (mine)", who["executor"],
                 [queue.format("mine")], Target(p95_ms=60),
                 note="the busiest executor, 50 per page by deadline"),
        Scenario("head_queue", f"Head's queue ({unit.short_name if unit else '—'})", who["head"],
                 [queue.format("unit")], Target(p95_ms=60),
                 note="head of the unit with most open cases, 50 per page by deadline"),
        Scenario("department_queue", "Department head's queue (all units)", who["chief"],
                 [queue.format("unit")], Target(p95_ms=60),
                 note="every unit's open cases, 50 per page by deadline"),
        Scenario("case_page", "Case page", who["executor"],
                 [f"/cases/{pk}/" for pk in who["case_ids"]], Target(p95_ms=60),
                 note="the executor's 50 cases with the longest timelines"),
        Scenario("my_questions", "Client's «my questions»", who["client"], ["/cases/mine/"],
                 Target(p95_ms=60), note="the client with most cases; queue target"),
        Scenario("submit", "Question with a 1 MB attachment", who["submitter"], ["/cases/new/"],
                 Target(rps=50), method="POST", expect=302,
                 note="POST multipart, registered at once, file stored"),
        Scenario("report", "Report for a year (all units)", who["chief"],
                 [f"/cases/reports/?start={year_ago:%Y-%m-%d}&end={today:%Y-%m-%d}"],
                 Target(seconds=1), single=True, note="department head, last 365 days"),
    ]  # fmt: skip


def upload_fields() -> dict:
    return {
        "subject": "Как указать в справке вклад, открытый в декабре",
        "text": "В декабре я открыл вклад и закрыл его через две недели. Нужно ли указывать "
        "этот счёт в справке о доходах, если на 31 декабря остаток был нулевым?",
        "topic": "declarations",
        "reply_channel": "portal",
        "reply_contact": "",
        "client_comments": "",
        "extra_reply_channel": "",
        "extra_reply_contact": "",
    }


def delete_submissions(submitter) -> int:
    """The cases the submission benchmark made (and their files)."""
    from django.conf import settings

    from bench.generate import quiet_deletes
    from cases.models import Attachment, Case
    from search.models import CaseDocument

    if submitter is None:
        return 0
    ids = list(Case.objects.filter(client=submitter).values_list("pk", flat=True))
    with quiet_deletes():
        CaseDocument.objects.filter(case_id__in=ids).delete()
        Case.objects.filter(pk__in=ids).delete()
        Attachment.objects.filter(uploaded_by=submitter, case__isnull=True).delete()
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "cases", ignore_errors=True)
    return len(ids)


# --- (a) in one process ----------------------------------------------------------------


def client_for(user):
    from django.test import Client

    client = Client(raise_request_exception=True)
    if user is not None:  # None: an anonymous visitor
        client.force_login(user)
    return client


def measure_inprocess(scenario: Scenario, requests: int, profile: bool = False) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.generate import pdf_bytes

    users = scenario.user if isinstance(scenario.user, list) else [scenario.user]
    clients = [client_for(user) for user in users]
    payload = pdf_bytes(UPLOAD_BYTES)

    def call(client, path):
        if scenario.method == "POST":
            data = {**upload_fields(), "attachments": SimpleUploadedFile("spravka.pdf", payload)}
            return client.post(path, data)
        return client.get(path)

    def check(response, path):
        if response.status_code != scenario.expect and len(scenario.errors) < 5:
            scenario.errors.append(f"{path}: HTTP {response.status_code}")

    # Warm-up: every path once per user (templates, caches, the planner; the steady
    # state of a page read again, which the article cache serves whole: kb.page_cache).
    for client in clients:
        for path in scenario.paths if scenario.method == "GET" else scenario.paths[:2]:
            check(call(client, path), path)
    # One request with its SQL recorded.
    with CaptureQueriesContext(connection) as captured:
        call(clients[0], scenario.paths[0])
    scenario.queries = len(captured.captured_queries)
    timed = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    scenario.sql_ms = sum(ms for ms, _sql in timed)
    if timed:
        ms, sql = max(timed)
        scenario.slowest_sql = f"{ms:.1f} ms: {short_sql(sql)}"
    if profile:
        write_profile(scenario, lambda: call(clients[0], scenario.paths[0]))
    if scenario.single:
        for _run in range(3):
            started = time.perf_counter()
            check(call(clients[0], scenario.paths[0]), scenario.paths[0])
            scenario.runs.append(time.perf_counter() - started)
        return
    count = requests if scenario.method == "GET" else max(10, requests // 5)
    if scenario.key == "search":
        count = max(count, len(QUERIES) * len(clients))
    for i in range(count):
        client = clients[i % len(clients)]
        path = scenario.paths[(i // len(clients)) % len(scenario.paths)]
        started = time.perf_counter()
        response = call(client, path)
        scenario.inproc.append((time.perf_counter() - started) * 1000)
        check(response, path)


def short_sql(sql: str, limit: int = 400) -> str:
    """One line, the column list of the outer SELECT elided (the FROM and WHERE tell)."""
    import re

    sql = " ".join(sql.split())
    sql = re.sub(r"^SELECT (DISTINCT )?.*? FROM ", r"SELECT \1… FROM ", sql, count=1)
    return sql[:limit] + ("…" if len(sql) > limit else "")


def write_profile(scenario: Scenario, request) -> None:
    """cProfile of 10 requests: var/bench/profile-<page>.txt, by cumulative and own time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _i in range(10 if not scenario.single else 1):
        request()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)
    common.VAR.mkdir(parents=True, exist_ok=True)
    (common.VAR / f"profile-{scenario.key}.txt").write_text(out.getvalue(), encoding="utf-8")


# --- (b) gunicorn + wrk ----------------------------------------------------------------


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py on a loopback port; a thread samples
    the workers' resident memory while it runs."""

    def __init__(self, port: int, env: dict):
        self.port = port
        self.env = env
        self.process = None
        self.peak_rss_kb = 0
        self.workers_seen: set[int] = set()
        self._stop = threading.Event()

    def __enter__(self):
        common.VAR.mkdir(parents=True, exist_ok=True)
        self.log = open(common.VAR / "gunicorn.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "intranet.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {common.VAR / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(f"{self.url}/health/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not answer /health/ within 60 s")
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        return common.children_of(self.process.pid)

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            for pid in self.workers():
                self.workers_seen.add(pid)
                rss = common.process_memory_kb(pid).get("VmRSS", 0)
                self.peak_rss_kb = max(self.peak_rss_kb, rss)

    def memory(self) -> dict:
        workers = {pid: common.process_memory_kb(pid) for pid in self.workers()}
        master = common.process_memory_kb(self.process.pid)
        return {
            "workers_now_mb": sorted(round(m.get("VmRSS", 0) / 1024) for m in workers.values()),
            "workers_hwm_mb": max((m.get("VmHWM", 0) for m in workers.values()), default=0) / 1024,
            "peak_sampled_mb": self.peak_rss_kb / 1024,
            "master_mb": master.get("VmRSS", 0) / 1024,
            "workers_started": len(self.workers_seen),
        }

    def __exit__(self, *exc):
        self._stop.set()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


LUA = r"""
local items = {ITEMS}
local method = "METHOD"
local body = nil
local content_type = nil
BODY
local counter = 0
function init(args)
  counter = math.random(#items) - 1
end
function request()
  counter = counter % #items + 1
  local item = items[counter]
  local headers = {Cookie = item[2]}
  if content_type then headers["Content-Type"] = content_type end
  return wrk.format(method, item[1], headers, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, ' ..
    '"timeouts": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
"""


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def wrk_script(scenario: Scenario, sessions: list[str], csrf: str) -> Path:
    items = []
    for path in scenario.paths:
        for session in sessions:
            cookie = f"sessionid={session}; csrftoken={csrf}"
            items.append("{" + lua_string(path) + ", " + lua_string(cookie) + "}")
    body = ""
    if scenario.method == "POST":
        boundary, payload = multipart(csrf)
        upload = common.VAR / "upload.bin"
        upload.write_bytes(payload)
        body = (
            f'local f = io.open({lua_string(str(upload))}, "rb")\n'
            'body = f:read("*all")\nf:close()\n'
            f'content_type = "multipart/form-data; boundary={boundary}"'
        )
    script = (
        LUA.replace("{ITEMS}", "{" + ",\n".join(items) + "}")
        .replace("METHOD", scenario.method)
        .replace("BODY", body)
    )
    path = common.VAR / f"wrk-{scenario.key}.lua"
    path.write_text(script, encoding="utf-8")
    return path


def multipart(csrf: str) -> tuple[str, bytes]:
    from bench.generate import pdf_bytes

    boundary = "----bench9boundary7MA4YWxkTrZu0gW"
    parts = []
    for name, value in {**upload_fields(), "csrfmiddlewaretoken": csrf}.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
        f'filename="spravka.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + pdf_bytes(UPLOAD_BYTES)
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return boundary, b"".join(parts)


def warmup_seconds(paths: int, args) -> float:
    """The wrk warm-up of a page: `--warmup` seconds per 25 paths, so that each of
    gunicorn's processes has served every path before the timed run (each keeps its own
    cache: kb.page_cache's articles, the KB fragments); the same rule for the peers."""
    return args.warmup * (1 + paths // 25)


def run_wrk(url: str, script: Path, seconds: float, args) -> dict:
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{max(1, round(seconds))}s",
        "--timeout", "30s", "-s", str(script), url,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            data = json.loads(line.removeprefix("WRK_JSON "))
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            return data
    raise RuntimeError(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")


def timed_get(url: str, session: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started


def measure_gunicorn(items: list[Scenario], args, who: dict) -> dict:
    from django.conf import settings

    sessions = {}

    def session_of(user) -> str:
        if user is None:
            return ""
        if user.pk not in sessions:
            sessions[user.pk] = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
        return sessions[user.pk]

    csrf = "bench9csrfsecret0123456789abcdef"[:32]  # an unmasked 32-character secret
    port = free_port()
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(common.VAR / "gunicorn-access.log"),
        "DB_CONN_MAX_AGE": str(args.conn_max_age),
    }
    log(f"gunicorn on 127.0.0.1:{port} (gunicorn.conf.py), wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration:g}s per page")  # fmt: skip
    with Gunicorn(port, env) as server:
        # Every worker serves a few of each page before anything is timed.
        gets = [s for s in items if s.method == "GET" and not s.single]
        for scenario in gets:
            users = scenario.user if isinstance(scenario.user, list) else [scenario.user]
            script = wrk_script(scenario, [session_of(user) for user in users], csrf)
            run_wrk(server.url, script, args.warmup / 2, args)
        for scenario in items:
            users = scenario.user if isinstance(scenario.user, list) else [scenario.user]
            tokens = [session_of(user) for user in users]
            if scenario.single:
                url = server.url + scenario.paths[0]
                timed_get(url, tokens[0])  # warm-up
                scenario.wrk = {"runs": [timed_get(url, tokens[0]) for _ in range(3)]}
                log(f"  {scenario.key}: " + ", ".join(f"{s:.2f} s" for s in scenario.wrk["runs"]))
                continue
            script = wrk_script(scenario, tokens, csrf)
            if scenario.method == "GET":
                run_wrk(server.url, script, warmup_seconds(len(scenario.paths), args), args)
            before = _count_cases(who["submitter"]) if scenario.method == "POST" else 0
            scenario.wrk = run_wrk(server.url, script, args.duration, args)
            if scenario.method == "POST":
                made = _count_cases(who["submitter"]) - before
                scenario.wrk["created"] = made
                if made < scenario.wrk["requests"]:
                    scenario.errors.append(
                        f"wrk counted {scenario.wrk['requests']} posts, {made} cases were made"
                    )
            w = scenario.wrk
            errors = w["status_errors"] + w["socket_errors"]
            log(f"  {scenario.key}: {w['rps']:.1f} req/s, p50 {w['p50'] / 1000:.1f} ms, "
                f"p95 {w['p95'] / 1000:.1f} ms, errors {errors}")  # fmt: skip
        memory = server.memory()
    return memory


def _count_cases(user) -> int:
    from cases.models import Case

    return Case.objects.filter(client=user).count()


# --- results -----------------------------------------------------------------------------


def verdict(scenario: Scenario) -> str:
    target, misses, checked = scenario.target, [], False
    if scenario.errors:
        return "ERRORS"
    if target.p95_ms is not None and scenario.inproc:
        checked = True
        if common.percentile(scenario.inproc, 95) >= target.p95_ms:
            misses.append("p95")
    if target.rps is not None and scenario.wrk and "rps" in scenario.wrk:
        checked = True
        if scenario.wrk["rps"] <= target.rps:
            misses.append("req/s")
    if target.seconds is not None:
        runs = scenario.runs + (scenario.wrk or {}).get("runs", [])
        if runs:
            checked = True
            if max(runs) >= target.seconds:
                misses.append("time")
    if not checked:
        return "—"
    return "pass" if not misses else "MISS (" + ", ".join(misses) + ")"


def table(items: list[Scenario], memory: dict | None, marker: dict, args) -> list[str]:
    head = (
        "| page | in-process p50 / p95 ms | SQL queries | gunicorn req/s | gunicorn p50 / p95 ms "
        "| target | result |"
    )
    lines = [head, "|---|---|---|---|---|---|---|"]
    for s in items:
        if s.single:
            inproc = " / ".join(f"{x * 1000:.0f}" for x in s.runs) + " (3 runs)" if s.runs else "—"
            runs = (s.wrk or {}).get("runs")
            gunicorn = " / ".join(f"{x * 1000:.0f}" for x in runs) + " (3 runs)" if runs else "—"
            rps = "—"
        else:
            inproc = (
                f"{statistics.median(s.inproc):.1f} / {common.percentile(s.inproc, 95):.1f}"
                if s.inproc
                else "—"
            )
            if s.wrk and "rps" in s.wrk:
                rps = f"{s.wrk['rps']:.1f}"
                gunicorn = f"{s.wrk['p50'] / 1000:.1f} / {s.wrk['p95'] / 1000:.1f}"
            else:
                rps = gunicorn = "—"
        queries = f"{s.queries} ({s.sql_ms:.0f} ms)" if s.queries is not None else "—"
        lines.append(
            f"| {s.title} | {inproc} | {queries} | {rps} | {gunicorn} | {s.target.describe()} "
            f"| {verdict(s)} |"
        )
    if memory:
        worst = max(memory["peak_sampled_mb"], memory["workers_hwm_mb"])
        result = "pass" if worst < 300 else "MISS"
        lines.append(
            f"| gunicorn worker resident memory (peak of any worker) | — | — | — | "
            f"{worst:.0f} MB | < 300 MB | {result} |"
        )
    peak = marker.get("peak_rss_mb")
    if peak:
        lines.append(
            f"| generator peak resident memory ({marker['params']['cases']} cases) | — | — | — | "
            f"{peak} MB | flat in N (chunks of 2,000) | — |"
        )
    return lines


def write_results(path: Path, items, memory, marker, facts, args, started, load) -> None:
    counts = marker.get("counts", {})
    params = marker.get("params", {})
    previous = path.read_text("utf-8") if path.exists() else ""
    analysis = ""
    if ANALYSIS_START in previous and ANALYSIS_END in previous:
        analysis = previous[previous.index(ANALYSIS_START) : previous.index(ANALYSIS_END)]
        analysis += ANALYSIS_END
    else:
        analysis = (
            f"{ANALYSIS_START}\n## Analysis\n\n(Written by hand after a full run; kept when "
            f"the figures are rewritten.)\n{ANALYSIS_END}"
        )
    lines = [
        "# Benchmark results (issue 9)",
        "",
        f"Run of {started:%d.%m.%Y %H:%M} (Europe/Moscow), `{' '.join(sys.argv)}`, "
        f"{(time.monotonic() - args.t0) / 60:.0f} min in all. Written by `bench/run.py`; how "
        "to run it and what each figure means: bench/README.md.",
        "",
        "## Machine and versions",
        "",
        f"- code: {facts['code']}",
        f"- CPU: {facts['cpu']}, {facts['cores']} cores; RAM {facts['ram']}; "
        f"Linux {facts['kernel']}",
        f"- load average (1/5/15 min): before {load[0]}, after in-process {load[1]}, "
        f"after gunicorn {load[2]} (the last includes gunicorn's workers and wrk; other "
        "work on the machine shows in the first)",
        f"- Python {facts['python']}, Django {facts['django']}, Wagtail {facts['wagtail']}, "
        f"PostgreSQL {facts['postgresql']}, gunicorn {facts['gunicorn']}, {facts['wrk']}",
        "",
        "## Data",
        "",
        f"- {counts.get('cases', '?')} cases over {params.get('years', '?')} years "
        f"({counts.get('open', '?')} open), {counts.get('events', '?')} timeline events, "
        f"{counts.get('answers', '?')} answers, {counts.get('deliveries', '?')} deliveries, "
        f"{counts.get('ratings', '?')} ratings, {counts.get('attachments', '?')} attachments",
        f"- {counts.get('articles', '?')} generated KB articles in {counts.get('sections', '?')} "
        f"sections (plus the demo KB), {params.get('users', '?')} generated users; seed "
        f"{params.get('seed', '?')}, dated {marker.get('today', '?')}",
        f"- generated in {marker.get('seconds', '?')} s "
        f"({', '.join(f'{k} {v} s' for k, v in marker.get('timings', {}).items())}); "
        f"generator peak memory {marker.get('peak_rss_mb', '?')} MB",
        "",
        "## Settings",
        "",
        "- production settings (DEBUG off, `CompressedManifestStaticFilesStorage`, "
        "whitenoise), tasks in-process (no broker: the search document of a submitted "
        "question is built inside the request), mail to memory",
        f"- in-process: Django test client, warm-up then {args.requests} requests per page "
        "(search: 30 queries x 3 users; submission: a fifth as many; report: 3 runs)",
        f"- gunicorn.conf.py as committed: {facts.get('gunicorn_workers', '?')} workers x "
        f"{facts.get('gunicorn_threads', '?')} threads (gthread), max_requests "
        f"{facts.get('gunicorn_max_requests', '?')}; DB_CONN_MAX_AGE={args.conn_max_age}",
        f"- wrk {args.threads} threads, {args.connections} connections, {args.warmup:g} s "
        f"warm-up then {args.duration:g} s per page, on the same 2 cores as the server",
        "- verdict: latency targets on the in-process p95 (the server's own time, no "
        "queueing), throughput targets on gunicorn's requests/s; gunicorn's p95 is "
        f"under {args.connections} concurrent connections, so it includes queueing",
        "",
        "## Figures",
        "",
        *table(items, memory, marker, args),
        "",
    ]
    if memory:
        lines += [
            "## Memory",
            "",
            f"- gunicorn workers after the benchmark: {memory['workers_now_mb']} MB resident; "
            f"highest resident set of any worker during the run {memory['peak_sampled_mb']:.0f} "
            f"MB (sampled every 0.5 s), of the live workers' lifetimes "
            f"{memory['workers_hwm_mb']:.0f} MB; master {memory['master_mb']:.0f} MB; "
            f"{memory['workers_started']} worker processes seen (max_requests recycles them)",
            f"- generator: peak resident set {marker.get('peak_rss_mb', '?')} MB",
            "",
        ]
    lines += ["## Diagnostics (one in-process request of each page)", ""]
    for s in items:
        if s.queries is not None:
            lines.append(
                f"- {s.title} ({s.note}): {s.queries} queries, {s.sql_ms:.1f} ms in SQL; "
                f"slowest: `{s.slowest_sql.replace('`', '')}`"
            )
        for error in s.errors:
            lines.append(f"  - error: {error}")
    lines += ["", analysis, ""]
    # bench/peers.py's side-by-side table and bench/growth.py's table, kept until those
    # commands rewrite them.
    for name in ("peers", "growth"):
        start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
        if start in previous and end in previous:
            lines += [previous[previous.index(start) : previous.index(end)] + end, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def code_state() -> str:
    """The commit measured, and the tracked files changed in the work tree (several
    people share it: their uncommitted edits are measured too)."""

    def git(*command):
        result = subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True)
        return result.stdout

    head = git("log", "-1", "--format=%h %s").strip()[:90] or "unknown"
    status = git("status", "--porcelain", "--untracked-files=no").splitlines()
    changed = [line[3:] for line in status if len(line) > 3]
    if not changed:
        return f"commit {head}, clean work tree"
    return f"commit {head}, with uncommitted changes in: {', '.join(changed)}"


def gunicorn_facts() -> dict:
    import runpy

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {
        "gunicorn_workers": config.get("workers"),
        "gunicorn_threads": config.get("threads"),
        "gunicorn_max_requests": config.get("max_requests"),
    }


# --- main ----------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = Params()
    parser.add_argument("--cases", type=int, default=defaults.cases)
    parser.add_argument("--articles", type=int, default=defaults.articles)
    parser.add_argument("--users", type=int, default=defaults.users)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--database-url", help="default: DATABASE_URL or intranet_bench9")
    parser.add_argument("--requests", type=int, default=200, help="in-process, per page")
    parser.add_argument("--duration", type=int, default=10, help="wrk seconds per page")
    parser.add_argument("--warmup", type=int, default=4, help="wrk warm-up seconds")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--conn-max-age", type=int, default=60, help="DB_CONN_MAX_AGE")
    parser.add_argument("--only", default="", help="comma-separated page keys")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile each page into var/bench/profile-*.txt"
    )
    parser.add_argument("--skip-inprocess", action="store_true")
    parser.add_argument("--skip-gunicorn", action="store_true")
    parser.add_argument("--skip-migrate", action="store_true")
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument(
        "--json", default="", help="also write the figures as JSON (bench/peers.py)"
    )
    args = parser.parse_args(argv)
    args.t0 = time.monotonic()

    url = common.configure(args.database_url)
    if not url.startswith("postgres"):
        sys.exit("bench/run.py measures PostgreSQL: DATABASE_URL=postgres://...")
    if not args.skip_gunicorn and not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk), or run with --skip-gunicorn")
    if common.ensure_database(url):
        log(f"created database {common.database_name(url)}")
    os.environ["DB_CONN_MAX_AGE"] = str(args.conn_max_age)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    code = code_state()
    load = [" ".join(f"{x:.2f}" for x in os.getloadavg())]
    log(f"load average: {load[0]}")
    if not args.skip_migrate:
        call_command("migrate", verbosity=0)
    generate_data(args)
    from bench.generate import read_marker

    marker = read_marker() or {}
    log(f"collectstatic: {collect_static():.0f} s")
    who = pick(marker)
    log(f"removed {delete_submissions(who['submitter'])} cases of an earlier submission run")
    items = scenarios(who, timezone.localdate())
    if args.only:
        keys = set(args.only.split(","))
        items = [s for s in items if s.key in keys]

    if not args.skip_inprocess:
        log(f"in-process, {args.requests} requests per page:")
        for scenario in items:
            measure_inprocess(scenario, args.requests, profile=args.profile)
            if scenario.single:
                log(f"  {scenario.key}: " + ", ".join(f"{s:.2f} s" for s in scenario.runs))
            else:
                log(f"  {scenario.key}: p50 {statistics.median(scenario.inproc):.1f} ms, "
                    f"p95 {common.percentile(scenario.inproc, 95):.1f} ms, "
                    f"{scenario.queries} queries")  # fmt: skip
    load.append(" ".join(f"{x:.2f}" for x in os.getloadavg()))
    memory = None
    if not args.skip_gunicorn:
        memory = measure_gunicorn(items, args, who)
    load.append(" ".join(f"{x:.2f}" for x in os.getloadavg()))
    removed = delete_submissions(who["submitter"])
    log(f"removed the {removed} submitted cases")

    facts = {**common.machine(), **gunicorn_facts(), "code": code}
    lines = table(items, memory, marker, args)
    print("\n" + "\n".join(lines))
    print(f"\nload average before / after in-process / after gunicorn: {' | '.join(load)}")
    write_results(
        Path(args.results), items, memory, marker, facts, args, timezone.localtime(), load
    )
    log(f"written: {args.results}")
    if args.json:
        write_json(Path(args.json), items, load, facts)
    return 0


def write_json(path: Path, items: list[Scenario], load: list[str], facts: dict) -> None:
    """The figures of each page for bench/peers.py's side-by-side table."""
    figures = {}
    for s in items:
        figures[s.key] = {
            "title": s.title,
            "n": len(s.inproc),
            "p50": statistics.median(s.inproc) if s.inproc else None,
            "p95": common.percentile(s.inproc, 95) if s.inproc else None,
            "queries": s.queries,
            "rps": s.wrk["rps"] if s.wrk and "rps" in s.wrk else None,
            "wrk_p95_ms": s.wrk["p95"] / 1000 if s.wrk and "p95" in s.wrk else None,
            "per_second": len(s.inproc) / (sum(s.inproc) / 1000) if s.inproc else None,
            "errors": s.errors,
        }
    path.write_text(
        json.dumps({"pages": figures, "load": load, "facts": facts}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
