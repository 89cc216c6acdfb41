"""The workflow's rules without a database: who may move a status where, round-robin plans, the
status merge of bundles, and how curation groups candidates and applies its bulk rules."""

from __future__ import annotations

import pytest
from annotator.core.curation import (
    NONE,
    ONE_ONLY,
    OTHER_LABEL,
    OVERLAPPING,
    SAME,
    SAME_OTHER_VALUES,
    curation_state,
    parse_rule,
    span_groups,
)
from annotator.core.errors import PermissionDenied, UsageError, ValidationError
from annotator.core.gold_steps import decision_step, rule_step
from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.core.workflow import Status, check_move, parse_state, plan_assignments
from annotator.exchange.merge import ADDED, IGNORED, KEPT, OLDER, REPLACED, UNCHANGED, status_decision


@pytest.mark.parametrize("before, after, supervisor, owner, outcome", [
    (None, "in_progress", False, True, None), ("assigned", "done", False, True, None),
    ("returned", "in_progress", False, True, None), ("done", "in_progress", False, True, PermissionDenied),
    ("done", "accepted", False, True, PermissionDenied), ("done", "accepted", True, False, None),
    ("done", "returned", True, False, None), ("accepted", "returned", True, False, None),
    ("assigned", "accepted", True, False, ValidationError), (None, "assigned", False, False, PermissionDenied),
    (None, "assigned", True, False, None), ("in_progress", "done", True, False, ValidationError),
])
def test_who_moves_a_status_where(before, after, supervisor, owner, outcome) -> None:  # type: ignore[no-untyped-def]
    if outcome is None:
        check_move("alice", before, after, as_supervisor=supervisor, as_owner=owner, reason="why")
    else:
        with pytest.raises(outcome):
            check_move("alice", before, after, as_supervisor=supervisor, as_owner=owner, reason="why")


def test_gold_curation_and_state_names() -> None:
    check_move("gold", None, "curated", as_supervisor=True, as_owner=False)
    check_move("gold", "curated", "in_progress", as_supervisor=True, as_owner=False)
    with pytest.raises(PermissionDenied):
        check_move("gold", "in_progress", "curated", as_supervisor=False, as_owner=True)
    assert parse_state("done, nothing to mark") == "done_empty" and parse_state("in progress") == "in_progress"
    with pytest.raises(ValidationError, match="not a status"):
        parse_state("finished")


def test_round_robin_plan() -> None:
    ids = [f"r{i}" for i in range(10)]
    plan = plan_assignments(ids, ["a", "b", "c"], per_report=3, overlap=0.2)
    assert sum(len(v) == 3 for v in plan.values()) == 2 and sum(len(v) == 1 for v in plan.values()) == 8
    load = {n: sum(n in v for v in plan.values()) for n in "abc"}
    assert max(load.values()) - min(load.values()) <= 1
    assert plan_assignments(["r1"], ["a", "b"], per_report=2, existing={"r1": {"b"}}) == {"r1": ["a"]}
    with pytest.raises(UsageError, match="3 annotators per report, but 2"):
        plan_assignments(ids, ["a", "b"], per_report=3)


def s(status: str, rev: int, decision_rev: int, by_supervisor: bool, reason: str | None = None) -> Status:
    return Status("r" * 64, "alice", status, reason, rev, decision_rev, "sam" if by_supervisor else "alice",
                  by_supervisor, "2026-12-05T10:00:00+00:00")


def test_a_workstation_never_overrides_a_supervisor_decision() -> None:
    returned = s("returned", 4, 4, True, "mark Damascus")
    assert status_decision(returned, s("done", 3, 1, False), from_supervisor=False) == KEPT  # older done
    assert status_decision(s("returned", 3, 3, True), s("done", 3, 1, False), from_supervisor=False) == KEPT
    assert status_decision(returned, s("done", 6, 4, False), from_supervisor=False) == REPLACED  # after the return
    assert status_decision(returned, s("accepted", 5, 5, True), from_supervisor=False) == IGNORED
    assert status_decision(None, s("in_progress", 2, 1, False), from_supervisor=False) == ADDED
    assert status_decision(s("done", 3, 1, False), s("done", 3, 1, False), from_supervisor=False) == UNCHANGED
    assert status_decision(s("done", 3, 1, False), s("in_progress", 2, 1, False), from_supervisor=False) == OLDER
    # from the supervisor: newer wins, and at the same revision a decision beats an annotator's state
    assert status_decision(s("done", 3, 1, False), returned, from_supervisor=True) == REPLACED
    assert status_decision(s("done", 3, 1, False), s("returned", 3, 3, True), from_supervisor=True) == REPLACED
    assert status_decision(s("in_progress", 5, 4, False), returned, from_supervisor=True) == OLDER


def sp(sid: str, start: int, end: int, label: str, **kw) -> Span:  # type: ignore[no-untyped-def]
    return Span(sid, start, end, label, **kw)


def test_groups_by_position_and_nesting() -> None:
    sets = {"a": [sp("T1", 0, 50, "claim"), sp("T2", 0, 10, "actor"), sp("T3", 20, 30, "place")],
            "b": [sp("T1", 0, 48, "claim"), sp("T2", 0, 10, "actor"), sp("T3", 20, 30, "actor"),
                  sp("T4", 20, 30, "place")],
            "c": [sp("T1", 0, 10, "actor", value=None, entity="actor:x"), sp("T2", 40, 45, "date")]}
    groups = span_groups(sets)
    kinds = {(g.start, g.end): g.kind for g in groups}
    assert kinds == {(0, 50): OVERLAPPING, (0, 10): SAME_OTHER_VALUES, (20, 30): OTHER_LABEL, (40, 45): ONE_ONLY}
    nested = {(g.start, g.end): g for g in groups}[(0, 10)]
    assert nested.chosen_by(("majority", 0)) == "a"  # a and b agree (c linked it to an entity)
    stacked = {(g.start, g.end): g for g in groups}[(20, 30)]
    assert [s.label for s in stacked.versions["b"]] == ["actor", "place"]  # stacked spans stay in one version
    assert stacked.chosen_by(("majority", 0)) is None
    assert parse_rule("atleast:2") == ("atleast", 2)
    with pytest.raises(ValidationError):
        parse_rule("atleast:0")


def test_steps_keep_gold_ids_and_relations() -> None:
    sets = {"a": ([sp("T1", 0, 50, "claim"), sp("T2", 0, 10, "actor")], [Relation("R3", "T1", "T2", "source")]),
            "b": ([sp("T7", 0, 50, "claim"), sp("T8", 0, 10, "actor")], [Relation("R9", "T7", "T8", "source")])}
    state = curation_state("r", sets, ([], []), {})
    step, nxt, left = rule_step(state, ("unanimous", 0), next_key=4, actor="sam", now="t",
                                spans={w: x[0] for w, x in sets.items()})
    assert ([s.id for s in step.add_spans], [(r.id, r.head, r.tail) for r in step.add_relations], nxt, left) == (
        ["T4", "T5"], [("R6", "T4", "T5")], 7, 0)
    after = curation_state("r", sets, (list(step.add_spans), list(step.add_relations)),
                           {d.item: d for d in step.decisions_after})
    claim = after.spans[0]
    undo, _ = decision_step(after, claim.key, NONE, next_key=7, actor="sam", now="t2")
    assert [s.id for s in undo.remove_spans] == ["T4"] and [r.id for r in undo.remove_relations] == ["R6"]
    assert undo.inverse().add_relations == undo.remove_relations
    assert after.group(claim.key).kind == SAME
