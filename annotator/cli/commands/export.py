"""``annotator export --format F --out PATH``"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from annotator.cli.output import counted, emit, open_context
from annotator.core.errors import UsageError
from annotator.services.export import export_corpus, export_scope
from annotator.services.formats import EVENT_FORMATS
from annotator.services.halves import HalvesRun


def run(args: argparse.Namespace) -> int:
    if args.format in EVENT_FORMATS:
        return run_events(args)

    options = {k: v for k, v in (("scheme", args.scheme), ("offsets", args.offsets)) if v is not None}
    if args.outermost_only:
        options["outermost_only"] = True
    ctx = open_context(args)
    run_ = HalvesRun()
    try:  # a second process encodes the second half of a large JSON Lines export (``services.halves``)
        scope = export_scope(args.annotator, args.report, args.labels)
        summary = export_corpus(ctx, args.format, args.out, scope, options=options, processes=2, run=run_)
    finally:
        ctx.close()
    data = asdict(summary)
    lines = [f"wrote {args.out} ({args.format}): {counted(data.get('documents', 0), 'document')}, "
             f"{counted(data.get('spans', 0), 'span')}, {counted(data.get('relations', 0), 'relation')}"]
    lines += [f"  not held by {args.format}: {n} × {key} (in {counted(docs, 'document')})"
              for key, n, docs in summary.dropped_groups()]
    lines += [f"  note: {w}" for w in data.get("warnings") or []]
    emit(args, {"out": args.out, "format": args.format, **data, "processes": run_.processes}, lines)
    return 0


def run_events(args: argparse.Namespace) -> int:
    """``export --format acled|ucdp-ged|plover|stix``: every event not written is printed with what it
    lacks; the exit status is 1 when any event was left out (the file holds the others)."""
    from annotator.services.event_export import export_events  # noqa: PLC0415 (0.3 s to import, only for event formats)
    if args.labels:  # it was dropped without a word: every event was written whatever the labels
        raise UsageError(f"--labels chooses spans for a corpus format; {args.format} writes events, every one in "
                         "scope (choose reports with --report, annotators with --annotator)")
    ctx = open_context(args)
    try:
        summary = export_events(ctx, args.format, args.out, export_scope(args.annotator, args.report),
                                tlp=args.tlp or "green")
    finally:
        ctx.close()
    unit = "object" if args.format == "stix" else "record" if args.format == "plover" else "row"
    size = summary.objects if args.format == "stix" else summary.written
    lines = [f"wrote {args.out} ({args.format}): {summary.events_written} of {summary.events} events, "
             f"in {counted(size, unit)}"
             + (" (an incident's events share one row)" if unit == "row" and summary.events_written > size else "")]
    lines += [f"  not written: {s.sentence()}" for s in summary.skipped]
    emit(args, summary.to_json(), lines)
    return 1 if summary.skipped else 0
