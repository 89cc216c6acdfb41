"""``annotator record``"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from annotator.cli.output import open_context


def run(args: argparse.Namespace) -> int:
    from annotator.records.csv_export import to_csv
    from annotator.records.record import records_json
    from annotator.services.records import build_records

    ctx = open_context(args)
    try:
        records = build_records(ctx, report_ids=args.report or (), annotator=args.annotator)
    finally:
        ctx.close()
    if args.format == "csv":
        body = to_csv(records)
    elif args.json or args.out or args.format == "json":
        body = records_json(records)
    if args.out:
        out = Path(args.out)
        tmp = out.with_name(out.name + ".part")
        tmp.write_text(body, encoding="utf-8", newline="")
        os.replace(tmp, out)
        if not args.json:
            print(f"wrote {len(records)} records to {out}")
        else:
            print(json.dumps({"out": str(out), "records": len(records)}))
        return 0
    sys.stdout.write(body)
    return 0
