"""``annotator record``"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from annotator.cli.output import open_context
from annotator.files.atomic import write_atomic


def run(args: argparse.Namespace) -> int:
    from annotator.records.csv_export import to_csv
    from annotator.records.record import records_document
    from annotator.services.records import build_records

    ctx = open_context(args)
    try:
        records = build_records(ctx, report_ids=args.report or (), annotator=args.annotator)
    finally:
        ctx.close()
    if args.format == "csv":
        body = to_csv(records)
    elif args.json or args.out or args.format == "json":
        body = json.dumps(records_document(records), ensure_ascii=False, indent=2) + "\n"
    if args.out:
        out = write_atomic(Path(args.out), body)
        if not args.json:
            print(f"wrote {len(records)} records to {out}")
        else:
            print(json.dumps({"out": str(out), "records": len(records)}))
        return 0
    sys.stdout.write(body)
    return 0
