"""Printing: results on stdout (text or one JSON document), errors as one sentence on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable

from annotator.cli.exit_codes import ExitCode
from annotator.core.errors import (AnnotatorError, Conflict, DatabaseError, NotFound, PermissionDenied,
                                   StorageError, ValidationError)
from annotator.files.faults import STORAGE_ERRNOS, storage_error


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
    """Run a command; any error becomes one sentence and an exit status, no traceback (unless --debug).

    1: the command ran and found a problem the user must act on (validation, a conflict, a full or
    read-only disk, a locked or damaged database); 2: bad usage or unreadable input; 3: a bug."""
    from annotator.core.progress import Cancelled

    debug = getattr(args, "debug", False)
    try:
        return run(args)
    except (ValidationError, Conflict, PermissionDenied, StorageError) as exc:
        if debug:
            raise
        error(str(exc))
        return ExitCode.PROBLEM
    except (AnnotatorError, NotFound, DatabaseError) as exc:
        if debug:
            raise
        error(str(exc))
        return ExitCode.BAD_INPUT
    except Cancelled:
        error("cancelled")
        return ExitCode.CANCELLED
    except KeyboardInterrupt:
        error("interrupted")
        return ExitCode.CANCELLED
    except BrokenPipeError:
        return ExitCode.SUCCESS
    except OSError as exc:
        if debug:
            raise
        if exc.errno in STORAGE_ERRNOS:
            error(str(storage_error(exc, exc.filename, nothing_written=False)) if exc.filename
                  else f"the disk refused to store data ({exc.strerror}); the failed step saved nothing")
            return ExitCode.PROBLEM
        return _bug(exc)
    except MemoryError:
        error("the computer ran out of memory; nothing was saved (close other programs, or split the input)")
        return ExitCode.PROBLEM
    except Exception as exc:  # noqa: BLE001 - last resort: still one sentence
        if debug:
            raise
        return _bug(exc)


def _bug(exc: BaseException) -> int:
    error(f"unexpected {type(exc).__name__}: {exc} — this is a bug in annotator, nothing was saved by the "
          "failed step; please report it with the output of the same command run again with --debug")
    return ExitCode.BUG


def open_context(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from annotator.services.database import open_database
    from annotator.services.identity import who_acts

    ctx = open_database(getattr(args, "db", None),
                        on_wait=lambda message: print(f"note: {message} ...", file=sys.stderr, flush=True))
    try:
        ctx.actor = who_acts(ctx, getattr(args, "annotator", None))  # roles and the edit log need who acts
    except BaseException:
        ctx.close()
        raise
    return ctx
