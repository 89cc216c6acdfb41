"""A report: immutable text plus the metadata analysts sort and cite by."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from annotator.core.ids import ReportId, report_id


@dataclass(frozen=True)
class Report:
    """A report as stored. ``id`` is always the SHA-256 of ``text``; build one with ``Report.of``."""

    id: ReportId
    text: str
    title: str = ""
    source: str | None = None
    published: str | None = None  # ISO 8601 date (YYYY-MM-DD, YYYY-MM or YYYY)
    url: str | None = None
    language: str | None = None
    direction: str = "ltr"  # "ltr" or "rtl"
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, **metadata: Any) -> Report:
        """A report for ``text`` with its id computed and language/direction guessed when not given."""
        language = metadata.pop("language", None) or guess_language(text)
        direction = metadata.pop("direction", None) or text_direction(text)
        return cls(id=report_id(text), text=text, language=language, direction=direction, **metadata)

    @property
    def chars(self) -> int:
        return len(self.text)


def _letter_scripts(text: str, limit: int = 20000) -> tuple[int, int]:
    """Count Arabic-script letters and all letters in the first ``limit`` code points."""
    arabic = letters = 0
    for ch in text[:limit]:
        if ch.isalpha():
            letters += 1
            o = ord(ch)
            if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF \
                    or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
                arabic += 1
    return arabic, letters


def text_direction(text: str) -> str:
    """``rtl`` when most letters are Arabic script, else ``ltr``."""
    arabic, letters = _letter_scripts(text)
    return "rtl" if letters and arabic * 2 > letters else "ltr"


def guess_language(text: str) -> str | None:
    """A coarse guess good enough to pick a date parser: ``ar`` for mostly Arabic script, ``en``
    for mostly Latin, else ``None``."""
    arabic, letters = _letter_scripts(text)
    if not letters:
        return None
    if arabic * 2 > letters:
        return "ar"
    latin = sum(1 for ch in text[:20000] if ch.isalpha() and "LATIN" in unicodedata.name(ch, ""))
    return "en" if latin * 2 > letters else None
