"""Event exports: 10,000 reports with 3 events each (actors, place and date linked to the registry,
counts, graded claims; every tenth report's events grouped in an incident) written to ACLED, UCDP GED,
PLOVER and STIX 2.1, one SQLite file.

Run: ``python benchmarks/events_bench.py`` (prints JSON) or call ``run()``; ``benchmarks/run.py``
includes it as the ``events`` suite."""

from __future__ import annotations

import json
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.core.events import Estimate, Event, Incident
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.services.context import ServiceContext
from annotator.services.database import open_database
from annotator.services.event_export import EVENT_FORMATS, export_events
from annotator.store.set_transfer import SetWrite

REPORTS = 10_000
EVENTS_PER_REPORT = 3
PLACES = 40
TYPES = ("armed_clash", "air_drone_strike", "attack", "arrests", "shelling_artillery_missile_attack")
STAMP = datetime(2026, 12, 5, tzinfo=UTC)


def populate(ctx: ServiceContext, n: int = REPORTS, seed: int = 16) -> None:
    """``n`` reports, each with three claims and three events, in one transaction of bulk writes."""
    rng = random.Random(seed)
    with ctx.uow() as uow:
        uow.entities.add_many({"id": f"place:b{i}", "kind": "place", "name": f"Town {i}", "type": "city",
                               "lat": 34.0 + i / 50, "lon": 38.0 + i / 70, "country": "SY",
                               "admin1": "Deir ez-Zor Governorate"} for i in range(PLACES))
        uow.entities.add_many([{"id": "actor:b-army", "kind": "actor", "name": "Army", "type": "armed forces",
                                "country": "SY"},
                               {"id": "actor:b-group", "kind": "actor", "name": "Group", "type": "armed group",
                                "country": "SY"},
                               {"id": "actor:b-outlet", "kind": "actor", "name": "Outlet", "type": "media"}])
        reports = []
        for k in range(n):
            sentences = [f"Outlet {j} said that the Army clashed with the Group in Town {k % PLACES} on "
                         f"{1 + (k + j) % 28} April 2024, killing {j + 1} people." for j in range(EVENTS_PER_REPORT)]
            reports.append(Report.of(f"R{k}. " + " ".join(sentences), title=f"Report {k}", published="2024-04-30",
                                     source="Outlet"))
        uow.transfer.add_reports(reports, origin="benchmark")
        who = uow.repo.annotator_row("alice").id
        writes = []
        for k, report in enumerate(reports):
            spans: list[Span] = []
            relations: list[Relation] = []
            events: list[Event] = []
            text = report.text
            at = 0
            for j in range(EVENTS_PER_REPORT):
                start = text.index(f"Outlet {j}", at)
                end = text.index(" people.", start) + len(" people")
                at = end
                base = 6 * j
                claim_start = text.index("the Army", start)

                def span(i: int, surface: str, label: str, text: str = text, start: int = start, base: int = base,
                         **kw: Any) -> Span:
                    pos = text.index(surface, start)
                    return Span(f"T{base + i}", pos, pos + len(surface), label, **kw)

                day = 1 + (k + j) % 28
                spans += [span(1, f"Outlet {j}", "actor", attrs={"reliability": "BCD"[j]}, entity="actor:b-outlet",
                               resolution="confirmed"),
                          Span(f"T{base + 2}", claim_start, end, "claim",
                               {"status": "reported", "credibility": "23"[j % 2]}),
                          span(3, "Army", "actor", entity="actor:b-army", resolution="confirmed"),
                          span(4, "Group", "actor", entity="actor:b-group", resolution="confirmed"),
                          span(5, f"Town {k % PLACES}", "place", entity=f"place:b{k % PLACES}", resolution="confirmed"),
                          span(6, f"{day} April 2024", "date", value=f"2024-04-{day:02d}", resolution="confirmed")]
                relations += [Relation(f"R{base + i}", f"T{base + 2}", f"T{base + t}", label)
                              for i, (label, t) in enumerate((("source", 1), ("actor", 3), ("actor", 4),
                                                               ("place", 5), ("date", 6)), 1)]
                events.append(Event(f"E{j + 1}", rng.choice(TYPES),
                                    {"actor1": (f"T{base + 3}",), "actor2": (f"T{base + 4}",),
                                     "place": (f"T{base + 5}",), "date": (f"T{base + 6}",)},
                                    (f"T{base + 2}",), f"T{base + 2}", {"fatalities": Estimate(j + 1, j + 1, j + 1)},
                                    attrs={"acled.inter2": "2"},
                                    incident=f"I-bench-{k}" if k % 10 == 0 else None))
            writes.append(SetWrite(report.id, spans, relations, 1, events=events))
        for k in range(0, n, 10):
            uow.events.save_incident(Incident(f"I-bench-{k}", f"Incident {k}"))
        for i in range(0, len(writes), 1000):
            uow.transfer.write_sets("alice", who, writes[i:i + 1000], op="benchmark")
        uow.commit()


def run(n: int = REPORTS) -> dict[str, Any]:
    figures: dict[str, Any] = {"reports": n, "events": n * EVENTS_PER_REPORT}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ctx = open_database(folder / "events.sqlite3")
        try:
            t = time.perf_counter()
            populate(ctx, n)
            figures["setup_s"] = round(time.perf_counter() - t, 2)
            for fmt in EVENT_FORMATS:
                out = folder / f"events.{fmt}"
                t = time.perf_counter()
                summary = export_events(ctx, fmt, out, stamp=STAMP)
                seconds = time.perf_counter() - t
                figures[f"{fmt}_export_s"] = round(seconds, 2)
                figures[f"{fmt}_written"] = summary.written
                figures[f"{fmt}_skipped"] = len(summary.skipped)
                figures[f"{fmt}_mb"] = round(out.stat().st_size / 1e6, 1)
        finally:
            ctx.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
