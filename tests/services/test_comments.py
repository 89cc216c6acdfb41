"""Comment threads through the services, on SQLite and PostgreSQL: anchored to the report, a span or a
relation; replies; resolving (the author or a supervisor); a question for the supervisor joins their
queue until resolved."""

from __future__ import annotations

import pytest
from annotator.core.errors import NotFound, PermissionDenied, ValidationError
from annotator.services import comments, workflow

from workflow_helpers import annotate_three, at, staff, store


def test_threads_on_a_report_a_span_and_a_relation(ctx) -> None:  # type: ignore[no-untyped-def]
    staff(ctx)
    rid = store(ctx)
    ids = annotate_three(ctx, rid)
    ctx.actor = "alice"
    on_report = comments.add_comment(ctx, rid, "Is this the same meeting as on 5 April?")
    on_span = comments.add_comment(ctx, rid, "Place or actor here?", span=ids["carol"]["Deir ez-Zor"], of="carol",
                                   question=True)
    assert (on_span.anchor, on_span.anchor_set, on_span.anchor_key) == ("span", "carol", ids["carol"]["Deir ez-Zor"])
    assert (on_span.anchor_start, on_span.anchor_end) == at("Deir ez-Zor")
    on_relation = comments.add_comment(ctx, rid, "Source of the claim", relation="R6")
    assert (on_relation.anchor, on_relation.anchor_start) == ("relation", at("the Syrian Observatory said")[0])
    with pytest.raises(NotFound, match="span T99 is not in alice's set"):
        comments.add_comment(ctx, rid, "x", span="T99")
    with pytest.raises(ValidationError, match="needs some text"):
        comments.add_comment(ctx, rid, "   ")
    ctx.actor = "sam"
    assert [i.why for i in workflow.supervisor_queue(ctx)] == ["1 open question for the supervisor"]
    answer = comments.reply(ctx, on_span.id, "Place: the city, not the council.")
    assert answer.thread == on_span.id and answer.is_reply and answer.anchor_key == on_span.anchor_key
    ctx.actor = "bob"
    with pytest.raises(PermissionDenied, match="only alice, who started this thread, or a supervisor may resolve it"):
        comments.resolve(ctx, answer.id)
    ctx.actor = "alice"
    resolved = comments.resolve(ctx, answer.id)  # any comment of the thread names it
    assert resolved.id == on_span.id and resolved.resolved_by == "alice"
    assert workflow.supervisor_queue(ctx) == []
    threads = comments.threads(ctx, rid)
    assert [t.first.id for t in threads] == [on_report.id, on_span.id, on_relation.id]
    assert [c.body for c in threads[1].replies] == ["Place: the city, not the council."]
    assert {c.id for c in comments.comments(ctx, [rid], open_only=True)} == {on_report.id, on_relation.id}
    ctx.actor = None
    with pytest.raises(ValidationError, match="say who writes this comment"):
        comments.add_comment(ctx, rid, "anonymous")
