"""The workflow's pieces of the window, each as a person uses it: the Comments tab and its markers in
the text, assignment of cells by hand, the curation view's blind mode, the Edit key and the undo history
that follows the active window, and the keys declared once in the key table."""

from __future__ import annotations

from pathlib import Path

from annotator.core.report import Report
from annotator.gui import keymap
from annotator.gui.views.assignment_dialog import AssignmentDialog
from annotator.gui.views.comment_markers import marker_rects, paint_comment_markers
from annotator.gui.views.help_dialog import sheet_html
from annotator.gui.views.side_by_side import SideBySideView
from annotator.services import annotate, comments, curation, workflow
from annotator.services.database import open_database
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox

from gui_helpers import CTRL, ENGLISH, activate, click, key, open_dialog, open_report, settle, type_text
from workflow_helpers import staff


def two_annotators(db_path: Path, rid: str) -> None:
    ctx = open_database(db_path)
    try:
        staff(ctx)
        for who, label in (("alice", "actor"), ("bob", "place"), ("carol", "actor")):
            ctx.actor = who
            s = ENGLISH.index("Liwa al-Baqir")
            annotate.create_span(ctx, rid, s, s + len("Liwa al-Baqir"), label, annotator=who)
    finally:
        ctx.close()


def test_comments_tab_and_markers(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    s = ENGLISH.index("al-Busayrah")
    window.view.select_offsets(s, s + len("al-Busayrah"))
    key(window.view, "2")
    key(window.view, Qt.Key.Key_D, CTRL)  # done: comments are still welcome on read-only work
    key(window.view, Qt.Key.Key_M, CTRL)  # Ctrl+M: the Comments tab, on the selected span
    panel = window.comments_panel
    assert window.tabs.currentWidget() is panel and panel.editor.hasFocus()
    assert "place “\u2068al-Busayrah\u2069”" in panel.anchor.text()  # bidi-isolated
    type_text(panel.editor, "Village or town?")
    click(panel.question, QPoint(8, panel.question.height() // 2))  # the box itself
    QTest.keyClick(panel.editor, Qt.Key.Key_Return, CTRL)  # Ctrl+Enter sends
    settle(window)
    (thread,) = comments.threads(window.session.ctx, report_ids["english"])
    assert (thread.first.body, thread.first.question, thread.first.anchor_key) == ("Village or town?", True, "T1")
    assert panel.tree.topLevelItemCount() == 1
    markers = window.comment_markers.markers
    assert [(m.start, m.end, m.open, m.question) for m in markers] == [(s, s + len("al-Busayrah"), True, True)]
    ((_, rect),) = marker_rects(window.view, markers)
    image = QImage(window.view.viewport().size(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    paint_comment_markers(window.view, painter, markers)
    painter.end()
    drawn = image.pixelColor(int(rect.center().x()), int(rect.top() + 2))
    assert drawn.red() > 180 and drawn.green() < 120  # the open question's red flag
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    type_text(panel.editor, "A village.")
    click(panel.reply_button)
    click(panel.resolve_button)
    (thread,) = comments.threads(window.session.ctx, report_ids["english"])
    assert [c.body for c in thread.replies] == ["A village."] and thread.first.resolved_by == "alice"
    assert window.comment_markers.markers[0].open is False
    assert panel.status.text()  # what the last action did, on this report
    open_report(window, report_ids["arabic"])
    assert panel.tree.topLevelItemCount() == 0 and window.comment_markers.markers == []  # bound to the report shown
    assert panel.status.text() == ""  # "Comment saved." stayed on every other report


def test_assign_cells_by_hand_and_blind_curation(open_window, db_path: Path, report_ids) -> None:  # type: ignore[no-untyped-def]
    rid = report_ids["english"]
    two_annotators(db_path, rid)
    window = open_window("sam")
    dialog = open_dialog(window, window.assignments_action, AssignmentDialog)
    settle(window)
    arabic = dialog.model.cell(report_ids["arabic"], "bob")
    click(dialog.table.viewport(), dialog.table.visualRect(arabic).center())
    click(dialog.by_hand)
    assert workflow.status_of(window.session.ctx, report_ids["arabic"], "bob").status == "assigned"
    assert "Assigned 1 by hand" in dialog.status.text()
    settle(window)
    arabic = dialog.model.cell(report_ids["arabic"], "bob")  # assigned by mistake: taken back
    click(dialog.table.viewport(), dialog.table.visualRect(arabic).center())
    click(dialog.unassign)
    settle(window)
    assert workflow.status_of(window.session.ctx, report_ids["arabic"], "bob") is None
    assert dialog.status.text() == "Took back 1 assignment(s)."
    click(dialog.table.viewport(), dialog.table.visualRect(dialog.model.cell(report_ids["arabic"], "bob")).center())
    click(dialog.by_hand)  # and assigned again, for what follows
    settle(window)
    dialog.close()
    activate(window)

    window.compare_action.trigger()
    settle(window)
    settle(window)
    (view,) = [v for v in window.findChildren(SideBySideView) if v.isVisible()]
    activate(view)
    click(view.blind, QPoint(8, view.blind.height() // 2))
    assert view.versions.names == {"alice": "Annotator 1", "bob": "Annotator 2", "carol": "Annotator 3"}
    shown = {view.versions.index(r, 1).data() for r in range(view.versions.rowCount())}
    assert shown == {"Annotator 1", "Annotator 2", "Annotator 3", "gold"}
    view.tabs.setCurrentWidget(view.lanes)
    assert "Annotator 2" in view.lanes.headers["bob"].text() and "bob" not in view.lanes.headers["bob"].text()
    view.tabs.setCurrentIndex(0)
    assert view.session.active_stack is view.gold.stack
    # report text in a cell is an isolated run, so an Arabic "9 نيسان 2024" keeps its order in the table
    assert view.candidate_view.model().index(0, 1).data() == "\u2068Liwa al-Baqir\u2069"
    view.candidate_view.setFocus()
    QTest.keyClick(view.candidate_view, Qt.Key.Key_E)  # E: edit the version for gold
    edit = next(d for d in view.findChildren(QDialog) if d.isVisible() and d is not view)
    edit.label.setCurrentText("place")
    edit.value.setText("")
    click(edit.ok)
    settle(view)
    gold = annotate.get_set(window.session.ctx, rid, "gold")
    assert [(ENGLISH[x.start:x.end], x.label) for x in gold.spans] == [("Liwa al-Baqir", "place")]
    assert [d.choice for d in curation.decisions(window.session.ctx, rid)] == ["edited"]
    activate(window)  # back in the main window, undo is the report's own history again
    assert window.session.active_stack is window.session.open_set(rid).stack
    activate(view)
    QTest.keyClick(view.candidate_view, Qt.Key.Key_Z, CTRL)
    settle(view)
    assert annotate.get_set(window.session.ctx, rid, "gold").spans == ()


def test_every_new_key_is_in_the_table_and_the_sheet(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    table = keymap.bindings(window.session.schema)
    assert keymap.conflicts(table) == []
    names = {b.name for b in table}
    assert {"mark-done", "comment", "refresh", "curate-next", "curate-accept", "curate-none", "curate-edit",
            "curate-undo"} <= names
    assert window.mark_done_action.shortcut().toString() == "Ctrl+D"
    assert "read-only for you until a supervisor returns it" in sheet_html(window.session.schema)


def _one_actor_marked_done(open_window, report_ids):  # type: ignore[no-untyped-def]
    """alice's window on the English report: one actor made by keys, then Ctrl+D."""
    window = open_window()
    s = ENGLISH.index("Syrian Observatory")
    window.view.select_offsets(s, s + len("Syrian Observatory"))
    key(window.view, "1")
    key(window.view, Qt.Key.Key_D, CTRL)
    return window, report_ids["english"]


def test_a_returned_report_is_editable_again(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window, rid = _one_actor_marked_done(open_window, report_ids)
    window.view.select_offsets(0, 4)
    key(window.view, "3")
    assert "read-only until a supervisor returns it" in window.statusBar().currentMessage()
    assert len(annotate.get_set(window.session.ctx, rid, "alice").spans) == 1
    workflow.set_status(window.session.ctx, rid, "returned", annotator="alice", reason="add the date")
    key(window.view, Qt.Key.Key_F5)
    settle(window)
    # the reason reaches the annotator: on opening the report, and in its row of the list
    assert window.statusBar().currentMessage() == "Returned to you \u2068by alice: add the date\u2069"
    row = window.report_proxy.index(window.report_table.currentIndex().row(), 4)
    assert "returned to you \u2068by alice: add the date\u2069" in row.data(Qt.ItemDataRole.ToolTipRole)
    window.view.select_offsets(0, 4)
    key(window.view, "3")
    assert len(annotate.get_set(window.session.ctx, rid, "alice").spans) == 2


def test_undo_on_a_report_marked_done_is_one_sentence_and_it_stays_saved(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Z after Ctrl+D: the step went to the database, came back refused in a "Not saved" box saying
    the report had changed elsewhere, and "Not saved" stayed in the status bar."""
    window, rid = _one_actor_marked_done(open_window, report_ids)
    key(window.view, Qt.Key.Key_Z, CTRL)
    assert "read-only until a supervisor returns it" in window.statusBar().currentMessage()
    assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert window.save_label.text() == "Saved"
    assert len(annotate.get_set(window.session.ctx, rid, "alice").spans) == 1
    workflow.set_status(window.session.ctx, rid, "returned", annotator="alice", reason="check the actor")
    key(window.view, Qt.Key.Key_F5)
    key(window.view, Qt.Key.Key_Z, CTRL)  # returned: its history is there to undo
    assert annotate.get_set(window.session.ctx, rid, "alice").spans == ()


def test_a_comment_flag_stays_on_its_span_when_the_text_is_scrolled(open_window) -> None:  # type: ignore[no-untyped-def]
    """The flags were drawn on a layer laid over the text as a child widget, which Qt moved with the
    scrolled pixels before it drew at the scrolled positions again: one step down, the flag sat on a word
    112 px above its span. What the person sees (the viewport grabbed) has the flag at its span."""
    text = "".join(f"Line {n}: the convoy passed the checkpoint near the river crossing.\n" for n in range(120))
    report = Report.of(text, title="A long log")
    window = open_window(report=report)
    s = text.index("Line 5:")
    window.view.select_offsets(s, s + 6)
    key(window.view, "1")
    key(window.view, Qt.Key.Key_M, CTRL)
    type_text(window.comments_panel.editor, "Which unit?")
    QTest.keyClick(window.comments_panel.editor, Qt.Key.Key_Return, CTRL)
    settle(window)
    bar = window.view.verticalScrollBar()
    assert len(window.comment_markers.markers) == 1
    for steps in (0, 1, 2, 4):  # clicks on the scroll bar's arrow, as a person scrolls
        bar.setValue(0)
        settle(window)
        for _ in range(steps):
            bar.triggerAction(bar.SliderAction.SliderSingleStepAdd)
        settle(window)
        ((_, rect),) = marker_rects(window.view, window.comment_markers.markers)
        seen = window.view.viewport().grab().toImage()
        ratio = seen.width() / window.view.viewport().width()  # device pixels
        drawn = seen.pixelColor(int(rect.center().x() * ratio), int((rect.top() + 2) * ratio))
        assert drawn.red() > 180 and 60 < drawn.green() < 200 and drawn.blue() < 100, (steps, drawn.name())  # amber


def test_the_comment_goes_on_the_span_the_hint_names_after_del_undo_and_esc(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """The panels followed some selection gestures only: after Del, an undo or Esc, the Comments tab
    still named a span the text no longer showed selected, and the comment went onto another span."""
    window = open_window()
    rid = report_ids["english"]
    panel = window.comments_panel
    for word, k in (("Syrian Observatory", "1"), ("Liwa al-Baqir", "1")):
        s = ENGLISH.index(word)
        window.view.select_offsets(s, s + len(word))
        key(window.view, k)
    key(window.view, Qt.Key.Key_Delete)  # Liwa al-Baqir (T2) goes; nothing after it to select
    key(window.view, Qt.Key.Key_Escape)
    assert window.inspector.span is None and "the whole report" in panel.anchor.text()
    key(window.view, Qt.Key.Key_Tab)  # the first span
    assert window.view.selected_id == "T1" and "Syrian Observatory" in panel.anchor.text()
    key(window.view, Qt.Key.Key_Delete)
    QTest.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # T1 back, Liwa al-Baqir still gone
    settle(window)
    named = panel.anchor.text()
    shown = window.view.selected_span()
    assert (shown is None and "the whole report" in named) or (shown is not None and shown.text_in(ENGLISH) in named)
    key(window.view, Qt.Key.Key_M, CTRL)
    type_text(panel.editor, "Which office?")
    QTest.keyClick(panel.editor, Qt.Key.Key_Return, CTRL)
    settle(window)
    (thread,) = comments.threads(window.session.ctx, rid)
    assert thread.first.anchor_key == (shown.id if shown is not None else None)
    key(window.view, Qt.Key.Key_Tab)
    key(window.view, Qt.Key.Key_Escape)  # Esc: nothing selected anywhere
    assert window.view.selected_id is None and window.inspector.span is None
    assert not window.span_table.selectionModel().selectedRows()
