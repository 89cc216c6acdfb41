"""``annotator import PATH...``"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import emit, error, open_context
from annotator.services.reports import import_reports


def run(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        result = import_reports(ctx, [Path(p) for p in args.paths], title=args.title,
                                published=args.published, source=args.source)
    finally:
        ctx.close()
    lines = [f"{r.id}  {r.status:8}  {r.title}" for r in result.reports]
    emit(args, result.to_json(), lines)
    for failure in result.errors:
        error(failure.error)
    if any(f.unexpected for f in result.errors):
        return 3  # a bug (the message asks to report it); every good file is stored all the same
    return 2 if result.errors else 0
