"""Events resolved for export: who (actors with entity, type and country), where (place with
coordinates, country, region type), when (ISO date range and granularity) and who says so (claims with
sources and Admiralty grades), read from the structured record of the event's set.

A dataset asks for a *slot* (ACLED ``actor1``, GED ``side_b``, PLOVER ``recipient``, ``location``,
``date``); the project schema's ``events.datasets`` says which roles fill it, so nothing here knows a
label or role name. Dates are the values the date normaliser gave the date spans (records.dates), places
are registry entries (records.entities)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from annotator.core.event_schema import EventSchema, EventType
from annotator.core.events import Event, Incident
from annotator.core.grading import Grade
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.records.entities import Entity


@dataclass(frozen=True)
class ActorRef:
    span: str
    text: str
    name: str  # the registry name when resolved, else the text
    entity: Entity | None
    kind: str | None  # the entity's type, else the span's ``kind`` attribute


@dataclass(frozen=True)
class PlaceRef:
    span: str
    text: str
    name: str
    entity: Entity | None
    lat: float | None
    lon: float | None
    country: str | None  # ISO 3166 alpha-2
    admin1: str | None
    place_type: str | None  # city | region | country | site (registry types)
    approximate: bool = False


@dataclass(frozen=True)
class DateRef:
    span: str
    text: str
    value: str  # ISO 8601 as normalised
    granularity: str  # day | month | year | interval
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def middle(self) -> date:
        return date.fromordinal((self.start.toordinal() + self.end.toordinal()) // 2)


@dataclass(frozen=True)
class ClaimRef:
    span: str
    text: str
    start: int
    end: int
    status: str
    source: str | None  # the source's name (registry name when resolved)
    source_entity: str | None
    grade: Grade


@dataclass(frozen=True)
class ResolvedEvent:
    report: Report
    annotator: str
    event: Event
    type: EventType | None
    entry: Mapping[str, Any]  # the record's event entry
    spans: Mapping[str, Span]
    entities: Mapping[str, Entity]
    schema: EventSchema
    incident: Incident | None = None
    claims: tuple[ClaimRef, ...] = field(default=())

    @property
    def key(self) -> str:
        """Stable across exports: report id prefix, annotator, event id."""
        return f"{self.report.id[:16]}-{self.annotator}-{self.event.id}"

    def crosswalk(self, dataset: str) -> dict[str, Any]:
        """The event type's codes in ``dataset``, with the event's ``dataset.key`` attributes on top."""
        out = dict(self.type.crosswalk.get(dataset, {})) if self.type is not None else {}
        prefix = f"{dataset}."
        out.update({k[len(prefix):]: v for k, v in self.event.attrs.items() if k.startswith(prefix)})
        return out

    def _mentions(self, dataset: str, slot: str) -> list[dict[str, Any]]:
        roles = self.entry.get("roles") or {}
        return [m for role in self.schema.slot(dataset, slot) for m in roles.get(role, [])]

    def actors(self, dataset: str, slot: str) -> list[ActorRef]:
        out = []
        for m in self._mentions(dataset, slot):
            ent = self.entities.get((m.get("entity") or {}).get("id", "")) if m.get("entity") else None
            span = self.spans.get(m["id"])
            kind = ent.type if ent is not None and ent.type else (span.attrs.get("kind") if span else None)
            name = ent.name if ent is not None else (m.get("entity") or {}).get("name") or m["text"]
            out.append(ActorRef(m["id"], m["text"], name, ent, kind))
        return out

    def place(self, dataset: str, slot: str = "location") -> PlaceRef | None:
        for m in self._mentions(dataset, slot):
            summary = m.get("entity") or {}
            ent = self.entities.get(summary.get("id", "")) if summary else None
            return PlaceRef(m["id"], m["text"], summary.get("name") or m["text"], ent, summary.get("lat"),
                            summary.get("lon"), summary.get("country"), summary.get("admin1"), summary.get("type"),
                            bool(summary.get("approximate")))
        return None

    def date(self, dataset: str, slot: str = "date") -> DateRef | None:
        for m in self._mentions(dataset, slot):
            if m.get("value"):
                start, end = date_range(m["value"])
                return DateRef(m["id"], m["text"], m["value"], m.get("granularity") or "day", start, end)
        return None

    def count(self, kind: str) -> Any:
        return self.event.count(kind)

    @property
    def claims_say(self) -> str | None:
        """What the claims reporting the event say of it: "negated" when every one is marked denied,
        "hypothetical" when every one is denied or speculative (some speculative); None when a claim
        reports it. A claim the analyst marked denied was exported as an event that took place."""
        statuses = {c.status for c in self.claims}
        if not statuses:
            return None
        if statuses <= {"denied"}:
            return "negated"
        return "hypothetical" if statuses <= {"denied", "speculative"} else None

    @property
    def qualifiers(self) -> tuple[str, ...]:
        """The event's own qualifiers, with what its claims say (``claims_say``): what every export reads."""
        said = self.claims_say
        own = tuple(self.event.qualifiers)
        return own if said is None or said in own else (*own, said)

    def not_happened(self, kinds: Sequence[str], dataset: str) -> str | None:
        """Why the event is not one of ``dataset``'s (which records only events that took place), or None."""
        found = [q for q in self.qualifiers if q in kinds]
        if not found:
            return None
        why = " (every claim reporting it is marked denied or speculative)" if self.claims_say in found \
            and self.claims_say not in self.event.qualifiers else ""
        return f"the event is {'/'.join(found)}{why}: {dataset} records only events that took place"

    @property
    def best_grade(self) -> Grade:
        graded = [c.grade for c in self.claims if not c.grade.is_empty]
        return min(graded, key=lambda g: g.rank()) if graded else Grade()

    @property
    def sources(self) -> list[str]:
        """Distinct sources of the reporting claims (the report's own source when a claim names none)."""
        seen: dict[str, None] = {}
        for c in self.claims:
            seen[c.source or self.report.source or self.report.title or self.report.id[:12]] = None
        return list(seen)

    @property
    def evidence(self) -> tuple[str, int, int] | None:
        """The text that reports the event with its offsets: the first claim, else the trigger."""
        if self.claims:
            c = self.claims[0]
            return c.text, c.start, c.end
        trig = self.entry.get("trigger")
        return (trig["text"], trig["start"], trig["end"]) if trig else None


def resolve_events(report: Report, annotator: str, events: Sequence[Event], spans: Sequence[Span],
                   record: Mapping[str, Any], entities: Mapping[str, Entity], schema: EventSchema,
                   incidents: Mapping[str, Incident]) -> list[ResolvedEvent]:
    """One resolved event per event of the set, from the set's structured record."""
    by_id = {s.id: s for s in spans}
    entries = {e["id"]: e for e in record.get("events") or []}
    out = []
    for event in events:
        entry = entries.get(event.id, {"roles": {}, "claims": []})
        etype = next((t for t in schema.types if t.name == event.type), None)
        claims = tuple(ClaimRef(c["id"], c["text"], c["start"], c["end"], c.get("status") or "reported",
                                _source_name(c.get("source")), ((c.get("source") or {}).get("entity") or {}).get("id"),
                                Grade(c["grade"].get("reliability"), c["grade"].get("credibility"),
                                      c["grade"].get("origin")))
                       for c in entry.get("claims") or [])
        out.append(ResolvedEvent(report, annotator, event, etype, entry, by_id, entities, schema,
                                 incidents.get(event.incident) if event.incident else None, claims))
    return out


def _source_name(mention: Mapping[str, Any] | None) -> str | None:
    if not mention:
        return None
    entity = mention.get("entity")
    return str(entity["name"]) if entity else str(mention.get("text") or "") or None


def date_range(value: str) -> tuple[date, date]:
    """First and last day of an ISO value: a day, a month, a year or an interval of two of those."""
    first, _, last = value.partition("/")
    start = _bound(first, end=False)
    end = _bound(last or first, end=True)
    return start, max(start, end)


def _bound(part: str, *, end: bool) -> date:
    bits = [int(x) for x in part.split("-")]
    if len(bits) == 3:
        return date(bits[0], bits[1], bits[2])
    if len(bits) == 2:
        day = calendar.monthrange(bits[0], bits[1])[1] if end else 1
        return date(bits[0], bits[1], day)
    return date(bits[0], 12, 31) if end else date(bits[0], 1, 1)
