"""ACLED CSV: one row per incident (or per event not grouped in one), with ACLED's own 31 columns,
event and sub-event types, inter and interaction codes, time and geo precision codes, and fatalities
as the most conservative figure of the incident's sources (the ACLED codebook's rule).

Events that did not happen as reported (negated, hypothetical, future) are not ACLED events and are
reported as skipped, as is every event lacking a required field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from annotator.core.flags import is_true
from annotator.core.grading import Grade
from annotator.events.datasets import DatasetSchema
from annotator.events.incidents import IncidentSummary
from annotator.events.precision import acled_time, located
from annotator.events.resolve import ActorRef

NAME = "acled"
NOT_HAPPENED = ("negated", "hypothetical", "future")


def _inter(schema: DatasetSchema, override: Any, actor: ActorRef | None) -> str | None:
    codes = schema.table("inter_codes")
    if override not in (None, ""):
        return str(override) if str(override) in codes else None
    if actor is None:
        return None
    return schema.table("inter_from_actor_type").get(actor.kind or "")


def acled_row(unit: IncidentSummary, schema: DatasetSchema, countries: Mapping[str, Mapping[str, Any]],
              stamp: datetime | None = None) -> tuple[dict[str, Any] | None, list[str]]:
    ev = unit.lead
    problems: list[str] = []
    not_happened = ev.not_happened(NOT_HAPPENED, "ACLED")
    if not_happened:
        return None, [not_happened]
    cw = unit.crosswalk(NAME)
    event_type, sub_type = cw.get("event_type"), cw.get("sub_event_type")
    types = schema.table("event_types")
    if not event_type or not sub_type:
        problems.append(f"event_type/sub_event_type (event type '{ev.event.type}' has no ACLED type; "
                        "choose another type)")
    elif sub_type not in types.get(event_type, []):
        problems.append(f"sub_event_type '{sub_type}' is not an ACLED sub-event type of '{event_type}'")
    a1 = unit.actors(NAME, "actor1")
    a2 = unit.actors(NAME, "actor2")
    actor1, actor2 = (a1[0] if a1 else None), (a2[0] if a2 else None)
    if actor1 is None:
        problems.append("actor1 (no actor in the event's actor 1 role)")
    inter1 = _inter(schema, cw.get("inter1"), actor1)
    if actor1 is not None and inter1 is None:
        problems.append(f"inter1 (the actor type of '{actor1.name}' ({actor1.kind or 'unknown'}) gives no ACLED "
                        "inter code: set the event attribute acled.inter1 to 1-8)")
    inter2 = _inter(schema, cw.get("inter2"), actor2) if actor2 is not None else "0"
    if actor2 is not None and inter2 is None:
        problems.append(f"inter2 (the actor type of '{actor2.name}' ({actor2.kind or 'unknown'}) gives no ACLED "
                        "inter code: set the event attribute acled.inter2 to 1-8)")
    when = unit.date(NAME)
    timing = acled_time(schema, when) if when is not None else None
    if when is None:
        problems.append("event_date (no date with a value in the event's date role)")
    elif timing is None:
        problems.append(f"time_precision (the date '{when.value}' spans {when.days} days; ACLED needs a day, "
                        "a week or a month)")
    place = unit.place(NAME)
    country, geo, missing = located(schema, place, countries, field="geo_precision",
                                    table="geo_precision_from_place_type",
                                    approximate_key="geo_precision_if_approximate", override=cw.get("geo_precision"))
    problems += missing
    scale = cw.get("source_scale") or ""
    if scale and not all(part in schema.data.get("source_scale", []) for part in str(scale).split("-")):
        problems.append(f"source_scale '{scale}' is not an ACLED source scale")
    if problems:
        return None, problems
    assert actor1 is not None and place is not None and timing is not None and country is not None
    assert sub_type is not None
    precision, day = timing
    codes = sorted(int(x) for x in (inter1, inter2))  # type: ignore[arg-type]
    interaction = f"{codes[1]}0" if codes[0] == 0 else f"{codes[0]}{codes[1]}"
    disorder = schema.table("disorder_types").get(sub_type, "")
    civilians = is_true(cw.get("civilian_targeting")) or (
        "7" in (inter1, inter2) and "Political violence" in disorder)
    row = {
        "event_id_cnty": f"{country['alpha3']}-{unit.key}", "event_date": day.isoformat(), "year": day.year,
        "time_precision": precision, "disorder_type": disorder, "event_type": event_type,
        "sub_event_type": sub_type, "actor1": actor1.name,
        "assoc_actor_1": "; ".join(a.name for a in unit.actors(NAME, "assoc_actor_1")), "inter1": inter1,
        "actor2": actor2.name if actor2 else "",
        "assoc_actor_2": "; ".join(a.name for a in unit.actors(NAME, "assoc_actor_2")),
        "inter2": inter2, "interaction": interaction,
        "civilian_targeting": schema.data.get("civilian_targeting", "") if civilians else "",
        "iso": country["numeric"], "region": country.get("acled_region", ""), "country": country["name"],
        "admin1": place.admin1 or "", "admin2": "", "admin3": "", "location": place.name,
        "latitude": place.lat, "longitude": place.lon, "geo_precision": geo,
        "source": "; ".join(unit.sources), "source_scale": scale, "notes": _notes(unit, day, place.name),
        "fatalities": unit.conservative("fatalities") or 0, "tags": cw.get("tags", ""),
        "timestamp": int((stamp or datetime.now(UTC)).timestamp()),
    }
    missing = schema.missing_required(row)
    return (row, []) if not missing else (None, [f"{m} is empty" for m in missing])


def _notes(unit: IncidentSummary, day: Any, location: str) -> str:
    ev = unit.lead
    text = ev.evidence[0] if ev.evidence else ev.type.title if ev.type else ev.event.type
    parts = [f"On {day.day} {day:%B %Y}, in {location}: {text}."]
    for kind in unit.conflicting:
        figures = "; ".join(f"{s.estimate.best} ({', '.join(s.sources)}{', ' + s.grade.code if s.grade.code else ''})"
                            for s in unit.statements(kind))
        parts.append(f"Reported {kind}: {figures}.")
    grade: Grade = ev.best_grade
    if grade.code:
        parts.append(f"[grade={grade.code}]")
    return " ".join(parts)
