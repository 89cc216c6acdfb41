"""A STIX 2.1 bundle of events (OASIS STIX 2.1, 2021).

- ``report``: one per (report, annotator) set with events; ``object_refs`` lists everything below;
- ``identity``: the annotator (``created_by_ref`` of every object), each actor and each source;
- ``location``: each place (coordinates, ISO country, administrative area, a precision in metres);
- ``note``: one per event (abstract, content with type, date, counts and qualifiers, ``object_refs`` to
  its actors, location, report and incident; ``confidence`` from Admiralty credibility, STIX Appendix A);
- ``opinion``: one per graded claim (credibility 1–5 → strongly-agree … strongly-disagree) on the note;
- ``incident``: one per incident; ``relationship``: actor ``located-at`` place, actor ``related-to`` actor;
- a TLP ``marking-definition`` chosen by the user, referenced by every object.

Ids are version-4 UUIDs whose bits come from a hash of stable keys (report id, annotator, event id,
registry id), so exporting the same events twice gives the same ids; timestamps are one export time
given by the caller."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from annotator.core.errors import ValidationError
from annotator.core.grading import STIX_CONFIDENCE, Grade
from annotator.events.datasets import DatasetSchema
from annotator.events.incidents import IncidentSummary
from annotator.events.resolve import ActorRef, PlaceRef, ResolvedEvent

NAME = "stix"
NAMESPACE = uuid.UUID("5b0a7f38-8f43-4c2a-9a4e-3d2a4c1e9b10")  # annotator's namespace for STIX ids


def stix_id(kind: str, key: str) -> str:
    """``kind--UUID``: the version-4 form STIX asks of SDOs and SROs, its bits taken from a SHA-256 of our
    namespace and a stable key instead of a random source, so the same event always gets the same id."""
    digest = hashlib.sha256(NAMESPACE.bytes + f"{kind}|{key}".encode()).digest()
    return f"{kind}--{uuid.UUID(bytes=digest[:16], version=4)}"


def timestamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def tlp_marking(schema: DatasetSchema, tlp: str) -> dict[str, Any]:
    """The STIX 2.1 predefined TLP marking definition (``white``/``clear``, ``green``, ``amber``, ``red``)."""
    level = schema.table("tlp_aliases").get(tlp.lower(), tlp.lower())
    found = schema.table("tlp").get(level)
    if found is None:
        raise ValidationError(f"TLP '{tlp}' is not one of {', '.join([*schema.table('tlp'), 'clear'])}")
    return {"type": "marking-definition", "spec_version": "2.1", "id": found["id"],
            "created": schema.data.get("tlp_created", "2017-01-20T00:00:00.000Z"), "definition_type": "tlp",
            "name": found["name"], "definition": {"tlp": level}}


class _Builder:
    def __init__(self, schema: DatasetSchema, tlp: str, stamp: datetime) -> None:
        self.schema = schema
        self.marking = tlp_marking(schema, tlp)
        self.when = timestamp(stamp)
        self.objects: dict[str, dict[str, Any]] = {self.marking["id"]: self.marking}

    def sdo(self, kind: str, key: str, creator: str | None, **props: Any) -> str:
        oid = stix_id(kind, key)
        if oid not in self.objects:
            obj: dict[str, Any] = {"type": kind, "spec_version": "2.1", "id": oid, "created": self.when,
                                   "modified": self.when}
            if creator:
                obj["created_by_ref"] = creator
            obj.update({k: v for k, v in props.items() if v not in (None, "", [], {})})
            obj["object_marking_refs"] = [self.marking["id"]]
            self.objects[oid] = obj
        return oid

    def annotator(self, name: str) -> str:
        return self.sdo("identity", f"annotator|{name}", None, name=name, identity_class="individual",
                        description="annotator of the reports")

    def actor(self, actor: ActorRef, report_id: str, creator: str) -> str:
        key = actor.entity.id if actor.entity is not None else f"{report_id}|{actor.span}"
        cls = self.schema.table("identity_class_from_actor_type").get(actor.kind or "", "unknown")
        return self.sdo("identity", key, creator, name=actor.name, identity_class=cls)

    def source(self, name: str, creator: str) -> str:
        return self.sdo("identity", f"source|{name}", creator, name=name, identity_class="organization",
                        description="a source reporting events")

    def location(self, place: PlaceRef, report_id: str, creator: str) -> str | None:
        has_point = place.lat is not None and place.lon is not None
        if not has_point and not place.country:
            return None
        key = place.entity.id if place.entity is not None else f"{report_id}|{place.span}"
        precision = self.schema.table("location_precision_m").get(place.place_type or "") if has_point else None
        return self.sdo("location", key, creator, name=place.name, latitude=place.lat if has_point else None,
                        longitude=place.lon if has_point else None, precision=precision,
                        country=place.country, administrative_area=place.admin1)


def _content(ev: ResolvedEvent, title: str) -> str:
    lines = [f"Event type: {title} ({ev.event.type})"]
    when = ev.date(NAME)
    if when is not None:
        lines.append(f"Date: {when.value} ({when.granularity})")
    place = ev.place(NAME)
    if place is not None:
        lines.append(f"Place: {place.name}")
    for kind, est in ev.event.counts.items():
        lines.append(f"{kind.capitalize()}: best {est.best}, low {est.low}, high {est.high}")
    if ev.qualifiers:
        lines.append(f"Qualifiers: {', '.join(ev.qualifiers)}")
    for c in ev.claims:
        lines.append(f"Reported by {c.source or 'an unnamed source'} ({c.grade.code or 'ungraded'}): {c.text}")
    return "\n".join(lines)


def stix_bundle(events: Sequence[ResolvedEvent], units: Iterable[IncidentSummary], schema: DatasetSchema, *,
                tlp: str, stamp: datetime) -> tuple[dict[str, Any], list[tuple[ResolvedEvent, list[str]]], int]:
    """The bundle, the events not written with why, and how many events were written."""
    b = _Builder(schema, tlp, stamp)
    incident_ids: dict[str, str] = {}
    for unit in units:
        if unit.incident is None:
            continue
        creator = b.annotator(unit.lead.annotator)
        said = {k: ", ".join(f"{s.estimate.best} ({s.grade.code or 'ungraded'})" for s in unit.statements(k))
                for k in ("fatalities", "injured", "arrested")}
        figures = "; ".join(f"{k}: {text}" for k, text in said.items() if text)
        incident_ids[unit.incident.id] = b.sdo("incident", unit.incident.id, creator,
                                               name=unit.incident.title or unit.incident.id,
                                               description=(unit.incident.notes + "\n" + figures).strip())
    skipped: list[tuple[ResolvedEvent, list[str]]] = []
    per_report: dict[tuple[str, str], list[str]] = {}
    written = 0
    for ev in events:
        problems = [f"{f} (the event has no {f})" for f in schema.required
                    if (f == "type" and ev.type is None) or (f == "date" and ev.date(NAME) is None)]
        if problems:
            skipped.append((ev, problems))
            continue
        creator = b.annotator(ev.annotator)
        refs: list[str] = []
        actors = [(a, b.actor(a, ev.report.id, creator)) for a in ev.actors(NAME, "actors")]
        refs += [oid for _, oid in actors]
        place = ev.place(NAME)
        loc = b.location(place, ev.report.id, creator) if place is not None else None
        if loc:
            refs.append(loc)
        for _actor, oid in actors:
            if loc:
                refs.append(b.sdo("relationship", f"{oid}|located-at|{loc}", creator, relationship_type="located-at",
                                  source_ref=oid, target_ref=loc))
        if len(actors) >= 2:
            a, c = actors[0][1], actors[1][1]
            refs.append(b.sdo("relationship", f"{a}|related-to|{c}|{ev.key}", creator, relationship_type="related-to",
                              source_ref=a, target_ref=c, description=f"{ev.type.title if ev.type else ev.event.type}"))
        report_ref = stix_id("report", f"{ev.report.id}|{ev.annotator}")
        note_refs = [*refs, report_ref]
        if ev.event.incident and ev.event.incident in incident_ids:
            note_refs.append(incident_ids[ev.event.incident])
            refs.append(incident_ids[ev.event.incident])
        title = ev.type.title if ev.type else ev.event.type
        grade: Grade = ev.best_grade
        labels = [f"event-type:{ev.event.type}", *(f"qualifier:{q}" for q in ev.qualifiers)]
        note = b.sdo("note", ev.key, creator, abstract=f"{title}: {ev.evidence[0] if ev.evidence else ''}"[:300],
                     content=_content(ev, title), authors=[ev.annotator], object_refs=sorted(set(note_refs)),
                     confidence=STIX_CONFIDENCE.get(grade.credibility or ""), labels=labels)
        refs.append(note)
        for claim in ev.claims:
            if claim.source:
                refs.append(b.source(claim.source, creator))
            opinion = schema.table("opinion_from_credibility").get(claim.grade.credibility or "")
            if opinion:
                refs.append(b.sdo("opinion", f"{ev.key}|{claim.span}", creator, opinion=opinion,
                                  explanation=f"Admiralty {claim.grade.code}: {claim.grade.describe()}. "
                                              f"{claim.source or 'An unnamed source'}: {claim.text}",
                                  authors=[ev.annotator], object_refs=[note]))
        per_report.setdefault((ev.report.id, ev.annotator), []).extend(refs)
        written += 1
    by_key: dict[tuple[str, str], ResolvedEvent] = {(ev.report.id, ev.annotator): ev for ev in events}
    for (rid, who), refs in per_report.items():
        r = by_key[(rid, who)].report
        creator = b.annotator(who)
        published = f"{r.published}T00:00:00.000Z" if r.published and len(r.published) == 10 else b.when
        ext = [{"source_name": "annotator", "external_id": r.id, "description": "SHA-256 of the report text"}]
        # a URL reference without a hash of what it points to is refused by strict validators: it goes
        # into the description instead
        where = f" from {r.url}" if r.url else ""
        b.sdo("report", f"{rid}|{who}", creator, name=r.title or rid[:12], published=published,
              object_refs=sorted(set(refs)), external_references=ext, report_types=["threat-report"],
              description=f"Events annotated by {who} in the report{where}")
    objects = list(b.objects.values())
    bundle = {"type": "bundle", "id": stix_id("bundle", "|".join(sorted(o["id"] for o in objects))),
              "objects": objects}
    return bundle, skipped, written


def validate_references(bundle: Mapping[str, Any]) -> list[str]:
    """Refs that name no object of the bundle (the writer's own consistency check)."""
    ids = {o["id"] for o in bundle["objects"]}
    missing = []
    for o in bundle["objects"]:
        for key in ("object_refs", "object_marking_refs"):
            missing += [f"{o['id']} {key} → {r}" for r in o.get(key, []) if r not in ids]
        for key in ("created_by_ref", "source_ref", "target_ref"):
            if key in o and o[key] not in ids:
                missing.append(f"{o['id']} {key} → {o[key]}")
    return missing
