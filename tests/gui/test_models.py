"""The Qt models on their own, without widgets (napari's way), checked by Qt's model tester."""

from __future__ import annotations

import random

import pytest
from annotator.core.report import Report
from annotator.core.schema import Schema
from annotator.core.spans import Span
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.models.report_list_model import ReportListModel, status_of
from annotator.gui.models.span_table_model import SpanTableModel
from annotator.gui.views.span_colors import SpanColors
from annotator.services.reports import ReportSummary
from PySide6.QtGui import QColor, QPalette

TEXT = "Officials in Idlib said a drone hit a market in Sarmada on Tuesday 🇸🇾.\r\nNobody confirmed it."


def summary(rid: str, title: str, chars: int, who: dict[str, int]) -> ReportSummary:
    return ReportSummary(rid * 64, title, "2024-05-01", chars, None, "ltr", "en", who)


def test_report_list_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ReportListModel("alice")
    model.set_reports([summary("a", "One", 10, {"alice": 2, "bob": 1}), summary("b", "Two", 3, {}),
                       summary("c", "Three", 7, {"gold": 4, "alice": 1})])
    qtmodeltester.check(model)
    assert [model.index(r, 4).data() for r in range(3)] == ["annotated (+1)", "new", "adjudicated"]
    model.update_reports([summary("b", "Two", 3, {"alice": 5})])
    assert model.index(1, 3).data() == 5
    assert status_of(summary("d", "x", 1, {"bob": 1, "carol": 2}), "alice") == "by 2 others"
    # a gold set an undo in curation emptied is no verdict (the list said "adjudicated" with gold 0)
    assert status_of(summary("e", "x", 1, {"bob": 1, "carol": 2, "gold": 0}), "alice") == "by 2 others"


def test_span_table_follows_the_document(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    doc = DocumentModel()
    model = SpanTableModel(doc, Schema.default())
    report = Report.of(TEXT)
    idlib = TEXT.index("Idlib")
    sarmada = TEXT.index("Sarmada")
    doc.load(report, "alice", [Span("T1", sarmada, sarmada + 7, "place")])
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    doc.upsert(Span("T2", idlib, idlib + 5, "place"))
    assert [model.index(r, 1).data() for r in range(2)] == ["Idlib", "Sarmada"]  # document order
    doc.upsert(Span("T2", idlib, idlib + 5, "actor"))  # relabel: same row, new data
    assert model.index(0, 0).data() == "actor"
    doc.upsert(Span("T1", 0, 9, "actor"))  # moved before Idlib: the row moves
    assert [model.index(r, 1).data() for r in range(2)] == ["Officials", "Idlib"]
    doc.remove("T2")
    assert model.rowCount() == 1 and model.row_of("T1") == 0
    qtmodeltester.check(model)


def test_document_model_positions_and_neighbours() -> None:
    doc = DocumentModel()
    report = Report.of(TEXT)
    confirmed = TEXT.index("confirmed")
    spans = [Span("T1", 0, len(TEXT) - 1, "claim"), Span("T2", TEXT.index("Idlib"), TEXT.index("Idlib") + 5, "place"),
             Span("T3", confirmed, confirmed + 9, "claim")]
    doc.load(report, "alice", spans, {"bob": [Span("T1", 0, 9, "actor")]})
    shown = {x.span.id: x for x in doc.shown()}
    assert shown["T1"].depth == 0 and shown["T2"].depth == 1
    # the flag (two astral characters) and the CRLF shift Qt positions by +2 and -1
    assert shown["T3"].qt_start == confirmed + 2 - 1
    assert doc.innermost_at(TEXT.index("Idlib") + 1).id == "T2"  # type: ignore[union-attr]
    assert doc.neighbour("T1", 1).id == "T2" and doc.neighbour("T3", 1).id == "T1"  # type: ignore[union-attr]
    assert doc.neighbour(None, 1, confirmed).id == "T3"  # type: ignore[union-attr]
    assert all(x.mine for x in doc.shown())
    doc.set_show_others(True)
    assert [x.owner for x in doc.shown() if not x.mine] == ["bob"]


def test_incremental_drawing_index_equals_a_full_rebuild() -> None:
    """Random creates, moves and deletes keep the in-place index identical to a rebuild."""
    rng = random.Random(3)
    text = ("word " * 400)[:-1]
    doc = DocumentModel()
    doc.load(Report.of(text), "alice", [])
    for step in range(600):
        op = rng.random()
        if op < 0.55 or not doc.mine:
            s = rng.randrange(0, len(text) - 10)
            span = Span(f"T{step}", s, s + rng.randrange(1, 60), rng.choice(["actor", "claim"]))
        elif op < 0.8:
            old = doc.mine[rng.choice(sorted(doc.mine))]
            s = max(0, old.start + rng.randrange(-20, 20))
            span = old.with_(start=s, end=min(len(text), max(s + 1, old.end + rng.randrange(-20, 20))))
        else:
            doc.remove(rng.choice(sorted(doc.mine)))
            continue
        doc.upsert(span)
    incremental = [(x.span, x.depth, x.qt_start) for x in doc.shown()]
    fresh = DocumentModel()
    fresh.load(doc.report, "alice", list(doc.mine.values()))  # type: ignore[arg-type]
    assert incremental == [(x.span, x.depth, x.qt_start) for x in fresh.shown()]
    assert doc.sorted_mine() == fresh.sorted_mine()
    assert doc.shown_between(100, 300) == fresh.shown_between(100, 300)


@pytest.mark.usefixtures("qapp")
def test_colours_adapt_to_a_dark_palette() -> None:
    light = QPalette(QColor("#f0f0f0"))
    dark = QPalette(QColor("#202020"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e0e0e0"))
    lc, dc = SpanColors(Schema.default(), light), SpanColors(Schema.default(), dark)
    assert not lc.dark and dc.dark
    for label in ("actor", "place", "date", "claim"):
        # bars are brighter on dark backgrounds, and fills stay translucent so text keeps its contrast
        assert dc.bar(label).lightness() > lc.bar(label).lightness()
        assert 0 < lc.fill(label).alpha() < 100 and 0 < dc.fill(label).alpha() < 100
        assert abs(dc.bar(label).lightness() - QColor("#1e1e1e").lightness()) > 60
