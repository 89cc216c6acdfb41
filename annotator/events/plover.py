"""PLOVER JSONL: one record per event with PLOVER's named fields (PLOVER manual, "Data Fields"):
``id``, ``date``/``enddate``, ``actor`` and ``recipient`` as lists of entity objects (``code`` = ISO
alpha-3 country, ``sector``, ``entity_text``, ``identifier_id``/``identifier_text``), ``event``, ``mode``,
``context`` (with PLOVER's auxiliary modes for negated, hypothetical, future and historical events),
``event_loc``, ``event_text`` and ``text_info`` (code-point offsets of the reporting text in the report),
``quad_code``, ``link`` (the incident), a ``size`` object (dead, injured, arrested), ``cite_info``,
``coder`` and ``comment`` (sources and Admiralty grades)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotator.events.datasets import DatasetSchema
from annotator.events.resolve import ActorRef, ResolvedEvent

NAME = "plover"
_AUXILIARY = {"negated": "negation", "hypothetical": "hypothetical", "future": "future", "historical": "historical"}


def _entity(schema: DatasetSchema, countries: Mapping[str, Mapping[str, Any]], actor: ActorRef) -> dict[str, Any]:
    out: dict[str, Any] = {"entity_text": actor.text}
    country = actor.entity.country if actor.entity is not None else None
    if country and country in countries:
        out["code"] = countries[country]["alpha3"]
    sector = schema.table("sector_from_actor_type").get(actor.kind or "")
    if sector:
        out["sector"] = sector
    if actor.entity is not None:
        out["identifier_id"] = actor.entity.id
        out["identifier_text"] = actor.entity.name
    return out


def _list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def plover_record(ev: ResolvedEvent, schema: DatasetSchema, countries: Mapping[str, Mapping[str, Any]],
                  coded_date: str) -> tuple[dict[str, Any] | None, list[str]]:
    cw = ev.crosswalk(NAME)
    problems: list[str] = []
    events = schema.table("events")
    category = cw.get("event")
    if not category:
        problems.append(f"event (event type '{ev.event.type}' has no PLOVER category; set the event attribute "
                        "plover.event)")
    elif category not in events:
        problems.append(f"event '{category}' is not a PLOVER category")
    modes = _list(cw.get("mode"))
    allowed = events.get(category, {}).get("modes", []) if category in events else []
    bad = [m for m in modes if m not in allowed]
    if bad and category in events:
        problems.append(f"mode {', '.join(bad)} is not a mode of {category} (modes: {', '.join(allowed) or 'none'})")
    contexts = _list(cw.get("context"))
    bad = [c for c in contexts if c not in schema.data.get("contexts", [])]
    if bad:
        problems.append(f"context {', '.join(bad)} is not a PLOVER context")
    actor = [_entity(schema, countries, a) for a in ev.actors(NAME, "actor")]
    recipient = [_entity(schema, countries, a) for a in ev.actors(NAME, "recipient")]
    if not actor:
        problems.append("actor (no actor in the roles PLOVER reads as actor)")
    if category in events and events[category].get("requires_recipient") and not recipient:
        problems.append(f"recipient ({category} requires a recipient)")
    when = ev.date(NAME)
    if when is None:
        problems.append("date (no date with a value in the event's date role)")
    if problems:
        return None, problems
    assert when is not None and category is not None
    record: dict[str, Any] = {"id": ev.key, "date": when.start.isoformat()}
    if when.days > 1:
        record["enddate"] = when.end.isoformat()
    record["actor"] = actor
    if recipient:
        record["recipient"] = recipient
    record["event"] = [category]
    if modes:
        record["mode"] = modes
    contexts += [_AUXILIARY[q] for q in ev.qualifiers if q in _AUXILIARY]
    if contexts:
        record["context"] = contexts
    place = ev.place(NAME)
    if place is not None:
        loc: dict[str, Any] = {"extracted_place": place.text, "resolved_place": place.name}
        if place.entity is not None and place.entity.id.startswith("place:geonames:"):
            loc["geonameid"] = int(place.entity.id.rsplit(":", 1)[1])
        if place.lat is not None and place.lon is not None:
            loc["lat"], loc["lon"] = place.lat, place.lon
        if place.admin1:
            loc["province"] = place.admin1
        if place.country and place.country in countries:
            loc["country"] = countries[place.country]["name"]
            loc["country_code"] = countries[place.country]["alpha3"]
        resolution = schema.table("resolution_from_place_type").get(place.place_type or "")
        if resolution:
            loc["resolution"] = int(resolution)
        record["event_loc"] = loc
    evidence = ev.evidence
    if evidence is not None:
        record["event_text"] = [evidence[0]]
        record["text_info"] = {"start": evidence[1], "end": evidence[2]}
    record["quad_code"] = events[category]["quad_code"]
    if ev.event.incident:
        record["link"] = ev.event.incident
    size = {name: ev.event.count(kind).best for kind, name in
            (("fatalities", "dead"), ("injured", "injured"), ("arrested", "arrested"))
            if ev.event.count(kind).best is not None}
    if size:
        record["size"] = size
    r = ev.report
    record["cite_info"] = {k: v for k, v in (("corpus", "annotator"), ("citation", r.id), ("title", r.title),
                                             ("url", r.url), ("language", r.language),
                                             ("publication", r.source)) if v}
    record["coder"] = f"annotator:{ev.annotator}"
    record["coded_date"] = coded_date
    comment = "; ".join(f"{c.source or 'unnamed source'} ({c.grade.code or 'ungraded'})" for c in ev.claims)
    if comment:
        record["comment"] = f"reported by {comment}"
    return record, []
