"""The events of a structured record, and the Admiralty grade of each claim.

Each event of the set becomes one entry (``docs/record.schema.json`` ``$defs/event``):

- ``id``, ``type`` and ``title`` (from the project schema's events section);
- ``roles``: role name → mentions (as the record's actors, places and dates: entity, resolution, value);
- ``claims``: the claims that report it, each with ``text``, offsets, ``status``, its ``source`` mention
  and its ``grade`` (``core.grading``: reliability from the claim, its source span or the source's
  registry entry; credibility from the claim);
- ``trigger`` (span fields or null), ``counts`` (kind → best/low/high), ``qualifiers``, ``attrs``;
- ``incident``: ``{"id", "title"}`` or null;
- ``missing_spans``: spans the event names that are no longer in the set (deleted; undo restores them).

Which role is a place or a date is not decided here: a mention is built from the span's own label, as
everywhere in the record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from annotator.core.event_schema import EventSchema
from annotator.core.events import Event, Incident
from annotator.core.grading import grade_of_claim
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.records.entities import Entity

Mention = Callable[[Span], dict[str, Any]]


def claim_grade(claim: Span, source: Span | None, entities_by_id: Mapping[str, Entity]) -> dict[str, Any]:
    """The ``grade`` object of a claim in the record."""
    entity = entities_by_id.get(source.entity) if source is not None and source.entity else None
    grade = grade_of_claim(claim.attrs, source.attrs if source is not None else None,
                           entity.meta if entity is not None else None)
    return grade.to_dict()


def event_entries(report: Report, events: Sequence[Event], spans: Mapping[str, Span],
                  relations: Sequence[Relation], schema: EventSchema | None, mention: Mention,
                  entities_by_id: Mapping[str, Entity],
                  incidents: Mapping[str, Incident]) -> list[dict[str, Any]]:
    out = []
    for event in events:
        out.append(_entry(report, event, spans, relations, schema, mention, entities_by_id, incidents))
    return out


def _entry(report: Report, event: Event, spans: Mapping[str, Span], relations: Sequence[Relation],
           schema: EventSchema | None, mention: Mention, entities_by_id: Mapping[str, Entity],
           incidents: Mapping[str, Incident]) -> dict[str, Any]:
    title = event.type
    if schema is not None:
        title = next((t.title for t in schema.types if t.name == event.type), event.type)
    missing = [sid for sid in event.span_ids() if sid not in spans]
    roles = {role: [dict(mention(spans[sid])) for sid in ids if sid in spans]
             for role, ids in event.roles.items() if any(sid in spans for sid in ids)}
    claims = []
    for cid in event.claims:
        claim = spans.get(cid)
        if claim is None:
            continue
        source = _source(claim, spans, relations, schema)
        claims.append({"id": claim.id, "text": claim.text_in(report.text), "start": claim.start, "end": claim.end,
                       "status": str(claim.attrs.get("status") or "reported"),
                       "source": dict(mention(source)) if source is not None else None,
                       "grade": claim_grade(claim, source, entities_by_id)})
    trigger = spans.get(event.trigger) if event.trigger else None
    incident = incidents.get(event.incident) if event.incident else None
    return {
        "id": event.id, "type": event.type, "title": title, "roles": roles, "claims": claims,
        "trigger": ({"id": trigger.id, "text": trigger.text_in(report.text), "start": trigger.start,
                     "end": trigger.end} if trigger is not None else None),
        "counts": {k: e.to_dict() for k, e in event.counts.items()},
        "qualifiers": list(event.qualifiers), "attrs": dict(event.attrs),
        "incident": ({"id": event.incident, "title": incident.title if incident else ""}
                     if event.incident else None),
        "missing_spans": missing,
    }


def _source(claim: Span, spans: Mapping[str, Span], relations: Sequence[Relation],
            schema: EventSchema | None) -> Span | None:
    if schema is not None:
        return schema.source_of(claim, spans, relations)
    return None
