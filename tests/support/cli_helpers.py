"""Helpers shared by test modules (on sys.path through pytest's ``pythonpath``)."""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

from annotator.cli.main import main

# what only a process of its own shows: the Qt application of ``gui`` (pytest-qt owns this process's)
_OWN_PROCESS = {"gui"}


def cli(*args: str, db: Path | None = None, check: bool = False,
        process: bool = False) -> subprocess.CompletedProcess[str]:
    """``annotator ARGS`` with ``ANNOTATOR_DB=db``: its exit status and what it printed.

    Run in this process by default: the function ``python -m annotator`` calls (``cli.main.main``), with
    its standard output and error captured and the exit status it returns, or argparse's ``SystemExit``.
    The second of start-up a process costs (the interpreter, then SQLAlchemy and our modules) was
    three minutes of the suite over its 240 commands. ``process=True`` (and ``gui``) runs
    ``python -m annotator`` as a user does: for what only a process shows (the entry point, a fork, a
    signal, a lock held across processes, the Qt application), which the tests that need it ask for."""
    own = process or bool(args and args[0] in _OWN_PROCESS)
    proc = _in_own_process(args, db) if own else _in_this_process(args, db)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def _in_own_process(args: tuple[str, ...], db: Path | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if db is not None:
        env["ANNOTATOR_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True,
                          env=env, timeout=120)


class _Output(io.TextIOWrapper):
    """A standard stream as a process has it: text over bytes (``record`` writes to ``sys.stdout.buffer``),
    read back as ``subprocess.run(text=True)`` decodes it (UTF-8, universal newlines)."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)

    def text(self) -> str:
        self.flush()
        raw = self.buffer.getvalue()  # type: ignore[attr-defined]
        return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _in_this_process(args: tuple[str, ...], db: Path | None) -> subprocess.CompletedProcess[str]:
    out, err = _Output(), _Output()
    with _database_env(db), _collector_restored(), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse: usage errors (2), --help and --version (0)
            if isinstance(stop.code, str):
                print(stop.code, file=sys.stderr)
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return subprocess.CompletedProcess(["annotator", *args], code, out.text(), err.text())


@contextmanager
def _database_env(db: Path | None) -> Iterator[None]:
    before = os.environ.get("ANNOTATOR_DB")
    if db is not None:
        os.environ["ANNOTATOR_DB"] = str(db)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("ANNOTATOR_DB", None)
        else:
            os.environ["ANNOTATOR_DB"] = before


@contextmanager
def _collector_restored() -> Iterator[None]:
    """A command tunes the cycle collector for a short process (``cli.output._settle_collector``: it
    freezes what is loaded); here the process goes on, so the collector is put back as it was."""
    threshold = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
