"""The native JSONL object of one annotator's work on one report (native-jsonl.md): shared by the
corpus writer and the exchange bundles, so both write exactly the same shape.

Events and the incidents they name are written only when the set has events (``"events"``,
``"incidents"``; docs/events.md), and comment threads only when there are some (``"comments"``;
docs/workflow.md), so a line without them is byte for byte what it always was."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.core.comments import Comment
from annotator.core.events import Event, Incident, event_to_dict
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span

REPORT_META = ("title", "source", "published", "url", "language", "direction")


def native_record(report: Report, annotator: str | None, spans: Iterable[Span],
                  relations: Iterable[Relation], events: Iterable[Event] = (),
                  incidents: Iterable[Incident] = (), comments: Iterable[Comment] = ()) -> dict[str, Any]:
    text = report.text
    spans = list(spans)
    meta: dict[str, Any] = {key: getattr(report, key) for key in REPORT_META}
    meta.update(report.meta)
    out_spans = []
    for s in spans:
        item: dict[str, Any] = {"id": s.id, "start": s.start, "end": s.end, "label": s.label,
                                "text": text[s.start:s.end], "attrs": s.attrs, "value": s.value,
                                "entity": s.entity}
        if s.resolution is not None:
            item["resolution"] = s.resolution
        out_spans.append(item)
    out_relations = []
    for r in relations:
        rel: dict[str, Any] = {"id": r.id, "head": r.head, "tail": r.tail, "label": r.label}
        if r.attrs:
            rel["attrs"] = r.attrs
        out_relations.append(rel)
    out: dict[str, Any] = {"id": report.id, "text": text, "meta": meta, "annotator": annotator,
                           "spans": out_spans, "relations": out_relations}
    span_ids = [s.id for s in spans]
    out_events = [event_to_dict(e, span_ids) for e in events]
    if out_events:
        out["events"] = out_events
        named = {e.incident for e in events if e.incident}
        out_incidents = [i.to_dict() for i in sorted(incidents, key=lambda i: i.id) if i.id in named]
        if out_incidents:
            out["incidents"] = out_incidents
    out_comments = [c.to_dict() for c in comments]
    if out_comments:  # written only when there are some: a line without is what it always was
        out["comments"] = out_comments
    return out
