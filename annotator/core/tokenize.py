"""Our own tokenizer, shaped like spaCy's blank tokenizer, for Prodigy and CoNLL without spaCy.

Token-based formats need every span edge on a token boundary. Rather than contract or expand a span
(which silently changes the annotation) we tokenize like spaCy's ``blank`` pipeline and then *force*
extra splits at span edges. A token is ``(start, end, ws)``: code points, end exclusive, ``ws`` = one
ASCII space follows and belongs to the token (spaCy's ``whitespace_``). Whitespace other than that
single space (``\\n``, ``\\r\\n``, NBSP, runs of spaces) forms tokens of its own, as in spaCy.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import regex

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


# The rules above as one regular expression for the stdlib ``re`` (whose \s is str.isspace and whose \w is
# str.isalnum plus "_"): a whitespace run (group 1), or a token (group 2: a word, with ' ’ inside or . ,
# between an alphanumeric and a word character; a run of dots or hyphens; any other code point) and the
# one space that may follow it (group 3). It agrees with ``_chunk_tokens`` on every run of text without
# a combining mark (not \w) and without a character a grapheme cluster can join; the runs that have one
# (``_joined_chunks``) are split by ``_chunk_tokens`` itself.
_TOKEN = r"[\w\u200c\u200d]+(?:(?:['’]|(?<=[^\W_])[.,])[\w\u200c\u200d]+)*|\.+|-+|\S"
_PIECES = re.compile(rf"(\s+)|({_TOKEN})( ?)")
# the same tokens, each with the whitespace before it: ``findall`` gives them as strings, no match object each
_SPACED_WORDS = re.compile(rf"(\s*)({_TOKEN})")
_MAY_JOIN = regex.compile(r"[^\p{GCB=Other}\p{GCB=Control}\p{GCB=CR}\p{GCB=LF}]")  # the ones \X joins
_OTHER_NON_ASCII = re.compile(r"[^\w\s\x00-\x7f]")  # where a combining mark (word character, not \w) can be


def _joined_chunks(text: str) -> list[tuple[int, int]]:
    """The whitespace-free runs holding a combining mark or a character a grapheme cluster can join
    (both rare outside diacritised or complex scripts), in order."""
    at = [m.start() for m in _MAY_JOIN.finditer(text)]
    at += [m.start() for m in _OTHER_NON_ASCII.finditer(text) if unicodedata.category(m.group())[0] == "M"]
    chunks: list[tuple[int, int]] = []
    n = len(text)
    for p in sorted(at):
        if (chunks and p < chunks[-1][1]) or text[p].isspace():
            continue
        a, b = p, p + 1
        while a > 0 and not text[a - 1].isspace():
            a -= 1
        while b < n and not text[b].isspace():
            b += 1
        chunks.append((a, b))
    return chunks


def tokenize(text: str) -> list[Token]:
    """spaCy-blank-like tokens of ``text``; joined with their ``ws`` flags they rebuild it exactly.

    One regular expression walks the text (token κ tokenizes every report of the corpus with it, CoNLL
    and Prodigy every exported one); the few whitespace-free runs it cannot decide alone (combining marks,
    cluster joiners) are split by ``_chunk_tokens``, which states the rules."""
    joined = _joined_chunks(text)
    if not joined:
        return [Token(m.start(), m.end(), False) if m.lastindex == 1 else Token(m.start(), m.end(2), m.end() > m.end(2))
                for m in _PIECES.finditer(text)]
    tokens: list[Token] = []
    k = 0
    skip_to = 0
    for m in _PIECES.finditer(text):
        s = m.start()
        if s < skip_to:
            continue
        if k < len(joined) and s == joined[k][0]:
            a, b = joined[k]
            pieces = _chunk_tokens(text, a, b)
            tokens.extend(Token(x, y, False) for x, y in pieces)
            skip_to = b
            k += 1
            if b < len(text) and text[b] == " ":  # the space after the run belongs to its last token
                tokens[-1] = tokens[-1]._replace(ws=True)
                skip_to = b + 1
                if b + 1 < len(text) and text[b + 1].isspace():  # the rest of the run is a token
                    end = b + 1
                    while end < len(text) and text[end].isspace():
                        end += 1
                    tokens.append(Token(b + 1, end, False))
                    skip_to = end
        elif m.lastindex == 1:
            tokens.append(Token(s, m.end(), False))
        else:
            tokens.append(Token(s, m.end(2), m.end() > m.end(2)))
    return tokens


def word_bounds(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the tokens of ``tokenize`` that are not whitespace: the units of token κ."""
    if not _joined_chunks(text):
        return [m.span(2) for m in _PIECES.finditer(text) if m.lastindex != 1]
    return [(t.start, t.end) for t in tokenize(text) if not text[t.start].isspace()]


def spaced_words(text: str) -> list[tuple[str, str]] | None:
    """The words of ``word_bounds`` as ``(whitespace before it, word)`` pairs, whose lengths added up in
    order give the bounds; ``None`` when the text has a run only ``_chunk_tokens`` can split (then use
    ``word_bounds``). Token κ tokenizes every report of the corpus: strings from ``findall`` cost about
    half of a match object per token."""
    if _joined_chunks(text):
        return None
    return _SPACED_WORDS.findall(text)


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
