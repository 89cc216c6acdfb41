"""Progress reporting and cancellation for long work, without Qt.

Services take a ``progress`` callback and a ``CancelToken``; the GUI's worker turns the callback into
signals and its Cancel button into ``token.cancel()``.
"""

from __future__ import annotations

import threading
from typing import Protocol


class Cancelled(Exception):
    """Raised inside long work when its token was cancelled; callers treat it as a clean stop."""


class ProgressFn(Protocol):
    def __call__(self, done: int, total: int | None, message: str = "") -> None: ...


def no_progress(done: int, total: int | None, message: str = "") -> None:
    """The default progress callback: ignores every report."""


class CancelToken:
    """A thread-safe flag the worker checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled()
