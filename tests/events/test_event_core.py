"""Events, grades and the schema's events section as pure data: validation, JSON form, prefill."""

from __future__ import annotations

from datetime import date

import pytest
from annotator.core.errors import ValidationError
from annotator.core.event_schema import EventSchema
from annotator.core.events import Estimate, Event, event_from_dict, event_to_dict, events_of_line
from annotator.core.grading import Grade, grade_of_claim
from annotator.core.relations import Relation
from annotator.core.schema import Schema
from annotator.core.spans import Span
from annotator.events.precision import ged_date
from annotator.events.resolve import DateRef, date_range
from annotator.events.ucdp import priogrid_gid


def test_estimates_are_checked_and_filled() -> None:
    assert Estimate.of(2) == Estimate(2, 2, 2)
    assert Estimate.of({"best": 3, "high": 9}).filled() == Estimate(3, 3, 9)
    for bad in ({"best": 5, "low": 6}, {"low": 9, "high": 2}, -1, "two", {"many": 3}, True):
        with pytest.raises(ValidationError):
            Estimate.of(bad)


def test_event_json_round_trip_and_clear_errors() -> None:
    event = Event("E1", "attack", {"actor1": ("T1",), "place": ("T2",)}, ("T3",), "T3",
                  {"fatalities": Estimate(2, 1, 4)}, ("negated",), {"acled.inter1": "3"}, "I-x").normalised()
    assert event_from_dict(event_to_dict(event)) == event
    # references to spans deleted since are left out, so the written object is whole
    assert event_to_dict(event, ["T1", "T3"])["roles"] == {"actor1": ["T1"]}
    with pytest.raises(ValidationError, match="unknown qualifier"):
        event_from_dict({"id": "E1", "type": "attack", "qualifiers": ["rumoured"]})
    with pytest.raises(ValidationError, match="E1 has no type"):
        event_from_dict({"id": "E1"})
    with pytest.raises(ValidationError, match="names span T9"):
        events_of_line({"events": [{"id": "E1", "type": "x", "claims": ["T9"]}]}, ["T1"])
    with pytest.raises(ValidationError, match="event id twice"):
        events_of_line({"events": [{"id": "E1", "type": "x"}, {"id": "E1", "type": "y"}]}, [])


def test_admiralty_grades() -> None:
    assert Grade.of("b", 2).code == "B2" and Grade.of(None, "6").code == "-6" and Grade().code == ""
    with pytest.raises(ValidationError, match="A–F"):
        Grade.of("G")
    with pytest.raises(ValidationError, match="1–6"):
        Grade.of("A", 7)
    # the claim's own reliability wins, then its source span's, then the source's registry entry
    assert grade_of_claim({"credibility": "3"}, {"reliability": "C"}, {"reliability": "A"}) == Grade("C", "3", "source")
    assert grade_of_claim({"reliability": "E", "credibility": "5"}, {"reliability": "C"}) == Grade("E", "5", "claim")
    assert grade_of_claim({}, {}, {"reliability": "B"}) == Grade("B", None, "entity")
    assert sorted([Grade("C", "3"), Grade("B", "6"), Grade("B", "2"), Grade()], key=Grade.rank)[0] == Grade("B", "2")


# A project whose labels and relations are named differently: the schema alone decides the roles.
CUSTOM = {
    "name": "custom",
    "labels": [{"name": "who", "key": "1", "color": "#111111"}, {"name": "where", "key": "2", "color": "#222222"},
               {"name": "report", "key": "3", "color": "#333333"}],
    "relations": [{"name": "said_by", "heads": ["report"], "tails": ["who"]},
                  {"name": "involves", "heads": ["report"], "tails": ["who"]},
                  {"name": "at", "heads": ["report"], "tails": ["where"]}],
    "events": {"claim_labels": ["report"], "source_relations": ["said_by"],
               "roles": [{"name": "perpetrator", "labels": ["who"], "max": 1, "prefill": ["involves"]},
                         {"name": "target", "labels": ["who"], "max": 1, "prefill": ["involves"]},
                         {"name": "site", "labels": ["where"], "max": 1, "prefill": ["at"], "prefill_inside": True}],
               "types": [{"name": "raid", "title": "Raid", "plover": {"event": "COERCE", "mode": ["seize"]}}],
               "datasets": {"plover": {"actor": ["perpetrator"], "recipient": ["target"], "location": ["site"]}}},
}


def test_prefill_follows_the_schema_not_label_names() -> None:
    schema = Schema.from_dict(CUSTOM)
    assert schema.events is not None and Schema.from_dict(schema.to_dict()) == schema
    spans = [Span("T1", 0, 40, "report"), Span("T2", 0, 5, "who"), Span("T3", 10, 15, "who"),
             Span("T4", 20, 25, "where"), Span("T5", 30, 35, "who"), Span("T6", 50, 55, "where")]
    relations = [Relation("R1", "T1", "T5", "said_by"), Relation("R2", "T1", "T3", "involves"),
                 Relation("R3", "T1", "T2", "involves")]
    roles = schema.events.prefill_roles(spans[0], spans, relations)
    # relation tails in text order fill perpetrator then target; the site lies inside the claim;
    # the claimant (said_by) is never a participant; a place outside the claim is not taken
    assert roles == {"perpetrator": ("T2",), "target": ("T3",), "site": ("T4",)}
    event = Event("E1", "raid", roles, ("T1",))
    schema.events.check_event(event, {s.id: s for s in spans})
    with pytest.raises(ValidationError, match="role site is played by a where, not a who"):
        schema.events.check_event(event.with_(roles={"site": ("T2",)}), {s.id: s for s in spans})
    with pytest.raises(ValidationError, match="at most 1"):
        schema.events.check_event(event.with_(roles={"target": ("T2", "T3")}), {s.id: s for s in spans})
    with pytest.raises(ValidationError, match="not a report"):
        schema.events.check_event(event.with_(claims=("T2",)), {s.id: s for s in spans})
    with pytest.raises(ValidationError, match="not an event type"):
        schema.events.check_event(event.with_(type="battle"), {s.id: s for s in spans})


def test_an_events_section_naming_unknown_labels_is_refused() -> None:
    bad = dict(CUSTOM, events=dict(CUSTOM["events"], claim_labels=["claim"]))
    with pytest.raises(ValidationError, match="unknown label 'claim'"):
        Schema.from_dict(bad)
    with pytest.raises(ValidationError, match="unknown role"):
        EventSchema.from_dict({"roles": [], "types": [], "datasets": {"acled": {"actor1": ["x"]}}}).check([], [])


def test_dates_and_their_precision() -> None:
    assert date_range("2024-04-05/2024-04-07") == (date(2024, 4, 5), date(2024, 4, 7))
    assert date_range("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_range("2024") == (date(2024, 1, 1), date(2024, 12, 31))

    def prec(value: str) -> str:
        start, end = date_range(value)
        return ged_date(DateRef("T1", value, value, "x", start, end))

    assert [prec(v) for v in ("2024-04-05", "2024-04-05/2024-04-07", "2024-04-01/2024-04-07", "2024-04", "2024")] == \
        ["1", "2", "3", "4", "5"]


def test_priogrid_cells() -> None:
    # PRIO-GRID numbers cells from the south-west corner, 720 per row of 0.5 degrees
    assert priogrid_gid(-89.9, -179.9) == 1
    assert priogrid_gid(-89.9, 179.9) == 720
    assert priogrid_gid(-89.4, -179.9) == 721
    assert priogrid_gid(35.83917, 38.74288) == (int((35.83917 + 90) / 0.5)) * 720 + int((38.74288 + 180) / 0.5) + 1
