"""``annotator search`` (a concordance over the corpus) and ``annotator suggest`` (pre-annotation
suggestions for one report)."""

from __future__ import annotations

import argparse
import sys

from annotator.cli.output import emit, error, open_context
from annotator.core.errors import ValidationError
from annotator.core.ids import GOLD, annotator_name
from annotator.services.reports import resolve_report_id
from annotator.services.search import parse_status, search


def run(args: argparse.Namespace) -> int:
    if args.command == "suggest":
        return _suggest(args)
    text = " ".join(args.text)
    if not text.strip() and not (args.label or args.entity or args.annotator or args.status or args.source):
        error("search needs TEXT, or --label, --entity, --annotator, --status or --source to list spans")
        return 2
    if args.limit < 1:
        error(f"--limit {args.limit}: give a number of rows of at least 1")
        return 2
    if args.status is not None:
        try:
            parse_status(args.status)  # bad usage (exit 2), told before the database is opened
        except ValidationError as exc:
            error(f"--status: {exc}")
            return 2
    ctx = open_context(args)
    try:
        hits = search(ctx, text, label=args.label, entity=args.entity, annotator=args.annotator,
                      status=args.status, source=args.source, limit=args.limit)
    finally:
        ctx.close()
    lines = [f"{h.report[:12]}  {h.start:>6}-{h.end:<6} {_flat(h.left)[-30:]:>30} [{h.text}] {_flat(h.right)[:30]:30}"
             + (f"  {h.label} ({h.annotator})" if h.label else "") for h in hits]
    none = ["no matches"] + ([f"(--entity lists spans that store a link to {args.entity}; annotator record also "
                              "links mentions it matches when it reads them)"] if args.entity else [])
    emit(args, {"hits": [h.to_dict() for h in hits]}, lines or none)
    return 0


def _suggest(args: argparse.Namespace) -> int:
    from annotator.services.suggest import suggest  # noqa: PLC0415 (70 ms to import, only for 'suggest')

    ctx = open_context(args)
    try:
        report_id = resolve_report_id(ctx, args.report)
        who = ctx.actor
        if getattr(args, "annotator", None) and annotator_name(args.annotator) == GOLD:
            error("suggestions are for a person's own set: gold is written in curation (annotator curate, or "
                  "Compare annotators in the window)")
            return 2
        if who is None:
            error("no annotator chosen: give --annotator NAME (suggestions leave out what they already annotated)")
            return 2
        found = suggest(ctx, report_id, annotator=who, model=args.model)
    finally:
        ctx.close()
    for notice in found.notices:  # a pipeline that cannot run: said (exit 0), the other suggestions shown
        print(f"warning: {notice}", file=sys.stderr)
    lines = [f"{s.start:>6}-{s.end:<6} {s.label:8} {s.source:18} {s.text}"
             + (f"  = {s.value}" if s.value else "") + (f"  → {s.entity}" if s.entity else "") for s in found]
    emit(args, {"report": report_id, "annotator": who, "suggestions": [s.to_dict() for s in found],
                "notices": list(found.notices)},
         lines or ["no suggestions"])
    return 0


def _flat(s: str) -> str:
    return " ".join(s.split())
