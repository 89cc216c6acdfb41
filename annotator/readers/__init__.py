"""Report readers, one module per file type, chosen by suffix and then by sniffing.

The registry is an explicit tuple (importing this package registers nothing at run time); the
modules import their heavy parsers lazily inside ``read``.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from annotator.core.errors import AnnotatorError, ReaderError, failure_detail
from annotator.readers.base import MAX_REPORT_BYTES, Reader, ReaderResult

log = logging.getLogger(__name__)

__all__ = ["readers", "Reader", "ReaderResult", "reader_for", "read_report_file", "supported_suffixes",
           "MAX_REPORT_BYTES"]


@cache
def readers() -> tuple[Reader, ...]:
    """The registry: an explicit tuple, built on first use (each module's parser loads lazily too)."""
    from annotator.readers.docx import DocxReader  # noqa: PLC0415 (30 ms to import, only to read a file)
    from annotator.readers.html import HtmlReader  # noqa: PLC0415 (30 ms to import, only to read a file)
    from annotator.readers.pdf import PdfReader  # noqa: PLC0415 (30 ms to import, only to read a file)
    from annotator.readers.text import TextReader  # noqa: PLC0415 (30 ms to import, only to read a file)

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
    reader = reader_for(path)
    try:
        result = reader.read(path)
    except AnnotatorError:
        raise
    except MemoryError:
        raise ReaderError(path, "is too large to read with the memory this computer has") from None
    except Exception as exc:  # noqa: BLE001 - whatever a parser raises is this file's problem, in one sentence
        log.debug("the %s reader failed on %s", reader.NAME, path, exc_info=True)
        raise ReaderError(path, f"is damaged or not a readable {reader.NAME} file ({failure_detail(exc)})") \
            from None
    if not result.text.strip():
        raise ReaderError(path, "contains no text")
    return result
