"""The one tokenizer (CoNLL, Prodigy, token κ): its regular-expression walk gives exactly what its rules
(``_chunk_tokens`` on each whitespace-free run, one space after a token as its ``ws``) give, on random
text mixing scripts, combining marks, cluster joiners and whitespace of every kind."""

from __future__ import annotations

import random

from annotator.core.tokenize import Token, _chunk_tokens, spaced_words, tokenize, word_bounds
from hypothesis import given, settings
from hypothesis import strategies as st


def _by_the_rules(text: str) -> list[Token]:
    """The tokenizer as its rules state it, one code point at a time."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        if text[i].isspace():
            while j < n and text[j].isspace():
                j += 1
            run_start = i
            if text[i] == " " and tokens and not tokens[-1].ws and tokens[-1].end == i:
                tokens[-1] = tokens[-1]._replace(ws=True)
                run_start = i + 1
            if run_start < j:
                tokens.append(Token(run_start, j, False))
        else:
            while j < n and not text[j].isspace():
                j += 1
            tokens.extend(Token(s, e, False) for s, e in _chunk_tokens(text, i, j))
        i = j
    return tokens


PIECES = [*"aZ9_.,'’-–", " ", "  ", "\n", "\r\n", "\u00a0", "\t", "\x1c", "دير", "الزور", "\u064e", "\u0651",
          "\u200c", "\u200d", "\u0640", "👍", "🏽", "🇸", "🇾", "한", "\u1100", "\u1161", "क", "\u094d", "ष",
          "\u0301", "e\u0301", "\u0e33", "ก", "\u0600", "²", "½", "٣", "3.5", "1,000", "Kata'eb", "...", "--", "«",
          "»", "“", "©", "\u20e3", "#"]


def test_the_fast_walk_equals_the_rules_on_random_text() -> None:
    rng = random.Random(12)
    for _ in range(4_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 24)))
        assert tokenize(text) == _by_the_rules(text), repr(text)


def test_tokens_of_a_report() -> None:
    text = "Kata'eb Ja'far  shelled 3.5 km of al-Mayadin... 1,000 يَوم\u200cها 👍🏽--\r\nok"
    words = [text[s:e] for s, e in word_bounds(text)]
    assert words == ["Kata'eb", "Ja'far", "shelled", "3.5", "km", "of", "al", "-", "Mayadin", "...", "1,000",
                     "يَوم\u200cها", "👍🏽", "--", "ok"]
    tokens = tokenize(text)
    assert "".join(text[t.start:t.end] + (" " if t.ws else "") for t in tokens) == text
    assert [text[t.start:t.end] for t in tokens if text[t.start].isspace()] == [" ", "\r\n"]


# Mixed Arabic / Latin / digits with the punctuation the word rules look at, every kind of whitespace, and now
# and then a combining mark or joiner (the texts ``spaced_words`` leaves to ``word_bounds``).
_MIXED = st.lists(st.one_of(
    st.sampled_from(["دير", "الزور", "قوات", "٣", "١٢", "Kata'eb", "al", "Mayadin", "3.5", "1,000", "2024", "km",
                     "_", "\u0640", "\u200c", "\u200d", "\u064e", "\u0301", "👍🏽", "«", "»", "’"]),
    st.sampled_from([" ", "  ", "\n", "\r\n", "\t", "\u00a0", "\u2028"]),
    st.sampled_from([*".,'-–:;()/", "...", "--"]),
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "Mn")), max_size=4),
), max_size=40).map("".join)


@settings(max_examples=2_000, deadline=None)
@given(_MIXED)
def test_spaced_words_add_up_to_the_word_bounds(text: str) -> None:
    pairs = spaced_words(text)
    if pairs is None:
        return
    bounds, pos = [], 0
    for space, word in pairs:
        pos += len(space)
        bounds.append((pos, pos + len(word)))
        pos += len(word)
    assert bounds == word_bounds(text)
