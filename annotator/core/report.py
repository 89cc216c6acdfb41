"""A report: immutable text plus the metadata analysts sort and cite by."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from annotator.core.ids import ReportId, report_id
from annotator.core.scripts import ARABIC_RUNS


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
        language, direction = metadata.pop("language", None), metadata.pop("direction", None)
        if not language or not direction:
            arabic, latin, letters = _letter_scripts(text)
            language = language or _language(arabic, latin, letters)
            direction = direction or _direction(arabic, letters)
        return cls(id=report_id(text), text=text, language=language, direction=direction, **metadata)

    @property
    def chars(self) -> int:
        return len(self.text)


_LATIN_BLOCKS = re.compile("[A-Za-z\u00AA\u00BA\u00C0-\u024F\u0250-\u02AF\u1D00-\u1D7F\u1E00-\u1EFF"
                           "\u2C60-\u2C7F\uA720-\uA7FF\uAB30-\uAB6F\uFB00-\uFB06\uFF21-\uFF3A\uFF41-\uFF5A]+")
_SAMPLE = 20000  # code points looked at: enough to decide, bounded for long reports


def _letter_scripts(text: str) -> tuple[int, int, int]:
    """Arabic-script, Latin and all letters in the first ``_SAMPLE`` code points. Counted with C-level
    loops (``map(str.isalpha)``, regular expressions): a Python loop per character made importing
    10,000 reports slow."""
    sample = text[:_SAMPLE]

    def letters(chars: str) -> int:  # a run of letters (most runs of one script) is counted by one test
        return len(chars) if chars.isalpha() else sum(map(str.isalpha, chars))

    return (letters("".join(ARABIC_RUNS.findall(sample))), letters("".join(_LATIN_BLOCKS.findall(sample))),
            letters(sample))


def _direction(arabic: int, letters: int) -> str:
    return "rtl" if letters and arabic * 2 > letters else "ltr"


def _language(arabic: int, latin: int, letters: int) -> str | None:
    if not letters:
        return None
    if arabic * 2 > letters:
        return "ar"
    return "en" if latin * 2 > letters else None


def text_direction(text: str) -> str:
    """``rtl`` when most letters are Arabic script, else ``ltr``."""
    arabic, _latin, letters = _letter_scripts(text)
    return _direction(arabic, letters)


def guess_language(text: str) -> str | None:
    """A coarse guess good enough to pick a date parser: ``ar`` for mostly Arabic script, ``en``
    for mostly Latin, else ``None``."""
    return _language(*_letter_scripts(text))
