"""Printing: results on stdout (text or one JSON document), errors as one sentence on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable

from annotator.core.errors import AnnotatorError, Conflict, DatabaseError, NotFound, PermissionDenied, ValidationError


def emit(args: argparse.Namespace, data: Any, text: str | list[str] | None = None) -> None:
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif text is not None:
        lines = text if isinstance(text, list) else [text]
        for line in lines:
            print(line)


def error(message: str) -> None:
    message = message.rstrip()
    if not message.endswith((".", "?", "!")):
        message += "."
    print(f"error: {message}", file=sys.stderr)


def guarded(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command; any error becomes one sentence and an exit status, no traceback (unless --debug)."""
    from annotator.core.progress import Cancelled

    try:
        return run(args)
    except (ValidationError, Conflict, PermissionDenied) as exc:
        if getattr(args, "debug", False):
            raise
        error(str(exc))
        return 1
    except (AnnotatorError, NotFound, DatabaseError) as exc:
        if getattr(args, "debug", False):
            raise
        error(str(exc))
        return 2
    except Cancelled:
        error("cancelled")
        return 130
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - last resort: still one sentence
        if getattr(args, "debug", False):
            raise
        error(f"unexpected {type(exc).__name__}: {exc} (run again with --debug for details)")
        return 2


def open_context(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from annotator.services.database import open_database
    from annotator.services.identity import who_acts

    ctx = open_database(getattr(args, "db", None))
    try:
        ctx.actor = who_acts(ctx, getattr(args, "annotator", None))  # roles and the edit log need who acts
    except BaseException:
        ctx.close()
        raise
    return ctx
