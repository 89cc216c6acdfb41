"""Report titles on one line, without controls that reorder or break what follows (core.titles)."""

from __future__ import annotations

import pytest
from annotator.core.report import Report
from annotator.core.titles import TITLE_AS_GIVEN, retitled, tidy_title


@pytest.mark.parametrize(("given", "tidy"), [
    ("Officers meet at Deir al-Zour", "Officers meet at Deir al-Zour"),
    ("Officers\r\nmeet \t at\x00Deir\x85al-Zour\u2028x", "Officers meet at Deir al-Zour x"),  # C0, C1, LS
    ("abc \u202edcba\u202c", "abc dcba"),  # override and pop removed: stored order is shown
    ("\u202a\u202b\u202d", ""),
    ("قال \u200eSDF\u200e\u061c اليوم\u200f", "قال \u200eSDF\u200e\u061c اليوم\u200f"),  # marks kept
    ("a \u2067بيان\u2069 b", "a \u2067بيان\u2069 b"),  # a closed isolate kept
    ("a \u2067بيان b", "a بيان b"),  # left open: removed
    ("a \u2069b\u2066 c", "a b c"),  # closed before it opens: removed
    ("  spaced  ", "spaced"),
])
def test_tidy_title(given: str, tidy: str) -> None:
    assert tidy_title(given) == tidy


def test_retitled_keeps_what_was_given_only_when_it_changed() -> None:
    clean = Report.of("Some text.", title="Clean")
    assert retitled(clean) is clean
    moved = retitled(Report.of("Some text.", title="Two\nlines"))
    assert moved.title == "Two lines" and moved.meta[TITLE_AS_GIVEN] == "Two\nlines"
    assert moved.id == clean.id  # a title is metadata: the report is the same
