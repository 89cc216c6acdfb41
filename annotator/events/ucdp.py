"""UCDP GED CSV: one row per incident (or ungrouped event) with GED's 49 columns: type of violence,
sides, where_prec 1-7 and date_prec 1-5, number_of_sources, and best/low/high deaths from all the
incident's sources side by side (``events.incidents``).

GED holds organised violence with at least one death; other events are reported as skipped with the
reason, as is every event lacking a required field."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from annotator.events.datasets import DatasetSchema
from annotator.events.incidents import IncidentSummary
from annotator.events.precision import ged_date, located
from annotator.events.resolve import ActorRef

NAME = "ucdp-ged"
NOT_HAPPENED = ("negated", "hypothetical", "future")


def priogrid_gid(lat: float, lon: float) -> int:
    """The PRIO-GRID cell (0.5 degrees; row 1 at the south pole, column 1 at 180° west)."""
    row = min(int(math.floor((lat + 90) / 0.5)), 359) + 1
    col = min(int(math.floor((lon + 180) / 0.5)), 719) + 1
    return (row - 1) * 720 + col


def _is_government(schema: DatasetSchema, actor: ActorRef | None) -> bool:
    return actor is not None and (actor.kind or "") in schema.data.get("government_actor_types", [])


def ged_row(unit: IncidentSummary, schema: DatasetSchema,
            countries: Mapping[str, Mapping[str, Any]]) -> tuple[dict[str, Any] | None, list[str]]:
    ev = unit.lead
    not_happened = ev.not_happened(NOT_HAPPENED, "GED")
    if not_happened:
        return None, [not_happened]
    cw = unit.crosswalk(NAME)
    problems: list[str] = []
    sa = unit.actors(NAME, "side_a")
    sb = unit.actors(NAME, "side_b")
    side_a, side_b = (sa[0] if sa else None), (sb[0] if sb else None)
    violence = str(cw.get("type_of_violence") or "")
    if not violence:
        kind = cw.get("violence")
        if kind == "one-sided":
            violence = "3"
        elif kind == "organised":
            violence = "1" if _is_government(schema, side_a) or _is_government(schema, side_b) else "2"
    if violence not in schema.table("type_of_violence"):
        problems.append(f"type_of_violence (event type '{ev.event.type}' is not organised violence in GED; set "
                        "the event attribute ucdp-ged.type_of_violence to 1, 2 or 3 if it is)")
    if violence == "1" and _is_government(schema, side_b) and not _is_government(schema, side_a):
        side_a, side_b = side_b, side_a  # GED puts the government on side A
    side_b_name = side_b.name if side_b is not None else (
        schema.data.get("side_b_one_sided", "Civilians") if violence == "3" else "")
    if side_a is None:
        problems.append("side_a (no actor in the event's actor 1 role)")
    if not side_b_name:
        problems.append("side_b (no actor in the event's actor 2 role)")
    deaths = unit.estimate("fatalities").filled()
    if deaths.best is None or deaths.best < int(schema.data.get("minimum_deaths", 1)):
        problems.append("best/low/high (GED records events with at least one death; the event states "
                        f"{'none' if deaths.best is None else deaths.best})")
    when = unit.date(NAME)
    if when is None:
        problems.append("date_start/date_end (no date with a value in the event's date role)")
    place = unit.place(NAME)
    country, where, missing = located(schema, place, countries, field="where_prec",
                                      table="where_prec_from_place_type", approximate_key="where_prec_if_approximate",
                                      override=cw.get("where_prec"))
    problems += missing
    if problems:
        return None, problems
    assert side_a is not None and place is not None and when is not None and country is not None
    gw_a = _gwno(countries, side_a) if violence == "1" else None
    gw_b = _gwno(countries, side_b) if violence == "1" and _is_government(schema, side_b) else None
    reports = _unique((e.report.title or e.report.id[:12], e.report.published or "", e.report.source or "")
                      for e in unit.events)
    best = deaths.best or 0
    row = {
        "id": unit.key, "relid": unit.key, "year": when.start.year, "active_year": "", "code_status": "",
        "type_of_violence": violence, "conflict_dset_id": "", "conflict_new_id": "",
        "conflict_name": cw.get("conflict_name", ""), "dyad_dset_id": "", "dyad_new_id": "",
        "dyad_name": cw.get("dyad_name") or f"{side_a.name} - {side_b_name}", "side_a_dset_id": "",
        "side_a_new_id": "", "side_a": side_a.name, "side_b_dset_id": "", "side_b_new_id": "", "side_b": side_b_name,
        "number_of_sources": unit.number_of_sources,
        "source_article": "; ".join(f"{t} ({p})" if p else t for t, p, _ in reports),
        "source_office": "; ".join(unit.sources), "source_date": "; ".join(p for _, p, _ in reports if p),
        "source_headline": "; ".join(t for t, _, _ in reports), "source_original": "; ".join(unit.sources),
        "where_prec": where, "where_coordinates": f"{place.name}, {country['name']}",
        "where_description": place.text, "adm_1": place.admin1 or "", "adm_2": "",
        "latitude": place.lat, "longitude": place.lon, "geom_wkt": f"POINT ({place.lon} {place.lat})",
        "priogrid_gid": priogrid_gid(place.lat, place.lon), "country": country["name"],  # type: ignore[arg-type]
        "country_id": country.get("gwno") or "", "region": country.get("ged_region", ""),
        "event_clarity": str(cw.get("event_clarity") or "1"), "date_prec": ged_date(when),
        "date_start": when.start.isoformat(), "date_end": when.end.isoformat(),
        "deaths_a": 0, "deaths_b": 0, "deaths_civilians": best if violence == "3" else 0,
        "deaths_unknown": 0 if violence == "3" else best,
        "best": best, "high": deaths.high, "low": deaths.low, "gwnoa": gw_a or "", "gwnob": gw_b or "",
    }
    missing = schema.missing_required(row)
    return (row, []) if not missing else (None, [f"{m} is empty" for m in missing])


def _gwno(countries: Mapping[str, Mapping[str, Any]], actor: ActorRef | None) -> int | None:
    if actor is None or actor.entity is None or not actor.entity.country:
        return None
    return (countries.get(actor.entity.country) or {}).get("gwno")


def _unique(items: Any) -> list[Any]:
    return list(dict.fromkeys(items))
