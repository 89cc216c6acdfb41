"""Our own tokenizer, shaped like spaCy's blank tokenizer, for Prodigy and CoNLL without spaCy.

Token-based formats need every span edge on a token boundary. Rather than contract or expand a span
(which silently changes the annotation) we tokenize like spaCy's ``blank`` pipeline and then *force*
extra splits at span edges. A token is ``(start, end, ws)``: code points, end exclusive, ``ws`` = one
ASCII space follows and belongs to the token (spaCy's ``whitespace_``). Whitespace other than that
single space (``\\n``, ``\\r\\n``, NBSP, runs of spaces) forms tokens of its own, as in spaCy.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from annotator.core.offsets import is_cluster_boundary


class Token(NamedTuple):
    start: int
    end: int
    ws: bool  # a single U+0020 follows and is not a token of its own

    def text(self, text: str) -> str:
        return text[self.start:self.end]


_WORD_JOINERS = frozenset("\u200c\u200d\u0640_")
_KEEP_INSIDE = frozenset("'’")  # Kata'eb, Ja'far stay one token
_NUMBER_INSIDE = frozenset(".,")  # 3.5, 1,000 and example.org stay one token
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in _WORD_JOINERS or unicodedata.category(ch)[0] == "M"


def _chunk_tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split one whitespace-free chunk into words, single punctuation marks and symbol clusters."""
    out: list[tuple[int, int]] = []
    i = start
    while i < end:
        ch = text[i]
        j = i + 1
        if _is_word(ch):
            while j < end:
                c = text[j]
                if _is_word(c):
                    j += 1
                elif (c in _KEEP_INSIDE or c in _NUMBER_INSIDE) and j + 1 < end and _is_word(text[j + 1]) \
                        and (c in _KEEP_INSIDE or text[j - 1].isalnum()):
                    j += 2
                else:
                    break
        elif ch == "." or ch == "-":
            while j < end and text[j] == ch:  # "..." and "--" stay whole
                j += 1
        while j < end and not is_cluster_boundary(text, j):  # never cut a grapheme cluster
            j += 1
        out.append((i, j))
        i = j
    return out


def tokenize(text: str) -> list[Token]:
    """spaCy-blank-like tokens of ``text``; joined with their ``ws`` flags they rebuild it exactly."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            run_start = i
            if text[i] == " " and tokens and not tokens[-1].ws and tokens[-1].end == i:
                tokens[-1] = tokens[-1]._replace(ws=True)
                run_start = i + 1
            if run_start < j:
                tokens.append(Token(run_start, j, False))
            i = j
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        tokens.extend(Token(s, e, False) for s, e in _chunk_tokens(text, i, j))
        i = j
    return tokens


def force_splits(tokens: Sequence[Token], starts: Iterable[int], ends: Iterable[int]) -> list[Token]:
    """Split tokens so that every position in ``starts`` begins a token and every one in ``ends``
    ends a token; a space absorbed as ``ws`` becomes a token of its own when a span edge needs it."""
    start_set, end_set = set(starts), set(ends)
    cuts = sorted(start_set | end_set)
    out: list[Token] = []
    for tok in tokens:
        inner = cuts[bisect_right(cuts, tok.start):bisect_left(cuts, tok.end)]
        edges = [tok.start, *inner, tok.end]
        for k in range(len(edges) - 1):
            out.append(Token(edges[k], edges[k + 1], False))
        if tok.ws:
            space = tok.end
            if space in start_set or space + 1 in end_set:
                out.append(Token(space, space + 1, False))
            else:
                out[-1] = out[-1]._replace(ws=True)
    return out


def span_tokens(tokens: Sequence[Token]) -> tuple[dict[int, int], dict[int, int]]:
    """Maps from a token's start offset and end offset to its index (for span alignment)."""
    return ({t.start: i for i, t in enumerate(tokens)}, {t.end: i for i, t in enumerate(tokens)})


def is_whitespace(token: Token, text: str) -> bool:
    return text[token.start:token.end].isspace()
