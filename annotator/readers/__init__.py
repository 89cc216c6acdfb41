"""Report readers, one module per file type, chosen by suffix and then by sniffing.

The registry is an explicit tuple (importing this package registers nothing at run time); the
modules import their heavy parsers lazily inside ``read``.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import ReaderError
from functools import cache

from annotator.readers.base import MAX_REPORT_BYTES, Reader, ReaderResult

__all__ = ["readers", "Reader", "ReaderResult", "reader_for", "read_report_file", "supported_suffixes",
           "MAX_REPORT_BYTES"]


@cache
def readers() -> tuple[Reader, ...]:
    """The registry: an explicit tuple, built on first use (each module's parser loads lazily too)."""
    from annotator.readers.docx import DocxReader
    from annotator.readers.html import HtmlReader
    from annotator.readers.pdf import PdfReader
    from annotator.readers.text import TextReader

    return (TextReader(), HtmlReader(), PdfReader(), DocxReader())


def supported_suffixes() -> tuple[str, ...]:
    return (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


def reader_for(path: Path) -> Reader:
    """The reader for ``path``: by suffix first, then by the best sniff score of its first bytes."""
    suffix = path.suffix.lower()
    for reader in readers():
        if suffix in reader.SUFFIXES:
            return reader
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except OSError as exc:
        raise ReaderError(path, f"cannot be opened ({exc.strerror or exc})") from None
    best = max(readers(), key=lambda r: r.sniff(head))
    if best.sniff(head) <= 0:
        raise ReaderError(path, f"is not a supported report type (supported: "
                                f"{', '.join(supported_suffixes())})")
    return best


def read_report_file(path: Path) -> ReaderResult:
    """Read any supported report file, refusing oversized and unreadable files with one sentence."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReaderError(path, f"cannot be opened ({exc.strerror or exc})") from None
    if size > MAX_REPORT_BYTES:
        raise ReaderError(path, f"is {size // (1024 * 1024)} MB, more than the "
                                f"{MAX_REPORT_BYTES // (1024 * 1024)} MB a report may have")
    result = reader_for(path).read(path)
    if not result.text.strip():
        raise ReaderError(path, "contains no text")
    return result
