"""Code-point offset helpers: boundaries that must not be cut, word snapping, trimming.

All positions are code points into the exact text. UTF-16 conversion lives in ``core.units``
(for formats) and ``gui.offsets`` (the Qt boundary), never here.
"""

from __future__ import annotations

import unicodedata

import regex

_TRIM = set(" \t\r\n\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
            "\u3000.,;:!?\"'()[]{}«»“”‘’«»،؛؟…—–-/\\|*_")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me", "Mc")


# Extended grapheme clusters (UAX #29) come from the regex module's \X, kept current with Unicode by its
# maintainers (its Unicode version: tests/core/test_graphemes.py checks it against Unicode's own
# GraphemeBreakTest data). A break is certain before a space unless a Prepend character precedes it
# (rule GB9b), and after a line feed (GB4): boundaries are found from the nearest such point.
_CLUSTER = regex.compile(r"\X")
_PREPEND = regex.compile(r"\p{Grapheme_Cluster_Break=Prepend}")
_LOOK_BACK = 256  # how far to look for a space before falling back to the start of the line


def cluster_boundaries(text: str, start: int = 0) -> list[int]:
    """Every grapheme-cluster boundary of ``text`` from ``start`` (itself a boundary) to its end, both
    included: what "one character" means to a reader, to doccano's grapheme mode and to a cursor."""
    out = [start]
    out.extend(m.end() for m in _CLUSTER.finditer(text, start))
    return out


def is_cluster_boundary(text: str, pos: int) -> bool:
    """True when ``pos`` does not fall inside a user-perceived character: not between a base and its
    combining marks (Arabic harakat, ZWNJ), not inside CRLF, a ZWJ sequence, a flag pair, a keycap,
    a skin-tone modifier or an Indic conjunct."""
    start = 0 if pos <= 0 or pos >= len(text) else _certain_boundary(text, pos)
    if start == pos or pos <= 0 or pos >= len(text):
        return True
    for m in _CLUSTER.finditer(text, start):
        if m.end() >= pos:
            return m.end() == pos
    return True


def _certain_boundary(text: str, pos: int) -> int:
    """A boundary at or before ``pos``: before the nearest space not preceded by a Prepend character,
    else after the nearest line feed, else the start of the text."""
    for i in range(pos, max(0, pos - _LOOK_BACK), -1):
        if text[i] == " " and not _PREPEND.match(text, i - 1):
            return i
    return text.rfind("\n", 0, pos) + 1


def clamp(pos: int, text: str) -> int:
    return max(0, min(pos, len(text)))


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or _is_mark(ch) or ch in "\u200c\u200d_'’ـ" or ch == "\u0640"


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow ``[start, end)`` to whole words, then trim surrounding spaces and punctuation.

    What an annotator means by a rough mouse selection: "ficers met at Dei" becomes "officers met at
    Deir". Returns the input unchanged when nothing word-like is selected."""
    start, end = clamp(min(start, end), text), clamp(max(start, end), text)
    s, e = trim(text, start, end)
    if s >= e:
        return start, end
    while s > 0 and _is_word_char(text[s - 1]) and _is_word_char(text[s]):
        s -= 1
    while e < len(text) and _is_word_char(text[e]) and _is_word_char(text[e - 1]):
        e += 1
    s, e = _keep_pairs(text, s, e)
    while e < len(text) and not is_cluster_boundary(text, e):
        e += 1
    while s > 0 and not is_cluster_boundary(text, s):
        s -= 1
    return s, e


_PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "‘": "’", "‹": "›"}
_SYMMETRIC = ('"',)


def _keep_pairs(text: str, s: int, e: int) -> tuple[int, int]:
    """Put back a bracket or quote that trimming took from one end while its partner is inside:
    "Guard Corps (IRGC" becomes "Guard Corps (IRGC)", "“no strikes" becomes "“no strikes”". A pair
    around the whole selection stays outside it."""
    changed = True
    while changed:
        changed = False
        inside = text[s:e]
        for opening, closing in _PAIRS.items():
            depth = inside.count(opening) - inside.count(closing)
            if depth > 0 and e < len(text) and text[e] == closing:
                e, changed = e + 1, True
            elif depth < 0 and s > 0 and text[s - 1] == opening:
                s, changed = s - 1, True
        for quote in _SYMMETRIC:
            if inside.count(quote) % 2:
                if e < len(text) and text[e] == quote:
                    e, changed = e + 1, True
                elif s > 0 and text[s - 1] == quote:
                    s, changed = s - 1, True
    return s, e


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop spaces and punctuation at both ends (an apostrophe inside a word stays)."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def snap_to_clusters(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen to the nearest cluster boundaries (used when word snapping is off)."""
    start, end = clamp(min(start, end), text), clamp(max(start, end), text)
    while start > 0 and not is_cluster_boundary(text, start):
        start -= 1
    while end < len(text) and not is_cluster_boundary(text, end):
        end += 1
    return start, end


def next_boundary(text: str, pos: int, step: int) -> int:
    """The next cluster boundary from ``pos`` moving by ``step`` (+1 or -1)."""
    pos = clamp(pos + step, text)
    while 0 < pos < len(text) and not is_cluster_boundary(text, pos):
        pos += step
    return pos


def next_word_edge(text: str, pos: int, step: int, edge: str = "end") -> int:
    """The next word end (``edge="end"``) or word start (``"start"``) from ``pos`` moving by
    ``step``, skipping spaces and punctuation: how a span boundary moves by word with snapping on."""
    pos = next_boundary(text, pos, step)
    while 0 < pos < len(text):
        before, after = _is_word_char(text[pos - 1]), _is_word_char(text[pos])
        if (edge == "end" and before and not after) or (edge == "start" and after and not before):
            return pos
        pos = next_boundary(text, pos, step)
    return pos
