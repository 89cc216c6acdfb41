"""Items of an iterator made by a second thread while the caller waits on the database.

A load reads and checks a file's documents (Python) and stores them a batch at a time. SQLite stores the
spans and relations of a batch in one long step with the interpreter lock released
(``store.set_transfer``): the second core can read the next batch meanwhile.

The reader runs only while its gate is open: while the caller waits for an item, and inside
``overlap()``, which the caller wraps around its long database steps. Everywhere else the caller runs
alone. A reader let loose all the time would hold the interpreter lock whenever the caller's many short
statements (one per row of a small table) give it up, and each would then wait for the lock's switch
interval; gated, the two threads take turns where turns cost nothing.

Items come in order; what the reader's iterator raises is raised to the caller at the item where it
happened; a caller that stops early (its own error, a Cancel) stops the reader, which closes its iterator
(and so its file) in its own thread."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")

_DONE = object()  # the reader's last item: its iterator is exhausted
_POLL_S = 0.1  # how often a waiting reader looks whether the caller has stopped


class _Raised:
    """What the reader's iterator raised, handed over as an item so it is raised in the caller's thread."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class ReadAhead(Generic[T]):
    """``items`` in order, made up to ``depth`` ahead by a daemon thread while the gate is open.

    The thread only iterates ``items``: whatever that touches must be safe to use from a second thread
    (a reader's own file and objects, a session of its own; never the caller's session)."""

    def __init__(self, items: Iterable[T], depth: int) -> None:
        self._handed: queue.Queue[object] = queue.Queue(maxsize=max(1, depth))
        self._gate = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, args=(items,), name="annotator-read-ahead",
                                        daemon=True)
        self._thread.start()

    def __iter__(self) -> Iterator[T]:
        try:
            while True:
                self._gate.set()  # the caller waits: the reader may run
                try:
                    item = self._handed.get()
                finally:
                    self._gate.clear()
                if item is _DONE:
                    return
                if isinstance(item, _Raised):
                    raise item.error
                yield item  # type: ignore[misc]
        finally:
            self.close()

    @contextmanager
    def overlap(self) -> Iterator[None]:
        """The reader may run while the caller is inside (a long step that releases the interpreter lock)."""
        self._gate.set()
        try:
            yield
        finally:
            self._gate.clear()

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the reader (it closes its iterator) and wait for it."""
        self._stop.set()
        self._gate.set()  # a reader waiting at the gate sees the stop
        self._thread.join()

    # -- the reader's thread ---------------------------------------------------------------------
    def _produce(self, items: Iterable[T]) -> None:
        source = iter(items)
        try:
            while self._wait_for_gate():
                try:
                    item = next(source)
                except StopIteration:
                    self._give(_DONE)
                    return
                if not self._give(item):
                    return
        except BaseException as exc:  # noqa: BLE001 - every failure is the caller's to see, in its thread
            self._give(_Raised(exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def _wait_for_gate(self) -> bool:
        """Wait until the reader may run; False when the caller has stopped."""
        while not self._gate.wait(_POLL_S):
            if self._stop.is_set():
                return False
        return not self._stop.is_set()

    def _give(self, item: object) -> bool:
        """Hand ``item`` over, waiting while the queue is full; False when the caller has stopped."""
        while not self._stop.is_set():
            try:
                self._handed.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False
