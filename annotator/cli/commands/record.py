"""``annotator record``"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from itertools import chain
from pathlib import Path
from typing import Any

from annotator.cli.output import open_context
from annotator.files.atomic import atomic_file
from annotator.records.csv_export import write_csv
from annotator.records.record import write_records_json
from annotator.services.records import iter_records


def run(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else None
    written = 0

    def counted(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        nonlocal written
        for record in records:
            written += 1
            yield record

    ctx = open_context(args)
    try:  # records are written as they are built (memory stays flat), into the atomic file for --out
        found = iter_records(ctx, report_ids=args.report or (), annotator=args.annotator)
        first = next(found, None)  # a report id not found stops the command before a byte goes to stdout
        records = counted(chain(() if first is None else (first,), found))
        if args.format == "csv":
            with atomic_file(out) if out else nullcontext(sys.stdout) as fh:
                write_csv(records, fh)
        else:  # the JSON is written as UTF-8 bytes (``write_records_json``)
            sys.stdout.flush()
            with atomic_file(out, "wb") if out else nullcontext(sys.stdout.buffer) as bfh:
                write_records_json(records, bfh)
    finally:
        ctx.close()
    if out:
        if not args.json:
            print(f"wrote {written} records to {out}")
        else:
            print(json.dumps({"out": str(out), "records": written}))
    return 0
