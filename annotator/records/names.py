"""Name normalisation for matching mentions to entity aliases, in Arabic and Latin script.

Three levels, each a pure function of a string:

- ``fold(s)``: script-preserving normal form — NFKC; Arabic diacritics and tatweel removed, alef/ya/
  ta-marbuta/hamza-carrier variants unified, Arabic-Indic digits to ASCII; Latin case and diacritics
  folded; apostrophes and ayn/hamza signs (' ’ ʿ ʾ `) removed; punctuation to spaces; possessive
  "'s" dropped ("Syria's" → "syria").
- ``key(s)``: ``fold`` minus the definite article: Arabic "ال" prefixes and Latin al-/el-/ad-/az-/as-/
  ash-/at-/ar-/an-/ez-/es-... (as separate words or hyphenated prefixes). Exact lookups use it.
- ``skeleton(s)``: a cross-script transliteration key — ``key`` transliterated with anyascii, digraphs
  reduced (sh→s, kh→k, th→t, dh→d, gh→g, ph→f, q→k, c→k), vowels and semivowels (a e i o u y w)
  dropped after doubled letters are collapsed, a word-final h dropped (ta marbuta, -ah/-eh), spaces
  removed. "Deir ez-Zor",
  "Dayr az-Zawr", "Deir Al-Zour" and "دير الزور" all give ``drzr``.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain, repeat

from anyascii import anyascii

_AR_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_AR_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ئ": "ي",
    "ؤ": "و",
    "ة": "ه", "ۀ": "ه", "ە": "ه",
    "ک": "ك", "ڪ": "ك",
    "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
    "\u200c": " ", "\u200d": "", "\u200e": "", "\u200f": "", "\u061c": "",
})
_APOSTROPHES = "'’‘`ʿʾʼʻ´"
_POSSESSIVE = re.compile(r"(?<=\w)[" + _APOSTROPHES + r"]s\b")
_APOS = re.compile("[" + _APOSTROPHES + "]")
_POSSESSIVE_MARK = re.compile(r"(?<=\w)[" + _APOSTROPHES + r"](?=s\b)")
_NON_WORD = re.compile(r"[^\w]+")
_LATIN_ARTICLES = frozenset("al el il ul ad ed ud az ez as es us ash esh at et ath adh ar er an en".split())
_LATIN_ARTICLE_PREFIX = re.compile(r"\b(?:" + "|".join(sorted(_LATIN_ARTICLES, key=len, reverse=True))
                                   + r")-(?=\w)")
_DIGRAPHS = (("sh", "s"), ("kh", "k"), ("th", "t"), ("dh", "d"), ("gh", "g"), ("ph", "f"), ("ch", "k"),
             ("q", "k"), ("c", "k"), ("x", "ks"), ("j", "j"))
_VOWELS = re.compile(r"[aeiouyw]")
_DOUBLES = re.compile(r"(.)\1+")
_PLAIN = re.compile("[A-Za-z0-9 ]*")  # what fold only lower-cases and splits on spaces


def normalize_arabic(s: str) -> str:
    """Arabic orthographic normalisation only (diacritics, tatweel, letter variants, digits)."""
    return _AR_DIACRITICS.sub("", s).translate(_AR_MAP)


@lru_cache(maxsize=200_000)
def fold(s: str) -> str:
    """Script-preserving folded form: see the module docstring."""
    if _PLAIN.fullmatch(s):  # most names ("Deir Hafer"): no apostrophe, article hyphen or punctuation to undo
        return " ".join(s.casefold().split())
    if s.isascii():  # most names: normal forms, Arabic letters and combining marks change nothing
        s = _APOS.sub("", _POSSESSIVE.sub("", s)).casefold()
    else:
        s = unicodedata.normalize("NFKC", s)
        s = normalize_arabic(s)
        s = _POSSESSIVE.sub("", s)
        s = _APOS.sub("", s)
        # Latin diacritics: decompose, drop combining marks (Arabic marks are already gone)
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
        s = unicodedata.normalize("NFKC", s).casefold()
    s = _LATIN_ARTICLE_PREFIX.sub(" ", s)
    s = _NON_WORD.sub(" ", s.replace("_", " "))
    return " ".join(s.split())


def _strip_article(word: str) -> str:
    if word in _LATIN_ARTICLES:
        return ""
    if len(word) > 3 and word.startswith("ال"):
        return word[2:]
    if len(word) > 4 and (word.startswith("وال") or word.startswith("بال")):
        return word[3:]
    return word


def has_arabic_article(text: str) -> bool:
    """Whether the first word of ``text`` carries the Arabic definite article ``key`` drops (ال, وال, بال):
    "المسيرة" (al-Masirah, a channel) does, "مسيّرة" (a drone) does not, and both have one key."""
    words = fold(text).split()
    return bool(words) and words[0] not in _LATIN_ARTICLES and _strip_article(words[0]) != words[0]


@lru_cache(maxsize=200_000)
def key(s: str) -> str:
    """``fold`` without definite articles: the exact-lookup key."""
    words = [_strip_article(w) for w in fold(s).split()]
    result = " ".join(w for w in words if w)
    return result or fold(s)


@lru_cache(maxsize=200_000)
def transliterate(s: str) -> str:
    """``key`` in ASCII (anyascii), lower case, apostrophes removed."""
    return _ascii(key(s))


def _ascii(k: str) -> str:
    t = anyascii(k).lower()
    t = _APOS.sub("", t)
    return " ".join(_NON_WORD.sub(" ", t).split())


@lru_cache(maxsize=200_000)
def skeleton(s: str) -> str:
    """Cross-script consonant skeleton: see the module docstring."""
    t = join_skeleton(_skeleton_piece(word) for word in transliterate(s).split())
    return t or transliterate(s).replace(" ", "")


def translit_word_skeleton(word: str) -> str:
    """``skeleton(word)`` for one word of a ``transliterate`` result (lower-case ASCII letters, digits, rarely
    an underscore): such a word is its own key and transliteration, so its skeleton is its piece, or the
    word itself when the piece is empty. The resolver's index asks this for every word of 14,000 aliases;
    going through ``skeleton`` folded each word again first (a quarter of the index's build). An underscore
    (which ``fold`` turns into a space) takes the long way."""
    if "_" in word:
        return skeleton(word)
    return _skeleton_piece(word) or word


@lru_cache(maxsize=200_000)
def _skeleton_piece(word: str) -> str:
    w = _DOUBLES.sub(r"\1", word)
    for a, b in _DIGRAPHS:
        w = w.replace(a, b)
    w = _VOWELS.sub("", w)
    if len(w) > 1 and w.endswith("h"):  # ta marbuta / final -ah, -eh
        w = w[:-1]
    return w


def join_skeleton(pieces: Iterable[str]) -> str:
    """Word skeletons joined as ``skeleton`` joins them (a letter shared across a word break once)."""
    t = ""
    for w in pieces:
        t += w[1:] if t and w and t[-1] == w[0] else w
    return t


@lru_cache(maxsize=200_000)
def word_parts(word: str) -> tuple[str, tuple[str, ...]]:
    """(key, skeleton pieces) of one word of running text: a scan composes a word sequence's key (the
    words' keys joined by spaces, empty ones left out) and skeleton (``join_skeleton`` of the pieces)
    from its words' instead of computing every sequence afresh. For a sequence with at least one
    non-article word this equals ``key``/``skeleton`` of the sequence."""
    k = " ".join(w for w in (_strip_article(x) for x in fold(word).split()) if w)
    return k, tuple(_skeleton_piece(w) for w in _ascii(k).split())


# -- running text: folded with a map back to code points (corpus search, suggestions) -----------------
_DROPPED = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640" + _APOSTROPHES
                      + "\u200d\u200e\u200f\u061c]")


@lru_cache(maxsize=65536)
def _fold_char(c: str) -> str:
    """What one character of running text becomes in ``fold_text``: the same foldings as ``fold``
    (NFKC, Arabic letter variants and digits, Latin case and accents), but word by word nothing is
    removed except marks, so a match maps back to the text: marks, tatweel and apostrophes vanish,
    every other non-word character is one space."""
    if _DROPPED.fullmatch(c) or unicodedata.combining(c):
        return ""
    s = unicodedata.normalize("NFKC", c).translate(_AR_MAP)
    s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    s = unicodedata.normalize("NFKC", s).casefold()
    return "".join(ch if ch.isalnum() else " " for ch in s)


_FOLDED: dict[str, str] = {}  # character -> what fold_text makes of it (learnt as text is seen)
_FOLDED_BY_ORD: dict[int, str] = {}  # the same, keyed as str.translate asks
_SPACE_RUNS = re.compile(r"^ +| +$| {2,}")


def _learn(text: str) -> set[str]:
    """The characters of ``text``, each now in the tables."""
    chars = set(text)
    for c in chars.difference(_FOLDED):
        _FOLDED[c] = _FOLDED_BY_ORD[ord(c)] = _fold_char(c)
    return chars


def _marked(text: str) -> str:
    """``text`` with the apostrophe of a possessive ("Hamad's": the name, then "s") as a space: one
    character for one, so positions stay those of ``text``."""
    return _POSSESSIVE_MARK.sub(" ", text)


def _kept_space(run: re.Match[str]) -> int:
    """How many characters of a run of spaces in folded text stay: none at either end, one inside."""
    return 0 if run.start() == 0 or run.end() == len(run.string) else 1


def _one_space(joined: str) -> str:
    return _SPACE_RUNS.sub(lambda run: " " * _kept_space(run), joined)


def folded_text(text: str) -> str:
    """``text`` folded for search, without the map back (``fold_text``): what the search index stores
    and a query is folded to. ``str.translate`` and a regular expression, with no list per character:
    a 25-million-character report folds in a few hundred megabytes where the map alone took 900."""
    marked = _marked(text)
    _learn(marked)
    return _one_space(marked.translate(_FOLDED_BY_ORD))


def fold_text(text: str) -> tuple[str, Sequence[int]]:
    """``text`` folded for search (``folded_text``), and for each folded character the code point it
    came from.

    Runs of spaces are one space; a match ``[i, j)`` in the folded text is ``[origins[i],
    origins[j - 1] + 1)`` in ``text`` (``widen_end`` then takes in the marks that follow). The origins
    are a ``range`` where every character folds to one, else an array of 64-bit integers: a list of
    Python integers took 36 bytes per character (900 MB for a 25-million-character report)."""
    marked = _marked(text)
    chars = _learn(marked)
    joined = marked.translate(_FOLDED_BY_ORD)
    origins: Sequence[int] = range(len(text))
    if any(len(_FOLDED[c]) != 1 for c in chars):  # a character folds to none (a mark) or several (a ligature)
        origins = array("q", chain.from_iterable(map(repeat, origins, map(len, map(_FOLDED.__getitem__, marked)))))
    runs = list(_SPACE_RUNS.finditer(joined))
    if not runs:
        return joined, origins
    kept = array("q")
    at = 0
    for run in runs:
        kept.extend(origins[at:run.start() + _kept_space(run)])
        at = run.end()
    kept.extend(origins[at:])
    return _one_space(joined), kept


def fold_query(query: str) -> str:
    """A search query folded as ``fold_text`` folds the text it is looked for in."""
    return folded_text(query)


def widen_end(text: str, end: int) -> int:
    """``end`` moved past the marks (diacritics, tatweel, combining accents) that belong to the last
    character of a match, so a span never cuts a letter from its vowel sign."""
    while end < len(text) and _fold_char(text[end]) == "" and not _APOS.match(text[end]):
        end += 1
    return end
