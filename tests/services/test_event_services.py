"""Event, incident and grading services on SQLite and PostgreSQL: each edit one committed, logged
transaction returning a Change; proposals prefilled from a claim's relations; refusals leave the
database as it was; incidents keep conflicting figures side by side with their grades."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from annotator.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from annotator.core.report import Report
from annotator.services import annotate, events, grading, incidents, records
from annotator.services.database import export_schema, import_schema
from annotator.services.event_curation import accept_event, accept_events
from annotator.services.event_export import event_view
from annotator.services.reports import store_report

TEXT = "Euphrates Post said that IRGC officers met Faisal al-Hamad in al-Mayadin on April 5."


def build(ctx: Any, text: str = TEXT, who: str = "alice") -> tuple[str, dict[str, str]]:
    """A report with a claim, its source, two actors, a place and a date, linked by relations."""
    report = Report.of(text, title="t", published="2024-04-08")
    store_report(ctx, report)
    ids: dict[str, str] = {}
    claim_start = text.index("IRGC") if "IRGC" in text else text.index(" said") + 11
    for key, surface, label in (("source", text.split(" said")[0], "actor"), ("a1", "IRGC officers", "actor"),
                                ("a2", "Faisal al-Hamad", "actor"), ("place", "al-Mayadin", "place"),
                                ("date", "April 5", "date")):
        if surface in text:
            start = text.index(surface)
            ids[key] = annotate.create_span(ctx, report.id, start, start + len(surface), label, annotator=who)[0].id
    ids["claim"] = annotate.create_span(ctx, report.id, claim_start, len(text) - 1, "claim", annotator=who)[0].id
    for rel, key in (("source", "source"), ("actor", "a2"), ("actor", "a1"), ("place", "place"), ("date", "date")):
        if key in ids:
            annotate.create_relation(ctx, report.id, ids["claim"], ids[key], rel, annotator=who)
    return report.id, ids


def version(ctx: Any, rid: str, who: str = "alice") -> int:
    return annotate.get_set(ctx, rid, who).version


def test_event_edits_are_committed_logged_and_undoable(ctx) -> None:  # type: ignore[no-untyped-def]
    rid, ids = build(ctx)
    proposal = events.propose_event(ctx, rid, ids["claim"], annotator="alice")
    # relation tails in text order: IRGC officers first, Faisal second; the source is no participant
    assert proposal.roles == {"actor1": (ids["a1"],), "actor2": (ids["a2"],), "place": (ids["place"],),
                              "date": (ids["date"],)}
    assert "meeting" in proposal.types and proposal.claims == (ids["claim"],)
    v0 = version(ctx, rid)
    event, change = events.create_event_from_claim(ctx, rid, ids["claim"], "meeting", annotator="alice")
    assert (change.op, change.events, change.version) == ("create_event", (event.id,), v0 + 1)
    assert event.roles == proposal.roles and event.trigger == ids["claim"]
    assert events.get_events(ctx, rid, "alice") == [event]

    counted, _ = events.set_count(ctx, rid, event.id, "fatalities", {"best": 2, "low": 1, "high": 3}, annotator="alice")
    negated, _ = events.toggle_qualifier(ctx, rid, event.id, "negated", annotator="alice")
    assert counted.count("fatalities").high == 3 and negated.qualifiers == ("negated",)
    emptied, _ = events.set_role(ctx, rid, event.id, "actor2", (), annotator="alice")
    assert "actor2" not in emptied.roles

    before = version(ctx, rid)
    with pytest.raises(ValidationError, match="role place is played by a place, not an actor"):
        events.set_role(ctx, rid, event.id, "place", (ids["a1"],), annotator="alice")
    with pytest.raises(ValidationError, match="not an event type"):
        events.update_event(ctx, rid, event.id, annotator="alice", type="picnic")
    with pytest.raises(ValidationError, match="best estimate 9 is above"):
        events.set_count(ctx, rid, event.id, "injured", {"best": 9, "high": 2}, annotator="alice")
    with pytest.raises(PermissionDenied):
        events.create_event(ctx, rid, "meeting", annotator="gold", claims=(ids["claim"],))
    with pytest.raises(NotFound):
        events.delete_event(ctx, rid, "E99", annotator="alice")
    with pytest.raises(Conflict, match="changed elsewhere"):  # edits name the version they were made against
        events.update_event(ctx, rid, event.id, annotator="alice", counts={}, expect_version=before - 1)
    with pytest.raises(Conflict, match="not the one shown"):
        events.delete_event(ctx, rid, event.id, annotator="alice", expect=event)
    assert version(ctx, rid) == before and events.get_events(ctx, rid, "alice") == [emptied]

    deleted, change = events.delete_event(ctx, rid, event.id, annotator="alice")
    assert events.get_events(ctx, rid, "alice") == [] and change.op == "delete_event"
    events.restore_event(ctx, rid, deleted, annotator="alice")
    assert events.get_events(ctx, rid, "alice") == [emptied]
    with ctx.engine.connect() as conn:
        ops = [r[0] for r in conn.execute(sa.text("SELECT op FROM edits ORDER BY id"))]
    assert ops[-6:] == ["create_event", "set_event_count", "set_event_qualifier", "set_event_role",
                        "delete_event", "restore_event"]


def test_a_deleted_span_leaves_the_event_whole_again_after_undo(ctx) -> None:  # type: ignore[no-untyped-def]
    rid, ids = build(ctx)
    event, _ = events.create_event_from_claim(ctx, rid, ids["claim"], "meeting", annotator="alice")
    removed, _ = annotate.delete_span(ctx, rid, ids["a2"], annotator="alice")
    record = records.record_for(ctx, rid, "alice")
    entry = record["events"][0]
    assert entry["missing_spans"] == [ids["a2"]] and "actor2" not in entry["roles"]
    annotate.restore_span(ctx, rid, removed, annotator="alice")
    entry = records.record_for(ctx, rid, "alice")["events"][0]
    assert entry["missing_spans"] == [] and entry["roles"]["actor2"][0]["text"] == "Faisal al-Hamad"
    assert events.get_events(ctx, rid, "alice") == [event]


def test_grades_are_one_key_each_and_reach_the_record(ctx) -> None:  # type: ignore[no-untyped-def]
    rid, ids = build(ctx)
    span, change = grading.grade_key(ctx, rid, ids["source"], "b", annotator="alice")
    assert span.attrs["reliability"] == "B" and change.op == "grade"
    grading.grade_key(ctx, rid, ids["claim"], "2", annotator="alice")
    claim = records.record_for(ctx, rid, "alice")["claims"][0]
    assert claim["grade"] == {"reliability": "B", "credibility": "2", "code": "B2", "origin": "source"}
    assert claim["source"]["reliability"] == "B"
    grading.set_grade(ctx, rid, ids["claim"], annotator="alice", reliability_value="E")  # the claim's own view
    assert records.record_for(ctx, rid, "alice")["claims"][0]["grade"]["code"] == "E2"
    before = version(ctx, rid)
    with pytest.raises(ValidationError, match="a date carries no reliability"):
        grading.grade_key(ctx, rid, ids["date"], "A", annotator="alice")
    with pytest.raises(ValidationError, match="not a grade key"):
        grading.grade_key(ctx, rid, ids["claim"], "Z", annotator="alice")
    with pytest.raises(ValidationError, match="1–6"):
        grading.set_grade(ctx, rid, ids["claim"], annotator="alice", credibility_value=7)
    assert version(ctx, rid) == before


def test_incidents_keep_conflicting_figures_with_their_grades(ctx) -> None:  # type: ignore[no-untyped-def]
    r1, i1 = build(ctx)
    r2, i2 = build(ctx, TEXT.replace("Euphrates Post", "Sada al-Sharqiya").replace("April 5", "April 6"))
    grading.set_grade(ctx, r1, i1["source"], annotator="alice", reliability_value="B")
    grading.set_grade(ctx, r1, i1["claim"], annotator="alice", credibility_value="2")
    grading.set_grade(ctx, r2, i2["source"], annotator="alice", reliability_value="E")
    grading.set_grade(ctx, r2, i2["claim"], annotator="alice", credibility_value="5")
    e1, _ = events.create_event_from_claim(ctx, r1, i1["claim"], "armed_clash", annotator="alice",
                                           counts={"fatalities": 2})
    e2, _ = events.create_event_from_claim(ctx, r2, i2["claim"], "armed_clash", annotator="alice",
                                           counts={"fatalities": {"best": 5, "low": 4, "high": 7}})
    v1 = version(ctx, r1)
    incident, changes = incidents.create_incident(ctx, "Clash at al-Mayadin",
                                                  members=[(r1, "alice", e1.id), (r2, "alice", e2.id)])
    assert [c.op for c in changes] == ["group_event", "group_event"] and version(ctx, r1) == v1 + 1
    assert incidents.list_incidents(ctx) == [{**incident.to_dict(), "events": 2}]
    summary = incidents.incident_summary(ctx, incident.id)
    figures = summary["counts"]["fatalities"]
    assert [(s["best"], s["grade"], s["sources"]) for s in figures["statements"]] == \
        [(2, "B2", ["Euphrates Post"]), (5, "E5", ["Sada al-Sharqiya"])]
    assert (figures["best"], figures["low"], figures["high"]) == (2, 2, 7)  # best from the better-graded source
    assert summary["number_of_sources"] == 2 and summary["conflicting"] == ["fatalities"]
    with pytest.raises(NotFound):
        incidents.group_events(ctx, "I-nope", [(r1, "alice", e1.id)])
    incidents.delete_incident(ctx, incident.id)
    assert [e.incident for e in events.get_events(ctx, r1, "alice")] == [None]
    assert incidents.list_incidents(ctx) == []


def test_events_are_curated_into_gold_with_their_spans(ctx) -> None:  # type: ignore[no-untyped-def]
    rid, ids = build(ctx)
    event, _ = events.create_event_from_claim(ctx, rid, ids["claim"], "meeting", annotator="alice",
                                              counts={"fatalities": 1})
    gold_event = accept_event(ctx, rid, "alice", event.id)
    gold = annotate.get_set(ctx, rid, "gold")
    spans = gold.by_id()
    assert gold.events == (gold_event,) and gold_event.count("fatalities").best == 1
    assert spans[gold_event.roles["actor2"][0]].start == annotate.get_set(ctx, rid, "alice").span(ids["a2"]).start
    assert accept_events(ctx, rid, "alice") == [gold_event]  # accepting again adds nothing


def test_a_schema_dropping_event_types_in_use_is_refused(sqlite_ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rid, ids = build(sqlite_ctx)
    events.create_event_from_claim(sqlite_ctx, rid, ids["claim"], "meeting", annotator="alice")
    path = export_schema(sqlite_ctx, tmp_path / "schema.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events"]["types"] = [t for t in data["events"]["types"] if t["name"] != "meeting"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"drops event types still in use: meeting \(1 events\)"):
        import_schema(sqlite_ctx, path)


def test_the_events_panel_view_says_what_each_dataset_still_misses(sqlite_ctx) -> None:  # type: ignore[no-untyped-def]
    rid, ids = build(sqlite_ctx)
    grading.set_grade(sqlite_ctx, rid, ids["source"], annotator="alice", reliability_value="C")
    events.create_event_from_claim(sqlite_ctx, rid, ids["claim"], "armed_clash", annotator="alice",
                                   counts={"fatalities": 3})
    [view] = event_view(sqlite_ctx, rid, "alice")
    assert view["title"] == "Armed clash" and view["grade"]["reliability"] == "C"
    assert view["sources"] == ["Euphrates Post"] and view["roles"]["place"][0]["text"] == "al-Mayadin"
    assert any(m.startswith("inter1") for m in view["missing"]["acled"])  # "IRGC officers" has no entity type
    assert view["missing"]["plover"] == []
