"""``annotator import PATH...``"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import emit, error, open_context
from annotator.services.reports import ImportResult, import_reports


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
    return _partial(result) if result.errors else 0


def _partial(result: ImportResult) -> int:
    """The status of an import some files of which were refused.

    Not all-or-nothing, on purpose: each file is its own report, stored in its own transaction, so one
    unreadable PDF in a folder of hundreds does not cost the others, in the window as here; and a report
    is its text's SHA-256, so importing the folder again once the refused files are fixed or removed
    stores only what is missing (the others come back as ``existing``). What cli.md asks of a failed
    command — the database as it was — holds when nothing new was stored: that is unreadable input (2).
    When some reports were stored, the command ran and found a problem to act on (1), and says what it kept."""
    new = sum(1 for r in result.reports if r.status == "new")
    if not new:
        return 2
    error(f"stored {new} new report(s) and refused {len(result.errors)} file(s) (listed above); the stored "
          "reports stay: fix or remove the refused files and import again (what is stored comes back as existing)")
    return 1
