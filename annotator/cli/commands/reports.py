"""``annotator reports``"""

from __future__ import annotations

import argparse

from annotator.cli.output import emit, open_context
from annotator.services.reports import list_reports


def run(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        reports = list_reports(ctx)
    finally:
        ctx.close()
    lines = []
    for r in reports:
        who = ", ".join(f"{name} {n}" for name, n in sorted(r.annotators.items())) or "-"
        lines.append(f"{r.id[:12]}  {r.published or '-':10}  {r.chars:7}  {r.title[:60]:60}  {who}")
    emit(args, {"reports": [r.to_json() for r in reports]}, lines or ["no reports"])
    return 0
