"""The product beside its peers, measured in one run on this machine (`make bench-peers`):
django-helpdesk 2.6.1 at 100,000 tickets and a plain Wagtail 8.0.1 site at 5,000 pages,
from the harness in ../shared/peerbench (never copied here: set PEERBENCH to use another
place).

    .venv/bin/python bench/peers.py [--requests 200] [--tickets 100000] [--pages 5000]
        [--duration 10] [--skip-product] [--skip-gunicorn]

Steps, one after another, never two at the same time:
1. each peer's virtual environment (var/peerbench/venv-hd, venv-wt) from its pinned
   freeze file, its database next to ours (pb_hd, pb_wt on the same PostgreSQL),
   migrated, its data generated once by the harness's own generators (gen_hd.py,
   gen_wt.py) and, for Wagtail, its search index built with the Russian configuration;
2. the product: bench/run.py for the pages compared (its data: intranet_bench9), with
   the peers' connection age (CONN_MAX_AGE 600);
3. each peer in its own process with the product's method (bench/peer_driver.py: the
   same warm-up, the same n, the same nearest-rank percentile, Django's test client);
4. each peer under gunicorn started with the product's gunicorn.conf.py and the same
   wrk settings and Lua as bench/run.py;
5. the table of ratios (peer ÷ product: above 1, the product is faster) with the load
   average before each measurement, written into bench/results.md between the
   `<!-- peers -->` markers (bench/run.py keeps that part when it rewrites the file)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

ROOT = common.ROOT
PEERBENCH = Path(os.environ.get("PEERBENCH", ROOT.parent / "shared" / "peerbench")).resolve()
WORK = ROOT / "var" / "peerbench"
RESULTS = ROOT / "bench" / "results.md"
PEER_CONN_MAX_AGE = 600  # the peers' settings (hdsite/settings.py, wtsite/settings/bench.py)


def log(message: str) -> None:
    print(message, flush=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


PEERS = {
    "hd": SimpleNamespace(
        name="django-helpdesk 2.6.1",
        project=PEERBENCH / "hdproj",
        settings="hdsite.settings",
        wsgi="hdsite.wsgi",
        database="pb_hd",
        freeze=PEERBENCH / "hd_freeze.txt",
        extra=[],
    ),
    "wt": SimpleNamespace(
        name="Wagtail 8.0.1 (wagtail start)",
        project=PEERBENCH / "wtproj",
        settings="wtsite.settings.bench",
        wsgi="wtsite.wsgi",
        database="pb_wt",
        freeze=PEERBENCH / "wt_freeze.txt",
        extra=["gunicorn==27.0.1"],
    ),
}


def database_url(peer) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{peer.database}"


def peer_env(key: str) -> dict:
    peer = PEERS[key]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "VIRTUAL_ENV"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=peer.settings,
        PB_DB=peer.database,
        PEERBENCH=str(PEERBENCH),
        PYTHONPATH=str(peer.project),
    )
    if key == "wt":
        env["WT_SEARCH_CONFIG"] = "russian"  # Russian stemming, as the product's search
    return env


def python_of(key: str) -> Path:
    return WORK / f"venv-{key}" / "bin" / "python"


def run(command: list, key: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=PEERS[key].project,
        env=peer_env(key),
        capture_output=True,
        text=True,
        **kwargs,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


def scalar(url: str, sql: str):
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        try:
            row = conn.execute(sql).fetchone()
        except psycopg.errors.UndefinedTable:
            return 0
        return row[0] if row else None


# --- 1. environments and data -------------------------------------------------------------


def prepare(key: str, size: int) -> None:
    peer = PEERS[key]
    venv = WORK / f"venv-{key}"
    stamp = venv / "freeze.txt"
    wanted = peer.freeze.read_text() + "\n".join(peer.extra)
    if not stamp.exists() or stamp.read_text() != wanted:
        log(f"{peer.name}: virtual environment {venv}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [venv / "bin" / "pip", "install", "-q", "-r", peer.freeze, *peer.extra], check=True
        )
        stamp.write_text(wanted)
    url = database_url(peer)
    created = common.ensure_database(url)
    run([python_of(key), "manage.py", "migrate", "-v0"], key)
    if key == "hd":
        if created:
            run([python_of(key), "manage.py", "loaddata", "emailtemplate.json"], key)
        have = scalar(url, "SELECT count(*) FROM helpdesk_ticket") or 0
        if have < size:
            log(f"{peer.name}: generating {size - have} tickets (gen_hd.py)")
            started = time.monotonic()
            run([python_of(key), "gen_hd.py", size - have], key)
            log(f"  {time.monotonic() - started:.0f} s")
    else:
        have = scalar(url, "SELECT count(*) FROM home_articlepage") or 0
        indexed = scalar(url, "SELECT count(*) FROM wagtailsearch_indexentry") or 0
        if have < size:
            log(f"{peer.name}: generating {size - have} pages (gen_wt.py)")
            started = time.monotonic()
            run([python_of(key), "gen_wt.py", size], key)
            log(f"  {time.monotonic() - started:.0f} s")
        marker = WORK / "wt-index-russian"
        if have < size or not indexed or not marker.exists():
            log(f"{peer.name}: search index with the Russian configuration (update_index)")
            run([python_of(key), "manage.py", "update_index"], key)
            marker.write_text(str(size))
        run([python_of(key), "manage.py", "collectstatic", "--noinput", "-v0"], key)


# --- 2. the product ------------------------------------------------------------------------

PRODUCT_PAGES = "kb_article,kb_article_public,kb_section,search,executor_queue,case_page,submit"


def measure_product(args) -> dict:
    out = WORK / "product.json"
    command = [
        sys.executable, ROOT / "bench" / "run.py", "--only", PRODUCT_PAGES,
        "--requests", args.requests, "--duration", args.duration,
        "--conn-max-age", PEER_CONN_MAX_AGE, "--results", WORK / "product-results.md",
        "--json", out,
    ]  # fmt: skip
    if args.skip_gunicorn:
        command.append("--skip-gunicorn")
    log(f"the product: {' '.join(map(str, command[1:]))}")
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True)
    return json.loads(out.read_text("utf-8"))


# --- 3. the peers in one process ----------------------------------------------------------


def measure_peer_inprocess(key: str, args) -> dict:
    out = WORK / f"{key}.json"
    before = load()
    run(
        [python_of(key), ROOT / "bench" / "peer_driver.py", key, "--requests", args.requests,
         "--out", out],
        key,
    )  # fmt: skip
    result = json.loads(out.read_text("utf-8"))
    result["load_before"] = before
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    for name, figures in result.items():
        if isinstance(figures, dict) and "p95" in figures:
            log(f"  {key} {name}: p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
                f"{figures['queries']} queries")  # fmt: skip
    return result


# --- 4. the peers under gunicorn ----------------------------------------------------------


def measure_peer_gunicorn(key: str, jobs: dict, args) -> dict:
    from bench import run as product

    port = product.free_port()
    env = {
        **peer_env(key),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(WORK / f"gunicorn-{key}-access.log"),
    }
    logfile = open(WORK / f"gunicorn-{key}.log", "w")  # noqa: SIM115 (closed in finally)
    process = subprocess.Popen(
        [str(python_of(key)), "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         PEERS[key].wsgi],
        cwd=PEERS[key].project, env=env, stdout=logfile, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    figures = {}
    try:
        check = next(iter(jobs.values()))[0][0]
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + check, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"{key} under gunicorn did not answer: {WORK}/gunicorn-{key}.log")
            time.sleep(0.5)
        settings = SimpleNamespace(
            threads=args.threads, connections=args.connections, warmup=args.warmup
        )
        for name, (paths, session) in jobs.items():
            scenario = SimpleNamespace(key=f"peer-{key}-{name}", paths=paths, method="GET")
            script = product.wrk_script(scenario, [session], "0" * 32)
            product.run_wrk(base, script, product.warmup_seconds(len(paths), args), settings)
            before = load()
            result = product.run_wrk(base, script, args.duration, settings)
            result["load_before"] = before
            figures[name] = result
            log(f"  {key} {name}: {result['rps']:.1f} req/s, p95 {result['p95'] / 1000:.1f} ms, "
                f"errors {result['status_errors'] + result['socket_errors']}")  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=40)
        logfile.close()
    return figures


# --- 5. the table ----------------------------------------------------------------------------


def ratio(peer, ours, higher_is_better=False) -> str:
    if not peer or not ours:
        return "—"
    value = ours / peer if higher_is_better else peer / ours
    return f"{value:.2f}"


def ms(value) -> str:
    return "—" if value is None else f"{value:.1f} ms"


def rps(value) -> str:
    return "—" if value is None else f"{value:.1f} req/s"


def table(ours: dict, hd: dict, wt: dict, hd_g: dict, wt_g: dict) -> list[str]:
    pages = ours["pages"]

    def row(job, our_key, peer, peer_key, differs, peer_wrk=None, ours_rate=False):
        mine, theirs = pages.get(our_key, {}), peer.get(peer_key, {})
        lines = [
            f"| {job}, in one process | p95 {ms(mine.get('p95'))} ({mine.get('queries')} queries) "
            f"| p95 {ms(theirs.get('p95'))} ({theirs.get('queries')} queries) "
            f"| {ratio(theirs.get('p95'), mine.get('p95'))} | {differs} |"
        ]
        if ours_rate:
            lines.append(
                f"| {job}, one serial client | {mine.get('per_second') or 0:.1f} per second "
                f"| {theirs.get('per_second') or 0:.1f} per second "
                f"| {ratio(theirs.get('per_second'), mine.get('per_second'), True)} | {differs} |"
            )
        if peer_wrk is not None:
            got = peer_wrk.get(peer_key, {})
            lines.append(
                f"| {job}, gunicorn + wrk | {rps(mine.get('rps'))}, "
                f"p95 {ms(mine.get('wrk_p95_ms'))} "
                f"| {rps(got.get('rps'))}, p95 {ms(got.get('p95') and got['p95'] / 1000)} "
                f"| {ratio(got.get('rps'), mine.get('rps'), True)} | {differs} |"
            )
        return lines

    lines = [
        "| job | product | peer | ratio | what differs |",
        "|---|---|---|---|---|",
    ]
    lines += row(
        "Staff queue, first page vs helpdesk ticket list",
        "executor_queue",
        hd,
        "list",
        "signed in both; 50 rows vs 25; the helpdesk needs two requests (shell + JSON)",
        hd_g,
    )
    lines += row(
        "Keyword search vs helpdesk queue + keyword",
        "search",
        hd,
        "keyword",
        "the product's «all» tab (cases and articles, facets, 30 queries × 3 users); "
        f"the helpdesk's n = {hd.get('keyword', {}).get('n')} (seconds per search)",
    )
    lines += row(
        "Case page vs ticket detail",
        "case_page",
        hd,
        "detail",
        "signed in both; the longest timelines vs random tickets",
        hd_g,
    )
    lines += row(
        "Section page of 50 vs index page of 50",
        "kb_section",
        wt,
        "index",
        "signed in vs anonymous",
        wt_g,
    )
    lines += row(
        "KB search vs Wagtail search (russian)",
        "search",
        wt,
        "search",
        "the product searches cases and articles, signed in; Wagtail pages only, anonymous",
    )
    lines += row(
        "KB article vs leaf page, signed in",
        "kb_article",
        wt,
        "leaf",
        "signed-in reader vs anonymous",
        wt_g,
    )
    lines += row(
        "KB public article vs leaf page, signed out",
        "kb_article_public",
        wt,
        "leaf",
        "anonymous both",
        wt_g,
    )
    lines += row(
        "Submission",
        "submit",
        hd,
        "submit",
        "the product: signed-in form with a 1 MB PDF, registered at once; the "
        "helpdesk: public form, no file",
        None,
        ours_rate=True,
    )
    return lines


def write(lines: list[str], meta: list[str]) -> None:
    common.write_block(
        RESULTS, "peers", ["## Beside the peers (bench/peers.py)", "", *meta, "", *lines]
    )


def measure_peers(args):
    log("peers in one process:")
    hd = measure_peer_inprocess("hd", args)
    wt = measure_peer_inprocess("wt", args)
    hd_g, wt_g = {}, {}
    if not args.skip_gunicorn:
        log("peers under gunicorn:")
        cookie = hd["session"]
        hd_g = measure_peer_gunicorn(
            "hd",
            {"list": (hd["list_paths"], cookie), "detail": (hd["detail_paths"], cookie)},
            args,
        )
        wt_g = measure_peer_gunicorn(
            "wt", {"leaf": (wt["leaf_paths"], ""), "index": ([wt["index_path"]], "")}, args
        )
    for name, figures in (("hd-gunicorn", hd_g), ("wt-gunicorn", wt_g)):
        (WORK / f"{name}.json").write_text(json.dumps(figures), encoding="utf-8")
    return hd, wt, hd_g, wt_g


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=5_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--skip-product", action="store_true", help="reuse var/peerbench/product.json"
    )
    parser.add_argument("--skip-gunicorn", action="store_true")
    parser.add_argument(
        "--reuse-peers", action="store_true", help="the peers' figures of the last run"
    )
    parser.add_argument("--prepare-only", action="store_true", help="environments and data only")
    args = parser.parse_args(argv)
    if not PEERBENCH.is_dir():
        sys.exit(f"the peer harness is not at {PEERBENCH} (set PEERBENCH)")
    WORK.mkdir(parents=True, exist_ok=True)
    common.VAR.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%d.%m.%Y %H:%M")
    t0 = time.monotonic()
    if not args.reuse_peers:
        prepare("hd", args.tickets)
        prepare("wt", args.pages)
    if args.prepare_only:
        return 0
    ours = (
        json.loads((WORK / "product.json").read_text("utf-8"))
        if args.skip_product
        else measure_product(args)
    )
    if args.reuse_peers:
        hd, wt, hd_g, wt_g = (
            json.loads((WORK / f"{name}.json").read_text("utf-8"))
            for name in ("hd", "wt", "hd-gunicorn", "wt-gunicorn")
        )
    else:
        hd, wt, hd_g, wt_g = measure_peers(args)
    meta = [
        f"Run of {started} (UTC), `bench/peers.py`, {(time.monotonic() - t0) / 60:.0f} min in all; "
        f"ratio = peer ÷ product for times, product ÷ peer for rates: above 1, the product is "
        f"faster.",
        f"- the product: {ours['facts'].get('code', '?')}; load average before / after "
        f"in-process / after gunicorn: {' | '.join(ours.get('load', []))}",
        f"- django-helpdesk 2.6.1, {hd.get('tickets')} tickets: load before {hd['load_before']}; "
        f"Wagtail 8.0.1, {wt.get('pages')} pages, search configuration "
        f"«{wt.get('search_config')}»: load before {wt['load_before']}",
        f"- one method for all three: bench/peer_driver.py times the peers as bench/run.py "
        f"times the product (Django's test client, warm-up, n = {args.requests} per page, "
        f"nearest-rank p95, CONN_MAX_AGE {PEER_CONN_MAX_AGE}); gunicorn with the product's "
        f"gunicorn.conf.py, wrk -t{args.threads} -c{args.connections} -d{args.duration}s after "
        f"a warm-up of {args.warmup} s per 25 paths, the same Lua",
    ]
    for key, figures in (("hd", hd_g), ("wt", wt_g)):
        for name, result in figures.items():
            meta.append(f"- {key} {name} under wrk: load before {result['load_before']}")
    lines = table(ours, hd, wt, hd_g, wt_g)
    print("\n".join(lines))
    write(lines, meta)
    log(f"written: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
