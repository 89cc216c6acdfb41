"""Plain-text reports carry their date in the first lines ("April 9, 2024" under the title, "BEIRUT, April 9,
2024 —", "Monitoring note, 8 April 2024"); the import reads it from there, marked as a guess."""

from __future__ import annotations

from pathlib import Path

import pytest
from annotator.records.dates import dateline
from annotator.services.reports import import_reports, list_reports, report_from_file

REPORT = ("Opposition site: officers from the air base met militia commanders at the airfield\n\n"
          "print\nApril 9, 2024\n\n"
          "On April 7, 2024, a local website reported that officers met commanders at the airfield.\n")


@pytest.mark.parametrize("text, value, line", [
    (REPORT, "2024-04-09", 4),
    ("Title\nBEIRUT, April 9, 2024 — The army said on Monday that", "2024-04-09", 2),
    ("Title\n\nMonitoring note, 8 April 2024\n\nBody.", "2024-04-08", 3),
    ("Title\n_Source digest, 4 April 2024_\n", "2024-04-04", 2),
    ("تعزيزات في ريف دير الزور\nالخميس ٧ نيسان ٢٠٢٤\nنص", "2024-04-07", 2),
    ("Title\nPublished: 2024-04-06 08:15\n", "2024-04-06", 2),
    ("7 April 2024\nTitle\n", "2024-04-07", 1),
])
def test_datelines(text: str, value: str, line: int) -> None:
    found = dateline(text)
    assert found is not None and (found.value, found.line) == (value, line)


@pytest.mark.parametrize("text", [
    "Report on the 7 April 2024 attack near Homs\n\nBody.",  # a title names an event's date
    "Title\nOn April 7, 2024, a local website reported that officers met commanders nearby.",  # a sentence
    "Title\nApril 31, 2024\n",  # not a date
    "Title\nApril 2024\n",  # no day: not a publication date to guess
    "Title\n\nOne.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.\n\nSix.\n\n9 April 2024",  # too far down
])
def test_no_dateline(text: str) -> None:
    assert dateline(text) is None


def test_imported_text_gets_the_date_marked_as_guessed(sqlite_ctx, tmp_path: Path) -> None:
    path = tmp_path / "airfield.txt"
    path.write_text(REPORT, encoding="utf-8")
    report = report_from_file(path)
    assert report.published == "2024-04-09" and report.meta["published_guessed"] == "from line 4: April 9, 2024"
    assert report_from_file(path, published="2024-04-10").published == "2024-04-10"  # the user's date wins
    import_reports(sqlite_ctx, [path])
    (summary,) = list_reports(sqlite_ctx)
    assert summary.published == "2024-04-09"
