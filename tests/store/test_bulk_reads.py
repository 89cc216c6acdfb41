"""Bulk reads (SetTransfer.stream) give exactly what single reads give, in the documented order."""

from __future__ import annotations

import dataclasses

from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.services.reports import store_report
from annotator.store.mapping import span_from_values
from annotator.store.set_transfer import SetWrite


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
