"""The window around the document: persistence without a save step, other annotators, help,
layout, the annotator's name, the report list, imports in the background, failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.gui import window_dialogs
from annotator.gui.app import choose_annotator
from annotator.gui.views.annotator_dialog import AnnotatorDialog
from annotator.gui.views.help_dialog import HelpDialog
from annotator.services import annotate, identity
from annotator.services.database import default_schema, open_database
from annotator.services.identity import default_annotator, set_default_annotator
from annotator.services.reports import store_report
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox, QToolTip

from gui_helpers import ENGLISH, key, settle
from workflow_helpers import staff


def test_closing_and_reopening_finds_every_span(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    words = [("Syrian Observatory", "1"), ("al-Busayrah", "2"), ("3 May 2024", "3")]
    for word, k in words:
        s = ENGLISH.index(word)
        window.view.select_offsets(s, s + len(word))
        key(window.view, k)
    window.close()
    window.session.ctx.close()
    again = open_window()
    assert sorted(s.text_in(ENGLISH) for s in again.document.mine.values()) == sorted(w for w, _ in words)
    assert again.span_model.rowCount() == 3
    row = again.report_model.row_of(report_ids["english"])
    assert again.report_model.index(row, 3).data() == 3  # the "Mine" column


def test_other_annotators_are_shown_read_only(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    bob = open_window(annotator="bob")
    s = ENGLISH.index("Liwa al-Baqir")
    bob.view.select_offsets(s, s + len("Liwa al-Baqir"))
    key(bob.view, "1")
    alice = open_window(annotator="alice")
    assert alice.document.mine == {}
    assert not any(not x.mine for x in alice.document.shown())
    alice.others_action.setChecked(True)
    theirs = [x for x in alice.document.shown() if not x.mine]
    assert [(x.owner, x.span.start) for x in theirs] == [("bob", s)]
    # a click on bob's span selects nothing, and alice's label key creates her own span
    assert alice.document.innermost_at(s + 1) is None
    alice.view.select_offsets(s, s + len("Liwa al-Baqir"))
    key(alice.view, "2")
    assert [x.label for x in annotate.get_set(alice.session.ctx, report_ids["english"], "bob").spans] == ["actor"]
    assert [x.label for x in annotate.get_set(alice.session.ctx, report_ids["english"], "alice").spans] == ["place"]


def test_help_lists_the_schema_keys(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    window.help_action.trigger()
    dialog = window.findChild(HelpDialog)
    assert dialog is not None and dialog.isVisible()
    text = dialog.browser.toPlainText()
    for lab in window.session.schema.labels:
        assert f"{lab.key}" in text and lab.name in text
    assert "Ctrl+Z" in text and "Tab" in text


def test_layout_and_toggles_persist(open_window, settings) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    window.splitter.setSizes([200, 800, 300])
    sizes = window.splitter.sizes()
    window.snap_action.setChecked(False)
    window.close()
    again = open_window()
    assert again.splitter.sizes() == sizes
    assert not again.snap_action.isChecked()
    assert again.labelling.snap is False


def test_report_list_filters_sorts_and_opens(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    proxy = window.report_proxy
    assert proxy.rowCount() == 3
    window.filter_box.setText("homs")
    assert proxy.rowCount() == 1
    window.report_table.selectRow(0)
    settle(window)
    assert window.document.report_id == report_ids["emoji"]
    window.filter_box.clear()
    window.report_table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # by length, as numbers
    lengths = [window.report_model.summary(proxy.mapToSource(proxy.index(r, 0)).row()).chars for r in range(3)]
    assert lengths == sorted(lengths)


def test_spans_panel_row_selects_and_scrolls_to_the_span(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    for word in ("Syrian Observatory", "al-Busayrah"):
        s = ENGLISH.index(word)
        window.view.select_offsets(s, s + len(word))
        key(window.view, "1")
    window.span_table.selectRow(0)
    assert window.view.selected_span() is not None
    assert window.view.selected_span().text_in(ENGLISH) == "Syrian Observatory"


def test_first_launch_offers_the_people_a_database_already_has(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A database a supervisor set up: the first launch's name dialog lists its people, and choosing one
    adds nobody (Enter on the system's user name, the default, quietly added "root" beside them)."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    ctx = open_database(tmp_path / "team.sqlite3")
    try:
        staff(ctx)  # sam (supervisor), alice, bob, carol
        shown: list[list[str]] = []

        def choose() -> None:  # the dialog is modal: answered from its own event loop, as a person types
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, AnnotatorDialog):
                QTimer.singleShot(20, choose)
                return
            combo = getattr(dialog, "combo", None)  # (a dialog that lists nothing still gets its answer)
            shown.append([combo.itemText(i) for i in range(combo.count())] if combo is not None else [])
            QTest.keyClicks(QApplication.focusWidget(), "bob")
            QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

        QTimer.singleShot(20, choose)
        assert choose_annotator(ctx, settings, None, ask=True) == "bob"
        assert shown == [["alice", "bob", "carol", "sam"]]
        assert identity.annotators(ctx) == ["alice", "bob", "carol", "sam"]  # nobody new
    finally:
        ctx.close()


def test_first_launch_asks_for_the_name_and_keeps_it(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = AnnotatorDialog("someone")
    qtbot.addWidget(dialog)
    dialog.edit.setText("a/b")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() or dialog.result() != dialog.DialogCode.Accepted
    assert "not a usable annotator name" in dialog.error.text()
    dialog.edit.setText("  Leila  ")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.name() == "Leila"
    ctx = open_database(tmp_path / "db.sqlite3")
    try:
        set_default_annotator(ctx, dialog.name())
        assert choose_annotator(ctx, settings, None, ask=True) == "Leila"  # the database keeps it: no prompt
        assert choose_annotator(ctx, settings, "Omar", ask=True) == "Omar"  # this run only
        assert default_annotator(ctx) == "Leila" and settings.allKeys() == []
    finally:
        ctx.close()


def test_a_refused_edit_says_not_saved_and_leaves_no_undo_step(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    view = window.view
    claim = "fighters of Liwa al-Baqir shelled the village"
    cs = ENGLISH.index(claim)
    view.select_offsets(cs, cs + len(claim))
    key(view, "4")
    a = ENGLISH.index("Liwa al-Baqir")
    view.select_offsets(a, a + len("Liwa al-Baqir"))
    key(view, "1")
    # relate the claim to the actor: click the claim, R, Tab to the actor, Enter
    view.select_span(window.document.innermost_at(cs))
    key(view, "r")
    key(view, Qt.Key.Key_Tab)
    key(view, Qt.Key.Key_Return)
    stack = window.session.active_stack
    assert stack.count() == 3
    # relabelling the claim as a place would break its relation: the service refuses, nothing changes
    view.select_span(window.document.innermost_at(cs))
    key(view, "2")
    assert stack.count() == 3 and stack.index() == 3
    assert window.save_label.text() == "Not saved"
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "relation" in boxes[0].text() and boxes[0].text().endswith(".")
    stored = annotate.get_set(window.session.ctx, window.document.report_id, "alice")
    assert sorted(x.label for x in stored.spans) == ["actor", "claim"] and len(stored.relations) == 1


def test_import_runs_in_the_background(open_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    files = []
    for i in range(3):
        p = tmp_path / f"r{i}.txt"
        p.write_text(f"Report {i}: clashes near Manbij were reported by local sources.\n", encoding="utf-8")
        files.append(p)
    job = window_dialogs.import_files(window, files)
    # the job's end reloads the list (waiting on the list avoids racing the finished signal)
    qtbot.waitUntil(lambda: window.report_model.rowCount() == 6 and not window.jobs, timeout=10000)
    assert not job.running


def test_a_refused_file_is_said_in_a_box_and_in_the_status_bar(open_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A binary file among the reports: the box names it, and the status bar no longer reads as a
    success ("Imported 0 new report(s), 0 already present")."""
    window = open_window()
    good, bad = tmp_path / "good.txt", tmp_path / "binary.txt"
    good.write_text("Clashes near Manbij were reported by local sources on Monday.\n", encoding="utf-8")
    bad.write_bytes(bytes(range(256)) * 8)
    said: list[str] = []

    def answer() -> None:  # the warning is modal: read it and close it as a person would
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            said.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(50, answer)

    QTimer.singleShot(50, answer)
    window_dialogs.import_files(window, [good, bad])
    qtbot.waitUntil(lambda: not window.jobs, timeout=10000)
    assert len(said) == 1 and str(bad) in said[0]
    assert window.statusBar().currentMessage() == "Imported 1 new report(s), 0 already present; 1 file(s) not imported"


def test_reports_added_by_another_program_show_when_the_window_is_back_in_front(open_window, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    """``annotator import`` run beside the open window: its report needed View → Refresh. Back in front,
    the list has it and says so; the report being read stays open as it was."""
    window = open_window()
    shown = window.document.report_id
    rows = window.report_model.rowCount()
    other = open_database(db_path)  # another program on the same file
    try:
        store_report(other, Report.of("Two drones struck a fuel depot outside the town at dawn.\n", title="Depot"))
    finally:
        other.close()
    QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))  # what Qt sends on the way back
    settle(window)
    assert window.report_model.rowCount() == rows + 1
    assert "Depot" in [window.report_model.summary(r).title for r in range(rows + 1)]
    assert window.statusBar().currentMessage() == "1 report(s) added since the list was read"
    assert window.document.report_id == shown


def test_gold_is_not_editable_in_the_annotation_window(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(annotator="gold")
    s = ENGLISH.index("al-Busayrah")
    window.view.select_offsets(s, s + 3)
    key(window.view, "1")
    assert window.document.mine == {}
    assert "reading the gold set" in window.statusBar().currentMessage()
    assert window.annotator_label.text() == "Reading: gold (read-only here)"


@pytest.mark.parametrize("text", [ENGLISH])
def test_tooltip_lists_every_span_at_the_point(open_window, text) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    claim = "fighters of Liwa al-Baqir shelled"
    cs = text.index(claim)
    window.view.select_offsets(cs, cs + len(claim))
    key(window.view, "4")
    a = text.index("Liwa")
    window.view.select_offsets(a, a + 4)
    key(window.view, "1")
    hits = window.document.spans_at(a + 1)
    assert [h.span.label for h in hits] == ["claim", "actor"]
    assert all(isinstance(h.span, Span) for h in hits)
    assert Report.of(text).id == window.document.report_id
    vp = window.view.viewport()
    point = window.view.span_rects(*window.document.offsets.qt_range(a + 1, a + 2))[0].center().toPoint()
    QApplication.sendEvent(vp, QHelpEvent(QEvent.Type.ToolTip, point, vp.mapToGlobal(point)))
    tip = QToolTip.text()
    assert "claim" in tip and "actor" in tip and "Liwa" in tip


def test_a_project_schema_brings_its_own_labels_and_keys(open_window, qtbot, tmp_path: Path, report_ids,
                                                        monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    s = ENGLISH.index("al-Busayrah")
    window.view.select_offsets(s, s + len("al-Busayrah"))
    key(window.view, "2")
    data = default_schema().to_dict()
    data["labels"].append({"name": "weapon", "key": "5", "color": "#6b6b6b", "description": "a weapon"})
    good = tmp_path / "schema.json"
    good.write_text(json.dumps(data), encoding="utf-8")
    answer = {"path": str(good)}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (answer["path"], "Schema (*.json)"))
    window.schema_import_action.trigger()  # File → Import label schema…, the file dialog answered
    settle(window)
    new = window.replacement
    assert new is not None
    qtbot.addWidget(new)
    settle(new)
    assert [a.text() for a in new.label_actions][-1] == "5  weapon"
    w = ENGLISH.index("shelled")
    new.view.select_offsets(w, w + len("shelled"))
    key(new.view, "5")
    assert "weapon" in {x.label for x in annotate.get_set(new.session.ctx, report_ids["english"], "alice").spans}
    # a schema that drops a label still in use is refused in one sentence; nothing changes
    data["labels"] = [lab for lab in data["labels"] if lab["name"] != "place"]
    data["relations"] = [r for r in data["relations"] if "place" not in r["heads"] + r["tails"]]
    data["attributes"] = [a for a in data["attributes"] if a["labels"] != ["place"]]
    for a in data["attributes"]:
        a["labels"] = [lab for lab in a["labels"] if lab != "place"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    answer["path"] = str(bad)
    new.schema_import_action.trigger()
    settle(new)
    assert new.replacement is None
    assert "drops labels still in use: place (1 spans)" in new.statusBar().currentMessage()
    assert new.session.ctx.schema.label_names[-1] == "weapon"
    new.session.ctx.close()
