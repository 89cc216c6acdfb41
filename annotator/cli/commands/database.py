"""``annotator backup`` (``--out FILE``, ``--list``, ``--restore FILE``) and ``annotator check``"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import counted, emit, error, open_context
from annotator.services.backups import backup, list_backups, restore_backup
from annotator.services.database import check, open_for_repair


def run(args: argparse.Namespace) -> int:
    if args.command == "backup":
        return _backup(args)
    ctx = open_for_repair(getattr(args, "db", None), existing=True)  # a damaged file too, never a new one
    try:
        result = check(ctx)
        backups = list_backups(ctx) if ctx.backend == "sqlite" and result.damaged else None
    finally:
        ctx.close()
    found = [*result.problems, *result.schema_problems]
    sizes = (f"{counted(result.reports, 'report')}, {counted(result.spans, 'span')}"
             if result.reports is not None and result.spans is not None else "reports and spans not counted")
    emit(args, {"ok": result.ok, "problems": result.problems, "schema_problems": result.schema_problems,
                "reports": result.reports, "spans": result.spans, "revision": result.revision,
                "search_index": result.search_index},
         [f"{sizes}, schema revision {result.revision or 'unknown'}",
          *([result.search_index] if result.search_index else []),
          "ok" if result.ok else counted(len(found), "problem")])
    for p in found:
        error(p)
    if result.problems and backups is not None:  # damage; annotations the schema refuses are not
        error(f"restore the latest backup with `annotator backup --restore {backups[0].path}`" if backups
              else "there is no automatic backup of this database; restore a copy made with `annotator backup`")
    return 0 if result.ok else 1


def _backup(args: argparse.Namespace) -> int:
    ctx = open_for_repair(getattr(args, "db", None)) if args.restore else open_context(args)
    try:
        if args.out:
            out = backup(ctx, Path(args.out))
            emit(args, {"backup": str(out)}, f"backup written to {out}")
        elif args.list:
            found = list_backups(ctx)
            emit(args, {"backups": [b.to_json() for b in found]},
                 [f"{b.created:%Y-%m-%d %H:%M:%S} UTC  {b.size:>12,}  {b.path}" for b in found]
                 or ["no automatic backups yet"])
        else:
            saved = restore_backup(ctx, Path(args.restore))
            emit(args, {"restored": args.restore, "previous": str(saved.path) if saved else None},
                 f"restored {args.restore}" + (f"; the previous state is kept in {saved.path}" if saved else ""))
    finally:
        ctx.close()
    return 0
