"""Printing: results on stdout (text or one JSON document), errors as one sentence on stderr."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from annotator.cli.exit_codes import ExitCode
from annotator.files.atomic import require_folder_of
from annotator.files.json_output import indented_json
from annotator.services.errors import BAD_INPUT, BUG, CANCELLED, PROBLEM, describe

if TYPE_CHECKING:  # the database services are imported when a command opens one (start-up stays fast)
    from annotator.services.context import ServiceContext


def emit(args: argparse.Namespace, data: Any, text: str | list[str] | None = None) -> None:
    if getattr(args, "json", False):
        sys.stdout.write(indented_json(data))
        sys.stdout.write("\n")
    elif text is not None:
        lines = text if isinstance(text, list) else [text]
        for line in lines:
            print(line)


def counted(n: int, noun: str) -> str:
    """``n`` with its noun, singular for one ("1 span", "2 spans")."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def error(message: str) -> None:
    message = message.rstrip()
    if not message.endswith((".", "?", "!")):
        message += "."
    print(f"error: {message}", file=sys.stderr)


_OUTPUTS = (("out", "--out"), ("screenshot", "--screenshot"))  # the options that name a file to write


def guarded(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command; any error becomes one sentence and an exit status, no traceback (unless --debug).

    1: the command ran and found a problem the user must act on (validation against what is stored, a
    conflict, the user's role, a full or read-only disk, a locked or damaged database); 2: bad usage (an
    option's syntax, a value or name that is not one, a missing file) or unreadable input (a file that
    breaks its format, wherever in it); 3: a bug. The kind comes from the error's class, in one table
    (``services.errors.describe``), never from the command: a command raises the class that says what
    went wrong and the status follows."""
    debug = getattr(args, "debug", False)
    try:
        for attr, option in _OUTPUTS:  # a user-named output goes into a folder that exists
            value = getattr(args, attr, None)
            if value and value != "-":
                require_folder_of(value, option)
        return run(args)
    except BrokenPipeError:
        return ExitCode.SUCCESS
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - every failure is one sentence and a status
        said = describe(exc)
        if debug and said.kind != CANCELLED:
            raise
        if said.kind == BUG:
            error(said.sentence.removesuffix(".") + " with the output of the same command run again with --debug")
        else:
            error(said.sentence)
        return {PROBLEM: ExitCode.PROBLEM, BAD_INPUT: ExitCode.BAD_INPUT, CANCELLED: ExitCode.CANCELLED,
                BUG: ExitCode.BUG}[said.kind]


def open_context(args: argparse.Namespace, *, writes: bool = False) -> ServiceContext:
    """The database ``--db`` names, and who acts in it. ``writes``: the command changes someone's work,
    so on a team server a login may not act under another annotator's name (refused before anything is
    read); a reading command's ``--annotator`` names whose work it reads, which every login may."""
    from annotator.services.database import open_database  # noqa: PLC0415 (only commands with a database load it)
    from annotator.services.identity import who_acts  # noqa: PLC0415 (only commands with a database load it)

    ctx = open_database(getattr(args, "db", None),
                        on_wait=lambda message: print(f"note: {message} ...", file=sys.stderr, flush=True))
    _settle_collector()
    try:
        # roles and the edit log need who acts
        ctx.actor = who_acts(ctx, getattr(args, "annotator", None), writes=writes)
    except BaseException:
        ctx.close()
        raise
    return ctx


def _settle_collector() -> None:
    """A command is one short process: what it has loaded by the time the database is open (modules,
    the ORM's classes) lives until it ends, so the cycle collector is told to stop walking it
    (``gc.freeze``), and walks new objects less often. A corpus load or export makes millions of
    short-lived objects, none in a cycle that matters; the collector's passes were 15 % of a 10,000-report
    load. Memory stays bounded: collections still run, and the data are streamed in batches."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
