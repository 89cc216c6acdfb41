"""ReadAhead: the items of an iterator, made by a second thread only while the caller lets it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from annotator.core.read_ahead import ReadAhead


class Source:
    """A generator that counts what it made and whether it was closed, and may fail at one item."""

    def __init__(self, n: int, fail_at: int | None = None) -> None:
        self.made = 0
        self.closed = False
        self.threads: set[str] = set()
        self.n, self.fail_at = n, fail_at

    def items(self) -> Iterator[int]:
        try:
            for k in range(self.n):
                self.threads.add(threading.current_thread().name)
                if k == self.fail_at:
                    raise ValueError(f"line {k + 1} is not JSON")
                self.made += 1
                yield k
        finally:
            self.closed = True


def _until(test, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not test():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def test_items_come_in_order_from_the_reader_thread() -> None:
    source = Source(2000)
    with ReadAhead(source.items(), depth=7) as items:
        assert list(items) == list(range(2000))
    assert source.threads == {"annotator-read-ahead"} and source.closed
    assert not any(t.name == "annotator-read-ahead" for t in threading.enumerate())


def test_what_the_source_raises_is_raised_to_the_caller_after_the_items_before_it() -> None:
    source = Source(100, fail_at=40)
    got: list[int] = []
    with pytest.raises(ValueError, match="line 41 is not JSON"), ReadAhead(source.items(), depth=10) as items:
        got.extend(items)
    assert got == list(range(40)) and source.closed


def test_a_caller_that_stops_early_stops_the_reader_and_the_source_is_closed() -> None:
    source = Source(10_000)
    with ReadAhead(source.items(), depth=5) as items:
        for k in items:
            if k == 3:
                break
    assert source.closed and source.made < 100
    assert not any(t.name == "annotator-read-ahead" for t in threading.enumerate())


def test_the_reader_runs_only_while_the_caller_waits_or_overlaps() -> None:
    """Outside ``overlap()`` and between items the caller runs alone: the reader stops (at most an item or
    two after the gate closes, while the caller takes the interpreter lock back). Inside, it runs on. The
    queue is deep enough never to fill, so only the gate can be what stops it."""
    source = Source(200_000)
    with ReadAhead(source.items(), depth=200_000) as reading:
        items = iter(reading)
        assert next(items) == 0
        time.sleep(0.1)
        made = source.made
        time.sleep(0.3)
        assert source.made == made < 200_000
        with reading.overlap():
            assert _until(lambda: source.made > made)
        time.sleep(0.1)
        made = source.made
        time.sleep(0.3)
        assert source.made == made
        assert list(items) == list(range(1, 200_000))
