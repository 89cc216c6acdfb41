"""Assignment, status and roles through the services, on SQLite and PostgreSQL: each move is checked,
logged and durable; an annotator edits only their own set, work marked done is read-only until
returned, and only a supervisor assigns, accepts, returns or writes gold — each refusal one sentence."""

from __future__ import annotations

import pytest
from annotator.core.errors import PermissionDenied, ValidationError
from annotator.core.report import Report
from annotator.services import adjudicate, annotate, curation, roles, workflow
from annotator.services.reports import store_report

from workflow_helpers import annotate_three, at, staff, store


def test_assigned_in_progress_done_returned_fixed_accepted(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    ctx.actor = "sam"
    assert {s.annotator for s in workflow.assign(ctx, [rid], ["alice", "bob"])} == {"alice", "bob"}
    assert workflow.assign(ctx, [rid], ["alice"]) == []  # already assigned: kept as it is
    ctx.actor = "alice"
    assert [i.why for i in workflow.queue(ctx, "alice")] == ["assigned"]
    s, e = at("IRGC")
    span, _ = annotate.create_span(ctx, rid, s, e, "actor", annotator="alice")
    assert workflow.status_of(ctx, rid, "alice").status == "in_progress"  # the first edit
    workflow.mark_done(ctx, rid, annotator="alice")
    with pytest.raises(PermissionDenied, match="alice marked this report done: it is read-only for alice until a "
                                               "supervisor returns it"):
        annotate.delete_span(ctx, rid, span.id, annotator="alice")
    with pytest.raises(PermissionDenied, match="only a supervisor may accept alice's work"):
        workflow.set_status(ctx, rid, "accepted", annotator="alice")
    ctx.actor = "sam"
    assert [(i.annotator, i.why) for i in workflow.supervisor_queue(ctx)] == [("alice", "done by alice")]
    with pytest.raises(ValidationError, match="needs a reason"):
        workflow.set_status(ctx, rid, "returned", annotator="alice")
    workflow.set_status(ctx, rid, "returned", annotator="alice", reason="the date is missing")
    ctx.actor = "alice"
    assert [i.why for i in workflow.queue(ctx, "alice")] == ["returned: the date is missing"]
    s, e = at("7 April 2024")
    annotate.create_span(ctx, rid, s, e, "date", annotator="alice")
    assert workflow.status_of(ctx, rid, "alice").status == "in_progress"
    workflow.mark_done(ctx, rid, annotator="alice")
    ctx.actor = "sam"
    accepted = workflow.set_status(ctx, rid, "accepted", annotator="alice")
    assert (accepted.status, accepted.changed_by, accepted.by_supervisor) == ("accepted", "sam", True)
    moves = [(h["annotator"], h["before"], h["after"], h["by"]) for h in workflow.history(ctx, rid)]
    assert moves == [("alice", None, "assigned", "sam"), ("bob", None, "assigned", "sam"),
                     ("alice", "assigned", "in_progress", "alice"), ("alice", "in_progress", "done", "alice"),
                     ("alice", "done", "returned", "sam"), ("alice", "returned", "in_progress", "alice"),
                     ("alice", "in_progress", "done", "alice"), ("alice", "done", "accepted", "sam")]
    assert workflow.history(ctx, rid)[4]["reason"] == "the date is missing"
    assert workflow.supervisor_queue(ctx) == []


def test_done_nothing_to_mark_only_without_spans(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    ctx.actor = "bob"
    assert workflow.mark_done(ctx, rid, annotator="bob", empty=True).status == "done_empty"
    ctx.actor = "alice"
    s, e = at("IRGC")
    annotate.create_span(ctx, rid, s, e, "actor", annotator="alice")
    with pytest.raises(ValidationError, match="alice has 1 span.*mark it done instead"):
        workflow.mark_done(ctx, rid, annotator="alice", empty=True)


def test_an_annotator_writes_only_their_own_set(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    ids = annotate_three(ctx, rid)
    ctx.actor = "alice"
    with pytest.raises(PermissionDenied, match="^alice may not change bob's annotations: each annotator edits only "
                                               "their own set$"):
        annotate.delete_span(ctx, rid, ids["bob"]["IRGC"], annotator="bob")
    with pytest.raises(PermissionDenied, match="alice is an annotator in this database: only a supervisor writes "
                                               "the gold set"):
        adjudicate.accept_set(ctx, rid, "alice")
    with pytest.raises(PermissionDenied, match="only a supervisor writes the gold set"):
        curation.accept_by_rule(ctx, "majority", [rid])
    with pytest.raises(PermissionDenied, match="only a supervisor may assign reports"):
        workflow.assign(ctx, [rid], ["alice"])
    with pytest.raises(PermissionDenied, match="only a supervisor may add annotators"):
        roles.add_person(ctx, "alice", "supervisor")
    assert annotate.get_set(ctx, rid, "gold").spans == ()
    ctx.actor = "sam"  # a supervisor writes gold, but still not another annotator's set
    assert adjudicate.accept_set(ctx, rid, "alice")[0] == 5
    with pytest.raises(PermissionDenied, match="a supervisor returns work to its annotator instead"):
        annotate.delete_span(ctx, rid, ids["bob"]["IRGC"], annotator="bob")
    assert roles.whoami(ctx) == {"annotator": "sam", "role": "supervisor", "roles_active": True}


def test_without_a_supervisor_everyone_acts_as_one(ctx) -> None:  # type: ignore[no-untyped-def]
    rid = store(ctx)
    ctx.actor = "alice"
    s, e = at("IRGC")
    annotate.create_span(ctx, rid, s, e, "actor", annotator="alice")
    assert adjudicate.accept_set(ctx, rid, "alice")[0] == 1  # one analyst's own database
    assert roles.whoami(ctx)["roles_active"] is False
    roles.add_person(ctx, "alice", "supervisor")  # the first supervisor: anyone may name one
    ctx.actor = "bob"
    with pytest.raises(PermissionDenied):
        roles.add_person(ctx, "bob", "supervisor")


def test_curated_gold_is_read_only_until_reopened(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    annotate_three(ctx, rid)
    ctx.actor = "sam"
    curation.accept_by_rule(ctx, "unanimous", [rid])
    workflow.set_status(ctx, rid, "curated")
    with pytest.raises(PermissionDenied, match="gold is marked curated: reopen its curation first"):
        adjudicate.accept_set(ctx, rid, "bob")
    assert curation.accept_by_rule(ctx, "majority", [rid]).skipped[0]["why"] == "curated"
    ctx.actor = "alice"
    with pytest.raises(PermissionDenied, match="only a supervisor marks a report curated"):
        workflow.set_status(ctx, rid, "in_progress", annotator="gold")
    ctx.actor = "sam"
    workflow.set_status(ctx, rid, "in_progress", annotator="gold")
    assert adjudicate.accept_set(ctx, rid, "bob")[0] > 0


def test_the_edit_log_names_who_decided(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    annotate_three(ctx, rid)
    ctx.actor = "sam"
    adjudicate.accept_set(ctx, rid, "alice")
    with ctx.uow() as uow:
        gold = uow.repo.set_row(rid, "gold")
        alice = uow.repo.set_row(rid, "alice")
        assert {e.annotator for e in uow.repo.edits(gold)} == {"sam"}
        assert {e.annotator for e in uow.repo.edits(alice)} == {"alice"}


def test_round_robin_assignment_spreads_reports(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    ids = []
    for i in range(6):
        report = Report.of(f"Report number {i} about Raqqa.", title=f"r{i}")
        store_report(ctx, report)
        ids.append(report.id)
    ctx.actor = "sam"
    plan = workflow.plan_round_robin(ctx, ids, ["alice", "bob", "carol"], per_report=2, overlap=0.5)
    assert sorted(len(v) for v in plan.values()) == [1, 1, 1, 2, 2, 2]
    load = {n: sum(n in v for v in plan.values()) for n in ("alice", "bob", "carol")}
    assert max(load.values()) - min(load.values()) <= 1
    made = workflow.apply_plan(ctx, plan)
    assert len(made) == 9 and {s.status for s in made} == {"assigned"}
    again = workflow.plan_round_robin(ctx, ids, ["alice", "bob", "carol"], per_report=2, overlap=0.5)
    assert all(len(v) == 0 for rid, v in again.items() if len(plan[rid]) == 2)
