"""Precision codes of dates and places, per dataset, from the date normaliser's value and the
registry entry's place type. The thresholds and codes are each dataset's own (its JSON file); these
functions only apply them. ``None`` means the date or place is too vague for the dataset."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from annotator.events.datasets import DatasetSchema
from annotator.events.resolve import DateRef, PlaceRef


def acled_time(schema: DatasetSchema, when: DateRef) -> tuple[str, date] | None:
    """ACLED ``time_precision`` and the ``event_date`` coded with it: the day (1), the middle of a
    period of up to a week (2) or of up to a month (3)."""
    rule = schema.table("time_precision_rule")
    if when.days == 1:
        return str(rule.get("day", "1")), when.start
    if when.days <= int(rule.get("max_days_2", 7)):
        return "2", when.middle
    if when.days <= int(rule.get("max_days_3", 31)):
        return "3", when.middle
    return None


def ged_date(when: DateRef) -> str:
    """UCDP GED ``date_prec``: 1 a day, 2 two to six days, 3 a week, 4 up to a month, 5 longer."""
    if when.days == 1:
        return "1"
    if when.days <= 6:
        return "2"
    if when.days == 7:
        return "3"
    if when.days <= 31:
        return "4"
    return "5"


def place_code(schema: DatasetSchema, place: PlaceRef, table: str, approximate_key: str,
               override: object = None) -> str | None:
    """A dataset's location precision for a registry place: its type's code, lowered to the
    dataset's 'approximate' code when the registry marks the coordinates as approximate."""
    if override not in (None, ""):
        return str(override)
    codes = schema.table(table)
    code = codes.get(place.place_type or "")
    if code is None:
        return None
    code = str(code)
    fallback = schema.data.get(approximate_key)
    if place.approximate and fallback is not None and int(fallback) > int(code):
        return str(fallback)
    return code


def located(schema: DatasetSchema, place: PlaceRef | None, countries: Mapping[str, Mapping[str, Any]], *,
            field: str, table: str, approximate_key: str,
            override: object = None) -> tuple[Mapping[str, Any] | None, str | None, list[str]]:
    """A place's country entry and precision code for a dataset, with every problem as one phrase
    (``field`` names the dataset's precision column)."""
    if place is None:
        return None, None, ["location (no place in the event's place role)"]
    code = place_code(schema, place, table, approximate_key, override)
    country = countries.get(place.country or "")
    problems = []
    if place.lat is None or place.lon is None:
        problems.append(f"latitude/longitude ('{place.text}' is not linked to a registry place with coordinates)")
    if country is None:
        problems.append(f"country ('{place.text}' has no country in the registry)")
    if code is None:
        problems.append(f"{field} (the registry type of '{place.name}' is {place.place_type or 'unknown'})")
    return country, code, problems
