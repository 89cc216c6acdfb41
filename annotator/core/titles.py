"""Report titles: one line a table, a terminal, a window's list and a file name can show as it reads.

A title is metadata, not identity (a report's id is the SHA-256 of its text), so every way a title
arrives (a corpus file, ``import --title``, a document's own title, a bundle) is tidied by
``tidy_title``; when that changes it, what was given is kept in the report's metadata
(``title_as_given``). Stored as given, a newline or TAB broke the ``annotator reports`` table across
lines, and a RIGHT-TO-LEFT OVERRIDE (U+202E) reversed the rest of the terminal line.

What is removed and what is kept:

- line breaks, TAB and every other C0/C1 control, and the line and paragraph separators (U+2028,
  U+2029): each run, with the spaces around it, becomes one space;
- bidi embeddings and overrides (U+202A-U+202E): removed. They change the direction of everything
  after them up to the end of the line, the other columns of a table included, and an override
  displays letters in an order other than the one stored (the "Trojan Source" reordering);
- the bidi marks LRM, RLM and ALM (U+200E, U+200F, U+061C): kept. They have no scope (they only set
  the direction of the neutral characters beside them), and an Arabic title quoting a Latin name needs
  them to show its punctuation in the right place;
- isolates (U+2066-U+2069): kept when each one opened is closed by a PDI (then nothing outside them is
  affected, and they are the recommended way to embed the other direction), removed all together when
  they are not balanced (an open isolate swallows the rest of the line, as an embedding does);
- spaces at either end: trimmed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from annotator.core.report import Report

TITLE_AS_GIVEN = "title_as_given"

_CONTROLS = re.compile(r"\s*(?:[\x00-\x1f\x7f-\x9f\u2028\u2029]\s*)+")
_EMBEDDINGS = re.compile("[\u202a-\u202e]")
_ISOLATES = re.compile("[\u2066-\u2069]")
_PDI = "\u2069"


def tidy_title(title: str) -> str:
    """``title`` on one line, without controls that reorder or break what follows it (module docstring)."""
    tidy = _CONTROLS.sub(" ", _EMBEDDINGS.sub("", title))
    if _ISOLATES.search(tidy) and not _balanced_isolates(tidy):
        tidy = _ISOLATES.sub("", tidy)
    return tidy.strip()


def _balanced_isolates(text: str) -> bool:
    depth = 0
    for mark in _ISOLATES.findall(text):
        depth += -1 if mark == _PDI else 1
        if depth < 0:
            return False
    return depth == 0


def retitled(report: Report) -> Report:
    """``report`` with a tidy title; when tidying changed it, what was given is kept in its metadata
    (``title_as_given``). The same report when the title was tidy already."""
    tidy = tidy_title(report.title)
    if tidy == report.title:
        return report
    return replace(report, title=tidy, meta={**report.meta, TITLE_AS_GIVEN: report.title})


def title_change(before: Report, after: Report) -> str | None:
    """The warning for a title ``retitled`` changed, saying what it held (None when it did not change)."""
    given = before.title
    if given == after.title:
        return None
    held = [what for what, found in (
        ("line breaks, tabs or other control characters", _CONTROLS.search(given.strip())),
        ("text-direction overrides", _EMBEDDINGS.search(given)),
        ("unclosed text-direction isolates", _ISOLATES.search(given) and not _balanced_isolates(given)),
        ("spaces at its ends", given != given.strip())) if found]
    listed = ", ".join(held[:-1]) + " and " + held[-1] if len(held) > 1 else held[0]
    return (f"report {after.title or after.id[:12]}: its title held {listed}, removed; what was "
            f"given is kept in its metadata as {TITLE_AS_GIVEN}")
