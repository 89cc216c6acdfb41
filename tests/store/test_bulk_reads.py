"""Bulk reads (SetTransfer.stream) give exactly what single reads give, in the documented order; bulk writes
store every field as given."""

from __future__ import annotations

import dataclasses
import random

import pytest
from annotator.core.events import Estimate, Event
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.services.entities import ensure_registry
from annotator.services.reports import store_report
from annotator.store.mapping import span_from_values
from annotator.store.models import SpanRow
from annotator.store.set_transfer import SetWrite
from sqlalchemy import event, select


def test_span_from_values_builds_the_same_span() -> None:
    assert not hasattr(Span, "__post_init__")  # span_from_values sets the fields without __init__
    assert [f.name for f in dataclasses.fields(Span)] == ["id", "start", "end", "label", "attrs", "value", "entity",
                                                          "resolution"]
    made = span_from_values("T1", 2, 9, "actor", '{"kind": "state"}', None, "actor:irgc", "automatic")
    assert made == Span("T1", 2, 9, "actor", {"kind": "state"}, None, "actor:irgc", "automatic")
    assert hash(made.start) == hash(2) and made.with_(end=10).end == 10


def test_stream_matches_single_reads_and_skips_nothing(ctx) -> None:
    reports = [Report.of(f"Report {k}: Colonel Abu Ali met officers in Homs.") for k in range(5)]
    for r in reports:
        store_report(ctx, r)
    with ctx.uow() as uow:
        for who in ("bob", "alice"):  # bob's rows first: the stream orders by report, then annotator row
            who_id = uow.repo.annotator_row(who).id
            writes = []
            for k, r in enumerate(reports):
                if who == "alice" and k == 2:
                    continue  # a report without alice's set
                spans = () if k == 3 else (Span("T1", 0, 8, "actor"), Span("T2", 21, 28, "actor", {"kind": "person"}),
                                           Span("T3", 40, 44, "place"))
                relations = () if k in (1, 3) else (Relation("R1", "T1", "T3", "place", {"unlinked": True}),)
                writes.append(SetWrite(r.id, spans, relations, 1))
            uow.transfer.write_sets(who, who_id, writes, op="test")
        uow.commit()
    with ctx.uow() as uow:
        streamed = [(s.report.id, s.set.annotator, s.set) for s in uow.transfer.stream()]
        single = {(rid, who): uow.repo.annotation_set(rid, who) for rid, who in uow.repo.set_keys()}
        assert uow.transfer.count_in_scope() == len(streamed) == 9
        assert [s[2] for s in streamed] == [single[(rid, who)] for rid, who, _ in streamed]
        assert [s[0] for s in streamed] == sorted(s[0] for s in streamed)
        only_alice = [s.set.annotator for s in uow.transfer.stream(annotators=["alice"], report_ids=[reports[0].id])]
        assert only_alice == ["alice"]
        assert list(uow.transfer.stream(report_ids=[])) == []


def _statements(ctx):  # type: ignore[no-untyped-def]
    """The SQL the engine runs from now on (observed, not changed)."""
    seen: list[str] = []
    event.listen(ctx.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_stream_and_contents_carry_events_read_per_batch(ctx) -> None:  # type: ignore[no-untyped-def]
    reports = [Report.of(f"Report {k}: Colonel Abu Ali met officers in Homs.") for k in range(5)]
    for r in reports:
        store_report(ctx, r)
    spans = (Span("T1", 0, 8, "claim"), Span("T2", 21, 28, "actor"), Span("T3", 40, 44, "place"))
    events = {k: (Event("E4", "meeting", {"actor1": ("T2",), "place": ("T3",)}, ("T1",), "T1",
                        {"fatalities": Estimate(2, 1, 3)}, ("negated",), {"note": k}),) for k in (0, 3)}
    with ctx.uow() as uow:
        who_id = uow.repo.annotator_row("alice").id
        seen = _statements(ctx)
        uow.transfer.write_sets("alice", who_id, [SetWrite(r.id, spans, (), 1) for r in reports], op="test")
        assert not any("events" in sql for sql in seen)  # nothing to replace in a database without events
        before = len(seen)
        assert [s.set.events for s in uow.transfer.stream()] == [()] * 5
        probes = [sql for sql in seen[before:] if "events" in sql]
        assert len(probes) == 1 and "LIMIT" in probes[0]  # one cheap probe, no event query per batch
        current = uow.transfer.set_versions(who_id, [r.id for r in reports])
        writes = [SetWrite(r.id, spans, (), 2, set_id=current[r.id][0], events=events.get(k, ()))
                  for k, r in enumerate(reports)]
        uow.transfer.write_sets("alice", who_id, writes, op="test")
        uow.commit()
    with ctx.uow() as uow:
        streamed = {s.report.id: s.set for s in uow.transfer.stream(batch=2)}  # events read per batch of sets
        assert {rid: s.events for rid, s in streamed.items()} == \
            {r.id: events.get(k, ()) for k, r in enumerate(reports)}
        assert streamed == {rid: uow.repo.annotation_set(rid, "alice") for rid in streamed}
        set_ids = {rid: sid for rid, (sid, _v) in uow.transfer.set_versions(who_id, list(streamed)).items()}
        contents = uow.transfer.contents(list(set_ids.values()))
        assert contents[set_ids[reports[3].id]].events == events[3] and contents[set_ids[reports[1].id]].events == ()
        assert [s.set.events for s in uow.transfer.stream(with_events=False)] == [()] * 5
        # the set counter is past every id, events' included: a new edit never reuses E4
        assert uow.repo.set_row(reports[0].id, "alice").next_key == 5


def test_label_sets_hold_the_streamed_sets_spans_as_tuples(ctx) -> None:  # type: ignore[no-untyped-def]
    """Agreement's bare read: the same sets in the same order as the stream, spans as (start, end, label)
    (in no particular order within a set)."""
    reports = [Report.of(f"Report {k}: Colonel Abu Ali met officers in Homs.") for k in range(3)]
    for r in reports:
        store_report(ctx, r)
    with ctx.uow() as uow:
        for who in ("bob", "alice"):
            spans = (Span("T2", 21, 28, "actor"), Span("T1", 0, 8, "actor"), Span("T3", 0, 44, "claim"))
            writes = [SetWrite(r.id, () if (who, k) == ("bob", 1) else spans, (), 1)
                      for k, r in enumerate(reports) if (who, k) != ("alice", 2)]
            uow.transfer.write_sets(who, uow.repo.annotator_row(who).id, writes, op="test")
        uow.commit()
    with ctx.uow() as uow:
        for scope in ({}, {"annotators": ["alice"]}, {"report_ids": [reports[1].id]},
                      {"annotators": ["bob"], "report_ids": [reports[0].id, reports[2].id]}):
            bare = uow.label_spans.label_sets(**scope)
            full = list(uow.transfer.stream(**scope))
            assert [(b.report_id, b.annotator) for b in bare] == [(s.report.id, s.set.annotator) for s in full]
            assert [sorted(b.spans) for b in bare] == [sorted((x.start, x.end, x.label) for x in s.set.spans)
                                                       for s in full]
            assert [(b.title, b.chars, b.text) for b in bare] == [(s.report.title, s.chars, s.report.text)
                                                                  for s in full]
            assert all(b.edited.startswith("20") for b in bare)
        assert uow.label_spans.label_sets(report_ids=[]) == []
        assert {b.text for b in uow.label_spans.label_sets(with_text=False)} == {""}


def test_the_registry_streams_as_single_reads_give_it(ctx) -> None:  # type: ignore[no-untyped-def]
    ensure_registry(ctx)
    with ctx.uow() as uow:
        every = list(uow.entities.iter_all())
        assert len(every) == uow.entities.count() > 100
        assert [e["id"] for e in every] == sorted(e["id"] for e in every)
        assert every == [uow.entities.get(e["id"]) for e in every]
        assert any(e["aliases"] for e in every)
        places = list(uow.entities.iter_all("place"))
        assert places == [e for e in every if e["kind"] == "place"] and places


def test_stream_orders_spans_that_share_a_start_as_single_reads_do(ctx) -> None:  # type: ignore[no-untyped-def]
    """Spans come in the sets' order, (start, end descending, row id), whatever order the spans were
    written in and the database aggregated them in: the same from the stream and from single reads,
    and the order the table itself gives when asked for it."""
    text = "Colonel Abu Ali of the IRGC met officers in Homs and Deir ez-Zor on Monday."
    store_report(ctx, Report.of(text))
    rid = Report.of(text).id
    rng = random.Random(5)
    bounds = [(0, 15), (0, 7), (0, 15), (8, 15), (8, 11), (8, 15), (23, 27), (0, 75), (44, 48), (44, 48)]
    spans = [Span(f"T{k + 1}", s, e, rng.choice(["actor", "place"])) for k, (s, e) in enumerate(bounds)]
    rng.shuffle(spans)
    with ctx.uow() as uow:
        uow.transfer.write_sets("alice", uow.repo.annotator_row("alice").id, [SetWrite(rid, spans, (), 1)], op="test")
        uow.commit()
    with ctx.uow() as uow:
        streamed = [s.set.spans for s in uow.transfer.stream(annotators=["alice"])]
        single = uow.repo.annotation_set(rid, "alice").spans
        assert streamed == [single]
        assert [(s.start, -s.end) for s in single] == sorted((s.start, -s.end) for s in single)
        set_id = uow.transfer.set_versions(uow.repo.annotator_row("alice").id, [rid])[rid][0]
        assert uow.transfer.contents([set_id])[set_id].spans == single
        by_table = uow.session.scalars(select(SpanRow.key).where(SpanRow.set_id == set_id)
                                       .order_by(SpanRow.start, SpanRow.end.desc(), SpanRow.id))
        assert [s.id for s in single] == list(by_table)


def test_bulk_writes_go_in_as_json_arrays_and_read_back_the_same(ctx) -> None:  # type: ignore[no-untyped-def]
    """The spans and relations of a bulk write go in as one JSON array per statement, which the database
    unpacks (SQLite's ``json_each``, PostgreSQL's ``jsonb_array_elements``). Every field comes back as
    written: texts, integers, NULLs, attributes, Arabic keys and labels, the relations' ends found by key,
    and the spans' row ids in the order given (identical spans keep it)."""
    text = "العقيد أبو علي met officers of the IRGC in Homs on Monday, 9 April 2024."
    store_report(ctx, Report.of(text))
    rid = Report.of(text).id
    spans = (Span("T1", 0, 14, "actor", {"kind": "person", "rank": 3, "unlinked": True}, None, "actor:abu-ali",
                  "automatic"),
             Span("T2", 34, 38, "actor"), Span("T3", 42, 46, "place", {}, None, "place:homs", "confirmed"),
             Span("T10", 50, 72, "date", {"note": "\"quoted\" \\ back"}, "2024-04-09"),
             Span("ت٥", 0, 72, "claim", {"status": "reported"}),
             Span("T7", 34, 38, "actor"), Span("T6", 34, 38, "actor"))
    relations = (Relation("R1", "ت٥", "T1", "source"), Relation("R2", "ت٥", "T3", "place", {"unlinked": "true"}))
    seen = _statements(ctx)
    with ctx.uow() as uow:
        uow.transfer.write_sets("alice", uow.repo.annotator_row("alice").id,
                                [SetWrite(rid, spans, relations, 1)], op="test")
        uow.commit()
    inserts = [sql for sql in seen if sql.lstrip().startswith(("INSERT INTO spans", "INSERT INTO relations"))]
    unpack = "json_each" if ctx.engine.dialect.name == "sqlite" else "jsonb_array_elements"
    assert len(inserts) == 2 and all(unpack in sql for sql in inserts)
    with ctx.uow() as uow:
        stored = uow.repo.annotation_set(rid, "alice")
        assert stored.spans == tuple(sorted(spans, key=lambda s: (s.start, -s.end)))
        assert stored.relations == relations
        assert [s.set for s in uow.transfer.stream()] == [stored]


def test_a_bulk_write_the_json_array_cannot_hold_fails_as_the_bound_rows_did(sqlite_ctx) -> None:  # type: ignore[no-untyped-def]
    """A label holding a lone surrogate (no character: the services refuse it first) cannot be written
    as JSON; the write then goes the bound way, and the driver's error stops it as before, storing nothing."""
    context = sqlite_ctx
    store_report(context, Report.of("Colonel Abu Ali met officers in Homs."))
    rid = Report.of("Colonel Abu Ali met officers in Homs.").id
    with pytest.raises(UnicodeEncodeError), context.uow() as uow:
        uow.transfer.write_sets("alice", uow.repo.annotator_row("alice").id,
                                [SetWrite(rid, (Span("T1", 0, 7, "actor\ud800"),), (), 1)], op="test")
        uow.commit()
    with context.uow() as uow:
        assert uow.repo.set_keys() == []
