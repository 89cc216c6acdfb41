"""``annotator load FILE --format F``"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import counted, emit, open_context
from annotator.services.load import load_annotations, parse_label_map
from annotator.services.reports import resolve_report_id


def run(args: argparse.Namespace) -> int:
    options = {k: v for k, v in (("offsets", args.offsets), ("dataset", args.dataset),
                                 ("predictions_as", args.predictions_as), ("report", args.report))
               if v is not None}
    label_map = parse_label_map(args.label_map)
    ctx = open_context(args, writes=True)
    try:
        if "report" in options:
            options["report"] = resolve_report_id(ctx, options["report"])
        result = load_annotations(ctx, Path(args.file), args.format, annotator=args.annotator,
                                  label_map=label_map, options=options, add_labels=args.add_labels)
    finally:
        ctx.close()
    lines = [f"{result.file}: {counted(result.documents, 'document')}, {counted(result.reports_new, 'new report')}, "
             f"{counted(result.sets_changed, 'set')} stored, {result.sets_unchanged} unchanged, "
             f"{counted(result.spans, 'span')}, {counted(result.relations, 'relation')}"]
    added = result.added
    if added.get("labels"):
        lines.append("schema: added labels " + ", ".join(lbl["name"] for lbl in added["labels"])
                     + " (no key yet: give them one in the schema)")
    if added.get("relations"):
        lines.append("schema: added relation types " + ", ".join(r["name"] for r in added["relations"]))
    if added.get("widened"):
        lines.append("schema: widened relation types " + ", ".join(r["name"] for r in added["widened"]))
    lines += [f"warning: {w}" for w in result.warnings]
    lines += [f"removed: {r}" for r in result.removal_sentences()]
    if result.backup:
        lines.append(f"backup: {result.backup_sentence()}")
    emit(args, result.to_json(), lines)
    return 0
