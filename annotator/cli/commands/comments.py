"""``annotator comment add|reply|resolve`` and ``annotator comments``: comment threads."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annotator.cli.output import emit, open_context
from annotator.services import comments as service

if TYPE_CHECKING:
    from annotator.core.comments import Comment


def run(args: argparse.Namespace) -> int:
    ctx = open_context(args, writes=args.command != "comments")
    try:
        if args.command == "comments":
            found = service.comments(ctx, args.report or (), open_only=args.open)
            emit(args, {"comments": [{"report": c.report_id, **c.to_dict()} for c in found]},
                 [_line(c) for c in found] or ["no comments"])
            return 0
        sub = args.comment_command
        if sub == "add":
            made = service.add_comment(ctx, args.report, " ".join(args.text), span=args.span, relation=args.relation,
                                       of=args.of, question=args.question)
        elif sub == "reply":
            made = service.reply(ctx, args.id, " ".join(args.text))
        else:
            made = service.resolve(ctx, args.id, resolved=not args.reopen)
    finally:
        ctx.close()
    emit(args, {"comment": {"report": made.report_id, **made.to_dict()}}, _line(made))
    return 0


def _line(c: Comment) -> str:
    where = "report" if c.anchor == "report" else f"{c.anchor_set}'s {c.anchor} {c.anchor_key}"
    flags = (" [question]" if c.question else "") + (f" [resolved by {c.resolved_by}]" if c.resolved else "")
    reply = "  ↳ " if c.is_reply else ""
    return f"{reply}{c.id}  {c.report_id[:12]}…  {where}  {c.author}: {c.body}{flags}"
