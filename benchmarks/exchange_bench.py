"""Exchange bundles: export and import of 10,000 reports (two spans and a relation each) between two
SQLite files, as two workstations would; plus verification alone and an idempotent re-import.

Run: ``python benchmarks/exchange_bench.py`` (prints JSON) or call ``run()``; ``benchmarks/run.py``
includes it as the ``exchange`` suite."""

from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.exchange.reader import read_bundle
from annotator.services.bundles import export_bundle, import_bundle
from annotator.services.context import ServiceContext
from annotator.services.database import open_database
from annotator.store.set_transfer import SetWrite

REPORTS = 10_000
PLACES = 50
WORDS = ["Colonel", "أبو", "علي", "met", "IRGC", "officers", "in", "Deir", "al-Zour", "🔴", "claimed",
         "that", "ISIS", "cells", "seized", "حقل", "العمر", "on", "7", "April", "the", "army", "said."]


def populate(ctx: ServiceContext, n: int = REPORTS, seed: int = 11) -> None:
    """``n`` reports of ~120 words, alice's set on each (a claim, a linked place, a relation), and a
    small registry; one transaction with the bulk repository calls."""
    rng = random.Random(seed)
    with ctx.uow() as uow:
        uow.entities.add_many({"id": f"place:p{i}", "kind": "place", "name": f"Place {i}", "lat": 35.0 + i / 100,
                               "lon": 40.0, "aliases": [{"name": f"P{i}", "lang": "en"}]} for i in range(PLACES))
        reports = []
        for k in range(n):
            text = f"R{k} " + " ".join(rng.choice(WORDS) for _ in range(120))
            reports.append(Report.of(text, title=f"Report {k}", published="2024-04-09"))
        uow.transfer.add_reports(reports, origin="benchmark")
        who = uow.repo.annotator_row("alice").id
        writes = []
        for k, report in enumerate(reports):
            word_end = report.text.index(" ", 5)
            spans = (Span("T1", 0, len(report.text), "claim", {"status": "reported"}),
                     Span("T2", 4, word_end, "place", entity=f"place:p{k % PLACES}", resolution="confirmed"))
            writes.append(SetWrite(report.id, spans, (Relation("R1", "T1", "T2", "place"),), 1 + k % 7))
        for i in range(0, len(writes), 1000):
            uow.transfer.write_sets("alice", who, writes[i:i + 1000], op="benchmark")
        uow.commit()


def run(n: int = REPORTS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a = open_database(folder / "workstation-a.sqlite3")
        b = open_database(folder / "workstation-b.sqlite3")
        try:
            t = time.perf_counter()
            populate(a, n)
            setup_s = time.perf_counter() - t
            out = folder / "alice.annbundle"
            t = time.perf_counter()
            exported = export_bundle(a, "alice", out)
            export_s = time.perf_counter() - t
            t = time.perf_counter()
            read_bundle(out)
            verify_s = time.perf_counter() - t
            t = time.perf_counter()
            first = import_bundle(b, out)
            import_s = time.perf_counter() - t
            t = time.perf_counter()
            again = import_bundle(b, out)
            reimport_s = time.perf_counter() - t
        finally:
            a.close()
            b.close()
    assert first.sets_added == n and again.sets_unchanged == n and not again.changed
    return {
        "reports": n,
        "setup_s": round(setup_s, 2),
        "bundle_bytes": exported.bytes,
        "export_s": round(export_s, 2),
        "export_reports_per_s": round(n / export_s),
        "verify_only_s": round(verify_s, 2),
        "import_into_empty_s": round(import_s, 2),
        "import_reports_per_s": round(n / import_s),
        "reimport_unchanged_s": round(reimport_s, 2),
        "reimport_reports_per_s": round(n / reimport_s),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
