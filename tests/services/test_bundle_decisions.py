"""A workstation's bundle never overrides a supervisor's decision about a set: work marked done or
accepted, and a curated report's gold, are kept local on import (the rule a load and an edit obey),
reported one set at a time, while the rest of the bundle imports. The supervisor's database is a
SQLite file; the workstation is the parametrised backend (SQLite or the PostgreSQL server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from annotator.core.errors import PermissionDenied
from annotator.core.report import Report
from annotator.services import annotate, curation, workflow
from annotator.services.bundles import ImportSummary, export_bundle, import_bundle
from annotator.services.context import ServiceContext
from annotator.services.reports import store_report

from workflow_helpers import TEXT, annotate_three, at, curated_gold_bundle, staff, store


def two_reports(ctx: ServiceContext) -> tuple[str, str]:
    first = store(ctx)
    other = Report.of(TEXT.replace("Damascus", "Beirut"), title="Beirut denial", published="2024-04-09")
    store_report(ctx, other)
    return first, other.id


def spans(ctx: ServiceContext, rid: str, who: str) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in annotate.get_set(ctx, rid, who).spans)


def bob_edits(ctx: ServiceContext, rids: tuple[str, ...], fragment: str, label: str) -> None:
    saved, ctx.actor = ctx.actor, "bob"
    try:
        for rid in rids:
            annotate.create_span(ctx, rid, *at(fragment), label, annotator="bob")
    finally:
        ctx.actor = saved


def bob_marks_done(ctx: ServiceContext, rid: str) -> None:
    saved, ctx.actor = ctx.actor, "bob"
    try:
        workflow.mark_done(ctx, rid, annotator="bob")
    finally:
        ctx.actor = saved


@pytest.fixture
def bob_at_work(supervisor: ServiceContext, ctx: ServiceContext, tmp_path: Path) -> tuple[str, str]:
    """bob's workstation (``ctx``) annotated two reports and the supervisor imported that bundle; then bob
    went on with both reports at home (a second bundle, ``bob-2.annbundle``, newer on both)."""
    staff(ctx)
    a, b = two_reports(ctx)
    bob_edits(ctx, (a, b), "IRGC", "actor")
    export_bundle(ctx, "bob", tmp_path / "bob-1.annbundle")
    assert import_bundle(supervisor, tmp_path / "bob-1.annbundle").sets_added == 2
    bob_edits(ctx, (a, b), "Deir ez-Zor", "place")
    export_bundle(ctx, "bob", tmp_path / "bob-2.annbundle")
    return a, b


def kept(summary: ImportSummary) -> list[tuple[str, str, str, str]]:
    return [(k["report"], k["annotator"], k["state"], k["decided_by"]) for k in summary.kept_by_decision]


def test_an_accepted_set_is_kept_local_and_the_rest_imports(supervisor: ServiceContext, tmp_path: Path,
                                                            bob_at_work: tuple[str, str]) -> None:
    a, b = bob_at_work
    bob_marks_done(supervisor, a)
    workflow.set_status(supervisor, a, "accepted", annotator="bob")
    accepted = spans(supervisor, a, "bob")
    got = import_bundle(supervisor, tmp_path / "bob-2.annbundle")
    assert (got.sets_replaced, got.sets_kept_by_decision) == (1, 1)
    assert kept(got) == [(a, "bob", "accepted", "sam")]
    assert got.kept_by_decision[0]["bundle_version"] > got.kept_by_decision[0]["local_version"]
    assert spans(supervisor, a, "bob") == accepted and len(accepted) == 1  # what sam accepted
    assert len(spans(supervisor, b, "bob")) == 2  # the other report's newer work came in
    assert workflow.status_of(supervisor, a, "bob").status == "accepted"
    sentence = got.kept_sentences()[0]
    assert sentence.startswith(f"kept local: report {a[:12]}… bob's set is accepted here (by sam, ")
    assert "read-only for bob until a supervisor returns it" in sentence
    assert got.to_json()["kept_by_decision"][0]["state"] == "accepted"
    assert got.to_json()["sets"]["kept_by_decision"] == 1
    # once sam returns it, the same bundle's newer work imports as before
    workflow.set_status(supervisor, a, "returned", annotator="bob", reason="look again")
    again = import_bundle(supervisor, tmp_path / "bob-2.annbundle")
    assert (again.sets_replaced, again.kept_by_decision) == (1, [])
    assert len(spans(supervisor, a, "bob")) == 2


def test_a_done_set_is_kept_local_as_a_load_or_an_edit_is_refused(supervisor: ServiceContext, tmp_path: Path,
                                                                 bob_at_work: tuple[str, str]) -> None:
    a, _b = bob_at_work
    bob_marks_done(supervisor, a)
    with pytest.raises(PermissionDenied, match="read-only for bob"):
        bob_edits(supervisor, (a,), "Damascus", "place")
    got = import_bundle(supervisor, tmp_path / "bob-2.annbundle")
    assert kept(got) == [(a, "bob", "done", "bob")] and got.sets_replaced == 1
    assert len(spans(supervisor, a, "bob")) == 1


def _gold_version(ctx: ServiceContext, rid: str) -> int:
    return annotate.get_set(ctx, rid, "gold").version


def test_curated_gold_is_kept_until_its_curation_is_reopened(supervisor: ServiceContext, ctx: ServiceContext,
                                                             tmp_path: Path) -> None:
    rid = store(supervisor)
    annotate_three(supervisor, rid)
    curation.accept_by_rule(supervisor, "majority")
    workflow.set_status(supervisor, rid, "curated")
    curated = spans(supervisor, rid, "gold")
    # somebody's workstation writes a "gold" of its own, newer by its edit counter
    store(ctx)
    for fragment in ("IRGC", "Damascus", "Deir ez-Zor", "militia commanders", "officers", "spokesman"):
        annotate.create_span(ctx, rid, *at(fragment), "actor", annotator="gold", adjudicating=True)
    assert _gold_version(ctx, rid) > _gold_version(supervisor, rid)
    export_bundle(ctx, "gold", tmp_path / "gold.annbundle")
    got = import_bundle(supervisor, tmp_path / "gold.annbundle")
    assert kept(got) == [(rid, "gold", "curated", "sam")] and got.sets_replaced == 0
    assert "read-only until its curation is reopened" in got.kept_sentences()[0]
    assert spans(supervisor, rid, "gold") == curated
    assert workflow.status_of(supervisor, rid, "gold").status == "curated"
    workflow.set_status(supervisor, rid, "in_progress", annotator="gold")  # sam reopens the curation
    again = import_bundle(supervisor, tmp_path / "gold.annbundle")
    assert (again.sets_replaced, again.kept_by_decision) == (1, [])
    assert len(spans(supervisor, rid, "gold")) == 6


def test_the_supervisors_re_curated_gold_replaces_curated_gold_on_a_workstation(
        supervisor: ServiceContext, ctx: ServiceContext, tmp_path: Path) -> None:
    """The supervisor's own bundle carries the newer curated row with its gold: that decision follows
    the one the workstation holds, so the gold it was made on comes in with it."""
    rid = curated_gold_bundle(supervisor, tmp_path / "gold-1.annbundle")
    staff(ctx)
    import_bundle(ctx, tmp_path / "gold-1.annbundle")
    assert workflow.status_of(ctx, rid, "gold").status == "curated"
    workflow.set_status(supervisor, rid, "in_progress", annotator="gold")
    annotate.create_span(supervisor, rid, *at("Damascus"), "place", annotator="gold", adjudicating=True)
    workflow.set_status(supervisor, rid, "curated")
    export_bundle(supervisor, "gold", tmp_path / "gold-2.annbundle")
    got = import_bundle(ctx, tmp_path / "gold-2.annbundle")
    assert (got.sets_replaced, got.kept_by_decision) == (1, [])
    assert spans(ctx, rid, "gold") == spans(supervisor, rid, "gold")
    assert workflow.status_of(ctx, rid, "gold").status == "curated"
