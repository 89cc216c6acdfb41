"""Streaming: JSONL-family export and import keep memory flat however large the corpus.

Exports N generated documents (produced lazily, as the export service produces them from the
database) and reads the file back, measuring Python's peak traced memory for 1,000 and 10,000
documents: a streaming writer/reader shows the same peak for both."""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from annotator.core.annotation_set import Document
from annotator.formats import get

from formats_bench import make_documents


def _lazy(n: int) -> Iterator[Document]:
    template = make_documents(50)
    for i in range(n):
        yield template[i % len(template)]


def _measure(fmt: str, n: int, folder: Path) -> dict[str, float]:
    out = folder / f"{fmt}-{n}.jsonl"
    tracemalloc.start()
    t = time.perf_counter()
    get(fmt).write(_lazy(n), out)
    write_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    count = sum(1 for _ in get(fmt).read(out))
    read_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == n
    return {"file_mb": round(out.stat().st_size / 1e6, 1), "write_peak_mb": round(write_peak / 1e6, 1),
            "read_peak_mb": round(read_peak / 1e6, 1), "seconds": round(time.perf_counter() - t, 1)}


def run() -> dict[str, object]:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("jsonl", "doccano"):
            for n in (1000, 10000):
                figures[f"{fmt}_{n}"] = _measure(fmt, n, Path(tmp))
    return figures
