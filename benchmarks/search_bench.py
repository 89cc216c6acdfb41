"""Benchmarks of corpus search and suggestions (issue 15).

- search: 10,000 reports (about 2.5 KB each, Arabic and English sentences naming places and actors from
  the starter registry, some with diacritics and alef variants) in a SQLite file; 300 queries (frequent
  and rare names, Arabic typed with other forms, Latin with other case and accents), 50 rows at most
  each: milliseconds per query, p50 and p99.
- suggestions: one 1 MB report against the 50,000-entry registry of ``records_bench`` (its aliases
  counted), imported into the database: the seconds of ``suggest`` once the resolver is built (and of
  building it, with the first/last-word sets a scan uses).

``python benchmarks/search_bench.py`` prints the figures as JSON. Deterministic (fixed seeds).
"""

from __future__ import annotations

import json
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
from annotator.services.search_index import index_report  # noqa: E402

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


def bench_search(folder: Path, n_reports: int = 10_000, n_queries: int = 300) -> dict[str, Any]:
    from annotator.services.search import search

    rng = random.Random(15)
    ctx = open_database(folder / "search.sqlite3")
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
        figures["corpus_mb"] = round((folder / "search.sqlite3").stat().st_size / 1e6, 1)
        times = []
        rows = 0
        for i in range(n_queries):
            q = QUERIES[i % len(QUERIES)]
            t = time.perf_counter()
            rows += len(search(ctx, q, limit=50))
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        figures["queries"] = n_queries
        figures["rows_per_query_mean"] = round(rows / n_queries, 1)
        figures["search_p50_ms"] = round(statistics.median(times), 1)
        figures["search_p99_ms"] = round(times[int(0.99 * (len(times) - 1))], 1)
        t = time.perf_counter()
        search(ctx, "Rare-Name-4711", limit=50)
        figures["search_rare_name_ms"] = round((time.perf_counter() - t) * 1000, 1)
    finally:
        ctx.close()
    return figures


def bench_suggest(folder: Path, n_entries: int = 50_000) -> dict[str, Any]:
    from records_bench import synthetic_registry

    from annotator.services.entities import import_registry
    from annotator.services.records import resolver
    from annotator.services.reports import store_report
    from annotator.services.suggest import suggest

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


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="annotator-search-bench-") as tmp:
        folder = Path(tmp)
        return {**bench_search(folder), **bench_suggest(folder)}


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
