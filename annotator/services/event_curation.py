"""Curating events into the ``gold`` set: an annotator's event is copied with the spans it names (each
span accepted into gold first, as ``adjudicate.accept_span`` does, so a span already in gold is reused),
and its roles, claims and trigger point at the gold spans. Every step is an ordinary committed, logged
edit of gold (``adjudicating=True``), so undo and the audit trail work as for spans."""

from __future__ import annotations

from annotator.core.errors import NotFound
from annotator.core.events import Event
from annotator.core.ids import GOLD
from annotator.services import adjudicate, annotate, events
from annotator.services.context import ServiceContext


def accept_event(ctx: ServiceContext, report_id: str, annotator: str, event_id: str) -> Event:
    """Copy one event of ``annotator`` into gold (unless gold has the same event on the same spans)."""
    source = annotate.get_set(ctx, report_id, annotator)
    event = next((e for e in source.events if e.id == event_id), None)
    if event is None:
        raise NotFound(f"event {event_id} is not in {annotator}'s set")
    spans = source.by_id()
    mapping = {sid: adjudicate.accept_span(ctx, report_id, spans[sid]).id for sid in event.span_ids() if sid in spans}

    def mapped(ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(mapping[i] for i in ids if i in mapping)

    candidate = event.with_(roles={r: mapped(ids) for r, ids in event.roles.items() if mapped(ids)},
                            claims=mapped(event.claims),
                            trigger=mapping.get(event.trigger) if event.trigger else None).normalised()
    for existing in events.get_events(ctx, report_id, GOLD):
        if existing.with_(id=candidate.id) == candidate:
            return existing
    created, _ = events.create_event(ctx, report_id, candidate.type, annotator=GOLD, roles=candidate.roles,
                                     claims=candidate.claims, trigger=candidate.trigger, counts=candidate.counts,
                                     qualifiers=candidate.qualifiers, attrs=candidate.attrs,
                                     incident=candidate.incident, adjudicating=True)
    return created


def accept_events(ctx: ServiceContext, report_id: str, annotator: str) -> list[Event]:
    """Every event of ``annotator`` on the report into gold (what ``accept_set`` does for spans)."""
    return [accept_event(ctx, report_id, annotator, e.id) for e in annotate.get_set(ctx, report_id, annotator).events]
