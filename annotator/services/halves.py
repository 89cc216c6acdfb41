"""A long read of the corpus made by two processes, one per half of the reports (``annotator record``).

Building 10,000 records is pure Python work, about 12 s of it on one core; a workstation has two or
more. The command forks once its resolver is built: the parent builds the records of the first half of
the reports (by id, so the order is the one-process order), the child those of the second half into an
unnamed temporary file, which the parent copies out after its own. Both read one snapshot
(``store.snapshots``), so a record of the second half never shows an edit the first half's records do
not. The bytes are the ones one process writes (a test compares them).

Only a command-line process asks for this: the child goes on from a fork, which is safe where no other
thread holds what the child needs (the database's wait watch is paused across the fork); the window,
with Qt's threads, reads in one process. One process reads everything also, and says why
(``HalvesRun.why_one``), where forking is not safe or not worth it: on Windows and macOS (no fork, or
fork unsafe with its system libraries), for a small scope, where the database's write lock cannot be
had at once to line the two snapshots up, or when the child fails (its half is then read here, in the
same snapshot, so the output is whole either way).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext, suppress
from dataclasses import dataclass, replace
from typing import IO

from annotator.services.context import ServiceContext
from annotator.store.engine import make_engine
from annotator.store.set_transfer import ALL_REPORTS, ReportRange
from annotator.store.snapshots import commits_held
from annotator.store.uow import UnitOfWork, session_factory

MIN_SETS = 500  # below this a second process saves less than it costs
# (the unit of work to read in, the reports to read, whether this is the child): the encoded items, in order
Produce = Callable[[UnitOfWork, ReportRange, bool], Iterator[bytes]]
_FRAME = 8  # bytes of length before each item in the child's file


@dataclass
class HalvesRun:
    """How a read was made: by ``processes`` processes; ``why_one`` says why not two."""
    processes: int = 1
    why_one: str = ""


def in_halves(ctx: ServiceContext, produce: Produce, *, annotators: Sequence[str] | None,
              report_ids: Sequence[str] | None, run: HalvesRun, min_sets: int = MIN_SETS) -> Iterator[bytes]:
    """What ``produce`` yields over the whole scope, made by two processes where that is safe and worth it.

    ``produce`` runs in both processes: everything it needs besides the unit of work (a resolver, the
    schema) must be built before the first item is asked for."""
    with ctx.uow() as uow:
        total = uow.transfer.count_in_scope(annotators=annotators, report_ids=report_ids)
    run.why_one = _why_one_process(total, min_sets)
    if run.why_one:
        with ctx.uow() as uow:
            yield from produce(uow, ALL_REPORTS, False)
        return
    yield from _forked(ctx, produce, annotators, report_ids, run)


def _why_one_process(total: int, min_sets: int) -> str:
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return "this system offers no safe fork"
    if total < min_sets:
        return f"{total} sets are read faster by one process"
    return ""


def _forked(ctx: ServiceContext, produce: Produce, annotators: Sequence[str] | None,
            report_ids: Sequence[str] | None, run: HalvesRun) -> Iterator[bytes]:
    spill = tempfile.TemporaryFile(prefix="annotator-half-")  # noqa: SIM115 (closed below, after the copy)
    go_r, go_w = os.pipe()
    ready_r, ready_w = os.pipe()
    ctx.engine.dispose()  # no database connection may cross a fork (SQLite: "how to corrupt", 2.6)
    sys.stdout.flush()
    sys.stderr.flush()
    with ctx.wait_watch.paused() if ctx.wait_watch is not None else nullcontext():
        pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's code
        code = 1
        try:
            os.close(go_w)
            os.close(ready_r)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C ends it quietly; the parent reports it
            code = _child(ctx, produce, go_r, ready_w, spill)
        except BaseException as exc:  # noqa: BLE001 - told to the parent, which reads the half itself
            with suppress(OSError):
                os.write(ready_w, f"failed {type(exc).__name__}: {exc}".replace("\n", " ").encode() + b"\n")
        finally:
            os._exit(code)
    os.close(go_r)
    os.close(ready_w)
    try:
        yield from _parent(ctx, produce, annotators, report_ids, run, go_w, ready_r, pid, spill)
    finally:
        os.close(go_w)
        os.close(ready_r)
        with suppress(ChildProcessError, ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # done already, or the parent stopped (an error, Ctrl+C, a cancel)
            os.waitpid(pid, 0)
        spill.close()


def _parent(ctx: ServiceContext, produce: Produce, annotators: Sequence[str] | None,
            report_ids: Sequence[str] | None, run: HalvesRun, go_w: int, ready_r: int, pid: int,
            spill: IO[bytes]) -> Iterator[bytes]:
    with ctx.uow() as uow:
        middle: str | None = None
        with commits_held(ctx.engine) as held:
            if held:
                token = uow.transfer.pin_snapshot()
                middle = uow.transfer.middle_report(annotators=annotators, report_ids=report_ids)
            if middle is None:
                os.write(go_w, b"stop\n")
                run.why_one = ("the database's write lock could not be had at once to line up two snapshots"
                               if not held else "the scope holds one report")
            else:
                os.write(go_w, json.dumps({"token": token, "middle": middle}).encode() + b"\n")
                answer = _read_line(ready_r)
                if answer != "ready":
                    middle, run.why_one = None, f"the second process could not start ({answer or 'it ended'})"
        if middle is None:
            yield from produce(uow, ALL_REPORTS, False)
            return
        run.processes = 2
        yield from produce(uow, (None, middle), False)
        answer = _read_line(ready_r)  # "done" once the child has written its half
        if answer != "done":
            run.processes = 1
            run.why_one = f"the second process failed ({answer or 'it ended'}); its half was read here"
            yield from produce(uow, (middle, None), False)
            return
    spill.seek(0)
    yield from _frames(spill)


def _child(ctx: ServiceContext, produce: Produce, go_r: int, ready_w: int, spill: IO[bytes]) -> int:
    engine = make_engine(ctx.url)  # a new engine: the parent's pool and its listeners stay the parent's
    mine = replace(ctx, engine=engine, factory=session_factory(engine), wait_watch=None)
    message = _read_line(go_r)
    if not message.startswith("{"):
        return 0
    go = json.loads(message)
    with mine.uow() as uow:
        uow.transfer.join_snapshot(go["token"])
        os.write(ready_w, b"ready\n")
        out = os.fdopen(os.dup(spill.fileno()), "wb", buffering=1 << 20)
        with out:
            for item in produce(uow, (go["middle"], None), True):
                out.write(len(item).to_bytes(_FRAME, "little"))
                out.write(item)
    engine.dispose()
    os.write(ready_w, b"done\n")
    return 0


def _frames(spill: IO[bytes]) -> Iterator[bytes]:
    while head := spill.read(_FRAME):
        yield spill.read(int.from_bytes(head, "little"))


def _read_line(fd: int) -> str:
    """One line from a pipe ("" when the other end closed first)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace").strip()
