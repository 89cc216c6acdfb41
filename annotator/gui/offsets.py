"""THE boundary between Qt positions and code-point offsets; nothing else in the GUI converts.

Qt counts UTF-16 code units, and ``QTextDocument`` folds a CRLF pair into one block separator,
while the core, the database and every exported file count code points of the exact stored text.
So a position differs from its offset by the astral characters before it (emoji, some CJK: two
units each) minus the CRLF pairs before it. Both are found with C-speed regex scans and kept as
sorted lists, so a 1 MB report maps in milliseconds and each lookup is a bisection.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_CRLF = re.compile("\r\n")


class QtOffsets:
    """Code points ↔ Qt document positions for one report text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # code-point index of the LF in each CRLF: that character has no Qt position of its own
        self._lf = [m.start() + 1 for m in _CRLF.finditer(text)]
        self.length = len(text)

    @property
    def trivial(self) -> bool:
        return not self._astral and not self._lf

    def to_qt(self, offset: int) -> int:
        """Qt position of a code-point offset (an offset between CR and LF maps to the separator)."""
        offset = max(0, min(offset, self.length))
        if self.trivial:
            return offset
        lf_before = bisect_left(self._lf, offset)  # LFs strictly before the offset
        if lf_before < len(self._lf) and self._lf[lf_before] == offset:
            offset -= 1  # inside a CRLF pair: same place as before the CR
        return offset + bisect_left(self._astral, offset) - bisect_left(self._lf, offset)

    def to_offset(self, position: int) -> int:
        """Code-point offset of a Qt position; a position inside a surrogate pair moves to the
        start of that character (Qt never shows half a character, but a caret API can ask)."""
        if self.trivial:
            return max(0, min(position, self.length))
        lo, hi = 0, self.length
        if position <= 0:
            return 0
        while lo < hi:  # the largest offset whose Qt position is <= position
            mid = (lo + hi + 1) // 2
            if self.to_qt(mid) <= position:
                lo = mid
            else:
                hi = mid - 1
        i = bisect_left(self._lf, lo)
        if i < len(self._lf) and self._lf[i] == lo:
            lo -= 1  # the separator of a CRLF pair stands for the CR
        return lo

    def qt_range(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def qt_ranges(self, extents: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """``qt_range`` of many extents at once: opening a report maps every span, and ten thousand
        method calls cost more than the bisections themselves (same rule as ``to_qt``)."""
        n = self.length
        if self.trivial:
            return [(min(max(a, 0), n), min(max(b, 0), n)) for a, b in extents]
        astral, lf = self._astral, self._lf
        last = len(lf)

        def qt(offset: int) -> int:
            offset = 0 if offset < 0 else n if offset > n else offset
            k = bisect_left(lf, offset)
            if k < last and lf[k] == offset:
                offset -= 1  # inside a CRLF pair (the LF before it, if any, is not at offset - 1)
            return offset + bisect_left(astral, offset) - k

        return [(qt(a), qt(b)) for a, b in extents]

    def offset_range(self, a: int, b: int) -> tuple[int, int]:
        a, b = sorted((a, b))
        return self.to_offset(a), self.to_offset(b)
