"""The structured record of one report and one annotation set: who, where, when, what is claimed, by whom.

``build_record(report, spans, relations, entities_by_id)`` returns a plain dict shaped as
``docs/record.schema.json`` describes (the ``record --json`` contract of cli.md):

- ``report``: id, title, published, source, url, language; ``annotator`` (or null);
- ``actors``, ``places``: every actor/place span in document order as a *mention* — ``id`` (span id),
  ``text``, ``start``, ``end``, ``entity`` (``{"id", "name", "type"}``, places also ``lat``/``lon``, or null)
  and ``resolution`` (``confirmed`` | ``automatic`` | ``unresolved``);
- ``dates``: every date span — ``id``, ``text``, ``start``, ``end``, ``value`` (ISO 8601 or null),
  ``granularity`` (day | month | year | interval or null) and ``resolution`` (``confirmed`` when the
  annotator set the value, ``automatic`` when normalised here from the report's publication date,
  ``unresolved`` when it cannot be read);
- ``claims``: ``id``, ``text``, ``start``, ``end``, ``status`` (attribute ``status``, default ``reported``),
  ``negated``, ``source`` (the claimant actor mention through a ``source`` relation, or null), and the
  participants ``actors``, ``places``, ``dates`` (mentions as above, each with ``link``:
  ``explicit`` or ``implicit``).

Labels. Which spans are claims, actors, places and dates, and which relation names a claim's source, is the
project schema's to say (``core.schema.RecordRoles``: ``"record": "claim"``, ``"entity": "actor"``/``"place"``,
``"value": "date"`` on labels, ``"record": "source"`` on a relation type); without one, the default schema's.

Participants. A claim's participants are the actor/place/date spans linked to it by a relation other than
its source relation (``link: explicit``, wherever they are) plus, by default, every actor/place/date span
lying inside the claim's offsets (``link: implicit``). The annotator removes an implicit participant either by
- a relation from the claim to the span whose ``attrs`` has ``"unlinked": true`` (or ``"true"``) —
  unlinks it from that claim only; or
- the span attribute ``unlinked`` = ``true`` — unlinks it from every claim it lies in (explicit relations
  still count).
The claim's source actor is not repeated among its participant actors.

Grades. Each claim has ``grade`` (Admiralty reliability A–F and credibility 1–6, ``core.grading``); a
mention whose span carries ``reliability`` shows it. Events. ``events`` lists the set's events
(``records.event_record``): roles as mentions, reporting claims with sources and grades, counts,
qualifiers and incident.

Resolution. A span's ``entity`` with ``resolution`` ``automatic`` stays automatic; with any other or no
resolution it is ``confirmed``. A span without entity is ``unresolved`` — unless a ``Resolver`` is passed, in
which case an automatic match is filled in (``automatic``), without changing the span itself.
"""

from __future__ import annotations

import contextlib
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from annotator.core.errors import ValidationError
from annotator.core.event_schema import EventSchema
from annotator.core.events import Event, Incident
from annotator.core.flags import UNLINKED, flagged, is_true
from annotator.core.grading import RELIABILITY_ATTR, reliability
from annotator.core.iso_dates import is_iso_value
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.schema import RecordRoles, default_record_roles
from annotator.core.spans import Span, sorted_spans
from annotator.files.json_output import compact_json_bytes
from annotator.records.dates import as_date, granularity_of, normalize_date
from annotator.records.entities import Entity
from annotator.records.event_record import claim_grade, event_entries
from annotator.records.resolver import Resolver

RECORD_VERSION = 1
PARTICIPANT_SECTIONS = {"actor": "actors", "place": "places", "date": "dates"}  # a mention's kind -> its section


def _entity_summary(entity_id: str, entities_by_id: Mapping[str, Entity]) -> dict[str, Any]:
    entity = entities_by_id.get(entity_id)
    if entity is None:
        return {"id": entity_id, "name": entity_id, "type": None}
    return entity.summary()


def _participant_order(item: tuple[Span, str]) -> tuple[int, int, str]:
    """A claim's participants of one section in document order (by id where two share their offsets)."""
    span = item[0]
    return (span.start, -span.end, span.id)


class _Builder:
    def __init__(self, report: Report, spans: Sequence[Span], relations: Sequence[Relation],
                 entities_by_id: Mapping[str, Entity], resolver: Resolver | None,
                 normalize_dates: bool, roles: RecordRoles | None = None) -> None:
        self.report = report
        self.roles = roles or default_record_roles()
        self.kinds = self.roles.kinds
        self.spans = sorted_spans(spans)
        self.by_id = {s.id: s for s in self.spans}
        self.relations = relations
        self.entities_by_id = entities_by_id
        self.resolver = resolver
        self.normalize_dates = normalize_dates
        self.mentions: dict[str, dict[str, Any]] = {}
        self.summaries: dict[tuple[str, bool], dict[str, Any]] = {}
        self.anchor = as_date(report.published)  # what normalize_date reads from it, read once per record
        # read once per record, not once per claim: each claim's outgoing relations (to spans of the set)
        # and the spans that may lie in a claim as implicit participants (a participant label, not unlinked
        # from every claim), in document order with their starts for a bisection
        self.outgoing: dict[str, list[Relation]] = {}
        for r in relations:
            if r.tail in self.by_id:
                self.outgoing.setdefault(r.head, []).append(r)
        self.linkable = [s for s in self.spans
                         if s.label in self.kinds and not (s.attrs and flagged(s.attrs, UNLINKED))]
        self.linkable_starts = [s.start for s in self.linkable]
        self.section_of = {label: PARTICIPANT_SECTIONS[kind] for label, kind in self.kinds.items()
                           if kind in PARTICIPANT_SECTIONS}
        self.entity_labels = {label for label in self.kinds if self.roles.entity_kind(label) is not None}
        self.grades: dict[str | None, dict[str, Any]] = {}  # of claims without attributes, by source span id

    def mention(self, span: Span) -> dict[str, Any]:
        cached = self.mentions.get(span.id)
        if cached is not None:
            return cached
        text = span.text_in(self.report.text)
        out: dict[str, Any] = {"id": span.id, "text": text, "start": span.start, "end": span.end}
        if self.kinds.get(span.label) == "date":
            out.update(self._date(span, text))
        else:
            entity, resolution = None, "unresolved"
            if span.entity:
                entity = self._summary(span.entity, False)
                resolution = "automatic" if span.resolution == "automatic" else "confirmed"
            elif self.resolver is not None and span.label in self.entity_labels:
                found = self.resolver.resolve(text, kind=self.kinds[span.label])
                if found.entity_id is not None:
                    entity = self._summary(found.entity_id, True)
                    resolution = "automatic"
            out["entity"] = entity
            out["resolution"] = resolution
        attrs = span.attrs
        if attrs:  # most spans have none
            if is_true(attrs.get("negated")):
                out["negated"] = True
            if attrs.get("note"):
                out["note"] = str(attrs["note"])
            if attrs.get(RELIABILITY_ATTR):
                with contextlib.suppress(ValidationError):  # a value outside the scale is shown nowhere, not wrongly
                    out["reliability"] = reliability(attrs[RELIABILITY_ATTR])
        self.mentions[span.id] = out
        return out

    def _summary(self, entity_id: str, resolved: bool) -> dict[str, Any]:
        """The ``entity`` of a mention (of the span's own entity, or of the resolver's match), one object
        per entity within the record, as the mentions themselves already are in its claims: a record names
        each entity about twice, and the writer checks each object once for floats."""
        cached = self.summaries.get((entity_id, resolved))
        if cached is None:
            cached = self.summaries[(entity_id, resolved)] = (
                self._summary_from_resolver(entity_id) if resolved else _entity_summary(entity_id, self.entities_by_id))
        return cached

    def _summary_from_resolver(self, entity_id: str) -> dict[str, Any]:
        if entity_id in self.entities_by_id:
            return _entity_summary(entity_id, self.entities_by_id)
        entity = self.resolver.get(entity_id) if self.resolver is not None else None
        return entity.summary() if entity is not None else {"id": entity_id, "name": entity_id, "type": None}

    def _date(self, span: Span, text: str) -> dict[str, Any]:
        if span.value and is_iso_value(span.value):
            resolution = "automatic" if span.resolution == "automatic" else "confirmed"
            return {"value": span.value, "granularity": granularity_of(span.value), "resolution": resolution}
        if self.normalize_dates:
            found = normalize_date(text, self.anchor, language=self.report.language)
            if found is not None:
                return {"value": found.value, "granularity": found.granularity, "resolution": "automatic"}
        return {"value": None, "granularity": None, "resolution": "unresolved"}

    def claim(self, claim: Span) -> dict[str, Any]:
        outgoing = self.outgoing.get(claim.id)
        starts, end, claim_id = self.linkable_starts, claim.end, claim.id
        inside = [s for s in self.linkable[bisect_left(starts, claim.start):bisect_left(starts, end)]
                  if s.end <= end and s.id != claim_id]
        participants: dict[str, list[tuple[Span, str]]] = {"actors": [], "places": [], "dates": []}
        section_of = self.section_of
        source_span: Span | None = None
        if not outgoing:  # the spans inside, each once and of a participant label already
            for span in inside:
                participants[section_of[span.label]].append((span, "implicit"))
        else:  # one pass each over the (few) relations and the spans inside
            sources, kinds, by_id = self.roles.sources, self.kinds, self.by_id
            unlinked = {r.tail for r in outgoing if r.attrs and flagged(r.attrs, UNLINKED)}
            explicit: list[Span] = []
            for r in outgoing:
                if r.tail in unlinked:
                    continue
                if r.label not in sources:
                    explicit.append(by_id[r.tail])
                elif source_span is None:  # the first source relation names the source
                    source_span = by_id[r.tail]
            source_id = source_span.id if source_span is not None else None
            seen: set[str] = set()
            for span in explicit:
                if span.id not in seen and span.label in kinds and span.id != source_id:
                    seen.add(span.id)
                    participants[section_of[span.label]].append((span, "explicit"))
            for span in inside:
                if span.id not in seen and span.id not in unlinked and span.id != source_id:
                    participants[section_of[span.label]].append((span, "implicit"))
        out: dict[str, Any] = {
            "id": claim.id,
            "text": claim.text_in(self.report.text),
            "start": claim.start,
            "end": claim.end,
            "status": str(claim.attrs.get("status") or "reported"),
            "negated": is_true(claim.attrs.get("negated")),
            "source": dict(self.mention(source_span)) if source_span is not None else None,
            "grade": self._grade(claim, source_span),
        }
        mention, mentions = self.mention, self.mentions
        for key, items in participants.items():
            if len(items) > 1:
                items.sort(key=_participant_order)
            out[key] = [dict(mentions.get(span.id) or mention(span), link=link)
                        for span, link in items] if items else []
        if claim.attrs.get("note"):
            out["note"] = str(claim.attrs["note"])
        return out

    def _grade(self, claim: Span, source: Span | None) -> dict[str, Any]:
        """``claim_grade``; for a claim without attributes it depends on the source span only, so it is
        worked out once per source within the record (each claim gets its own copy)."""
        if claim.attrs:
            return claim_grade(claim, source, self.entities_by_id)
        key = source.id if source is not None else None
        cached = self.grades.get(key)
        if cached is None:
            cached = self.grades[key] = claim_grade(claim, source, self.entities_by_id)
        return dict(cached)

    def build(self, annotator: str | None, events: Sequence[Event] = (), incidents: Mapping[str, Incident] = {},
              event_schema: EventSchema | None = None) -> dict[str, Any]:
        r = self.report
        claim_labels, kinds = self.roles.claims, self.kinds
        claims = [self.claim(s) for s in self.spans if s.label in claim_labels]
        sections: dict[str, list[dict[str, Any]]] = {"actor": [], "place": [], "date": []}
        for s in self.spans:  # one pass for the three sections
            kind = kinds.get(s.label)
            if kind in sections:
                sections[kind].append(self.mention(s))
        return {
            "record_version": RECORD_VERSION,
            "report": {"id": r.id, "title": r.title, "published": r.published, "source": r.source,
                       "url": r.url, "language": r.language},
            "annotator": annotator,
            "claims": claims,
            "actors": sections["actor"],
            "places": sections["place"],
            "dates": sections["date"],
            "events": event_entries(r, events, self.by_id, self.relations, event_schema, self.mention,
                                    self.entities_by_id, incidents),
        }


def build_record(report: Report, spans: Iterable[Span], relations: Iterable[Relation] = (),
                 entities_by_id: Mapping[str, Entity] | None = None, *, annotator: str | None = None,
                 resolver: Resolver | None = None, normalize_dates: bool = True, events: Sequence[Event] = (),
                 incidents: Mapping[str, Incident] | None = None,
                 event_schema: EventSchema | None = None, roles: RecordRoles | None = None) -> dict[str, Any]:
    """The record of ``report`` under one annotation set (its ``spans`` and ``relations``).

    ``entities_by_id`` maps the entity ids the spans carry to entities (missing ids still appear, named
    by their id). ``resolver`` (optional) fills in automatic matches for unresolved actors and places.
    ``normalize_dates`` computes values for date spans without one (needs dateparser for odd shapes).
    ``events`` (with the ``incidents`` they name and the project's ``event_schema``) fill ``events``.
    ``roles``: the project schema's ``record_roles`` (default: the default schema's)."""
    builder = _Builder(report, list(spans), list(relations), entities_by_id or {}, resolver, normalize_dates,
                       roles)
    return builder.build(annotator, events, incidents or {}, event_schema)


def event_entries_of(report: Report, spans: Iterable[Span], relations: Iterable[Relation],
                     entities_by_id: Mapping[str, Entity] | None = None, *, resolver: Resolver | None = None,
                     events: Sequence[Event] = (), incidents: Mapping[str, Incident] | None = None,
                     event_schema: EventSchema | None = None,
                     roles: RecordRoles | None = None) -> list[dict[str, Any]]:
    """Only the ``events`` part of the record (exports need no more): the same mentions, dates and
    grades as ``build_record`` without building the rest."""
    builder = _Builder(report, list(spans), list(relations), entities_by_id or {}, resolver, True, roles)
    return event_entries(report, events, builder.by_id, builder.relations, event_schema, builder.mention,
                         builder.entities_by_id, incidents or {})


def records_document(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The ``record --json`` document: ``{"records": [...]}``."""
    return {"records": list(records)}


def write_records_json(records: Iterable[Mapping[str, Any]], fh: IO[bytes]) -> int:
    """Write ``records_document`` as JSON, one record per line, as the records come (memory stays flat).
    Returns the number written."""
    return write_record_lines(map(record_json_bytes, records), fh)


def record_json_bytes(record: Mapping[str, Any]) -> bytes:
    """One record's line of the ``record --json`` document.

    The contract is the document's JSON (cli.md, ``docs/record.schema.json``), not its bytes: each record
    line is written compact by ``json_output.compact_json_bytes`` (orjson where its text is the standard
    module's, as UTF-8 bytes into a binary file), because encoding 10,000 records with ``json.dumps`` and
    its default ``", "``/``": "`` separators took a fifth of ``annotator record``'s time; the separators
    changed from those to ``","``/``":"`` with it. Only ``_float_parts`` of a record are checked for
    floats orjson spells differently."""
    return compact_json_bytes(record, _float_parts(record))


def write_record_lines(lines: Iterable[bytes], fh: IO[bytes]) -> int:
    """The ``record --json`` document around records already encoded (``record_json_bytes``; built in
    two processes by ``services.halves``). Returns the number written."""
    fh.write(b'{"records": [')
    n = 0
    for n, line in enumerate(lines, 1):
        fh.write(b"\n" if n == 1 else b",\n")
        fh.write(line)
    fh.write((b"\n" if n else b"") + b"]}\n")
    return n


def _float_parts(record: Mapping[str, Any]) -> list[Any]:
    """The parts of a record that may hold floats: the entity summaries of its mentions (``lat``/``lon``;
    each distinct object once) and its events (counts, qualifiers and attributes as stored). The rest is
    built here from typed fields: strings (ids, texts, values, statuses, notes, grades), integers
    (offsets), booleans and null. A claim's participants are copies of mentions the record's sections list
    (every actor, place and date span is listed there, with the same entity objects), so only the sections
    and the claims' sources (a source span may carry any label) are looked through."""
    entities: dict[int, Any] = {}
    for section in PARTICIPANT_SECTIONS.values():
        for mention in record.get(section, ()):
            entity = mention.get("entity")
            if entity is not None:
                entities[id(entity)] = entity
    for claim in record.get("claims", ()):
        source = claim.get("source")
        entity = source.get("entity") if source is not None else None
        if entity is not None:
            entities[id(entity)] = entity
    return [*entities.values(), record.get("events")]
