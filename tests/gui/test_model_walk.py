"""A model-based test of the real window: a seeded random walk drives MainWindow on a real SQLite
file only through user input — clicks in the report list, drags and Shift+arrows in the text, label keys,
Del, Alt+Shift+arrows, edge drags, Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y, R+Tab+Enter, the inspector's
Link/Unlink buttons, clicks in the curation view's text lanes, its candidates decided by key (1…3, 0),
its bulk rules and their undo, Ctrl+D (a key then does nothing), a return in the assignment view, and
the Suggestions and Search tabs (accept with Enter or Ctrl+Enter, reject with Backspace, annotate the
ticked matches with Ctrl+Enter) — and after every step checks:

- the spans shown (the text's drawing index and the spans panel) equal the database's for the
  shown report and annotator;
- no other report's set, and no other annotator's set, changed (gold only by adjudication);
- undo then redo restores exactly the stored rows;
- "Saved" was never shown while the database did not yet hold what the window showed.

Each walk is a fresh window on a fresh copy of the database; its gestures and their arguments come
from ``random.Random(seed)``, so a failure names the seed, the walk and the step, and the same
command replays it exactly. ``pytest tests/gui/test_model_walk.py --steps 5000 --walk-seed 7`` runs a
longer walk (default: 300 steps, seed 1)."""

from __future__ import annotations

import inspect
import random
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from annotator.core.events import QUALIFIERS
from annotator.core.report import Report
from annotator.gui.main_window import MainWindow
from annotator.gui.session import EditSession
from annotator.gui.views.assignment_dialog import AssignmentDialog
from annotator.gui.views.event_type_dialog import EventTypeDialog
from annotator.gui.views.side_by_side import SideBySideView
from annotator.services import adjudicate, annotate
from annotator.services.annotate import get_set
from annotator.services.database import open_database
from annotator.services.entities import ensure_registry
from annotator.services.reports import store_report
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from gui_helpers import (
    ARABIC,
    EMOJI,
    ENGLISH,
    activate,
    anchors,
    click,
    click_anchor,
    drag,
    key,
    redo,
    settle,
    undo,
    word_rect_points,
)

STEPS_PER_WALK = 60
LABEL_KEYS = ("1", "2", "3", "4")
ALT_SHIFT = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier
IRGC = ("Officers of the Iranian Islamic Revolutionary Guard Corps (IRGC) met in Deir ez-Zor on 7 April 2024, "
        "the Syrian Observatory said; a spokesman in Damascus denied that any IRGC unit was in Raqqa.\n")
TEXTS = {"english": ENGLISH, "arabic": ARABIC, "emoji": EMOJI, "irgc": IRGC}
_TEMPLATE: dict[str, Path] = {}


def template_database() -> Path:
    """One seeded database (reports, registry, bob's and gold's sets) copied for every walk."""
    if "path" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="walk-template-"))
        ctx = open_database(folder / "walk.sqlite3")
        for name, text in TEXTS.items():
            store_report(ctx, Report.of(text, title=name, published="2024-05-03"))
        ensure_registry(ctx)
        english = Report.of(ENGLISH).id
        s = ENGLISH.index("Liwa al-Baqir")
        annotate.create_span(ctx, english, s, s + 13, "actor", annotator="bob")
        s = ENGLISH.index("al-Busayrah")
        annotate.create_span(ctx, english, s, s + 11, "place", annotator="bob")
        adjudicate.accept_set(ctx, english, "bob")
        ctx.close()
        _TEMPLATE["path"] = folder / "walk.sqlite3"
    return _TEMPLATE["path"]


def words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word-like run: where a person's drag begins and ends."""
    out, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isalnum() and start is None:
            start = i
        elif not ch.isalnum() and start is not None:
            out.append((start, i))
            start = None
    return out


def event_row(e: Any) -> tuple:  # type: ignore[type-arg]
    return (e.id, e.type, tuple(sorted((r, tuple(ids)) for r, ids in e.roles.items())), tuple(e.claims),
            tuple(sorted((k, tuple(v.to_dict().values())) for k, v in e.counts.items())), tuple(e.qualifiers))


def stored_rows(ctx: Any, report_id: str, who: str) -> tuple[tuple, tuple, tuple]:  # type: ignore[type-arg]
    aset = get_set(ctx, report_id, who)
    spans = tuple(sorted((s.id, s.start, s.end, s.label, tuple(sorted(s.attrs.items())), s.value, s.entity,
                          s.resolution) for s in aset.spans))
    rels = tuple(sorted((r.id, r.head, r.tail, r.label) for r in aset.relations))
    return spans, rels, tuple(sorted(event_row(e) for e in aset.events))


class WindowWalk:
    checked = 0  # states checked over every walk (the invariant runs after each step)
    acted: dict[str, int] = {}  # gestures actually made, by rule

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="walk-"))
        shutil.copy(template_database(), self.folder / "walk.sqlite3")
        self.ctx = open_database(self.folder / "walk.sqlite3")
        self.ids = {name: Report.of(text).id for name, text in TEXTS.items()}
        self.window = MainWindow(EditSession(self.ctx, "alice", self.ctx.schema),
                                 QSettings(str(self.folder / "s.ini"), QSettings.Format.IniFormat))
        self.window.resize(1300, 820)
        self.window.show()
        activate(self.window)
        self.window.start(self.ids["english"])
        settle(self.window)
        self.violations: list[str] = []
        self.window.session.save_state.connect(self._check_saved)
        self.snapshot = self._all_sets()
        self.may_change: set[tuple[str, str]] = set()

    # -- bookkeeping ------------------------------------------------------------------------------------
    def _all_sets(self) -> dict[tuple[str, str], tuple]:  # type: ignore[type-arg]
        return {(rid, who): stored_rows(self.ctx, rid, who) for rid in self.ids.values()
                for who in ("alice", "bob", "gold")}

    def _check_saved(self, state: str) -> None:
        """At the instant "Saved" shows, the database holds exactly what the window shows."""
        document = self.window.document
        if state != "saved" or document.target is None:
            return
        shown = sorted((s.id, s.start, s.end, s.label) for s in document.mine.values())
        stored = sorted(r[:4] for r in stored_rows(self.ctx, document.report_id, "alice")[0])
        if shown != stored:
            self.violations.append(f"Saved shown while the database held {stored}, the window {shown}")

    @property
    def text(self) -> str:
        return self.window.document.text

    def _touching(self, who: str = "alice") -> None:
        rule_name = inspect.stack()[1].function
        WindowWalk.acted[rule_name] = WindowWalk.acted.get(rule_name, 0) + 1
        if self.window.document.report_id:
            self.may_change.add((self.window.document.report_id, who))

    def _close_boxes(self) -> None:
        """A refusal shows a box; a person reads it and closes it."""
        boxes = [b for b in self.window.findChildren(QMessageBox) if b.isVisible()]
        for box in boxes:
            QTest.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        if boxes:
            activate(self.window)

    def _spans(self) -> list[Any]:
        return self.window.document.sorted_mine()

    def _click_span(self, span: Any) -> bool:
        """Click inside a span where no smaller own span lies, so the click selects it."""
        view = self.window.view
        for offset in range(span.start, span.end):
            inner = self.window.document.innermost_at(offset)
            if inner is not None and inner.id == span.id and self._visible(offset, offset + 1):
                rects = view.span_rects(*view.model.offsets.qt_range(offset, offset + 1))
                click(view.viewport(), rects[0].center().toPoint())
                return view.selected_id == span.id
        return False

    def _visible(self, start: int, end: int) -> bool:
        view = self.window.view
        view.select_offsets(start, start)
        view.ensureCursorVisible()
        QApplication.processEvents()
        return bool(view.span_rects(*view.model.offsets.qt_range(start, end)))

    # -- rules: reports --------------------------------------------------------------------------------------
    def ready(self) -> None:
        assert self.window.document.report_id == self.ids["english"]

    def switch_report(self, which: str) -> None:
        window = self.window
        rid = self.ids[which]
        row = window.report_model.row_of(rid)
        index = window.report_proxy.mapFromSource(window.report_model.index(row, 0))
        click(window.report_table.viewport(), window.report_table.visualRect(index).center())
        settle(window)
        assert window.document.report_id == rid
        WindowWalk.acted["switch_report"] = WindowWalk.acted.get("switch_report", 0) + 1
        assert window.inspector.span is None or window.inspector.target is window.document.target

    # -- rules: creating spans ---------------------------------------------------------------------------------
    def drag_and_label(self, first: int, length: int, label: str) -> None:
        ws = words(self.text)
        a = ws[first % len(ws)]
        b = ws[min(len(ws) - 1, first % len(ws) + length - 1)]
        if not self._visible(a[0], b[1]):
            return
        start, _ = word_rect_points(self.window.view, a[0], a[1])
        _, end = word_rect_points(self.window.view, b[0], b[1])
        if start.y() != end.y():  # keep drags on one line: a person rarely drags across lines
            return
        self._touching()  # a drag that starts on the selected span's edge moves that edge
        drag(self.window.view, start, end)
        if self.window.view.selection_offsets() is None:
            return
        key(self.window.view, label)
        self._close_boxes()

    def shift_arrows_and_label(self, first: int, count: int, label: str) -> None:
        ws = words(self.text)
        start = ws[first % len(ws)][0]
        view = self.window.view
        view.setFocus()
        view.select_offsets(start, start)  # the caret, put there by a click a moment ago
        arrow = Qt.Key.Key_Left if view.layoutDirection() == Qt.LayoutDirection.RightToLeft else Qt.Key.Key_Right
        for _ in range(count):
            QTest.keyClick(view, arrow, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
        if view.selection_offsets() is None:
            return
        self._touching()
        key(view, label)
        self._close_boxes()

    # -- rules: changing spans ---------------------------------------------------------------------------------
    def click_and_relabel(self, which: int, label: str) -> None:
        spans = self._spans()
        if not spans or not self._click_span(spans[which % len(spans)]):
            return
        self._touching()
        key(self.window.view, label)
        self._close_boxes()

    def click_and_delete(self, which: int) -> None:
        spans = self._spans()
        if not spans or not self._click_span(spans[which % len(spans)]):
            return
        self._touching()
        key(self.window.view, Qt.Key.Key_Delete)
        self._close_boxes()

    def nudge_an_edge(self, which: int, start_edge: bool, right: bool) -> None:
        spans = self._spans()
        if not spans or not self._click_span(spans[which % len(spans)]):
            return
        self._touching()
        mods = ALT_SHIFT | (Qt.KeyboardModifier.ControlModifier if start_edge else Qt.KeyboardModifier.NoModifier)
        key(self.window.view, Qt.Key.Key_Right if right else Qt.Key.Key_Left, mods)
        self._close_boxes()

    def drag_an_edge(self, which: int, words_moved: int) -> None:
        spans = self._spans()
        if not spans or words_moved == 0:
            return
        span = spans[which % len(spans)]
        if not self._click_span(span):
            return
        view = self.window.view
        edges = view.edge_rects(span)
        if len(edges) != 2:
            return
        ws = words(self.text)
        ends = [e for _, e in ws]
        i = min(range(len(ends)), key=lambda j: abs(ends[j] - span.end))
        target = ws[max(0, min(len(ws) - 1, i + words_moved))]
        rects = view.span_rects(*view.model.offsets.qt_range(target[1] - 1, target[1]))
        if not rects:
            return
        self._touching()
        drag(view, edges[1].center().toPoint(), rects[0].center().toPoint())
        self._close_boxes()

    def relate_by_keyboard(self, head: int, steps: int) -> None:
        spans = self._spans()
        claims = [s for s in spans if s.label == "claim"]
        if len(spans) < 2 or not claims or not self._click_span(claims[head % len(claims)]):
            return
        view = self.window.view
        self._touching()
        key(view, "r")
        for _ in range(steps):
            key(view, Qt.Key.Key_Tab)
        key(view, Qt.Key.Key_Return)
        self._close_boxes()

    def link_or_unlink_in_the_inspector(self, which: int, link: bool) -> None:
        schema = self.window.session.schema
        spans = [s for s in self._spans() if schema.entity_kind(s.label)]
        if not spans or not self._click_span(spans[which % len(spans)]):
            return
        settle(self.window)
        inspector = self.window.inspector
        button = inspector.link_button if link else inspector.unlink_button
        if not button.isEnabled():
            return
        self._touching()
        click(button)
        self._close_boxes()

    # -- rules: history ------------------------------------------------------------------------------------
    def undo_or_redo(self, keys: str) -> None:
        self._touching()
        if keys == "ctrl+z":
            undo(self.window)
        else:
            redo(self.window, keys)
        self._close_boxes()

    def undo_then_redo_restores_exactly(self) -> None:
        window = self.window
        if not window.undo_action.isEnabled() or window.document.report_id is None:
            return
        rid = window.document.report_id
        before = stored_rows(self.ctx, rid, "alice")
        self._touching()
        undo(window)
        redo(window)
        self._close_boxes()
        assert stored_rows(self.ctx, rid, "alice") == before

    # -- rules: suggestions and search (issue 15) --------------------------------------------------------------
    def _suggestions(self, which: int) -> bool:
        """Ctrl+Shift+S, then ↓ to the chosen suggestion; False when there is none."""
        window = self.window
        if window.document.target is None:
            return False
        QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        settle(window)
        panel = window.suggestions_panel
        if not panel.suggestions:
            return False
        panel.list.setFocus()
        for _ in range(which % len(panel.suggestions)):
            QTest.keyClick(panel.list, Qt.Key.Key_Down)
        return panel.current() is not None

    def accept_a_suggestion(self, which: int, whole_label: bool) -> None:
        if not self._suggestions(which):
            return
        self._touching()
        key(self.window.suggestions_panel.list, Qt.Key.Key_Return,
            Qt.KeyboardModifier.ControlModifier if whole_label else Qt.KeyboardModifier.NoModifier)
        self._close_boxes()

    def reject_a_suggestion(self, which: int) -> None:
        if not self._suggestions(which):
            return
        WindowWalk.acted["reject_a_suggestion"] = WindowWalk.acted.get("reject_a_suggestion", 0) + 1
        panel = self.window.suggestions_panel
        rejected = panel.current()
        key(panel.list, Qt.Key.Key_Backspace)
        assert rejected not in panel.suggestions

    def annotate_all_matches(self, which: int, label: int) -> None:
        """Ctrl+Shift+F, type a word of the report shown, Enter, Space on its rows there, Ctrl+Enter."""
        window = self.window
        ascii_words = [w for w in words(self.text) if self.text[w[0]:w[1]].isascii() and w[1] - w[0] > 2]
        if window.document.target is None or not ascii_words:
            return
        a, b = ascii_words[which % len(ascii_words)]
        QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        panel = window.search_panel
        panel.query.clear()
        QTest.keyClicks(panel.query, self.text[a:b])
        key(panel.query, Qt.Key.Key_Return)
        settle(window)
        rows = [i for i, h in enumerate(panel.hits) if h.report == window.document.report_id]
        if not rows:
            return
        panel.label_box.setCurrentIndex(label % panel.label_box.count())
        panel.table.setFocus()
        for row in rows:  # only the report shown: annotating others would change sets out of sight
            panel.table.setCurrentCell(row, 1)
            QTest.keyClick(panel.table, Qt.Key.Key_Space)
        self._touching()
        key(panel.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        self._close_boxes()

    # -- rules: events ------------------------------------------------------------------------------------------
    def event_from_a_claim(self, which: int, type_steps: int) -> None:
        """Click a claim, E, arrow down to a type, Enter."""
        claims = [s for s in self._spans() if s.label == "claim"]
        if not claims or not self._click_span(claims[which % len(claims)]):
            return
        self._touching()
        key(self.window.view, "e")
        dialog = next((d for d in self.window.findChildren(EventTypeDialog) if d.isVisible()), None)
        assert dialog is not None
        settle(self.window)
        for _ in range(type_steps):
            QTest.keyClick(dialog.filter, Qt.Key.Key_Down)
        QTest.keyClick(dialog.filter, Qt.Key.Key_Return)
        activate(self.window)
        settle(self.window)
        self._close_boxes()

    def edit_an_event(self, which: int, qualifier: int, count: int) -> None:
        """In the Events tab: choose an event, tick a qualifier, type a count and press Enter."""
        window = self.window
        if window.event_model.rowCount() == 0:
            return
        self._touching()
        window.tabs.setCurrentWidget(window.events_panel)
        table = window.events_panel.table
        row = which % window.event_model.rowCount()
        click(table.viewport(), table.visualRect(window.event_model.index(row, 0)).center())
        box = window.events_panel.qualifiers[QUALIFIERS[qualifier % len(QUALIFIERS)]]
        click(box, QPoint(8, box.height() // 2))
        spin = window.events_panel.counts[("fatalities", "best")]
        spin.setFocus()
        spin.selectAll()
        QTest.keyClicks(spin, str(count))
        QTest.keyClick(spin, Qt.Key.Key_Return)
        settle(window)
        self._close_boxes()

    def delete_an_event(self, which: int) -> None:
        window = self.window
        if window.event_model.rowCount() == 0:
            return
        self._touching()
        window.tabs.setCurrentWidget(window.events_panel)
        table = window.events_panel.table
        click(table.viewport(), table.visualRect(window.event_model.index(which % window.event_model.rowCount(),
                                                                          0)).center())
        table.setFocus()
        QTest.keyClick(table, Qt.Key.Key_Delete)
        settle(window)
        self._close_boxes()

    # -- rules: adjudication -----------------------------------------------------------------------------------
    def accept_into_gold_side_by_side(self, which: int, whole_set: bool) -> None:
        window = self.window
        rid = window.document.report_id
        if rid is None:
            return
        window.compare_action.trigger()  # View → Compare annotators
        settle(window)
        settle(window)
        view = next((v for v in window.findChildren(SideBySideView) if v.isVisible() and v.report.id == rid), None)
        assert view is not None
        self.may_change.add((rid, "gold"))
        WindowWalk.acted["accept_into_gold_side_by_side"] = WindowWalk.acted.get("accept_into_gold_side_by_side", 0) + 1
        view.tabs.setCurrentWidget(view.lanes)  # the Text lanes tab
        # a span wholly covered by spans nested in it has no text of its own to click (the Candidates
        # tab lists every one: decide_a_candidate_by_key)
        candidates = [(who, s) for who, spans in sorted(view.sets.items()) if who != "gold" for s in spans
                      if f"span:{s.id}" in anchors(view.browsers[who])]
        if whole_set and view.buttons:
            click(sorted(view.buttons.items())[which % len(view.buttons)][1])
        elif candidates:
            who, span = candidates[which % len(candidates)]
            click_anchor(view.browsers[who], f"span:{span.id}")
        settle(window)
        self._close_boxes()
        view.close()
        activate(window)

    # -- rules: curation (the curation view's candidates, keys and rules) -----------------------------------
    def _curation(self):  # type: ignore[no-untyped-def]
        window = self.window
        rid = window.document.report_id
        if rid is None:
            return None
        window.compare_action.trigger()
        settle(window)
        settle(window)
        view = next((v for v in window.findChildren(SideBySideView) if v.isVisible() and v.report.id == rid), None)
        assert view is not None
        self.may_change.add((rid, "gold"))
        activate(view)
        view.candidate_view.setFocus()
        return view

    def _leave(self, view) -> None:  # type: ignore[no-untyped-def]
        settle(self.window)
        self._close_boxes()
        view.close()
        activate(self.window)

    def decide_a_candidate_by_key(self, which: int, choice: str) -> None:
        """Click a candidate's row, press 1…3 (an annotator's version) or 0 (none); sometimes Ctrl+Z."""
        view = self._curation()
        if view is None:
            return
        self._touching("gold")
        rows = view.candidates.rowCount()
        if rows:
            index = view.candidates.index(which % rows, 1)
            click(view.candidate_view.viewport(), view.candidate_view.visualRect(index).center())
            keys = {"0": Qt.Key.Key_0, "1": Qt.Key.Key_1, "2": Qt.Key.Key_2, "3": Qt.Key.Key_3, "n": Qt.Key.Key_N}
            for k in choice:
                QTest.keyClick(view.candidate_view, keys[k])
                settle(self.window)
                self._close_boxes()
            assert view.progress.text().count(" of ") >= 1
        self._leave(view)

    def accept_by_rule_then_maybe_undo(self, rule: int, undo_after: bool) -> None:
        """Choose a rule with the keyboard, Accept by rule on the report; Ctrl+Z takes the whole step back."""
        view = self._curation()
        if view is None:
            return
        self._touching("gold")
        view.rule.setFocus()
        for _ in range(rule):
            QTest.keyClick(view.rule, Qt.Key.Key_Down)
        click(view.apply_button)
        self._close_boxes()
        if undo_after:
            view.candidate_view.setFocus()
            QTest.keyClick(view.candidate_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        self._leave(view)

    def mark_done_then_return(self, label: str) -> None:
        """Ctrl+D; a label key then does nothing (the status bar says why); the work is returned with a
        reason in Supervisor → Assignments (nobody is supervisor here: everyone acts as one); F5."""
        window = self.window
        rid = window.document.report_id
        if rid is None or window.document.target is None:
            return
        self._touching()
        key(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        self._close_boxes()
        ws = words(self.text)
        if ws and self._visible(*ws[0]):
            self.window.view.select_offsets(*ws[0])
            key(window.view, label)
            assert "read-only" in window.statusBar().currentMessage()
        window.assignments_action.trigger()
        settle(window)
        dialog = next(d for d in window.findChildren(AssignmentDialog) if d.isVisible())
        settle(window)
        index = dialog.model.cell(rid, "alice")
        click(dialog.table.viewport(), dialog.table.visualRect(index).center())
        dialog.reason.setText("walk: once more")
        click(dialog.return_button)
        dialog.close()
        activate(window)
        key(window.view, Qt.Key.Key_F5)
        assert window.document.target is None or window.document.target.status == "returned"

    # -- invariants ------------------------------------------------------------------------------------------
    def what_is_shown_is_what_is_stored(self) -> None:
        WindowWalk.checked += 1
        window = self.window
        settle(window)
        self._close_boxes()
        assert not self.violations, self.violations
        assert window.save_label.text() in ("Saved", "Not saved")
        document = window.document
        if document.target is None:
            return
        stored = stored_rows(self.ctx, document.report_id, "alice")
        shown = tuple(sorted((s.id, s.start, s.end, s.label, tuple(sorted(s.attrs.items())), s.value, s.entity,
                              s.resolution) for s in document.mine.values()))
        assert shown == stored[0]
        assert tuple(sorted((r.id, r.head, r.tail, r.label) for r in document.relations.values())) == stored[1]
        panel = sorted(window.span_model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
                       for r in range(window.span_model.rowCount()))
        assert panel == sorted(s[0] for s in stored[0])
        assert tuple(sorted(event_row(e) for e in document.events.values())) == stored[2]
        assert window.event_model.rowCount() == len(stored[2])

    def nothing_out_of_sight_changed(self) -> None:
        now = self._all_sets()
        for key_, rows in now.items():
            if key_ not in self.may_change:
                assert rows == self.snapshot[key_], f"{key_} changed out of sight"
        self.snapshot = now
        self.may_change = set()

    def teardown(self) -> None:
        self.window.close()
        self.window.deleteLater()
        QApplication.processEvents()
        self.ctx.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _word(rng: random.Random) -> int:
    return rng.randrange(0, 400)


def _span(rng: random.Random) -> int:
    return rng.randrange(0, 1000)


GESTURES: list[tuple[Callable[..., None], int, dict[str, Any]]] = [  # (gesture, weight, argument makers)
    (WindowWalk.switch_report, 2, {"which": lambda r: r.choice(sorted(TEXTS))}),
    (WindowWalk.drag_and_label, 5, {"first": _word, "length": lambda r: r.randint(1, 4),
                                    "label": lambda r: r.choice(LABEL_KEYS)}),
    (WindowWalk.shift_arrows_and_label, 3, {"first": _word, "count": lambda r: r.randint(1, 3),
                                            "label": lambda r: r.choice(LABEL_KEYS)}),
    (WindowWalk.click_and_relabel, 3, {"which": _span, "label": lambda r: r.choice(LABEL_KEYS)}),
    (WindowWalk.click_and_delete, 2, {"which": _span}),
    (WindowWalk.nudge_an_edge, 2, {"which": _span, "start_edge": lambda r: r.random() < 0.5,
                                   "right": lambda r: r.random() < 0.5}),
    (WindowWalk.drag_an_edge, 2, {"which": _span, "words_moved": lambda r: r.choice((-2, -1, 1, 2))}),
    (WindowWalk.relate_by_keyboard, 4, {"head": _span, "steps": lambda r: r.randint(1, 6)}),
    (WindowWalk.link_or_unlink_in_the_inspector, 4, {"which": _span, "link": lambda r: r.random() < 0.6}),
    (WindowWalk.undo_or_redo, 3, {"keys": lambda r: r.choice(["ctrl+z", "ctrl+z", "ctrl+shift+z", "ctrl+y"])}),
    (WindowWalk.undo_then_redo_restores_exactly, 2, {}),
    (WindowWalk.accept_into_gold_side_by_side, 1, {"which": _span, "whole_set": lambda r: r.random() < 0.3}),
    (WindowWalk.event_from_a_claim, 2, {"which": _span, "type_steps": lambda r: r.randint(0, 12)}),
    (WindowWalk.edit_an_event, 2, {"which": _span, "qualifier": lambda r: r.randint(0, 3),
                                   "count": lambda r: r.randint(0, 9)}),
    (WindowWalk.delete_an_event, 1, {"which": _span}),
    (WindowWalk.decide_a_candidate_by_key, 2, {"which": _span,
                                               "choice": lambda r: r.choice(["1", "2", "0", "n1", "10"])}),
    (WindowWalk.accept_by_rule_then_maybe_undo, 1, {"rule": lambda r: r.randint(0, 2),
                                                    "undo_after": lambda r: r.random() < 0.5}),
    (WindowWalk.mark_done_then_return, 1, {"label": lambda r: r.choice(LABEL_KEYS)}),
    (WindowWalk.accept_a_suggestion, 2, {"which": _span, "whole_label": lambda r: r.random() < 0.2}),
    (WindowWalk.reject_a_suggestion, 1, {"which": _span}),
    (WindowWalk.annotate_all_matches, 2, {"which": _word, "label": lambda r: r.randint(0, 3)}),
]


def run_walk(seed: int, steps: int) -> list[str]:
    """One window, ``steps`` gestures chosen by ``seed``; every state checked. Returns the log."""
    rng = random.Random(seed)
    names = [g[0].__name__ for g in GESTURES]
    weights = [g[1] for g in GESTURES]
    makers = {g[0].__name__: g[2] for g in GESTURES}
    walk = WindowWalk()
    log: list[str] = []
    try:
        walk.ready()
        walk.what_is_shown_is_what_is_stored()
        for step in range(steps):
            name = rng.choices(names, weights)[0]
            args = {k: make(rng) for k, make in makers[name].items()}
            log.append(f"{step}: {name}({', '.join(f'{k}={v!r}' for k, v in args.items())})")
            try:
                getattr(walk, name)(**args)
                walk.what_is_shown_is_what_is_stored()
                walk.nothing_out_of_sight_changed()
            except BaseException as exc:
                raise AssertionError(f"walk seed {seed}, step {step} ({name}) failed: {exc}\n  "
                                     + "\n  ".join(log[-25:])) from exc
    finally:
        walk.teardown()
    return log


@pytest.mark.slow
@pytest.mark.usefixtures("qapp")
def test_model_based_walk_through_the_window(request: pytest.FixtureRequest) -> None:
    steps = int(request.config.getoption("--steps"))
    seed = int(request.config.getoption("--walk-seed"))
    WindowWalk.checked = 0
    WindowWalk.acted = {}
    walks = -(-steps // STEPS_PER_WALK)
    for i in range(walks):
        run_walk(seed * 1000 + i, min(STEPS_PER_WALK, steps - i * STEPS_PER_WALK))
    print(f"\nmodel-based walk: seed {seed}, {walks} walks, {WindowWalk.checked} states checked; gestures made: "
          + ", ".join(f"{k} {v}" for k, v in sorted(WindowWalk.acted.items())))
    assert WindowWalk.checked >= steps
