"""The workflow across the air gap: statuses, comments and curation decisions travel in bundles, and a
workstation's bundle never overrides a supervisor's decision. The supervisor's workstation is a SQLite
file; alice's is the parametrised backend (SQLite or the PostgreSQL server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from annotator.core.errors import PermissionDenied
from annotator.services import annotate, comments, curation, workflow
from annotator.services.bundles import export_bundle, import_bundle
from annotator.services.context import ServiceContext

from workflow_helpers import at, curated_gold_bundle, staff, store


def states(ctx: ServiceContext, rid: str) -> dict[str, str]:
    return {s.annotator: s.status for s in workflow.statuses(ctx, [rid])}


def test_round_trip_and_a_conflicting_status(supervisor: ServiceContext, ctx: ServiceContext,
                                             tmp_path: Path) -> None:
    rid = store(supervisor)
    workflow.assign(supervisor, [rid], ["alice"])
    comments.add_comment(supervisor, rid, "Mark every participant, please.")
    export_bundle(supervisor, "gold", tmp_path / "sam-1.annbundle")  # no gold yet: the assignment and its report
    # alice's workstation: the report arrives with its assignment and the note
    staff(ctx)
    ctx.actor = "alice"
    first = import_bundle(ctx, tmp_path / "sam-1.annbundle")
    assert first.reports_new == 1 and first.statuses["added"] == 1 and first.comments_added == 1
    assert states(ctx, rid) == {"alice": "assigned"}
    annotate.create_span(ctx, rid, *at("IRGC"), "actor", annotator="alice")
    workflow.mark_done(ctx, rid, annotator="alice")
    question = comments.add_comment(ctx, rid, "Is the spokesman an actor?", question=True)
    export_bundle(ctx, "alice", tmp_path / "alice-1.annbundle")
    # the supervisor receives the work, the done status and the question
    got = import_bundle(supervisor, tmp_path / "alice-1.annbundle")
    assert (got.sets_added, got.statuses["replaced"], got.comments_added) == (1, 1, 1)
    assert states(supervisor, rid)["alice"] == "done"
    assert [i.why for i in workflow.supervisor_queue(supervisor)] == ["1 open question for the supervisor",
                                                                      "done by alice"]
    workflow.set_status(supervisor, rid, "returned", annotator="alice", reason="mark Damascus too")
    comments.resolve(supervisor, question.id)
    # the same bundle of alice arrives again (a copy on a stick): her "done" does not undo the return
    again = import_bundle(supervisor, tmp_path / "alice-1.annbundle")
    assert again.statuses["kept"] == 1 and again.status_conflicts == [
        {"report": rid, "annotator": "alice", "local": "returned", "bundle": "done", "kept": "returned",
         "decided_by": "sam"}]
    assert states(supervisor, rid)["alice"] == "returned"
    assert comments.comments(supervisor, [rid], open_only=True)[0].body == "Mark every participant, please."
    export_bundle(supervisor, "gold", tmp_path / "sam-2.annbundle")
    # alice gets the return with its reason and the resolution, fixes, and is done again
    back = import_bundle(ctx, tmp_path / "sam-2.annbundle")
    assert back.statuses["replaced"] == 1 and back.comments_updated == 1
    status = workflow.status_of(ctx, rid, "alice")
    assert (status.status, status.reason, status.changed_by) == ("returned", "mark Damascus too", "sam")
    assert comments.comments(ctx, [rid], open_only=True)[0].body == "Mark every participant, please."
    annotate.create_span(ctx, rid, *at("Damascus"), "place", annotator="alice")
    workflow.mark_done(ctx, rid, annotator="alice")
    export_bundle(ctx, "alice", tmp_path / "alice-2.annbundle")
    fixed = import_bundle(supervisor, tmp_path / "alice-2.annbundle")
    assert (fixed.sets_replaced, fixed.statuses["replaced"], fixed.status_conflicts) == (1, 1, [])
    assert states(supervisor, rid)["alice"] == "done"
    log = [(h["after"], h["origin"]) for h in workflow.history(supervisor, rid) if h["annotator"] == "alice"]
    assert log[-1] == ("done", "alice-2.annbundle")


def test_decisions_travel_with_gold(supervisor: ServiceContext, ctx: ServiceContext, tmp_path: Path) -> None:
    rid = curated_gold_bundle(supervisor, tmp_path / "gold.annbundle")
    staff(ctx)
    result = import_bundle(ctx, tmp_path / "gold.annbundle")
    assert result.sets_added == 1 and result.decisions_replaced == 5
    mine = sorted((d.item, d.choice, d.rule, d.decided_by) for d in curation.decisions(ctx, rid))
    theirs = sorted((d.item, d.choice, d.rule, d.decided_by) for d in curation.decisions(supervisor, rid))
    assert mine == theirs
    assert states(ctx, rid)["gold"] == "curated"
    ctx.actor = "sam"
    with pytest.raises(PermissionDenied, match="curated"):
        curation.decide(ctx, rid, mine[0][0], "none")
    assert import_bundle(ctx, tmp_path / "gold.annbundle").changed is False  # the same bundle again: nothing
