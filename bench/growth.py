"""Cost as the work grows (`make bench-growth`, issue 23): the same pages measured in one
process at 25,000, 100,000 and 300,000 cases, each size in a database of its own
(intranet_bench_25k, intranet_bench9, intranet_bench_300k: made and generated once by
bench/run.py), and the table of growth written into bench/results.md between the
`<!-- growth -->` markers (bench/run.py keeps them).

    .venv/bin/python bench/growth.py [--sizes 25000,100000,300000] [--requests 200]

The target: the queues, the case page, «my questions» and submission grow by at most
1.3× from the smallest to the largest size; search's growth is reported beside them,
with where its time goes (bench/README.md)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

ROOT = common.ROOT
WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results.md"
PAGES = "executor_queue,head_queue,department_queue,case_page,my_questions,submit,search"
FLAT = {"executor_queue", "head_queue", "department_queue", "case_page", "my_questions", "submit"}
LIMIT = 1.3


def database_for(cases: int) -> str:
    name = "intranet_bench9" if cases == 100_000 else f"intranet_bench_{cases // 1000}k"
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def measure(cases: int, args) -> dict:
    out = WORK / f"growth-{cases}.json"
    command = [
        sys.executable, ROOT / "bench" / "run.py", "--cases", cases, "--only", PAGES,
        "--requests", args.requests, "--skip-gunicorn", "--database-url", database_for(cases),
        "--results", WORK / f"growth-{cases}.md", "--json", out,
    ]  # fmt: skip
    print(f"{cases} cases: {' '.join(map(str, command[1:]))}", flush=True)
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True)
    return json.loads(out.read_text("utf-8"))


def table(sizes: list[int], figures: dict[int, dict]) -> list[str]:
    head = " | ".join(f"{n:,} cases p50 / p95 ms (queries)".replace(",", " ") for n in sizes)
    lines = [f"| page | {head} | growth of p95, {sizes[0]:,} → {sizes[-1]:,} | target |", ""]
    lines[0] = lines[0].replace(",", " ")
    lines[1] = "|---|" + "---|" * len(sizes) + "---|---|"
    keys = list(figures[sizes[0]]["pages"])
    for key in keys:
        cells, p95 = [], []
        for n in sizes:
            page = figures[n]["pages"].get(key, {})
            if page.get("p95") is None:
                cells.append("—")
                continue
            cells.append(f"{page['p50']:.1f} / {page['p95']:.1f} ({page['queries']})")
            p95.append(page["p95"])
        growth = p95[-1] / p95[0] if len(p95) == len(sizes) and p95[0] else None
        target = f"≤ {LIMIT}×" if key in FLAT else "reported"
        verdict = ""
        if growth is not None and key in FLAT:
            verdict = " pass" if growth <= LIMIT else " MISS"
        title = figures[sizes[0]]["pages"][key]["title"]
        shown = f"{growth:.2f}×" if growth is not None else "—"
        lines.append(f"| {title} | {' | '.join(cells)} | {shown} | {target}{verdict} |")
    return lines


def write(lines: list[str], meta: list[str]) -> None:
    common.write_block(
        RESULTS, "growth", ["## As the work grows (bench/growth.py)", "", *meta, "", *lines]
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="25000,100000,300000")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    sizes = sorted(int(n) for n in args.sizes.split(","))
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%d.%m.%Y %H:%M")
    figures = {n: measure(n, args) for n in sizes}
    meta = [
        f"Run of {started} (UTC), `bench/growth.py`: in one process, n = {args.requests} per "
        "page (search: 30 queries × 3 users; submission: a fifth), the same users' roles "
        "at each size (the busiest of the generated data), production settings, no broker "
        "(the submission's search document is built in the request).",
    ]
    for n in sizes:
        meta.append(f"- {n:,} cases: load average before / after: ".replace(",", " ")
                    + " | ".join(figures[n].get("load", [])[:2]))  # fmt: skip
    lines = table(sizes, figures)
    print("\n".join(lines))
    write(lines, meta)
    print(f"written: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
