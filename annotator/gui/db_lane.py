"""The single database lane: every read and write the window makes runs here, one at a time, off
the GUI thread (Anki's ``taskman``: serialised collection access, results back on the main thread).

Serial order is the point: an edit submitted after another runs after it, a report opened after an
edit sees that edit, and two tasks never race for the same row (the start-up registry seed and the
first span's resolution once did). The GUI never waits on the database: it submits work and is
called back, on its own thread, with the result or the error."""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from annotator.core.errors import AnnotatorError

Done = Callable[[Any], object]  # what it returns is not used: a lambda may return what its call gives
Failed = Callable[[BaseException], object]


class DatabaseLane(QObject):
    """``submit(work, done, failed)``: ``work()`` runs on the lane's one thread; ``done(result)`` or
    ``failed(exc)`` runs on the GUI thread, in submission order. ``busy`` tells whether anything is
    queued, running, or not yet delivered."""

    busy_changed = Signal(bool)
    _finished = Signal(object, object, object, object)  # done, failed, result, error (queued to the GUI)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the thread: every edit goes through it
        self._pending = 0
        self._finished.connect(self._deliver)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(self, work: Callable[[], Any], done: Done | None = None, failed: Failed | None = None) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Task(self, work, done, failed))

    def drain(self, timeout_ms: int = 30000) -> bool:
        """Wait (blocking) until every submitted task has run: on close, so no edit is cut off
        before its commit. Results are delivered by the event loop afterwards."""
        return self._pool.waitForDone(timeout_ms)

    def _deliver(self, done: Done | None, failed: Failed | None, result: Any, error: BaseException | None) -> None:
        try:
            if error is not None:
                if failed is not None:
                    failed(error)
            elif done is not None:
                done(result)
        finally:
            self._pending -= 1
            if self._pending == 0:
                self.busy_changed.emit(False)


class _Task(QRunnable):
    def __init__(self, lane: DatabaseLane, work: Callable[[], Any], done: Done | None, failed: Failed | None) -> None:
        super().__init__()
        self._lane, self._work, self._done, self._failed = lane, work, done, failed

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the GUI as one sentence
            if not isinstance(exc, AnnotatorError):
                traceback.print_exc()  # a bug: keep the details for the log
            self._send(None, exc)
        else:
            self._send(result, None)

    def _send(self, result: Any, error: BaseException | None) -> None:
        with contextlib.suppress(RuntimeError):  # the window is gone (the program is ending): nobody to tell
            self._lane._finished.emit(self._done, self._failed, result, error)
