"""Exporting events to conflict-event datasets: ACLED and UCDP GED CSV, PLOVER JSONL, a STIX 2.1 bundle.

The events of the sets in scope are resolved from each set's structured record (the same record
``annotator record`` prints: dates from the date normaliser, places and actors from the registry,
claims with sources and grades), grouped by incident, and handed to the dataset's writer. Every event
the dataset cannot hold is listed with each missing or invalid field; nothing is dropped silently. The
file is written under a temporary name and renamed when complete."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.core.errors import ValidationError
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.events.acled import acled_row
from annotator.events.datasets import load_countries, load_dataset
from annotator.events.incidents import IncidentSummary, group
from annotator.events.plover import plover_record
from annotator.events.resolve import ResolvedEvent, resolve_events
from annotator.events.stix import stix_bundle
from annotator.events.summary import EventExport, Skipped
from annotator.events.ucdp import ged_row
from annotator.files.atomic import atomic_file
from annotator.files.json_output import compact_json
from annotator.records.entities import Entity
from annotator.records.record import event_entries_of
from annotator.services.context import ServiceContext
from annotator.services.events import event_schema
from annotator.services.export import ExportScope
from annotator.services.formats import EVENT_FORMATS
from annotator.services.names import known_annotators
from annotator.services.records import resolver
from annotator.services.reports import resolve_report_id
from annotator.services.samples import resources_dir

TLP_LEVELS = ("clear", "white", "green", "amber", "red")
_BATCH = 500


def events_dir() -> Path:
    return resources_dir() / "events"


def iter_resolved(ctx: ServiceContext, scope: ExportScope = ExportScope(), *, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None) -> Iterator[ResolvedEvent]:
    """The events of the sets in scope, resolved, set by set (sets are read in batches)."""
    schema = event_schema(ctx)
    ids = tuple(resolve_report_id(ctx, r) for r in scope.report_ids)
    known_annotators(ctx, scope.annotators, option="--annotator")
    with ctx.uow() as uow:
        keys = uow.repo.set_keys(report_ids=ids or None)
    keys = [k for k in keys if not scope.annotators or k[1] in scope.annotators]
    res = resolver(ctx)
    by_annotator: dict[str, list[str]] = {}
    for rid, who in keys:
        by_annotator.setdefault(who, []).append(rid)
    done = 0
    for who, rids in sorted(by_annotator.items()):
        for start in range(0, len(rids), _BATCH):
            if cancel is not None:
                cancel.check()
            with ctx.uow() as uow:
                loaded = [(r, s) for r, s in uow.transfer.iter_sets(who, rids[start:start + _BATCH]) if s.events]
                linked = uow.entities.get_many({sp.entity for _, s in loaded for sp in s.spans if sp.entity})
                incidents = uow.events.incidents({e.incident for _, s in loaded for e in s.events if e.incident})
            entities = {eid: Entity.from_dict(e) for eid, e in linked.items()}
            for report, aset in loaded:
                record = {"events": event_entries_of(report, aset.spans, aset.relations, entities, resolver=res,
                                                     events=aset.events, incidents=incidents, event_schema=schema,
                                                     roles=ctx.schema.record_roles)}
                known = dict(entities)
                for entry in record["events"]:
                    for mentions in entry["roles"].values():
                        for m in mentions:
                            eid = (m.get("entity") or {}).get("id")
                            if eid and eid not in known and res.get(eid) is not None:
                                known[eid] = res.get(eid)
                yield from resolve_events(report, who, aset.events, aset.spans, record, known, schema, incidents)
            done += min(_BATCH, len(rids) - start)
            progress(done, len(keys), who)


def export_events(ctx: ServiceContext, fmt: str, out: Path | str, scope: ExportScope = ExportScope(), *,
                  tlp: str = "green", stamp: datetime | None = None, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None) -> EventExport:
    """Write the events in scope as ``fmt`` (acled, ucdp-ged, plover, stix) to ``out``."""
    if fmt not in EVENT_FORMATS:
        raise ValidationError(f"'{fmt}' is not an event format (event formats: {', '.join(EVENT_FORMATS)})")
    if fmt == "stix" and tlp.lower() not in TLP_LEVELS:
        raise ValidationError(f"TLP '{tlp}' is not one of {', '.join(TLP_LEVELS)}")
    folder = events_dir()
    dataset = load_dataset(folder, fmt)
    countries = load_countries(folder)
    stamp = stamp or datetime.now(UTC)
    events = list(iter_resolved(ctx, scope, progress=progress, cancel=cancel))
    summary = EventExport(fmt, str(out), events=len(events))
    out = Path(out)
    if fmt == "plover":
        with atomic_file(out) as fh:
            for ev in events:
                record, problems = plover_record(ev, dataset, countries, stamp.date().isoformat())
                if record is None:
                    summary.skipped.append(_skipped(ev, problems))
                    continue
                fh.write(compact_json(record) + "\n")
                summary.written += 1
        summary.events_written = summary.written
        return summary
    units = group(events)
    if fmt == "stix":
        bundle, skipped, written = stix_bundle(events, units, dataset, tlp=tlp, stamp=stamp)
        summary.skipped += [_skipped(ev, problems) for ev, problems in skipped]
        summary.written, summary.objects = written, len(bundle["objects"])
        summary.events_written = len(events) - len(summary.skipped)  # a note per event written
        with atomic_file(out) as fh:
            json.dump(bundle, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        return summary
    with atomic_file(out) as fh:
        writer = csv.DictWriter(fh, fieldnames=dataset.columns, lineterminator="\r\n")
        writer.writeheader()
        for unit in units:
            row, problems = (acled_row(unit, dataset, countries, stamp) if fmt == "acled"
                             else ged_row(unit, dataset, countries))
            if row is None:
                summary.skipped += [_skipped(ev, problems) for ev in unit.events]
                continue
            writer.writerow(row)
            summary.written += 1
            summary.events_written += len(unit.events)
    return summary


def _skipped(ev: ResolvedEvent, problems: list[str]) -> Skipped:
    return Skipped(ev.report.id, ev.annotator, ev.event.id, tuple(problems), ev.event.incident)


def event_view(ctx: ServiceContext, report_id: str, annotator: str) -> list[dict[str, Any]]:
    """The GUI's Events panel: each event of one set, resolved, with what each dataset still misses."""
    folder = events_dir()
    countries = load_countries(folder)
    datasets = {name: load_dataset(folder, name) for name in ("acled", "ucdp-ged", "plover")}
    out = []
    for ev in iter_resolved(ctx, ExportScope((annotator,), (report_id,))):
        unit = IncidentSummary(None, (ev,))
        missing = {"acled": acled_row(unit, datasets["acled"], countries)[1],
                   "ucdp-ged": ged_row(unit, datasets["ucdp-ged"], countries)[1],
                   "plover": plover_record(ev, datasets["plover"], countries, "")[1]}
        out.append({**ev.entry, "grade": ev.best_grade.to_dict(), "sources": ev.sources, "missing": missing})
    return out
