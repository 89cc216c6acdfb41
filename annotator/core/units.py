"""Conversion between code points and UTF-16 code units, for formats that count in UTF-16
(doccano, UIMA XMI). Qt's own conversion is ``gui.offsets``; this one knows nothing of Qt."""

from __future__ import annotations

from bisect import bisect_right

from annotator.core.errors import ValidationError


class Utf16Map:
    """Maps offsets of one text both ways in O(log n) using the positions of astral characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]  # code point indices
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral)]  # their UTF-16 indices
        self.utf16_length = len(text) + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        if not 0 <= cp <= len(self.text):
            raise ValidationError(f"offset {cp} is outside the text (0..{len(self.text)})")
        return cp + bisect_right(self._astral, cp - 1)

    def to_codepoint(self, u16: int) -> int:
        """Raise ``ValidationError`` if ``u16`` falls between the two halves of a surrogate pair."""
        if not 0 <= u16 <= self.utf16_length:
            raise ValidationError(f"UTF-16 offset {u16} is outside the text (0..{self.utf16_length})")
        k = bisect_right(self._astral_u16, u16 - 1)  # astral chars starting before u16
        if k and self._astral_u16[k - 1] == u16 - 1:
            raise ValidationError(f"UTF-16 offset {u16} splits a surrogate pair "
                                  f"(character {self._astral[k - 1]})")
        return u16 - k
