"""``annotator schema show|export --out FILE|import FILE``"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from annotator.cli.output import emit, open_context
from annotator.services.database import export_schema, import_schema


def run(args: argparse.Namespace) -> int:
    ctx = open_context(args, writes=args.schema_command == "import")
    try:
        if args.schema_command == "export":
            out = export_schema(ctx, Path(args.out))
            emit(args, {"out": str(out)}, f"schema '{ctx.schema.name}' written to {out}")
            return 0
        if args.schema_command == "import":
            schema = import_schema(ctx, Path(args.file))
            emit(args, schema.to_dict(), f"schema '{schema.name}' is now the project's schema: "
                                         f"{len(schema.labels)} labels, {len(schema.relations)} relation types")
            return 0
        schema = ctx.schema
    finally:
        ctx.close()
    emit(args, schema.to_dict(), json.dumps(schema.to_dict(), ensure_ascii=False, indent=2))
    return 0
