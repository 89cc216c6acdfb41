"""``annotator backup`` and ``annotator check``"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import emit, error, open_context


def run(args: argparse.Namespace) -> int:
    from annotator.services.database import backup, check

    ctx = open_context(args)
    try:
        if args.command == "backup":
            out = backup(ctx, Path(args.out))
            emit(args, {"backup": str(out)}, f"backup written to {out}")
            return 0
        result = check(ctx)
    finally:
        ctx.close()
    emit(args, {"ok": result.ok, "problems": result.problems, "reports": result.reports,
                "spans": result.spans, "revision": result.revision},
         [f"{result.reports} reports, {result.spans} spans, schema revision {result.revision}",
          "ok" if result.ok else f"{len(result.problems)} problems"])
    for p in result.problems:
        error(p)
    return 0 if result.ok else 1
