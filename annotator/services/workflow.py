"""Assignment and status per (report, annotator), as edits: each move is checked against the rules
(``core.workflow``) and the mover's role, written with a new revision, logged, and committed in one
transaction. The guard every set write passes through lives here too: roles, the read-only rule for
work marked done, and the automatic *in progress* on the first edit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from annotator.core.errors import PermissionDenied, ValidationError
from annotator.core.ids import GOLD
from annotator.core.workflow import (
    ASSIGNED,
    AWAITING_REVIEW,
    CURATED,
    IN_PROGRESS,
    OPEN,
    RETURNED,
    Status,
    check_move,
    how_it_stands,
    is_read_only,
    is_supervisor_move,
    parse_state,
    plan_assignments,
    word,
)
from annotator.services import roles
from annotator.services.context import ServiceContext
from annotator.services.identity import check_identity
from annotator.services.names import known_annotators
from annotator.services.reports import resolve_report_id
from annotator.store.uow import UnitOfWork


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


# -- the guard of every set write --------------------------------------------------------------------------
def guard_set_write(uow: UnitOfWork, report_id: str, owner: str) -> None:
    """Refuse a write of ``owner``'s set on ``report_id`` that the actor's role or the set's status does
    not allow; otherwise mark the work *in progress* (its first edit, or the first after a return)."""
    roles.check_owner_write(uow, owner)
    who = uow.repo.annotator_row(owner)
    state = check_writable(uow, report_id, owner, who.id)
    if state in (None, ASSIGNED, RETURNED):
        _write_move(uow, report_id, owner, who.id, state, IN_PROGRESS, actor=roles.acting(uow))


def check_writable(uow: UnitOfWork, report_id: str, owner: str, owner_id: int) -> str | None:
    """Refuse a change of a set its annotator marked done (or a curated report's gold); returns the
    set's status."""
    state = uow.workflow.status_of(report_id, owner_id)
    refuse_read_only(owner, state)
    return state


def check_writable_many(uow: UnitOfWork, report_ids: Sequence[str], owner: str) -> None:
    """``check_writable`` for many of one owner's sets in one query (a corpus load)."""
    for status in read_only_statuses(uow, report_ids, owner).values():
        refuse_read_only(owner, status.status)


def read_only_statuses(uow: UnitOfWork, report_ids: Sequence[str], owner: str) -> dict[str, Status]:
    """The status rows (by report) that make ``owner``'s sets on these reports read-only, in one query:
    a load refuses such a write, a bundle import keeps the local set."""
    if not report_ids:
        return {}
    return {s.report_id: s for s in uow.workflow.statuses(report_ids, owner) if is_read_only(owner, s.status)}


def refuse_read_only(owner: str, state: str | None) -> None:
    """The one sentence for a write into a set its status makes read-only (``core.workflow.is_read_only``)."""
    if not is_read_only(owner, state):
        return
    if owner == GOLD and state == CURATED:
        raise PermissionDenied("this report's gold is marked curated: reopen its curation first "
                               "(status set in_progress --for gold)")
    raise PermissionDenied(f"{how_it_stands(owner, state)}: it is read-only for {owner} until a supervisor "
                           "returns it")


def _write_move(uow: UnitOfWork, report_id: str, owner: str, owner_id: int, before: str | None, after: str | None,
                *, actor: str, reason: str | None = None) -> Status | None:
    row = uow.workflow.status_row(report_id, owner_id)
    rev = (row.rev if row is not None else 0) + 1
    decision = is_supervisor_move(owner, before, after)
    status = None
    if after is None:
        uow.workflow.remove_status(report_id, owner_id)
    else:
        status = Status(report_id, owner, after, reason, rev,
                        rev if decision else (row.decision_rev if row is not None else 0), actor, decision, now_iso())
        uow.workflow.put_status(report_id, owner_id, status)
    uow.workflow.log_change(report_id, owner, before, after, by=actor, reason=reason)
    return status


def move(uow: UnitOfWork, report_id: str, owner: str, after: str | None, *, reason: str | None = None) -> Status | None:
    """Check and write one move of ``owner``'s status on ``report_id`` (inside the caller's transaction)."""
    actor = uow.actor
    who = uow.repo.annotator_row(owner, create=after is not None)
    row = uow.workflow.status_row(report_id, who.id, lock=True)
    before = row.status if row is not None else None
    if before == after:
        return uow.workflow.statuses([report_id], owner)[0] if row is not None else None
    spans = uow.workflow.span_count(report_id, who.id) if after == "done_empty" else 0
    check_move(owner, before, after, as_supervisor=roles.is_supervisor(uow, actor),
               as_owner=actor is None or actor == owner, spans=spans, reason=reason)
    return _write_move(uow, report_id, owner, who.id, before, after, actor=roles.acting(uow),
                       reason=(reason or "").strip() or None)


# -- moves ---------------------------------------------------------------------------------------------------
def set_status(ctx: ServiceContext, report_id: str, state: str, *, annotator: str | None = None,
               reason: str | None = None) -> Status | None:
    """Move ``annotator``'s status on one report (default: the actor's own); ``curated`` (and
    reopening with ``in_progress``) applies to the report's gold. One transaction."""
    target = parse_state(state) or None
    owner = GOLD if target == CURATED else (annotator or ctx.actor)
    if not owner:
        raise ValidationError("say whose status this is (--for NAME) or who you are (--annotator NAME)")
    rid = resolve_report_id(ctx, report_id)
    with ctx.uow() as uow:
        status = move(uow, rid, owner, target, reason=reason)
        uow.commit()
    return status


def mark_done(ctx: ServiceContext, report_id: str, *, annotator: str, empty: bool = False) -> Status | None:
    """The annotator's own *Mark done* (``empty``: done, nothing to mark)."""
    return set_status(ctx, report_id, "done_empty" if empty else "done", annotator=annotator)


def assign(ctx: ServiceContext, report_ids: Sequence[str], annotators: Sequence[str]) -> list[Status]:
    """Assign every named annotator to every named report (by hand); already assigned is kept."""
    plan = {resolve_report_id(ctx, r): list(annotators) for r in report_ids}
    return apply_plan(ctx, plan)


def apply_plan(ctx: ServiceContext, plan: dict[str, list[str]]) -> list[Status]:
    """Write an assignment plan (report id → annotators) in one transaction; returns the new rows."""
    names = {n: check_identity(n) for people in plan.values() for n in people}
    out: list[Status] = []
    with ctx.uow() as uow:
        roles.require_supervisor(uow, ctx.actor, "assign reports")
        for rid, people in plan.items():
            for name in people:
                who = uow.repo.annotator_row(names[name])
                if uow.workflow.status_of(rid, who.id) is None:
                    status = move(uow, rid, names[name], ASSIGNED)
                    if status is not None:
                        out.append(status)
        uow.commit()
    return out


def unassign(ctx: ServiceContext, pairs: Sequence[tuple[str, str]]) -> int:
    """Take back assignments not started yet, (report id, annotator) pairs, in one transaction (the
    window's Unassign; ``status set unassigned`` one at a time). Work under way is refused by the rules."""
    with ctx.uow() as uow:
        roles.require_supervisor(uow, ctx.actor, "take assignments back")
        for rid, name in pairs:
            move(uow, rid, name, None)
        uow.commit()
    return len(pairs)


def plan_round_robin(ctx: ServiceContext, report_ids: Sequence[str], annotators: Sequence[str], *,
                     per_report: int, overlap: float = 1.0) -> dict[str, list[str]]:
    """Who would get which report (round robin, ``per_report`` annotators on a share ``overlap`` of
    the reports); nothing is written (``apply_plan`` writes it)."""
    ids = [resolve_report_id(ctx, r) for r in report_ids] if report_ids else None
    known_annotators(ctx, [a for a in annotators if a != GOLD],  # gold: plan_assignments says why it is nobody
                     hint="assign gives work to people already here: add them with `annotator annotators add NAME`")
    with ctx.uow() as uow:
        ids = ids if ids is not None else uow.repo.report_ids()
        existing: dict[str, set[str]] = {}
        for s in uow.workflow.statuses(ids):
            if s.annotator != GOLD:
                existing.setdefault(s.report_id, set()).add(s.annotator)
        load = _load(uow, annotators)
    start = min(range(len(annotators)), key=lambda i: (load.get(annotators[i], 0), i)) if annotators else 0
    return plan_assignments(ids, annotators, per_report=per_report, overlap=overlap, existing=existing, start=start)


def _load(uow: UnitOfWork, annotators: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in uow.workflow.statuses():
        if s.annotator in annotators and s.status in OPEN:
            counts[s.annotator] = counts.get(s.annotator, 0) + 1
    return counts


# -- reading -------------------------------------------------------------------------------------------------
def statuses(ctx: ServiceContext, report_ids: Sequence[str] = (), annotator: str | None = None) -> list[Status]:
    ids = [resolve_report_id(ctx, r) for r in report_ids]
    with ctx.uow() as uow:
        return uow.workflow.statuses(ids or None, annotator)


def status_of(ctx: ServiceContext, report_id: str, annotator: str) -> Status | None:
    found = statuses(ctx, [report_id], annotator)
    return found[0] if found else None


def history(ctx: ServiceContext, report_id: str) -> list[dict[str, Any]]:
    """Every status transition of one report, oldest first (who, from, to, why, when)."""
    rid = resolve_report_id(ctx, report_id)
    with ctx.uow() as uow:
        return uow.workflow.changes(rid)


@dataclass(frozen=True)
class QueueItem:
    report_id: str
    title: str
    why: str  # what waits: "done by alice", "2 open questions", "assigned", "returned: reason"
    annotator: str | None = None


def queue(ctx: ServiceContext, annotator: str) -> list[QueueItem]:
    """An annotator's queue: their reports assigned, in progress or returned (returned first)."""
    with ctx.uow() as uow:
        rows = [s for s in uow.workflow.statuses(None, annotator) if s.status in OPEN]
        titles = uow.workflow.report_titles([s.report_id for s in rows])
    rows.sort(key=lambda s: (s.status != RETURNED, s.status != IN_PROGRESS, titles.get(s.report_id, "")))
    return [QueueItem(s.report_id, titles.get(s.report_id, ""), word(s.status) + (f": {s.reason}" if s.reason else ""),
                      annotator) for s in rows]


def supervisor_queue(ctx: ServiceContext) -> list[QueueItem]:
    """What waits for a supervisor: work marked done (to accept or return) and open questions."""
    with ctx.uow() as uow:
        done = [s for s in uow.workflow.statuses() if s.status in AWAITING_REVIEW]
        questions = uow.workflow.open_questions()
        titles = uow.workflow.report_titles(sorted({s.report_id for s in done} | set(questions)))
    items = [QueueItem(s.report_id, titles.get(s.report_id, ""), f"{word(s.status)} by {s.annotator}", s.annotator)
             for s in done]
    items += [QueueItem(rid, titles.get(rid, ""), f"{n} open question{'s' if n > 1 else ''} for the supervisor")
              for rid, n in sorted(questions.items())]
    return sorted(items, key=lambda i: (i.title, i.report_id, i.why))
