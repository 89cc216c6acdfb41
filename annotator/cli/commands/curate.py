"""``annotator curate --rule unanimous|majority|atleast:K``: accept into gold what the rule accepts."""

from __future__ import annotations

import argparse

from annotator.cli.output import counted, emit, open_context
from annotator.services.curation import accept_by_rule
from annotator.services.export import split_list


def run(args: argparse.Namespace) -> int:
    ctx = open_context(args, writes=True)
    try:
        result = accept_by_rule(ctx, args.rule, args.report or (), split_list(args.annotators), dry_run=args.dry_run)
    finally:
        ctx.close()
    t = result.totals
    verb = "would accept" if result.dry_run else "accepted"
    lines = [f"{result.rule}: {verb} {t['accepted']} candidate group(s) ({counted(t['spans'], 'span')}, "
             f"{counted(t['relations'], 'relation')}) on {len(result.reports)} report(s); {t['left']} left to decide"]
    lines += [f"  {r['report'][:12]}…  {r['title'][:40]:40}  {r['accepted']} accepted, {r['left']} left"
              for r in result.reports]
    lines += [f"  skipped {s['report'][:12]}…: {s['why']}" for s in result.skipped]
    emit(args, result.to_json(), lines)
    return 0
