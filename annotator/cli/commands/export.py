"""``annotator export --format F --out PATH``"""

from __future__ import annotations

import argparse
from dataclasses import asdict, is_dataclass

from annotator.cli.output import emit, open_context


def run(args: argparse.Namespace) -> int:
    from annotator.services.export import export_corpus, export_scope

    options = {k: v for k, v in (("scheme", args.scheme), ("offsets", args.offsets)) if v is not None}
    if args.outermost_only:
        options["outermost_only"] = True
    ctx = open_context(args)
    try:
        scope = export_scope(args.annotator, args.report, args.labels)
        summary = export_corpus(ctx, args.format, args.out, scope, options=options)
    finally:
        ctx.close()
    data = asdict(summary) if is_dataclass(summary) else dict(summary or {})
    lines = [f"wrote {args.out} ({args.format}): {data.get('documents', 0)} documents, "
             f"{data.get('spans', 0)} spans, {data.get('relations', 0)} relations"]
    counts: dict[str, int] = {}
    for item in data.get("dropped") or []:
        key = f"{item['kind']}: {item['reason']}"
        counts[key] = counts.get(key, 0) + 1
    lines += [f"  not held by {args.format}: {n} × {key}" for key, n in sorted(counts.items())]
    lines += [f"  note: {w}" for w in data.get("warnings") or []]
    emit(args, {"out": args.out, "format": args.format, **data}, lines)
    return 0
