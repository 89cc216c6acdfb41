"""The curation view (grown from the side-by-side comparison): every annotator's set and gold on one
report, for any number of annotators.

*Candidates* lists each place gold needs a decision — same span, same extent with another label,
overlapping extents, one annotator only, and the relations between them — one row each, so every
candidate is reachable, also a span wholly covered by spans nested in it. The chosen candidate shows
each annotator's version (value, entity link and attributes side by side) and gold's. A bulk rule
(unanimous, majority, at least k of n) accepts what it can on the report (one undoable step) or on the
corpus (after a preview); each remaining candidate is decided by keyboard — N/P next/previous to
decide, 1…9 accept annotator i's version, 0 none, E edit — every decision one undoable gold edit
recording who decided and when, on the gold set's own undo stack, which is the active one while this
window is. *Text lanes* shows the text once per annotator, where a click copies a span into gold.
Blind mode names annotators "Annotator 1…n". Progress shows per report and for the corpus; closing
and reopening resumes where curation stands."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Change
from annotator.core.curation import EDITED, NONE, Group
from annotator.core.gold_steps import GoldStep
from annotator.core.ids import GOLD
from annotator.core.report import Report
from annotator.core.schema import Schema
from annotator.core.spans import Span
from annotator.gui import keymap
from annotator.gui.bidi import isolate
from annotator.gui.commands.curation_commands import GoldStepCommand
from annotator.gui.models.curation_model import CandidateModel, VersionModel, shown_names
from annotator.gui.session import EditSession
from annotator.gui.views.curation_edit import EditVersionDialog
from annotator.gui.views.curation_lanes import TextLanes
from annotator.gui.views.curation_rules import CurationRules
from annotator.gui.views.tables import row_table
from annotator.services import curation
from annotator.services.curation import CurationView

CONTEXT = 240  # characters shown around the chosen candidate


class SideBySideView(CurationRules, QDialog):
    def __init__(self, report: Report, schema: Schema, parent: QWidget | None = None,
                 session: EditSession | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Curation — {isolate(report.title or report.id[:12])}")
        self.report, self.schema, self.session = report, schema, session
        self.gold = session.open_set(report.id, GOLD) if session is not None else None
        self._history_at = 0
        if self.gold is not None:
            self._history_at = self.gold.stack.index()
            self.gold.stack.indexChanged.connect(self._history_moved)
        self.view: CurationView | None = None
        self.sets: dict[str, list[Span]] = {}
        self.names: dict[str, str] = {}
        self.corpus: dict[str, Any] | None = None
        self.loaded = False
        self._current: str | None = None  # the key of the candidate shown
        self._advance = False
        self._lanes_stale = True
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.reload)

        self.rule = QComboBox(self)
        for text, key in (("majority", "majority"), ("unanimous", "unanimous"), ("at least k of n", "atleast")):
            self.rule.addItem(text, key)
        self.k = QSpinBox(self)
        self.k.setRange(1, 99)
        self.k.setValue(2)
        self.k.setPrefix("k = ")
        self.rule.currentIndexChanged.connect(lambda _i: self.k.setEnabled(self.rule.currentData() == "atleast"))
        self.k.setEnabled(False)
        self.preview_button = QPushButton("Preview", self)
        self.preview_button.clicked.connect(self.preview)
        self.apply_button = QPushButton("Accept by rule: this report", self)
        self.apply_button.clicked.connect(self.apply_rule)
        self.corpus_button = QPushButton("… the whole corpus…", self)
        self.corpus_button.clicked.connect(self.apply_rule_to_corpus)
        self.blind = QCheckBox("Blind (hide names)", self)
        self.blind.toggled.connect(lambda _on: self._render())
        self.curated_button = QPushButton("Mark curated", self)
        self.curated_button.clicked.connect(self.toggle_curated)
        self.progress = QLabel(self)

        self.candidates = CandidateModel(self)
        self.candidate_view = self._table(self.candidates)
        self.candidate_view.selectionModel().currentRowChanged.connect(self._candidate_chosen)
        self.versions = VersionModel(self)
        self.version_view = self._table(self.versions)
        self.version_view.doubleClicked.connect(self._version_clicked)
        self.context = QTextBrowser(self)
        self.context.setOpenLinks(False)
        self.accept_button = QPushButton("Accept the selected version", self)
        self.accept_button.clicked.connect(self._accept_selected)
        self.none_button = QPushButton("Accept none (0)", self)
        self.none_button.clicked.connect(self.accept_none)
        self.edit_button = QPushButton("Edit… (E)", self)
        self.edit_button.clicked.connect(self.edit)
        self.lanes = TextLanes(report, schema, self.accept_span, self.accept_set if session else None, self)
        self.status = QLabel("1…9 accept annotator i's version · 0 none · E edit · N/P next/previous to decide · "
                             "Ctrl+Z undo" if session else "", self)
        self.status.setWordWrap(True)
        self._layout()
        self._actions()
        if session is not None:
            session.bus.changed.connect(self._changed)
        self.resize(1280, 760)

    # -- construction ---------------------------------------------------------------------------------
    def _table(self, model: Any) -> QTableView:
        return row_table(self, model)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Rule:", self))
        for w in (self.rule, self.k, self.preview_button, self.apply_button, self.corpus_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.blind)
        top.addWidget(self.curated_button)
        buttons = QHBoxLayout()
        for w in (self.accept_button, self.none_button, self.edit_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.context, 2)
        rl.addWidget(self.version_view, 3)
        rl.addLayout(buttons)
        split = QSplitter(self)
        split.addWidget(self.candidate_view)
        split.addWidget(right)
        split.setSizes([560, 700])
        for col, width in enumerate((32, 200, 165, 46)):
            self.candidate_view.setColumnWidth(col, width)
        self.version_view.setColumnWidth(0, 36)
        self.version_view.setColumnWidth(1, 110)
        self.version_view.setColumnWidth(2, 260)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(split, "Candidates")
        self.tabs.addTab(self.lanes, "Text lanes")
        self.tabs.currentChanged.connect(lambda _i: self._show_lanes())
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

    def _actions(self) -> None:
        def act(name: str, slot: Any, keys: Sequence[str] | None = None) -> QAction:
            action = QAction(name, self)
            action.setShortcuts([QKeySequence(k) for k in (keys or keymap.keys(self.schema, name))])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            return action

        act("curate-next", lambda: self.step_to(+1))
        act("curate-previous", lambda: self.step_to(-1))
        for i in range(1, 10):
            act("curate-accept", lambda _=False, i=i: self.accept_version(i), [str(i)])
        act("curate-none", self.accept_none)
        act("curate-edit", self.edit)
        self.undo_action = act("curate-undo", self.undo)
        self.redo_action = act("curate-redo", self.redo)

    # compatibility with the side-by-side view's names (tests, the agreement dashboard)
    @property
    def browsers(self) -> dict[str, QTextBrowser]:
        return self.lanes.browsers

    @property
    def buttons(self) -> dict[str, QPushButton]:
        return self.lanes.buttons

    @property
    def headers(self) -> dict[str, QLabel]:
        return self.lanes.headers

    @property
    def marked(self) -> dict[str, set[str]]:
        return self.lanes.marked

    # -- loading ----------------------------------------------------------------------------------------
    def reload(self, *, corpus: bool = False) -> None:
        """The report's candidates, every set and gold's version (edits are made against it), from the lane."""
        if self.session is None or self.gold is None:
            return
        ctx, gold, rid = self.session.ctx, self.gold, self.report.id
        want_corpus = corpus or self.corpus is None

        def work() -> tuple[CurationView, dict[str, Any] | None]:
            opened = curation.open_curation(ctx, rid)
            gold.version = opened.state.gold_version
            gold.status = "curated" if opened.curated else None
            return opened, curation.corpus_progress(ctx) if want_corpus else None

        self.session.read(work, lambda got: self.show_view(*got))

    def show_view(self, view: CurationView, corpus: dict[str, Any] | None = None) -> None:
        if corpus is not None:
            self.corpus = corpus
        elif self.view is not None and self.corpus is not None:  # keep the corpus figure current
            before, after = self.view.state.progress[0], view.state.progress[0]
            self.corpus = {**self.corpus, "decided": self.corpus["decided"] + after - before}
        self.view = view
        self.sets = {who: list(s.spans) for who, s in view.sets.items()}
        self.loaded = True
        self._render()

    def show_sets(self, sets: dict[str, Sequence[Span]]) -> None:
        """The text lanes alone (a comparison without curation: no session)."""
        self.sets = {w: list(s) for w, s in sets.items()}
        self.loaded = True
        self.lanes.show_sets(self.sets, {w: w for w in sets})

    def _render(self) -> None:
        if self.view is None:
            return
        state = self.view.state
        self.names = shown_names(state.annotators, self.blind.isChecked())
        keep = self._current
        self.candidates.set_state(state, self.report.text, self.names)
        self._lanes_stale = True
        if self.tabs.currentWidget() is self.lanes:
            self._show_lanes()
        row = self.candidates.row_of(keep) if keep else None
        if self._advance and row is not None:
            row = self._next_undecided(row, +1, include=False) or row
        self._advance = False
        if row is None:
            row = self._next_undecided(-1, +1, include=False)
        self._select(row if row is not None else (0 if self.candidates.rowCount() else None))
        decided, total = state.progress
        corpus = self.corpus or {}
        self.progress.setText(f"<b>This report:</b> {decided} of {total} decided"
                              + (" — curated" if self.view.curated else "")
                              + (f" · <b>corpus:</b> {corpus.get('decided', 0)} of {corpus.get('groups', 0)} "
                                 "decided on "
                                 f"{corpus.get('n_reports', 0)} report(s), {corpus.get('curated_reports', 0)} curated"
                                 if corpus else ""))
        self.curated_button.setText("Reopen curation" if self.view.curated else "Mark curated")

    def _show_lanes(self) -> None:
        """The text lanes, drawn when their tab is shown (2,000 spans × 5 lanes is HTML worth skipping)."""
        if self._lanes_stale and self.tabs.currentWidget() is self.lanes:
            self._lanes_stale = False
            self.lanes.show_sets(self.sets, {**self.names, GOLD: GOLD})

    def _changed(self, change: Change, _initiator: object) -> None:
        if change.report_id == self.report.id and self.isVisible():
            self._reload_timer.start()

    # -- choosing a candidate -------------------------------------------------------------------------
    def _select(self, row: int | None) -> None:
        sel = self.candidate_view.selectionModel()
        if row is None:
            sel.clearSelection()
            self._candidate_chosen(QModelIndex(), QModelIndex())
            return
        index = self.candidates.index(row, 0)
        sel.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                            | QItemSelectionModel.SelectionFlag.Rows)
        self.candidate_view.scrollTo(index)
        self._candidate_chosen(index, QModelIndex())

    def _candidate_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        group = self.candidates.group(current.row()) if current.isValid() else None
        self._current = group.key if group is not None else None
        self.versions.set_group(group, self.report.text, self.names)
        self.context.setHtml(self._context_html(group) if group is not None else "")

    @property
    def current(self) -> Group | None:
        index = self.candidate_view.currentIndex()
        return self.candidates.group(index.row()) if index.isValid() else None

    def _context_html(self, group: Group) -> str:
        text = self.report.text
        a, b = max(0, group.start - CONTEXT), min(len(text), group.end + CONTEXT)
        before, mid, after = (html.escape(text[a:group.start]), html.escape(text[group.start:group.end]),
                              html.escape(text[group.end:b]))
        direction = "rtl" if self.report.direction == "rtl" else "ltr"
        return (f"<div dir='{direction}' style='line-height:150%'>{'…' if a else ''}{before}"
                f"<span style='background-color:#ffe08a; font-weight:bold'>{mid}</span>{after}"
                f"{'…' if b < len(text) else ''}</div>").replace("\n", "<br>")

    def _next_undecided(self, row: int, step: int, *, include: bool = True) -> int | None:
        groups = self.candidates.groups()
        i = row if include else row + step
        while 0 <= i < len(groups):
            if not groups[i].decided:
                return i
            i += step
        return None

    def step_to(self, step: int) -> None:
        """N / P: the next (previous) candidate still to decide."""
        row = self.candidate_view.currentIndex().row()
        found = self._next_undecided(row, step, include=False)
        if found is None:
            self.status.setText("Every candidate after this one is decided." if step > 0 else
                                "Every candidate before this one is decided.")
            return
        self._select(found)

    # -- deciding ----------------------------------------------------------------------------------------
    def _refusal(self) -> str | None:
        if self.session is None or self.gold is None or self.view is None:
            return "The curation view is still loading."
        if self.view.curated:
            return "This report is marked curated: reopen its curation to change gold."
        return None

    def _push(self, text: str, call: tuple[Any, tuple[Any, ...], dict[str, Any]],
              said: Callable[[GoldStep], str] | None = None) -> None:
        """One decision as an undoable step on gold's stack; once saved the status line says ``said`` of
        the step applied (or "<text>: saved.")."""
        why = self._refusal()
        if why is not None:
            self.status.setText(why)
            return
        assert self.session is not None and self.gold is not None
        gold = self.gold
        command = GoldStepCommand(self.session, gold, text, call)

        def saved(_c: object) -> None:
            step = command.step
            self.status.setText(said(step) if said is not None and step is not None else f"{text}: saved.")

        command.on_done = saved
        self.session.activate(gold)
        self.session.when_ready(gold, lambda: gold.stack.push(command))

    def accept_version(self, i: int) -> None:
        """Key i: annotator i's version of the chosen candidate into gold."""
        group = self.current
        if group is None:
            return
        people = list(group.versions)
        if not 1 <= i <= len(people):
            self.status.setText(f"There are {len(people)} annotators here: keys 1 to {len(people)}.")
            return
        who = people[i - 1]
        self._advance = True
        self._push(f"Accept {self.names.get(who, who)}'s version", (curation.decide, (group.key, who), {}))

    def accept_none(self) -> None:
        group = self.current
        if group is not None:
            self._advance = True
            self._push("Accept none", (curation.decide, (group.key, NONE), {}))

    def _accept_selected(self) -> None:
        row = self.version_view.currentIndex().row()
        if row >= 0 and self.versions.annotator(row) != GOLD:
            self.accept_version(row + 1)

    def _version_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and self.versions.annotator(index.row()) != GOLD:
            self.accept_version(index.row() + 1)

    def edit(self) -> QDialog | None:
        """E: edit the version going into gold (from the selected version, gold's, or the first)."""
        group = self.current
        if group is None or group.item != "span":
            self.status.setText("Choose a span candidate to edit (relations are decided by their versions).")
            return None
        row = self.version_view.currentIndex().row()
        chosen = self.versions.annotator(row) if row >= 0 else None
        pool = (group.gold if chosen == GOLD else group.versions.get(chosen or "", ())) or group.gold or next(
            (v for v in group.versions.values() if v), ())
        if not pool:
            return None
        dialog = EditVersionDialog(pool[0], self.report.text, self.schema, self)

        def done() -> None:
            self._advance = True
            self._push("Edit the version for gold", (curation.decide, (group.key, EDITED),
                                                     {"edited": [dialog.span()]}))

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def undo(self) -> None:
        self._history(undo=True)

    def redo(self) -> None:
        self._history(undo=False)

    def _history(self, *, undo: bool) -> None:
        """Ctrl+Z / Ctrl+Shift+Z on gold, refused as a decision is while the report is marked curated: the
        step was tried, the server refused it, the status line said "Undone" all the same and the
        window lost its history as if gold had changed elsewhere."""
        why = self._refusal()
        if why is not None:
            self.status.setText(why)
            return
        assert self.session is not None and self.gold is not None
        self.session.activate(self.gold)
        if undo:
            self.session.undo()
        else:
            self.session.redo()

    def _history_moved(self, at: int) -> None:
        """Ctrl+Z / Ctrl+Shift+Z on gold: the status line says which decision was undone or redone
        ("Accept alice's version: saved." stayed after it was undone). A new decision moves the index
        too, before it is applied (its own "saved." follows)."""
        assert self.gold is not None
        stack, before, self._history_at = self.gold.stack, self._history_at, at
        if not shiboken6.isValid(stack) or not shiboken6.isValid(self.status):
            return  # the stack is being destroyed (its history emptied as it goes), or this view is
        if at < before:
            self.status.setText(f"Undone: {stack.command(at).text()}.")
        elif at > before and getattr(stack.command(at - 1), "done_once", False):
            self.status.setText(f"Redone: {stack.command(at - 1).text()}.")

    # -- the undo stack follows the active window -----------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow() and self.session is not None:
            self.session.activate(self.gold)
        super().changeEvent(event)

