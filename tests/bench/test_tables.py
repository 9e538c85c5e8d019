"""The tables bench/peers.py and bench/growth.py write into bench/results.md, from
figures of the shape bench/run.py and bench/peer_driver.py produce: ratios the right
way round (above 1: the product is faster), the growth verdict against 1.3×, and the
blocks replaced in place, the rest of the file kept. No measurement here."""

from bench import growth, peers


def _page(p50, p95, queries=5, rps=None, per_second=None):
    return {"title": "t", "n": 200, "p50": p50, "p95": p95, "queries": queries, "rps": rps,
            "wrk_p95_ms": 40.0 if rps else None, "per_second": per_second}  # fmt: skip


def test_ratios_say_how_many_times_faster_the_product_is():
    ours = {
        "pages": {
            "executor_queue": _page(40, 50, rps=40.0),
            "search": _page(60, 100),
            "case_page": _page(40, 52, rps=35.0),
            "kb_section": _page(20, 22, rps=80.0),
            "kb_article": _page(12, 20, rps=150.0),
            "kb_article_public": _page(8, 10, rps=200.0),
            "submit": _page(25, 30, per_second=40.0),
        }
    }
    hd = {
        "list": {"p95": 750.0, "queries": 30},
        "keyword": {"p95": 2700.0, "queries": 20, "n": 20},
        "detail": {"p95": 60.0, "queries": 40},
        "submit": {"p95": 14.0, "queries": 12, "per_second": 74.0},
    }
    wt = {"index": {"p95": 24.0}, "search": {"p95": 170.0}, "leaf": {"p95": 10.0}}
    hd_g = {"list": {"rps": 1.6, "p95": 760_000}, "detail": {"rps": 20.0, "p95": 60_000}}
    wt_g = {"leaf": {"rps": 180.0, "p95": 50_000}, "index": {"rps": 80.0, "p95": 90_000}}
    lines = peers.table(ours, hd, wt, hd_g, wt_g)
    text = "\n".join(lines)
    row = next(line for line in lines if line.startswith("| Staff queue") and "one process" in line)
    assert "| 15.00 |" in row  # 750 / 50: the product 15 times faster
    row = next(line for line in lines if "signed in, in one process" in line)
    assert "| 0.50 |" in row  # 10 / 20: the product twice as slow
    row = next(line for line in lines if "signed in, gunicorn" in line)
    assert "| 0.83 |" in row  # 150 / 180 req/s
    row = next(line for line in lines if "one serial client" in line)
    assert "| 0.54 |" in row  # 40 / 74 per second
    assert "n = 20" in text


def test_growth_verdict_and_blocks_kept(tmp_path, monkeypatch):
    sizes = [25_000, 100_000, 300_000]
    figures = {
        n: {"pages": {"case_page": {**_page(10, 10 * f), "title": "Case page"},
                      "search": {**_page(50, 50 * f), "title": "Search"}}}
        for n, f in zip(sizes, (1.0, 1.1, 1.5), strict=True)
    }  # fmt: skip
    lines = growth.table(sizes, figures)
    case = next(line for line in lines if line.startswith("| Case page"))
    search = next(line for line in lines if line.startswith("| Search"))
    assert "1.50×" in case and "MISS" in case
    assert "1.50×" in search and "reported" in search and "MISS" not in search
    results = tmp_path / "results.md"
    results.write_text("head\n<!-- growth -->old<!-- /growth -->\ntail\n", encoding="utf-8")
    monkeypatch.setattr(growth, "RESULTS", results)
    growth.write(lines, ["meta"])
    text = results.read_text("utf-8")
    assert text.startswith("head\n") and text.endswith("tail\n") and "old" not in text
    assert text.count("<!-- growth -->") == 1 and "| Case page" in text
