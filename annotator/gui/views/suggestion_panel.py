"""The Suggestions tab and the dashed outlines of suggestions in the text.

The tab lists the suggestions for the report shown (registry names, dates, text labelled elsewhere:
``services.suggest``), computed on the database lane after the report opens, so opening never waits
for them. Keyboard review: ↓/↑ walk them (the text shows each), Enter accepts (an undoable step that
creates the span), Backspace rejects (remembered in the database), Ctrl+Enter accepts every suggestion
of that label in the report as one step. Suggestions are never spans: they are outlined dashed on a
click-through layer over the text and counted nowhere until accepted.

The *spaCy pipeline* field above the list is the project's optional model source (a package name or
the folder of a saved pipeline, stored with the data; empty = none): Enter saves it and looks again.
A pipeline that cannot run here is said in the status line; the other suggestions are listed anyway."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from annotator.gui import keymap
from annotator.gui.bidi import isolate
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.session import EditSession
from annotator.gui.tasks import error_text
from annotator.services import suggest


class SuggestionOverlay(QObject):
    """Dashed outlines of the suggestions over a document view's text (the current one bolder), drawn
    with it (``DocumentView.add_decoration``)."""

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.view = view
        self.suggestions: list[suggest.Suggestion] = []
        self.current: suggest.Suggestion | None = None
        view.add_decoration(self._paint)

    def set_suggestions(self, suggestions: list[suggest.Suggestion], current: suggest.Suggestion | None) -> None:
        self.suggestions, self.current = list(suggestions), current
        self.view.viewport().update()

    def outlines(self) -> list[tuple[suggest.Suggestion, Any]]:
        """(suggestion, viewport rectangle) of every visible piece of every suggestion."""
        out = []
        n = len(self.view.model.text)
        for s in self.suggestions:
            if 0 <= s.start < s.end <= n:
                out += [(s, r) for r in self.view.span_rects(*self.view.model.offsets.qt_range(s.start, s.end))]
        return out

    def _paint(self, painter: QPainter) -> None:
        if not self.suggestions or self.view.model.report is None:
            return
        for s, r in self.outlines():
            width = 2.0 if s == self.current else 1.0
            painter.setPen(QPen(self.view.colors.bar(s.label), width, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(r.adjusted(1, 2, -1, -2))


class _List(QListWidget):
    """The suggestion list: its keys come from the keymap (a list would otherwise eat Enter/Backspace)."""

    accept_one = Signal()
    accept_label = Signal()
    reject_one = Signal()

    def __init__(self, parent: QWidget, keys: Callable[[str], tuple[str, ...]]) -> None:
        super().__init__(parent)
        self._keys = {name: [QKeySequence(k) for k in keys(name)]
                      for name in ("suggest-accept", "suggest-reject", "suggest-accept-label")}

    def _is(self, name: str, event: QKeyEvent) -> bool:
        pressed = QKeySequence(event.keyCombination())
        keypad_enter = name != "suggest-reject" and event.key() == Qt.Key.Key_Enter
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if keypad_enter:
            return ctrl == (name == "suggest-accept-label")
        return any(pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in self._keys[name])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        for name, signal in (("suggest-accept-label", self.accept_label), ("suggest-accept", self.accept_one),
                             ("suggest-reject", self.reject_one)):
            if self._is(name, event):
                signal.emit()
                return
        super().keyPressEvent(event)


class SuggestionsPanel(QWidget):
    """Bound to the (report, set) the document shows; clears when that changes."""

    show_text = Signal(int, int)  # code points: show this stretch in the text
    accept = Signal(object, list)  # OpenSet, [Suggestion]: the window pushes the undoable step

    def __init__(self, session: EditSession, document: DocumentModel, overlay: SuggestionOverlay,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.document = document
        self.overlay = overlay
        self.bound: tuple[str, str] | None = None
        self.suggestions: list[suggest.Suggestion] = []
        self.list = _List(self, lambda name: keymap.keys(session.schema, name))
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.model = QLineEdit(self)
        self.model.setAccessibleName("spaCy pipeline")
        self.model.setPlaceholderText("spaCy pipeline: none (package name or folder, Enter)")
        self.model.setToolTip("An installed spaCy pipeline whose entities are suggested too (PERSON/ORG/NORP as "
                              "actor, GPE/LOC/FAC as place, DATE as date); nothing is downloaded. Saved for the "
                              "project.")
        self.model.returnPressed.connect(self._choose_model)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.model)
        lay.addWidget(self.status)
        lay.addWidget(self.list, 1)
        self.list.currentRowChanged.connect(self._current_changed)
        self.list.itemDoubleClicked.connect(lambda _item: self._accept([self.current()]))
        self.list.accept_one.connect(lambda: self._accept([self.current()]))
        self.list.accept_label.connect(self._accept_label)
        self.list.reject_one.connect(self._reject)
        self._refetch = QTimer(self)
        self._refetch.setSingleShot(True)
        self._refetch.setInterval(200)
        self._refetch.timeout.connect(self.reload)
        self._stale = False  # the set shown changed while the tab was hidden: fetch when it is shown
        document.reset.connect(self._shown_maybe_changed)
        document.spans_changed.connect(lambda _ids: self._refetch.start())
        self.notices: tuple[str, ...] = ()
        # Backspace and Enter take a suggestion out at once, but a read asked before then is still ahead of
        # the rejection on the serial lane and would bring it back: each taken-out suggestion remembers how
        # many reads had been asked, and an answer to one of those reads leaves it out
        self._asked = 0
        self._taken_out: dict[suggest.Suggestion, int] = {}
        ctx = session.ctx
        session.read(lambda: suggest.model_setting(ctx), self.model.setText, lambda _exc: None)

    def _choose_model(self) -> None:
        """Save the pipeline as the project's (on the lane), then look for suggestions again."""
        ctx, name = self.session.ctx, self.model.text()
        self.status.setText("Saving the pipeline …")
        self.session.read(lambda: suggest.set_model_setting(ctx, name), lambda _v: self.reload(),
                          lambda exc: self.status.setText(error_text(exc)))

    # -- binding --------------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def _shown_maybe_changed(self) -> None:
        now = (self.document.report_id, self.document.annotator) if self.document.report_id else None
        if now != self.bound:
            self.bound = now
            self._taken_out.clear()
            self._show([], "")
            if now is not None:
                self.reload()

    def reload(self) -> None:
        """Ask the lane for the suggestions of the set shown (a late answer for another is dropped).
        Only while the tab is shown: the lane is serial, and a long report's scan would hold up edits."""
        if self.bound is None or self.session.reads_gold:
            return
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        rid, who = self.bound
        ctx = self.session.ctx
        self._asked += 1
        asked = self._asked
        self.status.setText("Looking for suggestions …")
        self.session.read(lambda: suggest.suggest(ctx, rid, annotator=who),
                          lambda found: self._found(found, asked) if self.bound == (rid, who) else None,
                          lambda exc: self.status.setText(error_text(exc)))

    def _found(self, found: suggest.Suggestions, asked: int) -> None:
        """The lane's answer to read number ``asked``, without what was taken out after it was asked (a read
        asked later saw the rejection or the new span, so older marks are forgotten)."""
        self.notices = found.notices
        self._taken_out = {s: n for s, n in self._taken_out.items() if n >= asked}
        self._show([s for s in found if s not in self._taken_out], "")

    def _show(self, found: list[suggest.Suggestion], message: str) -> None:
        keep = self.current()
        self.suggestions = list(found)
        self.list.blockSignals(True)
        self.list.clear()
        for s in self.suggestions:
            detail = s.value or s.entity or ""
            item = QListWidgetItem(f"{s.label}: {isolate(s.text)}" + (f"  → {detail}" if detail else "")
                                   + f"   ({s.source})")
            item.setToolTip(f"{s.source}; characters {s.start}–{s.end}")
            self.list.addItem(item)
        row = next((i for i, s in enumerate(self.suggestions) if keep is not None and s.start >= keep.start), 0)
        self.list.setCurrentRow(row if self.suggestions else -1)
        self.list.blockSignals(False)
        self.status.setText(message or (f"{len(found)} suggestion{'s' if len(found) != 1 else ''}: ↓/↑ to walk, "
                                        "Enter accepts, Backspace rejects, Ctrl+Enter accepts the label"
                                        + "".join(f"\n{n}" for n in self.notices) if self.bound else ""))
        self.overlay.set_suggestions(self.suggestions, self.current())

    # -- review ---------------------------------------------------------------------------------
    def current(self) -> suggest.Suggestion | None:
        row = self.list.currentRow()
        return self.suggestions[row] if 0 <= row < len(self.suggestions) else None

    def _current_changed(self, _row: int) -> None:
        s = self.current()
        self.overlay.set_suggestions(self.suggestions, s)
        if s is not None:
            self.show_text.emit(s.start, s.end)

    def _accept(self, chosen: list[suggest.Suggestion | None]) -> None:
        picked = [s for s in chosen if s is not None]
        target = self.document.target
        if not picked or target is None:
            return
        self._drop(picked)
        self.accept.emit(target, picked)

    def _accept_label(self) -> None:
        s = self.current()
        if s is not None:
            self._accept([x for x in self.suggestions if x.label == s.label])

    def _reject(self) -> None:
        s = self.current()
        if s is None or self.bound is None:
            return
        rid, who = self.bound
        ctx = self.session.ctx
        self._drop([s])
        self.session.read(lambda: suggest.reject_suggestion(ctx, rid, s, annotator=who), lambda _r: None,
                          lambda exc: self.status.setText(error_text(exc)))

    def _drop(self, gone: list[suggest.Suggestion]) -> None:
        """Take suggestions out of the list now (the lane's answer follows); the next one becomes current."""
        row = self.list.currentRow()
        self._taken_out.update(dict.fromkeys(gone, self._asked))
        rest = [s for s in self.suggestions if s not in gone]
        self.list.blockSignals(True)
        self._show(rest, "")
        self.list.setCurrentRow(min(row, len(rest) - 1))
        self.list.blockSignals(False)
        self._current_changed(self.list.currentRow())
