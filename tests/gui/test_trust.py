"""The window you can trust: one regression test per defect found trying it as a new user, each
driving the real widgets (clicks, drags, keys, menu actions) and checking what is stored."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from annotator.core.errors import StaleEdit, ValidationError
from annotator.core.report import Report
from annotator.gui import keymap
from annotator.gui.app import choose_annotator, warm_up
from annotator.gui.bidi import FSI, PDI
from annotator.gui.main_window import MainWindow
from annotator.gui.models.span_table_model import SPAN_ID_ROLE
from annotator.gui.session import EditSession
from annotator.gui.views.annotator_dialog import AnnotatorDialog, SwitchAnnotatorDialog
from annotator.gui.views.help_dialog import HelpDialog
from annotator.services import annotate, records
from annotator.services.annotate import get_set
from annotator.services.database import open_database
from annotator.services.entities import ensure_registry, search_entities
from annotator.services.identity import default_annotator, set_default_annotator
from annotator.services.reports import store_report
from annotator.services.samples import load_samples
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QToolBar

from gui_helpers import (
    ARABIC,
    ENGLISH,
    activate,
    click,
    click_span,
    dismiss_message,
    drag,
    key,
    open_dialog,
    open_report,
    redo,
    settle,
    type_text,
    undo,
    word_rect_points,
)


def mark(window, text: str, word: str, k: str, occurrence: int = 0) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Drag over a word (any script) and press a label key."""
    s = text.index(word)
    for _ in range(occurrence):
        s = text.index(word, s + 1)
    a, b = word_rect_points(window.view, s, s + len(word))
    drag(window.view, a, b)
    key(window.view, k)
    return s, s + len(word)


def rows(window, report_id: str, who: str | None = None) -> list[tuple]:  # type: ignore[type-arg, no-untyped-def]
    stored = get_set(window.session.ctx, report_id, who or window.session.annotator)
    return sorted((s.id, s.start, s.end, s.label, s.value, s.entity, s.resolution) for s in stored.spans)


# -- 1. a panel never writes into a report the user is not looking at ------------------------------------
def test_inspector_is_cleared_when_another_report_opens_and_never_writes_there(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window(report="arabic")
    place = mark(window, ARABIC, "البصيرة", "2")  # T1 of the Arabic report: a place
    open_report(window, report_ids["english"])
    mark(window, ENGLISH, "Liwa al-Baqir", "1")  # T1 of the English report: an actor
    english_before = rows(window, report_ids["english"])
    open_report(window, report_ids["arabic"])
    click_span(window.view, *place)
    inspector = window.inspector
    assert inspector.span is not None and inspector.span.label == "place"
    assert f"“{FSI}البصيرة{PDI}” [{place[0]}–{place[1]}]" in inspector.title.text()  # bidi isolated
    open_report(window, report_ids["english"])
    assert inspector.span is None and inspector.title.text() == "No span selected"
    assert not inspector.entity_box.isVisibleTo(window)
    click(inspector.link_button)
    click(inspector.unlink_button)
    assert rows(window, report_ids["english"]) == english_before
    assert window.save_label.text() == "Saved"


def test_the_service_refuses_an_edit_naming_another_report_or_a_stale_version(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window(report="arabic")
    mark(window, ARABIC, "البصيرة", "2")
    open_report(window, report_ids["english"])
    mark(window, ENGLISH, "Liwa al-Baqir", "1")
    ctx = window.session.ctx
    arabic_t1 = get_set(ctx, report_ids["arabic"], "alice").spans[0]
    english = get_set(ctx, report_ids["english"], "alice")
    with pytest.raises(StaleEdit, match="not the one shown"):  # Arabic T1 sent with the English report
        annotate.update_span(ctx, report_ids["english"], "T1", annotator="alice", entity="place:x",
                             expect=arabic_t1, expect_version=english.version)
    with pytest.raises(StaleEdit, match="changed elsewhere"):
        annotate.delete_span(ctx, report_ids["english"], "T1", annotator="alice", expect_version=english.version - 1)
    assert get_set(ctx, report_ids["english"], "alice") == english


def test_a_set_changed_elsewhere_is_reloaded_not_overwritten(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    mark(window, ENGLISH, "Liwa al-Baqir", "1")
    # another process (a script, a second window) deletes the span behind the window's back
    annotate.delete_span(window.session.ctx, report_ids["english"], "T1", annotator="alice")
    click_span(window.view, ENGLISH.index("Liwa"), ENGLISH.index("Liwa") + 4)
    key(window.view, "2")  # relabel what the window still shows
    assert "changed elsewhere" in dismiss_message(window)
    settle(window)
    assert rows(window, report_ids["english"]) == [] and window.document.mine == {}
    assert window.session.active_stack.count() == 0  # its history was void


# -- 2. undo never crosses reports; redo restores exactly -----------------------------------------------
def test_undo_and_redo_act_only_on_the_report_shown(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    start, end = mark(window, ENGLISH, "Deir ez-Zor", "2")
    created = rows(window, report_ids["english"])
    assert created[0][5] == "place:geonames:170794" and created[0][6] == "automatic"  # resolved in the same edit
    open_report(window, report_ids["arabic"])
    assert not window.undo_action.isEnabled()
    undo(window)
    assert rows(window, report_ids["english"]) == created  # nothing happened out of sight
    open_report(window, report_ids["english"])
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo Create place"
    undo(window)
    assert rows(window, report_ids["english"]) == [] and window.document.mine == {}
    open_report(window, report_ids["emoji"])
    toolbar = window.findChild(QToolBar, "labelToolbar")
    redo_button = toolbar.widgetForAction(window.redo_action)
    assert not redo_button.isEnabled()  # the toolbar's Redo on a third report does nothing
    click(redo_button)
    assert rows(window, report_ids["english"]) == []
    open_report(window, report_ids["english"])
    redo(window)
    assert rows(window, report_ids["english"]) == created  # same id, same automatic entity link
    assert list(window.document.mine.values())[0].entity == "place:geonames:170794"


# -- 3. every shortcut is bound once; Redo answers both keys -----------------------------------------------
def test_no_key_sequence_is_bound_twice_and_f1_lists_them_all(open_window, qtlog) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    table = keymap.bindings(window.session.schema)
    assert keymap.conflicts(table) == []
    portable = QKeySequence.SequenceFormat.PortableText
    owners: dict[tuple[str, int], str] = {}
    declared = {k.lower() for b in table for k in b.keys}
    for action in window.findChildren(QAction):
        scope = id(action.parent()) if action.shortcutContext() == Qt.ShortcutContext.WidgetShortcut else 0
        for seq in action.shortcuts():
            text = seq.toString(portable)
            assert text.lower() in declared, f"{action.text()}: {text} is not in the key table (nor in F1)"
            assert (text, scope) not in owners, f"{text} is bound to {owners[(text, scope)]} and {action.text()}"
            owners[(text, scope)] = action.text()
    help_dialog = open_dialog(window, window.help_action, HelpDialog)
    sheet = help_dialog.browser.toPlainText()
    for b in table:
        assert b.label in sheet, f"F1 does not list {b.label}"
    for needed in ("R", "Tab / Shift+Tab", "Enter", "Ctrl+Shift+Z / Ctrl+Y", "Click in gold"):
        assert needed in sheet
    help_dialog.close()
    mark(window, ENGLISH, "al-Busayrah", "2")
    undo(window)
    redo(window, "ctrl+y")
    assert len(window.document.mine) == 1
    undo(window)
    redo(window, "ctrl+shift+z")
    assert len(window.document.mine) == 1
    assert not [r for r in qtlog.records if "Ambiguous shortcut" in r.message]


# -- 4. who acts: the database's identity; a one-off --annotator is never stored -----------------------------
def test_a_screenshot_as_gold_changes_nobodys_identity(tmp_path: Path) -> None:
    db = tmp_path / "team.sqlite3"
    ctx = open_database(db)
    load_samples(ctx)
    set_default_annotator(ctx, "leila")
    ctx.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-m", "annotator", "--annotator", "gold", "gui", "--db", str(db),
                           "--screenshot", str(tmp_path / "x.png"), "--view", "adjudication"],
                          capture_output=True, text=True, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr
    ctx = open_database(db)
    try:
        assert default_annotator(ctx) == "leila"
        settings = QSettings(str(tmp_path / "cfg" / "annotator" / "annotator.conf"), QSettings.Format.IniFormat)
        assert settings.allKeys() == []  # a screenshot run stores nothing: no name, no layout
        assert not (tmp_path / "cfg" / "annotator" / "annotator.conf").exists()
        assert choose_annotator(ctx, settings, None, ask=False) == "leila"
        # a workstation setting left by an older version: a real name moves into the database once,
        # "gold" (what a screenshot run used to store) is dropped
        fresh = open_database(tmp_path / "fresh.sqlite3")
        legacy = QSettings(str(tmp_path / "legacy.ini"), QSettings.Format.IniFormat)
        legacy.setValue("annotator/name", "gold")
        assert choose_annotator(fresh, legacy, None, ask=False) != "gold"
        legacy.setValue("annotator/name", "omar")
        assert choose_annotator(fresh, legacy, None, ask=True) == "omar"
        assert default_annotator(fresh) == "omar" and legacy.value("annotator/name") is None
        fresh.close()
    finally:
        ctx.close()


def test_switch_annotator_from_the_file_menu(open_window, qtbot, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    mark(window, ENGLISH, "al-Busayrah", "2")
    dialog = open_dialog(window, window.switch_annotator_action, SwitchAnnotatorDialog)
    settle(window)
    assert "alice" in [dialog.combo.itemText(i) for i in range(dialog.combo.count())]
    line = dialog.combo.lineEdit()
    line.selectAll()
    type_text(line, "gold")
    click(dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    assert dialog.isVisible() and "adjudicated set" in dialog.error.text()  # gold is nobody's name
    line.selectAll()
    type_text(line, "bob")
    click(dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    settle(window)
    new = window.replacement
    assert new is not None
    qtbot.addWidget(new)
    settle(new)
    assert new.session.annotator == "bob" and new.annotator_label.text() == "Annotator: bob"
    assert default_annotator(new.session.ctx) == "bob"
    assert new.document.report_id == report_ids["english"] and new.document.mine == {}  # bob's own set
    mark(new, ENGLISH, "Liwa al-Baqir", "1")
    assert [r[3] for r in rows(new, report_ids["english"], "bob")] == ["actor"]
    assert [r[3] for r in rows(new, report_ids["english"], "alice")] == ["place"]


# -- 5. a drag that starts just inside a nested span selects text -----------------------------------------
def test_a_drag_starting_just_inside_a_claim_selects_text_not_its_edge(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    view = window.view
    claim = mark(window, ENGLISH, "fighters of Liwa al-Baqir shelled the village of al-Busayrah at dawn", "4")
    shelled = ENGLISH.index("shelled")
    click_span(view, shelled, shelled + 7)  # the claim is selected: its edges can be dragged
    assert view.selected_span() is not None and view.selected_span().label == "claim"
    first_letter = view.span_rects(*view.model.offsets.qt_range(claim[0], claim[0] + 1))[0]
    press = QPoint(int(first_letter.left()) + 3, int(first_letter.center().y()))  # on the "f", just inside
    actor_end = ENGLISH.index(" shelled")
    drag(view, press, word_rect_points(view, actor_end - 5, actor_end)[1])
    assert view.selection_offsets() is not None  # a text selection, not the claim's edge
    key(view, "1")
    stored = {r[3]: r[1:3] for r in rows(window, report_ids["english"])}
    assert stored == {"claim": claim, "actor": (claim[0], actor_end)}


# -- 7. one user action is one transaction ------------------------------------------------------------------
def test_a_failed_automatic_value_stores_nothing(open_window, report_ids, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = open_window()

    def broken(*_a, **_k):  # type: ignore[no-untyped-def]
        raise ValidationError("the registry index could not be read")

    monkeypatch.setattr(records, "_automatic", broken)
    mark(window, ENGLISH, "Deir ez-Zor", "2")
    assert "registry index" in dismiss_message(window)
    assert rows(window, report_ids["english"]) == [] and window.document.mine == {}
    assert window.session.active_stack.count() == 0 and window.save_label.text() == "Not saved"


# -- 8. the first launch fits the screen ------------------------------------------------------------------
def test_first_launch_opens_at_most_of_the_screen(qtbot, db_path: Path, report_ids, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = open_database(db_path)
    window = MainWindow(EditSession(ctx, "alice", ctx.schema),
                       QSettings(str(tmp_path / "empty.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    settle(window)
    area = window.screen().availableGeometry()
    assert window.width() >= 0.75 * area.width() and window.height() >= 0.75 * area.height()
    assert window.width() <= area.width() and window.height() <= area.height()
    bar = window.tabs.tabBar()
    for i in range(bar.count()):  # tab titles are not cut ("R…")
        assert bar.tabRect(i).width() >= bar.fontMetrics().horizontalAdvance(bar.tabText(i))
    assert min(window.splitter.sizes()) > 0.2 * window.width()
    ctx.close()


def test_first_launch_on_a_1600_by_1000_screen(tmp_path: Path) -> None:
    """The reported case: 772×334 on a 1600×1000 screen. Now 80 % of it, every column readable."""
    config = tmp_path / "screen.json"
    config.write_text('{"screens": [{"name": "wide", "x": 0, "y": 0, "width": 1600, "height": 1000, '
                      '"logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}]}', encoding="utf-8")
    db = tmp_path / "first.sqlite3"
    ctx = open_database(db)
    load_samples(ctx)
    ctx.close()
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_DATA_HOME": str(tmp_path / "data")}
    out = tmp_path / "first.png"
    proc = subprocess.run([sys.executable, "-m", "annotator", "--annotator", "alice", "gui", "--db", str(db),
                           "--screenshot", str(out)], capture_output=True, text=True, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)


# -- 9. snapping keeps balanced brackets and quotes ---------------------------------------------------------
def test_snapping_keeps_a_closing_bracket(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "Officers of the Iranian Islamic Revolutionary Guard Corps (IRGC) met in Deir ez-Zor.\n"
    window = open_window()
    store_report(window.session.ctx, Report.of(text, title="IRGC"))
    window.reload_reports()
    settle(window)
    rid = Report.of(text).id
    open_report(window, rid)
    start = text.index("Iranian")
    a, b = word_rect_points(window.view, start, text.index(") met") + 1)
    drag(window.view, a, b)
    key(window.view, "1")
    (span,) = get_set(window.session.ctx, rid, "alice").spans
    assert span.text_in(text) == "Iranian Islamic Revolutionary Guard Corps (IRGC)"


# -- 10. right-to-left text beside left-to-right text -------------------------------------------------------
def test_arabic_in_the_record_is_isolated(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window(report="arabic")
    mark(window, ARABIC, "البصيرة", "2")
    window.tabs.setCurrentWidget(window.record_panel)
    qtbot.waitUntil(lambda: window.record_panel.record is not None, timeout=5000)
    settle(window)
    html_text = window.record_panel.toHtml()
    assert f"{FSI}البصيرة{PDI}" in window.record_panel.toPlainText() or f"{FSI}البصيرة{PDI}" in html_text


# -- 11. an import error names its file once ------------------------------------------------------------------
def test_import_error_names_the_file_once(open_window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(binary)], ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    window.import_action.trigger()  # File → Import reports…
    QTest.qWait(50)
    deadline = time.monotonic() + 20
    while not shown and time.monotonic() < deadline:
        QTest.qWait(20)
    assert shown and shown[0].count(str(binary)) == 1, shown


# -- 13. the start-up registry seed and the first span never collide -------------------------------------------
def test_first_span_during_start_up_seeding_is_saved_and_undoable(qtbot, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    ctx = open_database(tmp_path / "fresh.sqlite3")  # a new database: the registry is not seeded yet
    report = Report.of(ENGLISH, title="t", published="2024-05-03")
    store_report(ctx, report)
    window = MainWindow(EditSession(ctx, "alice", ctx.schema), settings)
    qtbot.addWidget(window)
    window.show()
    window.start(report.id)
    warm_up(window)  # what the app does at start-up, on its database lane
    settle(window)
    mark(window, ENGLISH, "Deir ez-Zor", "2")
    assert window.save_label.text() == "Saved"
    assert window.session.active_stack.count() == 1
    (span,) = get_set(ctx, report.id, "alice").spans
    assert span.entity == "place:geonames:170794"
    ctx.close()


def test_registry_seeding_from_two_threads_at_once(tmp_path: Path) -> None:
    ctx = open_database(tmp_path / "race.sqlite3")
    errors: list[BaseException] = []
    added: list[int] = []

    def seed() -> None:
        try:
            added.append(ensure_registry(ctx))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=seed) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sum(1 for n in added if n) == 1
    assert search_entities(ctx, "Deir ez-Zor")
    ctx.close()


# -- a relabelled or resized span stays the one selected (found trying the window, 6 December) -----------
def _selected(window) -> tuple[str | None, str | None, str | None]:  # type: ignore[no-untyped-def]
    """What the person sees as selected: in the text, in the spans table (the highlighted row), in the
    inspector."""
    highlighted = window.span_table.selectionModel().selectedRows()
    row_id = highlighted[0].data(SPAN_ID_ROLE) if len(highlighted) == 1 else None
    return window.view.selected_id, row_id, window.inspector.span.id if window.inspector.span else None


def test_relabelling_keeps_the_span_selected_and_del_then_deletes_it(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """Relabelling changed the span's place in the table's order; the row was taken out and put back,
    the table made a neighbour current and the window selected that neighbour, so Del deleted a span
    the user had not chosen."""
    window = open_window()
    observatory = mark(window, ENGLISH, "Syrian Observatory", "1")
    mark(window, ENGLISH, "Liwa al-Baqir", "1")
    mark(window, ENGLISH, "al-Busayrah", "2")
    click_span(window.view, *observatory)
    assert _selected(window) == ("T1", "T1", "T1")
    key(window.view, "2")  # actor → place
    assert _selected(window) == ("T1", "T1", "T1") and window.inspector.span.label == "place"
    key(window.view, Qt.Key.Key_Delete)
    assert [r[:4] for r in rows(window, report_ids["english"])] == [
        ("T2", ENGLISH.index("Liwa"), ENGLISH.index("Liwa") + 13, "actor"),
        ("T3", ENGLISH.index("al-Busayrah"), ENGLISH.index("al-Busayrah") + 11, "place")]


def test_nudged_past_another_span_it_stays_selected_and_quick_nudges_move_it_alone(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """A span whose start is moved past another span's start changes rows in the table (a move, not a
    removal): it stays selected, and two quick nudges both move it (README: a quick second nudge moves
    the span the first one moved)."""
    window = open_window()
    mark(window, ENGLISH, "Deir ez-Zor", "2")  # T1, first in the table
    date = mark(window, ENGLISH, "3 May 2024", "3")  # T2
    click_span(window.view, 0, 4)
    end = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier
    start = end | Qt.KeyboardModifier.ControlModifier
    for _ in range(2):  # the end past the date, two presses in a row without waiting
        QTest.keyClick(window.view, Qt.Key.Key_Right, end)
    settle(window)
    for _ in range(6):  # the start past the date's start, quickly
        QTest.keyClick(window.view, Qt.Key.Key_Right, start)
    settle(window)
    stored = {r[0]: r[1:4] for r in rows(window, report_ids["english"])}
    assert stored["T2"] == (*date, "date")  # never touched
    assert stored["T1"][0] > date[0] and stored["T1"][2] == "place"  # T1 moved after T2 in the order
    assert window.span_model.row_of("T1") == 1
    assert _selected(window) == ("T1", "T1", "T1")


def test_undoing_a_creation_selects_no_other_span(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    mark(window, ENGLISH, "Syrian Observatory", "1")
    mark(window, ENGLISH, "Liwa al-Baqir", "1")
    undo(window)
    assert [r[0] for r in rows(window, report_ids["english"])] == ["T1"]
    assert "T1" not in _selected(window)  # the span left alone is not chosen for the user


def test_the_name_dialogs_take_what_is_typed_at_once(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """First launch and File → Switch annotator…: the name is typed straight away, as the dialog
    invites, and Enter keeps it. The OK button had the keyboard: the typed name went nowhere and Enter
    made the OS user the database's annotator."""
    first = AnnotatorDialog("root")
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    activate(first)
    QTest.keyClicks(QApplication.focusWidget(), "tester")  # keys go where the keyboard is
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert first.result() == first.DialogCode.Accepted and first.name() == "tester"
    window = open_window()
    switch = open_dialog(window, window.switch_annotator_action, SwitchAnnotatorDialog)
    activate(switch)
    QTest.keyClicks(QApplication.focusWidget(), "omar")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    settle(window)
    assert window.replacement is not None and window.replacement.session.annotator == "omar"
    qtbot.addWidget(window.replacement)


def test_the_report_filter_finds_arabic_dates_and_several_words(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """Typed into the filter box (Ctrl+F): an Arabic title word, a date, two words of a title, a hyphen.
    The box's text went to Qt as a regular expression's escaped pattern, so only ASCII letters and digits
    ever matched."""
    window = open_window()

    def shown(typed: str) -> set[str]:
        QTest.keySequence(window, QKeySequence.StandardKey.Find)
        assert QApplication.focusWidget() is window.filter_box
        QTest.keyClick(window.filter_box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(window.filter_box, typed)
        settle(window)
        proxy = window.report_proxy
        return {window.report_model.summary(proxy.mapToSource(proxy.index(r, 0)).row()).id
                for r in range(proxy.rowCount())}

    assert shown("البصيرة") == {report_ids["arabic"]}
    assert shown("2024-05-03") == {report_ids["english"]}
    assert shown("ez-Zor shelling") == {report_ids["english"]}
    assert shown("shelling 2024-05") == {report_ids["english"]}  # each word anywhere in the row
    assert shown("homs FLIGHT") == {report_ids["emoji"]}
    assert shown("nowhere") == set()


def test_two_label_keys_in_a_row_create_one_span_and_relabel_it(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """Drag, then 1 and 2 at once: the second key waits for the first (README: keys pressed while an edit
    is on its way wait for it) and relabels the span it made. It read the text selection again and made a
    second span on the same words."""
    window = open_window()
    s = ENGLISH.index("Liwa al-Baqir")
    a, b = word_rect_points(window.view, s, s + 13)
    drag(window.view, a, b)
    QTest.keyClicks(window.view, "12")  # two keys, no wait between them
    settle(window)
    assert [r[:4] for r in rows(window, report_ids["english"])] == [("T1", s, s + 13, "place")]
    assert _selected(window) == ("T1", "T1", "T1")
    undo(window)
    assert [r[3] for r in rows(window, report_ids["english"])] == ["actor"]
    key(window.view, "3")  # a label key after the answer relabels the selected span, as before
    assert [r[3] for r in rows(window, report_ids["english"])] == ["date"]


def test_the_toolbar_buttons_stay_put_as_undo_and_redo_name_their_steps(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """The toolbar's Undo and Redo named their steps ("Redo Create event Meeting or consultation"): every
    button after them moved by up to 230 px after each edit, and a click meant for Show labels hit Redo."""
    window = open_window()
    toolbar = window.findChild(QToolBar, "labelToolbar")
    labels_button = toolbar.widgetForAction(window.labels_action)
    where = labels_button.geometry()
    mark(window, ENGLISH, "The Syrian Observatory", "1")
    key(window.view, "4")  # relabel: "Undo Relabel actor as claim"
    undo(window)  # and something to redo
    settle(window)
    undo_button, redo_button = toolbar.widgetForAction(window.undo_action), toolbar.widgetForAction(window.redo_action)
    assert (undo_button.text(), redo_button.text()) == ("Undo", "Redo")
    assert undo_button.toolTip() == "Undo Create actor" and redo_button.toolTip() == "Redo Relabel actor as claim"
    assert window.undo_action.text() == "&Undo Create actor"  # the Edit menu names the step
    assert labels_button.geometry() == where
    click(labels_button)
    assert window.labels_action.isChecked() and [r[3] for r in rows(window, report_ids["english"])] == ["actor"]


def test_clicking_spans_never_moves_the_columns(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """The inspector's width followed what it showed (a place's candidates, a claim's attributes): the
    splitter gave way by 17–37 px and the text re-wrapped under the pointer at every click."""
    window = open_window()
    window.resize(900, 800)  # a pane narrower than what the inspector shows for a place
    place = mark(window, ENGLISH, "al-Busayrah", "2")
    claim = mark(window, ENGLISH, "fighters of Liwa al-Baqir shelled the village of al-Busayrah", "4")
    actor = mark(window, ENGLISH, "Syrian Observatory", "1")
    key(window.view, Qt.Key.Key_Escape)
    settle(window)
    columns = window.splitter.sizes()
    for start, end in (place, actor, claim, place):
        click_span(window.view, start, start + 3 if (start, end) == claim else end)
        settle(window)
        assert window.splitter.sizes() == columns
        key(window.view, Qt.Key.Key_Escape)
        assert window.splitter.sizes() == columns


def test_from_the_report_list_to_a_label_by_keyboard_alone(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """Keyboard only: the report list had no way into the text, and a label key pressed there did
    nothing and said nothing. Enter now goes to the text; a label key in the list says how to get there;
    Del in the Spans tab deletes the chosen span as Del in the text does."""
    window = open_window(report="arabic")
    activate(window)
    open_report(window, report_ids["english"])
    window.report_table.setFocus()
    QTest.keyClick(window.report_table, Qt.Key.Key_1)
    settle(window)
    assert rows(window, report_ids["english"]) == []
    assert "press Enter to go to the text" in window.statusBar().currentMessage()
    QTest.keyClick(window.report_table, Qt.Key.Key_Return)
    assert window.view.hasFocus()
    shift_word = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    QTest.keyClick(window.view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(3):  # "Deir ez-Zor" from the first word on
        QTest.keyClick(window.view, Qt.Key.Key_Right, shift_word)
    key(window.view, "2")
    ((sid, start, _end, label, *_),) = rows(window, report_ids["english"])
    assert (start, label) == (0, "place") and ENGLISH[start:_end].startswith("Deir ez")
    status = window.report_model.index(window.report_model.row_of(report_ids["english"]), 4)
    assert status.data() == "in progress"  # as after a reload ("annotated (+2)" before it)
    window.tabs.setCurrentWidget(window.span_table)
    index = window.span_model.index(window.span_model.row_of(sid), 1)
    click(window.span_table.viewport(), window.span_table.visualRect(index).center())
    QTest.keyClick(window.span_table, Qt.Key.Key_Delete)
    settle(window)
    assert rows(window, report_ids["english"]) == []


def test_resizing_a_date_works_its_value_out_again_and_undo_puts_it_back(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """"April 2024" extended to "9 April 2024" kept 2024-04: the automatic value contradicted the text.
    A move now works it out again in the same edit; quick moves merge into one step, which undoes to the
    old extent and value (the step must know what the move stored, new value included)."""
    window = open_window()
    s, e = mark(window, ENGLISH, "May 2024", "3")
    ((sid, *_rest),) = rows(window, report_ids["english"])
    assert rows(window, report_ids["english"])[0][4:] == ("2024-05", None, "automatic")
    click_span(window.view, s, e)
    start = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    QTest.keyClick(window.view, Qt.Key.Key_Left, start)  # the start a word back: "3 May 2024"
    settle(window)
    assert rows(window, report_ids["english"]) == [(sid, s - 2, e, "date", "2024-05-03", None, "automatic")]
    assert window.document.mine[sid].value == "2024-05-03"  # shown as stored
    QTest.keyClick(window.view, Qt.Key.Key_Right, start)  # and back, quickly after: one merged step
    QTest.keyClick(window.view, Qt.Key.Key_Left, start)
    settle(window)
    undo(window)
    assert rows(window, report_ids["english"]) == [(sid, s, e, "date", "2024-05", None, "automatic")]
    assert "changed elsewhere" not in window.statusBar().currentMessage()


def test_esc_on_the_first_launch_name_asks_before_quitting(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Esc in the first-launch "Who is annotating?" dialog closed the application without a word."""
    dialog = AnnotatorDialog("root")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    activate(dialog)
    answers = iter(["Back to the name", "Quit"])
    asked: list[str] = []

    def answer() -> None:  # the box is modal: answered from the event loop it runs, as a person clicks
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(20, answer)
            return
        asked.append(boxes[-1].text())
        wanted = next(answers)
        (button,) = [b for b in boxes[-1].buttons() if b.text().replace("&", "") == wanted]
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(50, answer)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert "needs one before it opens" in asked[0]
    assert dialog.isVisible()  # back at the name, the application still starting
    activate(dialog)  # the box went: the window manager gives the dialog the keyboard back
    assert dialog.edit.hasFocus()
    QTimer.singleShot(50, answer)
    QTest.keyClick(dialog.edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Rejected
