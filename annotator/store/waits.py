"""Telling the user that the database makes us wait (another program holds its write lock, or a
server is slow), while SQLite's busy_timeout or the server waits: a statement still running after
``after_s`` is reported once through ``notify``. One watchdog thread per engine, started only when a
shell asks for it; a statement costs two dictionary operations.

On SQLite only a statement that may wait for a lock is watched: in WAL mode a read never waits, and a
connection that has already written in its transaction holds the write lock, so its later statements
are slow only by their own work (a corpus load's batches, an export's scan) -- saying "another program
is using it" then would be false."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator

from sqlalchemy import Engine, event

from annotator.store.engine import display_target
from annotator.store.faults import BUSY_TIMEOUT_S


class WaitWatch:
    def __init__(self, engine: Engine, notify: Callable[[str], None], *, after_s: float = 1.0) -> None:
        self.notify = notify
        self.after_s = after_s
        self.where = display_target(str(engine.url))
        self._running: dict[int, float] = {}
        self._told: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sqlite = engine.dialect.name == "sqlite"
        self._writing: set[int] = set()  # SQLite connections holding the write lock (written in this transaction)
        if self._sqlite:
            event.listen(engine, "commit", self._lock_released)
            event.listen(engine, "rollback", self._lock_released)
        event.listen(engine, "before_cursor_execute", self._begin)
        event.listen(engine, "after_cursor_execute", self._end)
        event.listen(engine, "handle_error", self._failed)
        self._thread = threading.Thread(target=self._watch, name="annotator-db-wait", daemon=True)
        self._thread.start()

    def started(self, key: int) -> None:
        with self._lock:
            self._running[key] = time.monotonic()

    def finished(self, key: int) -> None:
        with self._lock:
            self._running.pop(key, None)
            self._told.discard(key)

    def _begin(self, conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if self._sqlite and (id(conn) in self._writing or _reads(statement)):
            return
        self.started(id(conn))

    def _end(self, conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        self.finished(id(conn))
        if self._sqlite and conn.in_transaction() and not _reads(statement):
            self._writing.add(id(conn))

    def _lock_released(self, conn) -> None:  # type: ignore[no-untyped-def]
        self._writing.discard(id(conn))

    def _failed(self, context) -> None:  # type: ignore[no-untyped-def]
        self.finished(id(context.connection))

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            now = time.monotonic()
            with self._lock:
                late = [k for k, t in self._running.items() if now - t >= self.after_s and k not in self._told]
                self._told.update(late)
            if late:
                with contextlib.suppress(Exception):  # a listener gone (a closed window) never stops the watch
                    self.notify(f"waiting for the database {self.where}: another program is using it (giving up "
                                f"after {BUSY_TIMEOUT_S} s)")

    def stop(self) -> None:
        self._stop.set()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The watchdog thread stopped inside, started again after: a process forks with no other
        thread running (``services.halves``), as fork requires of a process that goes on in the child. A
        child forked inside leaves it stopped: it watches the parent's engine, which the child never uses."""
        owner = os.getpid()
        self._stop.set()
        self._thread.join()
        try:
            yield
        finally:
            if os.getpid() == owner:
                self._stop = threading.Event()
                self._thread = threading.Thread(target=self._watch, name="annotator-db-wait", daemon=True)
                self._thread.start()


def _reads(statement: str) -> bool:
    """A statement that only reads (SQLite in WAL mode never makes it wait for a lock)."""
    return statement.lstrip()[:6].upper() in ("SELECT", "PRAGMA", "WITH R", "EXPLAI")
