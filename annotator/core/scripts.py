"""Which letters are Arabic script: ONE definition for direction detection, encoding plausibility
and name matching (Arabic, Arabic Supplement, Arabic Extended-A, and both presentation-form blocks)."""

from __future__ import annotations

import re

ARABIC_RANGES = "\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF"
ARABIC_RUNS = re.compile(f"[{ARABIC_RANGES}]+")
_ANY_ARABIC = re.compile(f"[{ARABIC_RANGES}]")


def is_arabic_char(ch: str) -> bool:
    return _ANY_ARABIC.match(ch) is not None


def has_arabic(text: str) -> bool:
    """Whether any character of ``text`` is Arabic script (a C-level scan)."""
    return _ANY_ARABIC.search(text) is not None
