"""Adjudication writes gold through ordinary, logged edits."""

from __future__ import annotations

from annotator.core.report import Report
from annotator.services import adjudicate, annotate
from annotator.services.reports import store_report

TEXT = "Deirezzor24 claimed that IRGC officers met in Deir ez-Zor on April 7."


def test_disagreements_and_building_gold(ctx) -> None:
    r = Report.of(TEXT)
    store_report(ctx, r)
    s = TEXT.index
    annotate.create_span(ctx, r.id, 0, 11, "actor", annotator="alice")
    annotate.create_span(ctx, r.id, s("IRGC"), s("IRGC") + 13, "actor", annotator="alice")
    annotate.create_span(ctx, r.id, 0, 11, "actor", annotator="bob")
    annotate.create_span(ctx, r.id, s("IRGC"), s("IRGC") + 4, "actor", annotator="bob")
    annotate.create_span(ctx, r.id, s("Deir ez"), s("Deir ez") + 11, "place", annotator="bob")
    found = adjudicate.disagreements(ctx, r.id)
    assert [(d.start, d.end) for d in found] == [(s("IRGC"), s("IRGC") + 4), (s("IRGC"), s("IRGC") + 13),
                                                 (s("Deir ez"), s("Deir ez") + 11)]
    assert found[2].labels == {"alice": None, "bob": "place"}
    assert adjudicate.accept_set(ctx, r.id, "bob")[0] == 3
    assert adjudicate.accept_set(ctx, r.id, "bob")[0] == 0  # idempotent
    gold = annotate.get_set(ctx, r.id, "gold")
    assert sorted((g.start, g.end, g.label) for g in gold.spans) == sorted(
        (x.start, x.end, x.label) for x in annotate.get_set(ctx, r.id, "bob").spans)
    adjudicate.reject_gold_span(ctx, r.id, gold.spans[0].id)
    assert len(annotate.get_set(ctx, r.id, "gold").spans) == 2
    assert adjudicate.disagreements(ctx, r.id)[0].in_gold == "actor"
