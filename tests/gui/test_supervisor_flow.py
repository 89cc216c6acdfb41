"""The supervisor's whole workflow driven by keyboard and mouse on a sample report with three annotators:
assign (Supervisor → Assignments), annotate, mark done (Ctrl+D), return one with a reason, fix, accept;
then curate: bulk-accept by majority, decide the rest by keys, undo one, close and reopen (it resumes),
finish and mark curated — asserted in the database, and the gold export equals the expected spans,
relations and values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from annotator.gui.views.assignment_dialog import AssignmentDialog
from annotator.gui.views.side_by_side import SideBySideView
from annotator.services import annotate, curation, workflow
from annotator.services.database import open_database
from annotator.services.export import export_corpus, export_scope
from annotator.services.reports import import_reports
from annotator.services.samples import samples_dir
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from gui_helpers import CTRL, activate, click, drag, key, open_dialog, open_report, settle, word_rect_points
from workflow_helpers import staff

SAMPLE = "01-mayadin-meeting-en.txt"
ALT_SHIFT = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def sample_report(db_path: Path, report_ids) -> str:  # type: ignore[no-untyped-def]
    """The sample reports' texts (without the sample annotations) and the team: sam supervises."""
    ctx = open_database(db_path)
    try:
        result = import_reports(ctx, sorted(p for p in samples_dir().iterdir() if p.suffix in (".txt", ".md")))
        staff(ctx)
        return next(r.id for r in result.reports if r.path.endswith(SAMPLE))
    finally:
        ctx.close()


def choose_report(window, rid: str) -> None:  # type: ignore[no-untyped-def]
    """Click the report's row in the list (another one first when it is already shown: a fresh open)."""
    if window.document.report_id == rid:
        other = next(r.id for r in window.report_model.summaries() if r.id != rid)
        choose_report(window, other)
    open_report(window, rid)


def label(window, fragment: str, k: str, after: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Drag across ``fragment`` in the text, press the label key, then Esc (nothing stays selected)."""
    view = window.view
    start = window.document.text.index(fragment, after)
    view.select_offsets(start, start)
    view.ensureCursorVisible()
    QApplication.processEvents()
    a, b = word_rect_points(view, start, start + len(fragment))
    drag(view, a, b)
    key(view, k)
    key(view, Qt.Key.Key_Escape)


def click_span(window, fragment: str) -> None:  # type: ignore[no-untyped-def]
    view = window.view
    at = window.document.text.index(fragment)
    rect = view.span_rects(*view.model.offsets.qt_range(at, at + 1))[0]
    click(view.viewport(), rect.center().toPoint())


def relate_claim_to_source(window, claim_word: str) -> None:  # type: ignore[no-untyped-def]
    """Click the claim (on a word of its own), R, Shift+Tab to the source before it, Enter."""
    click_span(window, claim_word)
    key(window.view, "r")
    key(window.view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # what Shift+Tab sends
    key(window.view, Qt.Key.Key_Return)


def annotate_as(open_window, who: str, rid: str, plan: list[tuple[str, str]], relate: bool = False):  # type: ignore[no-untyped-def]
    window = open_window(annotator=who, report=None)
    choose_report(window, rid)
    for fragment, k in plan:
        label(window, fragment, k)
    if relate:
        relate_claim_to_source(window, "adviser")
    key(window.view, Qt.Key.Key_D, CTRL)  # Mark done
    return window


def tick(list_widget, names: set[str]) -> None:  # type: ignore[no-untyped-def]
    for i in range(list_widget.count()):
        item = list_widget.item(i)
        if item.text() in names:
            rect = list_widget.visualItemRect(item)
            QTest.mouseClick(list_widget.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             QPoint(rect.left() + 10, rect.center().y()))  # the check box
    assert {list_widget.item(i).text() for i in range(list_widget.count())
            if list_widget.item(i).checkState() == Qt.CheckState.Checked} == names


def click_cell(dialog, rid: str, who: str) -> None:  # type: ignore[no-untyped-def]
    index = dialog.model.cell(rid, who)
    dialog.table.scrollTo(index)
    click(dialog.table.viewport(), dialog.table.visualRect(index).center())


def states(ctx, rid: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s.annotator: s.status for s in workflow.statuses(ctx, [rid])}


def press(widget: QWidget, k, mods=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(widget, k, mods)
    settle(widget)


def test_assign_annotate_return_accept_and_curate(open_window, sample_report: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rid = sample_report
    title = "IRGC adviser and militia commander reportedly met in al-Mayadin"
    sam = open_window(annotator="sam", report=None)
    ctx = sam.session.ctx

    # -- assign: tick the three annotators, three per report, the sample report's row, round robin
    dialog = open_dialog(sam, sam.assignments_action, AssignmentDialog)
    settle(sam)
    tick(dialog.people, {"alice", "bob", "carol"})
    dialog.per_report.setFocus()
    QTest.keyClick(dialog.per_report, Qt.Key.Key_A, CTRL)
    QTest.keyClicks(dialog.per_report, "3")
    row = next(r for r in range(dialog.model.rowCount()) if dialog.model.report(r).id == rid)
    click(dialog.table.viewport(), dialog.table.visualRect(dialog.model.index(row, 0)).center())
    click(dialog.round_robin)
    assert states(ctx, rid) == {"alice": "assigned", "bob": "assigned", "carol": "assigned"}
    dialog.close()

    # -- annotate and mark done, each annotator in their own window
    both = [(title, "4"), ("Euphrates Post", "1"), ("IRGC", "1"), ("al-Mayadin", "2")]
    alice = annotate_as(open_window, "alice", rid, [*both, ("8 April 2024", "3")], relate=True)
    bob = annotate_as(open_window, "bob", rid, [*both, ("8 April", "3")], relate=True)
    carol = annotate_as(open_window, "carol", rid, [("Euphrates Post", "2"), ("IRGC", "1"), ("al-Mayadin", "2"),
                                                     ("April 6", "3")])
    assert states(ctx, rid) == {"alice": "done", "bob": "done", "carol": "done"}
    before = annotate.get_set(ctx, rid, "alice").spans
    activate(alice)
    alice.view.setFocus()
    label(alice, "Deir ez-Zor", "2")  # read-only now: the key does nothing, and the status bar says why
    assert "read-only until a supervisor returns it" in alice.statusBar().currentMessage()
    assert annotate.get_set(ctx, rid, "alice").spans == before
    assert alice.report_model.index(alice.report_model.row_of(rid), 4).data() == "done"

    # -- review: return bob's work with a reason, accept the others
    activate(sam)
    dialog = open_dialog(sam, sam.assignments_action, AssignmentDialog)
    settle(sam)
    click_cell(dialog, rid, "bob")
    dialog.reason.setFocus()
    QTest.keyClicks(dialog.reason, "the date is 8 April 2024")
    click(dialog.return_button)
    returned = workflow.status_of(ctx, rid, "bob")
    assert (returned.status, returned.reason, returned.changed_by) == ("returned", "the date is 8 April 2024", "sam")
    for who in ("alice", "carol"):
        click_cell(dialog, rid, who)
        click(dialog.accept_button)
    dialog.close()

    # -- bob fixes: his queue shows the return; he widens his date by a word and is done again
    activate(bob)
    key(bob.view, Qt.Key.Key_F5)  # View → Refresh: the list and the report shown again
    QTest.mouseClick(bob.queue_box, Qt.MouseButton.LeftButton)
    settle(bob)
    assert [bob.report_proxy.index(r, 4).data() for r in range(bob.report_proxy.rowCount())] == ["returned"]
    assert bob.document.report_id == rid and bob.document.target.status == "returned"
    click_span(bob, "8 April")
    key(bob.view, Qt.Key.Key_Right, ALT_SHIFT)
    key(bob.view, Qt.Key.Key_D, CTRL)
    date = next(s for s in annotate.get_set(ctx, rid, "bob").spans if s.label == "date")
    assert bob.document.text[date.start:date.end] == "8 April 2024"
    activate(sam)
    dialog = open_dialog(sam, sam.assignments_action, AssignmentDialog)
    settle(sam)
    click_cell(dialog, rid, "bob")
    click(dialog.accept_button)
    assert states(ctx, rid) == {"alice": "accepted", "bob": "accepted", "carol": "accepted"}
    dialog.close()

    # -- curate: majority on the report, then the rest by keys
    activate(sam)
    choose_report(sam, rid)
    sam.compare_action.trigger()
    settle(sam)
    settle(sam)
    (view,) = [v for v in sam.findChildren(SideBySideView) if v.isVisible()]
    activate(view)
    assert view.rule.currentData() == "majority"
    click(view.apply_button)
    gold = annotate.get_set(ctx, rid, "gold")
    # bob's fixed date now agrees with alice's (the value is recomputed when a date is widened): the
    # majority takes it; carol's lone "April 6" is left to decide by key
    assert sorted((gold_text(sam, s), s.label) for s in gold.spans) == [
        ("8 April 2024", "date"), ("Euphrates Post", "actor"), ("IRGC", "actor"), (title, "claim"),
        ("al-Mayadin", "place")]
    assert [r.label for r in gold.relations] == ["source"]
    assert view.progress.text().startswith("<b>This report:</b> 6 of 7 decided")
    table = view.candidate_view
    table.setFocus()
    assert view.session.active_stack is view.gold.stack  # undo follows the active window
    press(table, Qt.Key.Key_N)
    assert sam.document.text[view.current.start:view.current.end] == "April 6"
    press(table, Qt.Key.Key_3)  # carol's version
    assert sorted(gold_text(sam, s) for s in annotate.get_set(ctx, rid, "gold").spans
                  if s.label == "date") == ["8 April 2024", "April 6"]
    press(table, Qt.Key.Key_Z, CTRL)  # undo that one
    assert [gold_text(sam, s) for s in annotate.get_set(ctx, rid, "gold").spans
            if s.label == "date"] == ["8 April 2024"]
    view.close()  # closing and reopening resumes
    activate(sam)
    sam.compare_action.trigger()
    settle(sam)
    settle(sam)
    (view,) = [v for v in sam.findChildren(SideBySideView) if v.isVisible()]
    activate(view)
    assert view.progress.text().startswith("<b>This report:</b> 6 of 7 decided")
    table = view.candidate_view
    table.setFocus()
    assert sam.document.text[view.current.start:view.current.end] == "April 6"  # the first still to decide
    shown = view.candidate_view.model()
    agree = {shown.index(r, 1).data().strip("\u2068\u2069"): shown.index(r, 3).data() for r in range(shown.rowCount())}
    assert agree["April 6"] == "1/3"  # carol alone: those who marked nothing there do not count as agreeing
    press(table, Qt.Key.Key_0)  # carol alone: none
    assert view.progress.text().startswith("<b>This report:</b> 7 of 7 decided")
    decided = {d.item: d for d in curation.decisions(ctx, rid)}
    assert {d.decided_by for d in decided.values()} == {"sam"} and len(decided) == 7
    click(view.curated_button)
    assert states(ctx, rid)["gold"] == "curated"
    settle(sam)  # the main window's list says so at once (it said "adjudicated" until F5)
    row = sam.report_model.row_of(rid)
    assert sam.report_model.index(row, 4).data() == "curated"
    before = annotate.get_set(ctx, rid, "gold")
    press(table, Qt.Key.Key_Z, CTRL)  # refused as a decision is: no "Undone", no history lost, gold as it was
    assert view.status.text() == "This report is marked curated: reopen its curation to change gold."
    settle(sam)
    assert annotate.get_set(ctx, rid, "gold") == before and sam.save_label.text() == "Saved"
    assert "changed elsewhere" not in sam.statusBar().currentMessage()
    view.close()

    # -- the gold export: exactly the expected spans, relations and values
    out = tmp_path / "gold.jsonl"
    export_corpus(ctx, "jsonl", out, export_scope(annotators="gold", reports=[rid]))
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    spans = {s["id"]: (s["text"], s["label"], s["value"]) for s in line["spans"]}
    assert sorted(spans.values()) == sorted([("Euphrates Post", "actor", None), ("IRGC", "actor", None),
                                             ("al-Mayadin", "place", None), (title, "claim", None),
                                             ("8 April 2024", "date", "2024-04-08")])
    alice_entities = {(s.label, s.start): s.entity for s in annotate.get_set(ctx, rid, "alice").spans}
    assert {(s["label"], s["start"]): s["entity"] for s in line["spans"]} == alice_entities
    (rel,) = line["relations"]
    assert (spans[rel["head"]][1], spans[rel["tail"]][0], rel["label"]) == ("claim", "Euphrates Post", "source")
    for w in (alice, bob, carol):
        assert w.save_label.text() == "Saved"


def gold_text(window, span) -> str:  # type: ignore[no-untyped-def]
    return window.document.text[span.start:span.end]
