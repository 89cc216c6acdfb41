"""Row ↔ core conversion: the one place where SQLAlchemy rows and domain objects meet."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import Row

from annotator.core.events import COUNT_KINDS, ESTIMATES, QUALIFIERS, Estimate, Event
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span, new_span
from annotator.store.faults import stored_object
from annotator.store.models import EventArgumentRow, EventRow, ReportRow, SpanRow


def report_from_row(row: ReportRow | Row[Any], text: str | None = None) -> Report:
    """A report from its row; ``text`` stands in for a text the query did not fetch."""
    return Report(id=row.id, text=row.text if text is None else text, title=row.title, source=row.source,  # type: ignore[arg-type]
                  published=row.published, url=row.url, language=row.language,
                  direction=row.direction, meta=stored_object(row.meta))


def span_from_row(row: SpanRow | Row[Any]) -> Span:
    """A span from its ORM row or from a Core row with the same column names (bulk reads)."""
    return Span(id=row.key, start=row.start, end=row.end, label=row.label, attrs=stored_object(row.attrs),
                value=row.value, entity=row.entity_id, resolution=row.resolution)


def span_from_values(key: str, start: int, end: int, label: str, attrs: Any, value: str | None,
                     entity: str | None, resolution: str | None) -> Span:
    """A span from the column values of a bulk read (``attrs`` as the JSON text or object the driver
    returned: most spans have none, and decoding ``{}`` half a million times was a measurable cost),
    built with ``new_span`` (the values were checked when stored)."""
    return new_span(key, start, end, label, stored_object(attrs), value, entity, resolution)


def span_to_dict(span: Span) -> dict[str, object]:
    """The JSON form of a span in the edit log (before/after)."""
    return {"id": span.id, "start": span.start, "end": span.end, "label": span.label,
            "attrs": dict(span.attrs), "value": span.value, "entity": span.entity,
            "resolution": span.resolution}


def relation_to_dict(rel: Relation) -> dict[str, object]:
    return {"id": rel.id, "head": rel.head, "tail": rel.tail, "label": rel.label, "attrs": dict(rel.attrs)}


# -- events -------------------------------------------------------------------------------------------
def event_from_row(row: EventRow | Any, arguments: Iterable[EventArgumentRow | Any]) -> Event:
    """From an ORM row or a plain result row of ``events`` and its ``event_arguments``."""
    roles: dict[str, list[str]] = {}
    claims: list[str] = []
    trigger = None
    for a in sorted(arguments, key=lambda a: (a.position, a.id or 0)):
        if a.kind == "role" and a.role:
            roles.setdefault(a.role, []).append(a.span_key)
        elif a.kind == "claim":
            claims.append(a.span_key)
        elif a.kind == "trigger":
            trigger = a.span_key
    counts = {}
    for kind in COUNT_KINDS:
        est = Estimate(*(getattr(row, f"{kind}_{part}") for part in ESTIMATES))
        if not est.is_empty:
            counts[kind] = est
    return Event(id=row.key, type=row.type, roles={r: tuple(ids) for r, ids in roles.items()}, claims=tuple(claims),
                 trigger=trigger, counts=counts, qualifiers=tuple(q for q in QUALIFIERS if getattr(row, q)),
                 attrs=stored_object(row.attrs), incident=row.incident_id)


def event_values(event: Event) -> dict[str, Any]:
    """The column values of an event's row (without ``set_id``)."""
    values: dict[str, Any] = {"key": event.id, "type": event.type, "attrs": dict(event.attrs),
                              "incident_id": event.incident}
    values.update({q: q in event.qualifiers for q in QUALIFIERS})
    for kind in COUNT_KINDS:
        est = event.count(kind)
        values.update({f"{kind}_{part}": getattr(est, part) for part in ESTIMATES})
    return values


def event_argument_values(event: Event) -> list[dict[str, Any]]:
    """The argument rows of an event (without ``event_id``), in a stable order."""
    rows: list[dict[str, Any]] = []
    for role, ids in event.roles.items():
        rows += [{"kind": "role", "role": role, "span_key": sid} for sid in ids]
    rows += [{"kind": "claim", "role": None, "span_key": sid} for sid in event.claims]
    if event.trigger:
        rows.append({"kind": "trigger", "role": None, "span_key": event.trigger})
    for i, r in enumerate(rows):
        r["position"] = i
    return rows
