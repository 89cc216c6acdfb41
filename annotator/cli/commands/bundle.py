"""``annotator bundle export --annotator NAME --out FILE`` and ``annotator bundle import FILE``"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import counted, emit, open_context
from annotator.core.errors import AnnotatorError
from annotator.exchange.merge import ADDED, IGNORED, KEPT, OLDER, REPLACED, UNCHANGED
from annotator.services.bundles import ExportSummary, ImportSummary, export_bundle, import_bundle


def run(args: argparse.Namespace) -> int:
    if args.bundle_command == "export" and not getattr(args, "annotator", None):
        raise AnnotatorError("bundle export needs --annotator NAME (whose work goes into the bundle)")
    ctx = open_context(args, writes=args.bundle_command == "import")
    try:
        if args.bundle_command == "export":
            summary = export_bundle(ctx, args.annotator, Path(args.out))
            emit(args, summary.to_json(), _export_lines(summary))
            return 0
        result = import_bundle(ctx, Path(args.file))
    finally:
        ctx.close()
    emit(args, result.to_json(), _import_lines(result))
    return 0


def _export_lines(s: ExportSummary) -> list[str]:
    lines = [f"wrote {s.file}: {s.annotator}, {counted(s.sets, 'set')}, {counted(s.spans, 'span')}, "
             f"{counted(s.relations, 'relation')}, {s.entities} registry entr{'y' if s.entities == 1 else 'ies'} "
             f"({s.bytes:,} bytes)"]
    if s.missing_entities:
        lines.append(f"  note: {len(s.missing_entities)} linked entities are not in this registry "
                     f"({', '.join(s.missing_entities[:5])}{' …' if len(s.missing_entities) > 5 else ''})")
    return lines


def _workflow_lines(r: ImportSummary) -> list[str]:
    """Statuses, comments and decisions the bundle carried, and why a supervisor's state in a
    workstation's bundle was left out: the return of carol's work, sent in her bundle, vanished
    without a word (only --json counted it)."""
    st = r.statuses
    if not any(st.values()) and not (r.comments_added or r.comments_updated or r.decisions_replaced):
        return []
    lines = [f"  workflow: statuses {st[ADDED]} added, {st[REPLACED]} replaced, {st[UNCHANGED]} unchanged, "
             f"{st[OLDER]} older, {st[KEPT]} kept local; comments {r.comments_added} added, {r.comments_updated} "
             f"updated" + (f"; {r.decisions_replaced} curation decisions replaced" if r.decisions_replaced else "")]
    if st[IGNORED]:
        lines.append(f"  ignored: {st[IGNORED]} status row(s) a supervisor set (a return, an acceptance): a "
                     "supervisor's decisions travel in the gold bundle (bundle export --annotator gold), not in "
                     "an annotator's")
    return lines


def _import_lines(r: ImportSummary) -> list[str]:
    lines = [f"imported {r.file} ({r.annotator}, written {r.created}):",
             f"  reports: {r.reports_new} new, {r.reports_existing} already here",
             f"  sets: {r.sets_added} added, {r.sets_replaced} replaced by newer, {r.sets_unchanged} unchanged, "
             f"{r.sets_skipped_older} skipped as older"
             + (f", {r.sets_kept_by_decision} kept local by a decision here" if r.sets_kept_by_decision else ""),
             f"  registry: {r.entities_added} added, {r.entities_merged} merged, {r.entities_unchanged} unchanged, "
             f"{len(r.entity_conflicts)} conflicts"]
    for item in r.skipped_older:
        lines.append(f"  skipped: report {item['report'][:12]}… has version {item['local_version']} here, "
                     f"the bundle has {item['bundle_version']}")
    for item in r.diverged:
        lines.append(f"  kept local: report {item['report'][:12]}… has version {item['version']} on both "
                     "workstations but different content")
    lines += _workflow_lines(r)
    lines += [f"  {sentence}" for sentence in r.kept_sentences()]
    for c in r.entity_conflicts:
        fields = ", ".join(f"{k} here {v['local']!r}, bundle {v['bundle']!r}" for k, v in c["fields"].items())
        lines.append(f"  conflict: entity {c['id']} ({c['name']}): {fields}; kept the local values")
    lines += [f"  warning: {w}" for w in r.warnings]
    lines += [f"  removed: {sentence}" for sentence in r.removal_sentences()]
    if r.backup:
        lines.append(f"  backup: {r.backup_sentence()}")
    if not r.changed:
        lines.append("  nothing changed: this database already holds everything in the bundle" if not r.kept_out
                     else f"  nothing changed: {r.kept_out} item(s) of the bundle were kept out (above); this "
                          "database already holds the rest")
    return lines
