"""``annotator whoami``: the annotator this database's user works as by default."""

from __future__ import annotations

import argparse

from annotator.cli.output import emit, open_context


def run(args: argparse.Namespace) -> int:
    from annotator.services.identity import default_annotator

    ctx = open_context(args)
    try:
        name = default_annotator(ctx)
    finally:
        ctx.close()
    emit(args, {"annotator": name},
         name or "no annotator chosen yet for this database (the first launch of the app asks; "
                 "--annotator NAME acts as NAME for one command)")
    return 0
