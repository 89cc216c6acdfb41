"""Grapheme clusters against Unicode's own conformance data (GraphemeBreakTest), and the ZWNJ case that
shifted every doccano span after it in Persian and Arabic text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import regex
from annotator.core.offsets import cluster_boundaries, is_cluster_boundary, snap_to_clusters

DATA = Path(__file__).resolve().parents[1] / "data" / "unicode" / "GraphemeBreakTest-17.0.0.txt"
SHA256 = "e2d134d2c52919bace503ebb6a551c1855fe1a1faec18478c78fff254a1793ec"  # unicode.org's 17.0.0 file
# Unicode 18.0 revised rule GB9c: an Indic conjunct may now begin with a linker (virama) after any
# character, where 17.0 required a consonant before it. The regex module implements 18.0, so the 17.0
# lines where a linker follows a non-consonant and precedes a consonant expect the old break there.
_GB9C_REVISED = regex.compile(r"(?<!\p{InCB=Consonant}[\p{InCB=Extend}\p{InCB=Linker}]*)"
                              r"\p{InCB=Linker}[\p{InCB=Extend}\p{InCB=Linker}]*(?=\p{InCB=Consonant})")


def cases() -> list[tuple[int, str, list[int]]]:
    """(line, text, boundaries) of every test line: ``÷`` is a boundary, ``×`` is not."""
    out = []
    for number, line in enumerate(DATA.read_text(encoding="utf-8").splitlines(), 1):
        body = line.split("#", 1)[0].split()
        if not body:
            continue
        text, bounds = "", []
        for token in body:
            if token == "÷":
                bounds.append(len(text))
            elif token != "×":
                text += chr(int(token, 16))
        out.append((number, text, bounds))
    return out


def test_the_data_is_unicodes_own_file() -> None:
    assert hashlib.sha256(DATA.read_bytes()).hexdigest() == SHA256
    assert len(cases()) == 766


def test_every_official_case_is_segmented_as_unicode_says() -> None:
    revised = []
    for number, text, bounds in cases():
        got = cluster_boundaries(text)
        assert [p for p in range(len(text) + 1) if is_cluster_boundary(text, p)] == got, f"line {number}"
        if got != bounds:  # only where Unicode 18 revised GB9c, and exactly as 18.0 says
            found = _GB9C_REVISED.search(text)
            assert found is not None, f"GraphemeBreakTest line {number}: {got} != {bounds}"
            assert got == [b for b in bounds if b != found.end()], f"line {number}: not the 18.0 GB9c join"
            revised.append(number)
    assert revised in ([], [171, 172, 781, 782])  # regex on Unicode 17 data, or on 18 (these four lines)


def test_zwnj_belongs_to_the_letter_before_it() -> None:
    """doccano's viewer (grapheme-splitter, its "count grapheme clusters" mode) joins U+200C to the
    previous letter (Grapheme_Cluster_Break=Extend); counting it alone shifted every later span by one."""
    text = "می\u200cخواهند در دیرالزور"  # Persian: "they want", with a ZWNJ, then "in Deir ez-Zor"
    bounds = cluster_boundaries(text)
    assert 2 not in bounds and 1 in bounds and 3 in bounds  # "ی" + ZWNJ is one cluster
    assert len(bounds) - 1 == len(text) - 1
    assert not is_cluster_boundary(text, 2)


def test_boundaries_around_emoji_arabic_marks_and_crlf() -> None:
    text = "🇸🇾 👩\u200d👩\u200d👧 مُحَمَّد\r\n1\ufe0f\u20e3"
    bounds = cluster_boundaries(text)
    assert [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)] == [
        "🇸🇾", " ", "👩\u200d👩\u200d👧", " ", "مُ", "حَ", "مَّ", "د", "\r\n", "1\ufe0f\u20e3"]
    assert snap_to_clusters(text, 1, 10) == (0, 11)  # not inside the flag, nor between a letter and its damma
    long_word = "x" * 1000 + "\u0301"  # no space to start from: the start of the line is used
    assert not is_cluster_boundary(long_word, 1000) and is_cluster_boundary(long_word, 999)
