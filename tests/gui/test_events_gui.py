"""Events, grades, backups and a server outage, as a person meets them in the window."""

from __future__ import annotations

import sqlite3
import threading
import time

import annotator.gui.session as session_module
from annotator.core.errors import StorageError
from annotator.gui.views.backups_dialog import BackupsDialog
from annotator.gui.views.event_type_dialog import EventTypeDialog
from annotator.gui.views.transfer_dialogs import ExportDialog
from annotator.services import events as event_service
from annotator.services import records
from annotator.services.annotate import get_set
from annotator.services.backups import AutoBackup, list_backups
from annotator.services.incidents import list_incidents
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QPushButton

from gui_helpers import (
    ENGLISH,
    activate,
    click,
    click_span,
    drag,
    key,
    open_dialog,
    open_report,
    settle,
    type_text,
    undo,
    wait_until,
    word_rect_points,
)


def mark(window, word: str, k: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    s = ENGLISH.index(word)
    a, b = word_rect_points(window.view, s, s + len(word))
    drag(window.view, a, b)
    key(window.view, k)
    return s, s + len(word)


def claim_with_actor(window) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """A claim, its source (related with R, Tab, Enter) and an actor inside it."""
    mark(window, "Syrian Observatory", "1")
    claim = mark(window, "fighters of Liwa al-Baqir shelled the village of al-Busayrah at dawn", "4")
    mark(window, "Liwa al-Baqir", "1")
    view = window.view
    click_span(view, ENGLISH.index("shelled"), ENGLISH.index("shelled") + 7)  # the claim
    key(view, "r")
    while view.selected_span().text_in(ENGLISH) != "Syrian Observatory":
        key(view, Qt.Key.Key_Tab)
    key(view, Qt.Key.Key_Return)
    return claim


def event_dialog_on_the_claim(window) -> EventTypeDialog:  # type: ignore[no-untyped-def]
    """The claim and its actor marked, the claim clicked and E pressed: the event type dialog shown."""
    claim_with_actor(window)
    click_span(window.view, ENGLISH.index("shelled"), ENGLISH.index("shelled") + 7)
    key(window.view, "e")
    dialog = next(d for d in window.findChildren(EventTypeDialog) if d.isVisible())
    settle(window)
    return dialog


def shelling_event_on_the_claim(window) -> None:  # type: ignore[no-untyped-def]
    """An event of the claim by keys: E, "shelling" typed into the type list, Enter."""
    dialog = event_dialog_on_the_claim(window)
    type_text(dialog.filter, "shelling")
    QTest.keyClick(dialog.filter, Qt.Key.Key_Return)
    activate(window)  # the dialog closed: the window manager gives the focus back
    settle(window)


def test_an_event_from_a_claim_by_keyboard_edited_and_undone(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    dialog = event_dialog_on_the_claim(window)
    assert "Liwa al-Baqir" in dialog.roles.text()  # prefilled from the claim's relation, shown first
    type_text(dialog.filter, "shelling")
    QTest.keyClick(dialog.filter, Qt.Key.Key_Return)
    activate(window)  # the dialog closed: the window manager gives the focus back
    settle(window)
    (event,) = event_service.get_events(window.session.ctx, report_ids["english"], "alice")
    assert event.type == "shelling_artillery_missile_attack" and any(event.roles.values())
    assert window.tabs.currentWidget() is window.events_panel and window.event_model.rowCount() == 1
    panel = window.events_panel
    # two killed, typed into the best estimate of fatalities
    spin = panel.counts[("fatalities", "best")]
    spin.setFocus()
    spin.selectAll()
    type_text(spin.lineEdit(), "2")
    QTest.keyClick(spin, Qt.Key.Key_Return)
    settle(window)
    click(panel.qualifiers["hypothetical"], QPoint(8, panel.qualifiers["hypothetical"].height() // 2))
    (stored,) = event_service.get_events(window.session.ctx, report_ids["english"], "alice")
    assert stored.count("fatalities").best == 2 and stored.qualifiers == ("hypothetical",)
    undo(window)
    (stored,) = event_service.get_events(window.session.ctx, report_ids["english"], "alice")
    assert stored.qualifiers == () and stored.count("fatalities").best == 2
    # Del in the Events tab deletes it; Ctrl+Z brings it back, same id
    panel.table.setFocus()
    QTest.keyClick(panel.table, Qt.Key.Key_Delete)
    settle(window)
    assert event_service.get_events(window.session.ctx, report_ids["english"], "alice") == []
    undo(window)
    (back,) = event_service.get_events(window.session.ctx, report_ids["english"], "alice")
    assert back.id == event.id and back.count("fatalities").best == 2


def test_e_elsewhere_than_on_a_claim_says_why(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    mark(window, "Liwa al-Baqir", "1")
    key(window.view, "e")
    assert "Select a claim" in window.statusBar().currentMessage()
    assert not [d for d in window.findChildren(EventTypeDialog) if d.isVisible()]


def test_one_key_grading_in_the_inspector(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    mark(window, "fighters of Liwa al-Baqir shelled the village of al-Busayrah at dawn", "4")
    combo = window.inspector._attr_widgets["reliability"]
    combo.setFocus()
    QTest.keyClicks(combo, "B")  # one key: reliability B
    settle(window)
    window.inspector._attr_widgets["credibility"].setFocus()
    QTest.keyClicks(window.inspector._attr_widgets["credibility"], "2")
    settle(window)
    (claim,) = get_set(window.session.ctx, report_ids["english"], "alice").spans
    assert (claim.attrs.get("reliability"), claim.attrs.get("credibility")) == ("B", "2")


def test_backups_after_edits_and_a_restore_from_the_file_menu(open_window, report_ids, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    window.session.backups = AutoBackup(window.session.ctx, every_minutes=0)  # one after every edit
    mark(window, "Liwa al-Baqir", "1")
    assert len(list_backups(window.session.ctx)) == 1
    mark(window, "al-Busayrah", "2")  # a mistake to go back from
    dialog = open_dialog(window, window.backups_action, BackupsDialog)
    settle(window)
    assert dialog.list.count() == 2
    dialog.list.setCurrentRow(1)  # the older one: only the actor
    click(next(b for b in dialog.findChildren(QPushButton) if b.text().startswith("Restore")))
    box = next(b for b in dialog.findChildren(QMessageBox) if b.isVisible())
    click(box.button(QMessageBox.StandardButton.Yes))
    settle(window)
    fresh = window.replacement
    assert fresh is not None
    settle(fresh)
    labels = sorted(s.label for s in get_set(fresh.session.ctx, report_ids["english"], "alice").spans)
    assert labels == ["actor"] and sorted(s.label for s in fresh.document.mine.values()) == ["actor"]
    fresh.close()


def test_a_server_outage_says_not_saved_and_retries(open_window, report_ids, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    monkeypatch.setattr(session_module, "RETRY_MS", 200)
    real = records.create_span_with_values
    calls = {"n": 0}

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] <= 2:
            assert not get_set(window.session.ctx, report_ids["english"], "alice").spans  # nothing saved yet
            raise StorageError("the database server at 127.0.0.1 does not answer; nothing was saved",
                               kind="unreachable", retry=True)
        return real(*args, **kwargs)

    monkeypatch.setattr(records, "create_span_with_values", flaky)
    s = ENGLISH.index("Liwa al-Baqir")
    window.view.select_offsets(s, s + 13)
    states: list[str] = []
    window.session.save_state.connect(states.append)
    QTest.keyClicks(window.view, "1")
    assert wait_until(lambda: "saved" in states or "failed" in states)
    assert states[:2] == ["saving", "retrying"] and states[-1] == "saved" and "failed" not in states, (states, calls)
    assert calls["n"] == 3 and window.save_label.text() == "Saved"
    assert [x.label for x in get_set(window.session.ctx, report_ids["english"], "alice").spans] == ["actor"]
    assert window.session.active_stack.count() == 1


def test_an_event_put_in_a_new_incident_then_undone_and_chosen_again(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """The Events tab's Incident list: End picks "New incident…", a title typed into its dialog makes
    the incident and puts the event in it (one undoable edit); Ctrl+Z takes it out; the incident stays
    listed and the arrow key chooses it again."""
    window = open_window()
    rid = report_ids["english"]
    claim_with_actor(window)
    view = window.view
    click_span(view, ENGLISH.index("shelled"), ENGLISH.index("shelled") + 7)
    key(view, "e")
    dialog = next(d for d in window.findChildren(EventTypeDialog) if d.isVisible())
    settle(window)
    type_text(dialog.filter, "shelling")
    QTest.keyClick(dialog.filter, Qt.Key.Key_Return)
    activate(window)
    settle(window)
    panel = window.events_panel
    combo = panel.incident_combo
    assert combo.currentText() == "— none —"

    def answer() -> None:  # the title typed into the dialog, as a person does, then Enter
        asking = [w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible()]
        if not asking:
            QTimer.singleShot(20, answer)
            return
        field = asking[0].findChild(QLineEdit)
        QTest.keyClicks(field, "Shelling of al-Busayrah")
        QTest.keyClick(field, Qt.Key.Key_Return)

    QTimer.singleShot(20, answer)
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_End)  # the last entry: New incident…
    settle(window)
    wait_until(lambda: event_service.get_events(window.session.ctx, rid, "alice")[0].incident is not None)
    (event,) = event_service.get_events(window.session.ctx, rid, "alice")
    (made,) = list_incidents(window.session.ctx)
    assert made["title"] == "Shelling of al-Busayrah" and made["events"] == 1 and event.incident == made["id"]
    wait_until(lambda: combo.currentText().startswith("Shelling of al-Busayrah"))

    activate(window)  # the dialog closed: the window manager gives the focus back
    undo(window)
    assert event_service.get_events(window.session.ctx, rid, "alice")[0].incident is None
    wait_until(lambda: combo.currentText() == "— none —")
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)  # the next entry: the incident, still listed (now empty)
    settle(window)
    wait_until(lambda: event_service.get_events(window.session.ctx, rid, "alice")[0].incident == made["id"])


def test_a_database_locked_by_another_program_says_so_then_saves(open_window, report_ids, db_path) -> None:  # type: ignore[no-untyped-def]
    """Another program holds the SQLite write lock for four seconds while the user labels a span: the
    status bar says the database makes us wait (not a frozen window), then the edit is saved."""
    window = open_window()
    other = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other program's write lock
    release = threading.Timer(4.0, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        s = ENGLISH.index("Liwa al-Baqir")
        a, b = word_rect_points(window.view, s, s + 13)
        drag(window.view, a, b)
        t = time.monotonic()
        QTest.keyClicks(window.view, "1")  # the label key; the edit goes to the lane, which must wait
        assert wait_until(lambda: "waiting for the database" in window.statusBar().currentMessage().lower(),
                          timeout_s=8)
        assert time.monotonic() - t < 4.0  # told while the lock is still held
        assert wait_until(lambda: window.save_label.text() == "Saved", timeout_s=15)
    finally:
        release.join()
        other.close()
    spans = get_set(window.session.ctx, report_ids["english"], "alice").spans
    assert [s.text_in(ENGLISH) for s in spans] == ["Liwa al-Baqir"]


def test_events_exported_from_the_export_dialog_in_a_dataset_format(open_window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """File → Export… offers the conflict-event datasets after the corpus formats: choosing one by keyboard
    greys out the label filter (events are exported whole), and the summary says what was written and
    names each event the dataset could not take, as the command line does."""
    window = open_window()
    shelling_event_on_the_claim(window)
    export = open_dialog(window, window.export_action, ExportDialog)
    combo = export.format_combo
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names[-4:] == ["acled", "ucdp-ged", "plover", "stix"] and "jsonl" in names[:-4]
    combo.setFocus()
    type_text(combo, "plover")  # a person types the name into the focused list
    assert combo.currentText() == "plover" and not export.labels.isEnabled()
    assert "events only" in export.nesting.text()
    out = tmp_path / "events.jsonl"
    export.destination.setText(str(out))
    with qtbot.waitSignal(export.completed, timeout=20000):
        click(export.run_button, QPoint(8, export.run_button.height() // 2))
    shown = export.result_label.text()
    # the claim says "at dawn" and no date is marked: PLOVER needs one, so the event is named, not written
    assert out.read_text(encoding="utf-8") == ""
    assert f"Wrote 0 of 1 event(s) to {out} (plover); 1 not written." in shown
    assert "not written: report" in shown and "date (no date with a value in the event's date role)" in shown


def test_deleting_a_span_that_fills_a_role_shows_in_the_events_tab(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """The Events tab kept "actor: Liwa al-Baqir" after that span was deleted, while the database's event
    no longer had it: an analyst would believe the event still had its actor."""
    window = open_window()
    shelling_event_on_the_claim(window)
    panel = window.events_panel
    assert "Liwa al-Baqir" in panel.roles.text()
    s = ENGLISH.index("Liwa al-Baqir")
    click_span(window.view, s, s + 4)  # the actor inside the claim (the innermost span there)
    assert window.view.selected_span().text_in(ENGLISH) == "Liwa al-Baqir"
    key(window.view, Qt.Key.Key_Delete)
    assert "Liwa al-Baqir" not in panel.roles.text() and "deleted" in panel.roles.text()
    undo(window)
    assert "Liwa al-Baqir" in panel.roles.text()


def test_a_report_without_events_shows_an_empty_editor(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    """The Events editor on a report with no event kept the last report's type and counts, greyed out,
    as if they were this report's."""
    window = open_window()
    shelling_event_on_the_claim(window)
    panel = window.events_panel
    click(panel.qualifiers["hypothetical"], QPoint(8, panel.qualifiers["hypothetical"].height() // 2))
    settle(window)
    assert panel.type_combo.currentText() and panel.qualifiers["hypothetical"].isChecked()
    open_report(window, report_ids["arabic"])
    assert window.event_model.rowCount() == 0 and not panel.editor.isEnabled()
    assert panel.type_combo.currentText() == ""
    assert not any(box.isChecked() for box in panel.qualifiers.values())
    assert all(spin.text() == "—" for spin in panel.counts.values())
    assert "no event selected" in panel.roles.text()
