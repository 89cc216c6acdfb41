"""``annotator assign``, ``annotator status`` and ``annotator status set``: assignment and status per
(report, annotator), as a supervisor scripts them."""

from __future__ import annotations

import argparse
from typing import Any

from annotator.cli.output import emit, open_context
from annotator.core.errors import AnnotatorError
from annotator.core.workflow import word
from annotator.services.names import known_annotators
from annotator.services.reports import resolve_report_id
from annotator.services.workflow import (
    apply_plan,
    history,
    plan_round_robin,
    queue,
    set_status,
    statuses,
    supervisor_queue,
)


def run(args: argparse.Namespace) -> int:
    if args.command == "assign":
        return run_assign(args)
    if getattr(args, "status_command", None) == "set":
        return run_set(args)
    return run_list(args)


def run_assign(args: argparse.Namespace) -> int:
    from annotator.services.export import split_list  # noqa: PLC0415 (20 ms to import, only for 'assign')

    names = list(split_list(args.annotators))
    if not names:
        raise AnnotatorError("assign needs --annotators A,B,... (who gets the reports)")
    if not args.report and not args.all:
        raise AnnotatorError("assign needs --report ID (repeatable) or --all")
    ctx = open_context(args, writes=True)
    try:
        per = args.per_report or (len(names) if args.per_report is None and args.overlap is None else 1)
        plan = plan_round_robin(ctx, args.report or (), names, per_report=per,
                                overlap=1.0 if args.overlap is None else args.overlap)
        if args.dry_run:
            rows = [{"report": rid, "annotators": who} for rid, who in plan.items()]
            emit(args, {"dry_run": True, "plan": rows},
                 [f"{r['report'][:12]}…  {', '.join(r['annotators']) or '(nobody new)'}" for r in rows])
            return 0
        made = apply_plan(ctx, plan)
    finally:
        ctx.close()
    emit(args, {"assigned": [s.to_json() for s in made]},
         [f"{s.report_id[:12]}…  {s.annotator}: assigned" for s in made] or ["nothing new to assign"])
    return 0


def run_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        # a name typed here is checked (a typo gave an empty queue or table that looked like an answer); the
        # window's own queue reads the same services under a name that may have no row yet, so not there
        if args.queue and args.queue != "supervisor":
            known_annotators(ctx, [args.queue], option="--queue")
        if getattr(args, "annotator", None) and not args.queue:
            known_annotators(ctx, [args.annotator], option="--annotator")
        if args.queue:
            items = supervisor_queue(ctx) if args.queue == "supervisor" else queue(ctx, args.queue)
            emit(args, {"queue": [i.__dict__ for i in items]},
                 [f"{i.report_id[:12]}…  {i.title[:40]:40}  {i.why}" for i in items] or ["the queue is empty"])
            return 0
        rows = statuses(ctx, args.report or (), getattr(args, "annotator", None))
        # keyed by the report's full id, whatever prefix was typed (a script matches it with the statuses)
        full = [resolve_report_id(ctx, rid) for rid in (args.report or ())] if args.history else []
        log = {rid: history(ctx, rid) for rid in full}
    finally:
        ctx.close()
    data: dict[str, Any] = {"statuses": [s.to_json() for s in rows]}
    if args.history:
        data["history"] = log
    lines = [f"{s.report_id[:12]}…  {s.annotator:16} {word(s.status)}"
             + (f" — {s.reason}" if s.reason else "") + f"  ({s.changed_by}, {s.changed_at})"
             for s in rows] or ["no report is assigned yet"]
    for rid, moves in log.items():
        lines += [f"history of {rid[:12]}…:"] + ([_move_line(m) for m in moves] or ["  no status change yet"])
    emit(args, data, lines)
    return 0


def _move_line(move: dict[str, Any]) -> str:
    """One transition as a person reads it: when, who, whose row from what to what, why (and the bundle
    it came in)."""
    whose = "" if move["annotator"] == move["by"] else f"{move['annotator']}'s row "
    return (f"  {move['at']}  {move['by']}: {whose}{word(move['before'])} → {word(move['after'])}"
            + (f" — {move['reason']}" if move["reason"] else "")
            + (f"  (from bundle {move['origin']})" if move.get("origin") else ""))


def run_set(args: argparse.Namespace) -> int:
    ctx = open_context(args, writes=True)
    try:
        status = set_status(ctx, args.report, args.state, annotator=args.of, reason=args.reason)
    finally:
        ctx.close()
    if status is None:
        emit(args, {"status": None}, "unassigned")
        return 0
    emit(args, {"status": status.to_json()}, f"{status.report_id[:12]}…  {status.annotator}: {word(status.status)}"
         + (f" — {status.reason}" if status.reason else ""))
    return 0
