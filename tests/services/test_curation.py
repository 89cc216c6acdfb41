"""Curation for N annotators through the services, on SQLite and PostgreSQL: candidate groups and their
kinds, bulk rules (with a dry run), decisions by hand that undo and redo exactly, relations, stacked
spans, edited versions, progress that survives reopening, and who decided what, when."""

from __future__ import annotations

import pytest
from annotator.core.curation import NONE, ONE_ONLY, OTHER_LABEL, OVERLAPPING, SAME
from annotator.core.errors import StaleEdit, ValidationError
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.services import annotate, curation, events
from annotator.services.reports import store_report

from workflow_helpers import TEXT, annotate_three, at, staff, store


def gold_rows(ctx, rid):  # type: ignore[no-untyped-def]
    g = annotate.get_set(ctx, rid, "gold")
    return (sorted((s.id, s.start, s.end, s.label, s.value) for s in g.spans),
            sorted((r.id, r.head, r.tail, r.label) for r in g.relations))


def by_text(view):  # type: ignore[no-untyped-def]
    return {TEXT[g.start:g.end] if g.item == "span" else "relation": g for g in view.state.groups}


def test_groups_kinds_and_a_majority_with_dry_run(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    annotate_three(ctx, rid)
    view = curation.open_curation(ctx, rid)
    groups = by_text(view)
    assert view.state.annotators == ("alice", "bob", "carol")
    assert {k: g.kind for k, g in groups.items()} == {
        "7 April 2024": OVERLAPPING, "IRGC": SAME, "Deir ez-Zor": OTHER_LABEL, "the Syrian Observatory said": SAME,
        "Syrian Observatory": SAME, "Damascus": ONE_ONLY, "relation": SAME}
    assert groups["IRGC"].unanimous and not groups["Syrian Observatory"].unanimous
    assert view.state.progress == (0, 7)
    ctx.actor = "sam"
    preview = curation.accept_by_rule(ctx, "majority", dry_run=True)
    assert preview.totals == {"accepted": 5, "spans": 4, "relations": 1, "left": 2}
    assert gold_rows(ctx, rid) == ([], []) and curation.decisions(ctx, rid) == []  # a dry run writes nothing
    done = curation.accept_by_rule(ctx, "majority")
    assert done.totals == preview.totals
    spans, relations = gold_rows(ctx, rid)
    assert [(TEXT[s:e], label) for _id, s, e, label, _v in spans] == [
        ("IRGC", "actor"), ("Deir ez-Zor", "place"), ("the Syrian Observatory said", "claim"),
        ("Syrian Observatory", "actor")]
    assert [r[3] for r in relations] == ["source"]
    decided = curation.decisions(ctx, rid)
    assert {(d.choice, d.rule, d.decided_by) for d in decided} == {("alice", "majority", "sam")}
    assert curation.open_curation(ctx, rid).state.progress == (5, 7)  # reopening resumes
    again = curation.accept_by_rule(ctx, "majority")
    assert again.totals["accepted"] == 0 and again.totals["left"] == 2


def test_each_decision_is_one_step_that_undoes_and_redoes_exactly(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    annotate_three(ctx, rid)
    ctx.actor = "sam"
    step, change = curation.accept_report_by_rule(ctx, rid, "majority", expect_version=0)
    assert change.version == 1 and len(step.add_spans) == 4
    after_rule = gold_rows(ctx, rid)
    groups = by_text(curation.open_curation(ctx, rid))
    date, damascus = groups["7 April 2024"], groups["Damascus"]
    first, change = curation.decide(ctx, rid, date.key, "bob", expect_version=1)
    assert [(s.label, s.value) for s in first.add_spans] == [("date", "2024-04")]
    with pytest.raises(StaleEdit):  # made against the version before: refused, nothing written
        curation.decide(ctx, rid, damascus.key, NONE, expect_version=1)
    _, change = curation.decide(ctx, rid, damascus.key, NONE, expect_version=2)
    assert curation.open_curation(ctx, rid).state.progress == (7, 7)
    decided = {d.item: d for d in curation.decisions(ctx, rid)}
    assert (decided[damascus.key].choice, decided[damascus.key].decided_by) == ("none", "sam")
    assert decided[date.key].decided_at
    with_date = gold_rows(ctx, rid)
    # undo the date decision (its inverse), then redo it: exactly the same rows, same ids
    _, change = curation.apply_step(ctx, rid, first.inverse(), expect_version=3)
    assert gold_rows(ctx, rid) == after_rule
    assert date.key not in {d.item for d in curation.decisions(ctx, rid)}
    _, change = curation.apply_step(ctx, rid, first, expect_version=4)
    assert gold_rows(ctx, rid) == with_date
    # the bulk rule is one step too: undoing it takes out what it accepted, and only that
    with pytest.raises(StaleEdit):
        curation.apply_step(ctx, rid, step.inverse(), expect_version=4)
    curation.apply_step(ctx, rid, step.inverse(), expect_version=5)
    assert [(TEXT[s:e], v) for _i, s, e, _l, v in gold_rows(ctx, rid)[0]] == [("7 April 2024", "2024-04")]
    view = curation.open_curation(ctx, rid)
    assert (view.state.gold_version, view.state.progress) == (6, (2, 7))


def test_changing_a_decision_replaces_gold_and_keeps_the_history(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    annotate_three(ctx, rid)
    ctx.actor = "sam"
    place = by_text(curation.open_curation(ctx, rid))["Deir ez-Zor"]
    curation.decide(ctx, rid, place.key, "alice")
    step, _ = curation.decide(ctx, rid, place.key, "carol")
    assert [s.label for s in step.remove_spans] == ["place"] and [s.label for s in step.add_spans] == ["actor"]
    assert step.decisions_before[0].choice == "alice" and step.decisions_after[0].choice == "carol"
    edited = (Span("?", *at("Deir ez-Zor"), "place", value=None, entity=None),
              Span("?", *at("Deir ez-Zor"), "actor"))  # stacked: both labels, an edited version
    step, _ = curation.decide(ctx, rid, place.key, "edited", edited=edited)
    assert sorted(s.label for s in annotate.get_set(ctx, rid, "gold").spans) == ["actor", "place"]
    with ctx.uow() as uow:
        ops = [e.op for e in uow.repo.edits(uow.repo.set_row(rid, "gold"))]
    assert ops == ["decide", "decide", "decide"]
    with pytest.raises(ValidationError, match="has no version here"):
        curation.decide(ctx, rid, place.key, "zoe")


def test_a_relation_waits_for_its_spans_and_stacked_spans_are_kept(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    annotate_three(ctx, rid)
    ctx.actor = "alice"
    s, e = at("Deir ez-Zor")
    annotate.create_span(ctx, rid, s, e, "actor", annotator="alice")  # stacked on her place
    ctx.actor = "sam"
    groups = by_text(curation.open_curation(ctx, rid))
    with pytest.raises(ValidationError, match="spans this relation names are not in gold yet"):
        curation.decide(ctx, rid, groups["relation"].key, "alice")
    curation.decide(ctx, rid, groups["Deir ez-Zor"].key, "alice")
    gold = annotate.get_set(ctx, rid, "gold")
    assert sorted((TEXT[x.start:x.end], x.label) for x in gold.spans) == [("Deir ez-Zor", "actor"),
                                                                         ("Deir ez-Zor", "place")]
    for key in ("the Syrian Observatory said", "Syrian Observatory"):
        curation.decide(ctx, rid, groups[key].key, "bob")
    curation.decide(ctx, rid, groups["relation"].key, "alice")
    assert [r.label for r in annotate.get_set(ctx, rid, "gold").relations] == ["source"]


def test_five_annotators_at_least_k_and_the_corpus_progress(ctx) -> None:  # type: ignore[no-untyped-def]
    people = ["ann1", "ann2", "ann3", "ann4", "ann5"]
    report = Report.of(TEXT, title="five")
    store_report(ctx, report)
    other = Report.of(TEXT + "More.", title="other")
    store_report(ctx, other)
    for i, who in enumerate(people):
        for fragment, label in (("IRGC", "actor"), ("Deir ez-Zor", "place" if i < 3 else "actor")):
            s, e = at(fragment)
            annotate.create_span(ctx, report.id, s, e, label, annotator=who)
        if i < 2:
            annotate.create_span(ctx, report.id, *at("Damascus"), "place", annotator=who)
    annotate.create_span(ctx, other.id, *at("IRGC"), "actor", annotator="ann1")
    view = curation.open_curation(ctx, report.id)
    assert len(view.state.annotators) == 5 and view.state.progress == (0, 3)
    assert curation.accept_by_rule(ctx, "atleast:3", [report.id], dry_run=True).totals["accepted"] == 2
    assert curation.accept_by_rule(ctx, "atleast:2", [report.id], dry_run=True).totals["accepted"] == 3
    result = curation.accept_by_rule(ctx, "unanimous")
    assert [(r["accepted"], r["left"]) for r in sorted(result.reports, key=lambda r: r["title"])] == [(1, 2), (1, 0)]
    progress = curation.corpus_progress(ctx)
    assert (progress["decided"], progress["groups"], progress["n_reports"]) == (2, 4, 2)
    with pytest.raises(ValidationError, match="not a rule"):
        curation.accept_by_rule(ctx, "most")


def test_events_are_curated_too(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    ids = annotate_three(ctx, rid)
    for who, qualifiers in (("alice", ()), ("bob", ()), ("carol", ("hypothetical",))):
        ctx.actor = who
        claim = ids[who].get("the Syrian Observatory said") or annotate.create_span(
            ctx, rid, *at("the Syrian Observatory said"), "claim", annotator=who)[0].id
        events.create_event(ctx, rid, "meeting", annotator=who, claims=(claim,), qualifiers=qualifiers,
                            roles={"actor1": (ids[who]["IRGC"],)})
    ctx.actor = "sam"
    view = curation.open_curation(ctx, rid)
    (event,) = view.state.events
    assert event.kind == "same span, other values" and event.chosen_by(("majority", 0)) == "alice"
    curation.accept_by_rule(ctx, "majority", [rid])  # the spans it names first, then the event
    gold = annotate.get_set(ctx, rid, "gold")
    (made,) = gold.events
    spans = gold.by_id()
    assert made.type == "meeting" and [spans[c].label for c in made.claims] == ["claim"]
    assert [spans[i].label for i in made.roles["actor1"]] == ["actor"]
    event = curation.open_curation(ctx, rid).state.group(event.key)
    step, _ = curation.decide(ctx, rid, event.key, "carol")  # a person prefers carol's hypothetical one
    assert [e.qualifiers for e in annotate.get_set(ctx, rid, "gold").events] == [("hypothetical",)]
    curation.apply_step(ctx, rid, step.inverse())
    assert annotate.get_set(ctx, rid, "gold").events == (made,)
