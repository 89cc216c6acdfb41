"""The reader protocol: a file in, exact text and metadata out. Readers never touch the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

MAX_REPORT_BYTES = 64 * 1024 * 1024  # larger files are refused with a clear message


@dataclass(frozen=True)
class ReaderResult:
    """What a reader extracted. ``text`` is kept exactly (no newline or Unicode normalisation)."""

    text: str
    title: str | None = None
    source: str | None = None
    published: str | None = None  # ISO 8601 date
    url: str | None = None
    language: str | None = None
    encoding: str | None = None  # what the bytes were decoded from
    meta: dict[str, Any] = field(default_factory=dict)


class Reader(Protocol):
    NAME: str
    SUFFIXES: tuple[str, ...]
    EXTRA: str | None  # optional dependency group needed, or None

    def sniff(self, head: bytes) -> int:
        """A score 0-100 of how likely ``head`` (the first bytes) is this reader's type."""

    def read(self, path: Path) -> ReaderResult:
        """Read one file; raise ``ReaderError`` naming the file on any problem."""
