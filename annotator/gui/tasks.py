"""Long work off the GUI thread: a ``BackgroundJob`` runs a service function on Qt's thread pool,
turns its progress callback into signals and its Cancel button into ``CancelToken.cancel()``.

The service knows nothing of Qt (napari's progress design); results and errors come back to the
main thread through queued signals, so slots may touch widgets.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from annotator.core.errors import AnnotatorError
from annotator.core.progress import Cancelled, CancelToken, ProgressFn
from annotator.services.errors import describe

Work = Callable[[ProgressFn, CancelToken], Any]


def error_text(exc: BaseException) -> str:
    """The one sentence a user sees for an error (the same words the CLI prints: services.errors)."""
    return describe(exc).sentence


class BackgroundJob(QObject):
    """One run of ``work(progress, cancel)``; emits exactly one of finished/failed/cancelled."""

    progress = Signal(int, int, str)  # done, total (-1 when unknown), message
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.token = CancelToken()
        self.running = False

    def start(self, pool: QThreadPool | None = None) -> None:
        self.running = True
        (pool or QThreadPool.globalInstance()).start(_Runner(self))

    def cancel(self) -> None:
        self.token.cancel()

    def _report(self, done: int, total: int | None, message: str = "") -> None:
        self.token.check()
        self.progress.emit(done, -1 if total is None else total, message)

    def _run(self) -> None:
        try:
            result = self._work(self._report, self.token)
        except Cancelled:
            self.running = False
            self.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - every failure becomes one sentence in the GUI
            self.running = False
            if not isinstance(exc, AnnotatorError):
                traceback.print_exc()  # a bug: keep the details for the log
            self.failed.emit(error_text(exc))
        else:
            self.running = False
            self.finished.emit(result)


class _Runner(QRunnable):
    def __init__(self, job: BackgroundJob) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job._run()
