"""Finding a span whose recorded offsets miss its recorded text: one way for every reader.

Browser-based tools count offsets in UTF-16 units (JavaScript strings), so after an emoji or another
character outside the Basic Multilingual Plane their offsets run ahead of our code points: the W3C
Web Annotation clients do, and brat's UI does (brat issue #1115). A reader that has the span's text
as the file recorded it (a W3C ``TextQuoteSelector``, brat's third column) retries the offsets as
UTF-16 units, then looks for the text itself nearest the offsets given, and says which one it used.
"""

from __future__ import annotations

from annotator.core.errors import ValidationError
from annotator.core.units import Utf16Map


def relocate(text: str, start: object, end: object, exact: str, prefix: str = "", suffix: str = ""
             ) -> tuple[int, int, str] | None:
    """Where ``exact`` is, as ``(start, end, how)`` — ``how`` names the reading for a warning — when
    ``start``-``end`` does not cover it: the offsets read as UTF-16 units, else ``exact`` (with its
    ``prefix``/``suffix`` context when the file gives one) nearest ``start``; None when neither finds it."""
    if exact and isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool):
        try:
            u16 = Utf16Map(text)
            s, e = u16.to_codepoint(start), u16.to_codepoint(end)
            if text[s:e] == exact:
                return s, e, "reading it as UTF-16 units"
        except ValidationError:
            pass
    found = find_quote(text, exact, prefix, suffix, start if isinstance(start, int) else 0)
    return (found[0], found[1], "its quote") if found else None


def find_quote(text: str, exact: str, prefix: str = "", suffix: str = "", near: int = 0) -> tuple[int, int] | None:
    """The occurrence of ``exact`` nearest ``near`` (one with the given context first), or None."""
    if not exact:
        return None
    for pattern, shift in ((prefix + exact + suffix, len(prefix)), (exact, 0)):
        hits, i = [], text.find(pattern)
        while i >= 0:
            hits.append(i + shift)
            i = text.find(pattern, i + 1)
        if hits:
            best = min(hits, key=lambda h: abs(h - near))
            return best, best + len(exact)
    return None
