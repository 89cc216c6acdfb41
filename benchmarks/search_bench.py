"""Benchmarks of corpus search and suggestions (issue 15).

- search: 10,000 reports (about 2.5 KB each, Arabic and English sentences naming places and actors from
  the starter registry, some with diacritics and alef variants) in a SQLite file; 300 queries (frequent
  and rare names, Arabic typed with other forms, Latin with other case and accents), 50 rows at most
  each: milliseconds per query, p50 and p99.
- suggestions: one 1 MB report against the 50,000-entry registry of ``records_bench`` (its aliases
  counted), imported into the database: the seconds of ``suggest`` once the resolver is built (and of
  building it, with the first/last-word sets a scan uses).

The search figures are measured on SQLite, and on PostgreSQL too when ``ANNOTATOR_TEST_PG_URL`` names the
test server (a throw-away database on it): there the 300 queries run four times, alternately with the
pg_trgm GIN index (migration 0007) and without it (dropped, then built again), so the machine's load
falls on both alike; each pass gives p50/p99 and the CPU seconds of this process and of the server's
processes (read from /proc, where the server runs on this machine).

``python benchmarks/search_bench.py`` prints the figures as JSON. Deterministic (fixed seeds).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


from annotator.core.report import Report  # noqa: E402
from annotator.services.database import open_database  # noqa: E402
from annotator.services.entities import import_registry  # noqa: E402
from annotator.services.records import resolver  # noqa: E402
from annotator.services.reports import store_report  # noqa: E402
from annotator.services.search import search  # noqa: E402
from annotator.services.search_index import index_report  # noqa: E402
from annotator.services.suggest import suggest  # noqa: E402
from annotator.store.search_repository import TRGM_INDEX  # noqa: E402

from corpus_bench import _pg_database  # noqa: E402
from records_bench import synthetic_registry  # noqa: E402

NAMES = ["Deir ez-Zor", "Dayr az-Zawr", "دير الزّور", "دير الزور", "al-Mayadin", "الميادين", "Abu Kamal",
         "البوكمال", "Raqqa", "الرقة", "Aleppo", "حلب", "Homs", "حمص", "IRGC", "الحرس الثوري", "Hezbollah",
         "حزب الله", "Palmyra", "تدمر", "al-Qaim", "القائم", "إدلب", "Idlib", "Tabqa", "الطبقة"]
EN = ["Witnesses in {a} said a convoy left for {b} before dawn.",
      "The channel reported on April {d} that shelling hit the outskirts of {a}.",
      "A source close to {a} denied that fighters moved towards {b}.",
      "Local activists said the checkpoint near {a} was reinforced."]
AR = ["قال ناشطون في {a} إن رتلاً توجه إلى {b} فجراً.", "أفادت مصادر محلية بوقوع قصف على أطراف {a}.",
      "نفى مصدر مقرب من {a} وصول تعزيزات إلى {b}.", "ذكرت الشبكة يوم {d} نيسان أن الطريق إلى {a} أغلق."]
QUERIES = ["deir ez-zor", "DEIR EZ ZOR", "دير الزور", "دير الـزُّور", "الميادين", "al-mayadin", "abu kamal",
           "البوكمال", "raqqa", "الرقه", "aleppo", "حلب", "homs", "irgc", "الحرس الثوري", "hezbollah", "palmyra",
           "تدمر", "al-qaim", "ادلب", "tabqa", "checkpoint near", "convoy left", "رتلا توجه", "Rare-Name-4711"]


def _report(rng: random.Random, n: int) -> str:
    lines = []
    size = 0
    while size < 2500:
        template = rng.choice(EN + AR)
        line = template.format(a=rng.choice(NAMES), b=rng.choice(NAMES), d=rng.randint(1, 28))
        lines.append(line)
        size += len(line)
    if n == 4711:
        lines.append("Rare-Name-4711 appears once.")
    return f"Report {n}\n\n" + " ".join(lines)


def bench_search(folder: Path, n_reports: int = 10_000, n_queries: int = 300,
                 url: str | None = None) -> dict[str, Any]:
    rng = random.Random(15)
    ctx = open_database(url or folder / "search.sqlite3")
    figures: dict[str, Any] = {"reports": n_reports}
    try:
        t = time.perf_counter()
        for chunk in range(0, n_reports, 500):
            with ctx.uow() as uow:
                for n in range(chunk, min(n_reports, chunk + 500)):
                    report = Report.of(_report(rng, n), title=f"report {n}")
                    uow.repo.add_report(report)
                    index_report(uow, report.id, report.text)
                uow.commit()
        figures["store_and_index_s"] = round(time.perf_counter() - t, 1)
        if url is None:
            figures["corpus_mb"] = round((folder / "search.sqlite3").stat().st_size / 1e6, 1)
            figures.update(_queries(ctx, n_queries))
            return figures
        with ctx.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
            figures["corpus_mb"] = round(conn.exec_driver_sql("SELECT pg_database_size(current_database())")
                                         .scalar_one() / 1e6, 1)
        for n, indexed in enumerate((True, False, True, False), 1):
            _set_trigram_index(ctx, indexed)
            for key, value in _queries(ctx, n_queries).items():
                figures[f"pass{n}_{'trgm' if indexed else 'scan'}.{key}"] = value
        _set_trigram_index(ctx, True)
    finally:
        ctx.close()
    return figures


def _queries(ctx: Any, n_queries: int) -> dict[str, Any]:
    """The timed queries: p50/p99 ms, and CPU seconds here (and of the server, on PostgreSQL)."""
    times = []
    rows = 0
    cpu, server = time.process_time(), _server_cpu_s(ctx)
    for i in range(n_queries):
        q = QUERIES[i % len(QUERIES)]
        t = time.perf_counter()
        rows += len(search(ctx, q, limit=50))
        times.append((time.perf_counter() - t) * 1000)
    figures: dict[str, Any] = {"client_cpu_s": round(time.process_time() - cpu, 1)}
    if server is not None:
        figures["server_cpu_s"] = round((_server_cpu_s(ctx) or 0.0) - server, 1)
    times.sort()
    figures["queries"] = n_queries
    figures["rows_per_query_mean"] = round(rows / n_queries, 1)
    figures["search_p50_ms"] = round(statistics.median(times), 1)
    figures["search_p99_ms"] = round(times[int(0.99 * (len(times) - 1))], 1)
    t = time.perf_counter()
    search(ctx, "Rare-Name-4711", limit=50)
    figures["search_rare_name_ms"] = round((time.perf_counter() - t) * 1000, 1)
    return figures


def _set_trigram_index(ctx: Any, present: bool) -> None:
    with ctx.engine.begin() as conn:
        if present:
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON report_search "
                                 "USING gin (folded gin_trgm_ops)")
        else:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
        conn.exec_driver_sql("ANALYZE report_search")


def _server_cpu_s(ctx: Any) -> float | None:
    """CPU seconds (user + system) of the PostgreSQL server's processes so far, or None (SQLite, or a
    server not on this machine): the postmaster's children, found from this connection's backend."""
    if ctx.engine.dialect.name != "postgresql":
        return None
    with ctx.engine.connect() as conn:
        backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    try:
        postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster or int(proc.name) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def bench_suggest(folder: Path, n_entries: int = 50_000) -> dict[str, Any]:
    entities, _ = synthetic_registry(n_entries)
    registry = folder / "registry.json"
    registry.write_text(json.dumps({"entities": [e.to_dict() for e in entities]}, ensure_ascii=False),
                        encoding="utf-8")
    figures: dict[str, Any] = {"registry_entries": len(entities),
                               "registry_aliases": sum(1 for e in entities for _ in e.names())}
    ctx = open_database(folder / "suggest.sqlite3")
    try:
        import_registry(ctx, registry)
        samples = sorted((ROOT / "resources" / "samples").glob("*.txt"))
        parts = [p.read_text(encoding="utf-8", errors="replace") for p in samples]
        text = ""
        i = 0
        while len(text.encode("utf-8")) < 1_000_000:
            text += parts[i % len(parts)] + "\n\n"
            i += 1
        report = Report.of(text, title="1 MB", published="2024-04-10")
        store_report(ctx, report)
        figures["report_mb"] = round(len(text.encode("utf-8")) / 1e6, 2)
        t = time.perf_counter()
        resolver(ctx).may_start_name("x")  # the index and its first/last-word sets (built once per registry)
        figures["resolver_build_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        found = suggest(ctx, report.id, annotator="bench")
        figures["suggest_1mb_s"] = round(time.perf_counter() - t, 1)
        figures["suggestions"] = len(found)
    finally:
        ctx.close()
    return figures


def run(only_search: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="annotator-search-bench-") as tmp:
        folder = Path(tmp)
        figures = bench_search(folder)
        base = os.environ.get("ANNOTATOR_TEST_PG_URL")
        if base:
            databases = _pg_database(base)
            try:
                figures.update({f"postgresql.{k}": v for k, v in bench_search(folder, url=next(databases)).items()})
            finally:
                for _ in databases:
                    pass
        return figures if only_search else {**figures, **bench_suggest(folder)}


if __name__ == "__main__":
    print(json.dumps(run(only_search="--search-only" in sys.argv), indent=2))
