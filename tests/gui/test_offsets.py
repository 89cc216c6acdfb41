"""The one conversion between Qt positions and code points, checked against a real QTextDocument
on emoji (flags, ZWJ sequences), Arabic with diacritics, combining marks and CRLF text."""

from __future__ import annotations

import pytest
from annotator.gui.offsets import QtOffsets
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

PIECES = ["a", "Z", " ", "\r\n", "\n", "\r", "😀", "🇸🇾", "👨‍👩‍👧", "é", "e\u0301", "بِسْمِ", "ﻻ", "\t", "。",
          "\u200f", "𝔸"]


def qt_text_before(doc: QTextDocument, position: int) -> str:
    cursor = QTextCursor(doc)
    cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n")


def check(text: str) -> None:
    doc = QTextDocument()
    doc.setPlainText(text)
    m = QtOffsets(text)
    assert m.to_qt(len(text)) == doc.characterCount() - 1
    for i in range(len(text) + 1):
        if 0 < i < len(text) and text[i - 1] == "\r" and text[i] == "\n":
            assert m.to_qt(i) == m.to_qt(i - 1)  # inside CRLF: same place as before the CR
            continue
        q = m.to_qt(i)
        expected = text[:i].replace("\r\n", "\n").replace("\r", "\n")
        assert qt_text_before(doc, q) == expected
        assert m.to_offset(q) == i
    # the batch form used when a report opens agrees with the one-at-a-time form, out-of-range ends included
    ends = list(range(-1, len(text) + 2))
    assert m.qt_ranges(zip(ends, reversed(ends), strict=True)) == [m.qt_range(a, b)
                                                                   for a, b in zip(ends, reversed(ends), strict=True)]


@pytest.mark.usefixtures("qapp")
def test_examples() -> None:
    check("🇸🇾 عاجل 🔴 Breaking: 👨‍👩‍👧 families fled Homs\r\nafter shelling 💥.\r\n")
    check("قَالَ المَرْصَدُ\r\né e\u0301 𝔸")
    check("")


@pytest.mark.usefixtures("qapp")
@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_round_trip_matches_qt(pieces: list[str]) -> None:
    check("".join(pieces))


def test_position_inside_a_surrogate_pair_goes_to_the_character_start() -> None:
    m = QtOffsets("a😀b")
    assert m.to_qt(1) == 1 and m.to_qt(2) == 3
    assert m.to_offset(2) == 1
    assert m.offset_range(3, 0) == (0, 2)
