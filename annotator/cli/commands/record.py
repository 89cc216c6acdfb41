"""``annotator record``"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from itertools import chain
from pathlib import Path

from annotator.cli.output import open_context
from annotator.files.atomic import atomic_file
from annotator.records.csv_export import csv_rows_bytes, write_csv_rows
from annotator.records.record import record_json_bytes, write_record_lines
from annotator.services.halves import HalvesRun
from annotator.services.records import iter_record_bytes


def run(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else None
    csv = args.format == "csv"
    run_ = HalvesRun()
    ctx = open_context(args)
    try:  # records are written as they are built (memory stays flat), into the atomic file for --out; a
        # second process builds the second half of a large scope (``services.halves``)
        found = iter_record_bytes(ctx, csv_rows_bytes if csv else record_json_bytes, report_ids=args.report or (),
                                  annotator=args.annotator, processes=2, run=run_)
        first = next(found, None)  # a report id not found stops the command before a byte goes to stdout
        records = chain(() if first is None else (first,), found)
        sys.stdout.flush()
        with atomic_file(out, "wb") if out else nullcontext(sys.stdout.buffer) as fh:
            written = (write_csv_rows if csv else write_record_lines)(records, fh)
    finally:
        ctx.close()
    if out:
        if not args.json:
            print(f"wrote {written} records to {out}")
        else:
            print(json.dumps({"out": str(out), "records": written, "processes": run_.processes}))
    return 0
