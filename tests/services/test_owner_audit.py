"""A caller who names nobody acts as the file's owner (docs/workflow.md) and may do what a supervisor
does; the records then say so: status changes, assignments, curation decisions and resolved comments
name the owner, never the assignee or gold. Through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from annotator.core.errors import ValidationError
from annotator.core.ids import OWNER
from annotator.services import comments, curation, roles, workflow

from workflow_helpers import annotate_three, staff, store


def test_nobody_named_is_recorded_as_the_owner(ctx: Any) -> None:
    staff(ctx)  # a supervisor: roles are in force
    rid = store(ctx)
    annotate_three(ctx, rid)
    ctx.actor = None
    workflow.set_status(ctx, rid, "done", annotator="alice")
    workflow.assign(ctx, [rid], ["sam"])
    curation.accept_by_rule(ctx, "majority", [rid])
    ctx.actor = "alice"
    thread = comments.add_comment(ctx, rid, "is the date right?")
    ctx.actor = None
    comments.resolve(ctx, thread.id)
    moves = [(h["annotator"], h["before"], h["after"], h["by"]) for h in workflow.history(ctx, rid)]
    owned = [m for m in moves if m[3] == OWNER]
    assert owned == [("alice", "in_progress", "done", OWNER), ("sam", None, "assigned", OWNER),
                     ("gold", None, "in_progress", OWNER)]
    assert all(by != "gold" for *_, by in moves)
    decided = curation.decisions(ctx, rid)
    assert decided and {d.decided_by for d in decided} == {OWNER}
    assert workflow.status_of(ctx, rid, "alice").changed_by == OWNER
    assert comments.comments(ctx, [rid])[0].resolved_by == OWNER


def test_a_named_supervisor_is_recorded_by_name_and_nobody_may_take_the_owners_name(ctx: Any) -> None:
    staff(ctx)
    rid = store(ctx)
    ctx.actor = "sam"
    workflow.assign(ctx, [rid], ["alice"])
    assert [h["by"] for h in workflow.history(ctx, rid)] == ["sam"]
    with pytest.raises(ValidationError, match="names the file's owner"):
        roles.add_person(ctx, OWNER, "supervisor")
