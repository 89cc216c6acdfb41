"""Foundation figures: durable edit latency (service vs bare SQLite), import throughput, --help time."""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from annotator.core.report import Report
from annotator.services import annotate
from annotator.services.database import open_database
from annotator.services.reports import import_reports, store_report

WORDS = ("the", "officers", "met", "in", "Deir", "ez-Zor", "IRGC", "reported", "claimed", "Raqqa",
         "دير", "الزور", "الحرس", "الثوري", "on", "April", "7", "source", "Telegram", "channel")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _text(i: int, n_words: int = 300) -> str:
    return " ".join(WORDS[(i * 7 + k * 13) % len(WORDS)] for k in range(n_words)) + f" #{i}"


def edit_latency(folder: Path, n: int = 2000) -> dict[str, float]:
    ctx = open_database(folder / "edits.sqlite3")
    report = Report.of(_text(0, 3000))
    store_report(ctx, report)
    times: list[float] = []
    for i in range(n):
        start = (i * 11) % (len(report.text) - 20)
        t = time.perf_counter()
        annotate.create_span(ctx, report.id, start, start + 10, "actor", annotator="bench")
        times.append((time.perf_counter() - t) * 1000)
    ctx.close()

    con = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("CREATE TABLE spans (id INTEGER PRIMARY KEY, set_id INTEGER, start INTEGER, \"end\" INTEGER, "
                "label TEXT)")
    bare: list[float] = []
    for i in range(n):
        t = time.perf_counter()
        con.execute("BEGIN")
        con.execute("INSERT INTO spans (set_id, start, \"end\", label) VALUES (1, ?, ?, 'actor')", (i, i + 10))
        con.execute("COMMIT")
        bare.append((time.perf_counter() - t) * 1000)
    con.close()
    return {
        "edit_p50_ms": round(statistics.median(times), 3),
        "edit_p99_ms": round(_percentile(times, 0.99), 3),
        "bare_sqlite_p50_ms": round(statistics.median(bare), 3),
        "bare_sqlite_p99_ms": round(_percentile(bare, 0.99), 3),
        "edit_vs_bare_p50_ratio": round(statistics.median(times) / statistics.median(bare), 2),
    }


def import_throughput(folder: Path, n: int = 1000) -> dict[str, float]:
    html_dir, txt_dir = folder / "html", folder / "txt"
    html_dir.mkdir()
    txt_dir.mkdir()
    for i in range(n):
        body = "".join(f"<p>{_text(i * 5 + k, 60)}</p>" for k in range(5))
        (html_dir / f"r{i}.html").write_text(
            f"<html><head><title>Report {i}</title><meta property='og:site_name' content='Monitor'>"
            f"<meta property='article:published_time' content='2024-04-09'>"
            f"<script>alert(1)</script></head><body><article><h1>Report {i}</h1>{body}</article>"
            f"<img src='http://example.invalid/x.png'></body></html>", encoding="utf-8")
        (txt_dir / f"r{i}.txt").write_text(f"Report {i}\n\n" + _text(i + 10 * n, 300), encoding="utf-8")
    out: dict[str, float] = {}
    for kind, path in (("html", html_dir), ("txt", txt_dir)):
        ctx = open_database(folder / f"import-{kind}.sqlite3")
        t = time.perf_counter()
        result = import_reports(ctx, [path])
        elapsed = time.perf_counter() - t
        ctx.close()
        assert not result.errors, result.errors[:3]
        out[f"import_{kind}_reports_per_s"] = round(n / elapsed, 1)
    return out


def help_time() -> dict[str, float]:
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "annotator", "--help"], capture_output=True, check=True)
        runs.append(time.perf_counter() - t)
    return {"help_wall_s_median": round(statistics.median(runs), 3)}


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        figures = edit_latency(folder)
        figures.update(import_throughput(folder))
    figures.update(help_time())
    return figures
