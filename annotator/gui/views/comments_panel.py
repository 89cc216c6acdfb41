"""The Comments tab: the threads of the report shown (on the report, its spans and relations), with
replies, the *question for the supervisor* flag and resolving. It is bound to the report the document
shows and clears when that changes; every read and write goes through the session's database lane."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.comments import Comment
from annotator.core.spans import Span
from annotator.gui import keymap
from annotator.gui.bidi import isolate
from annotator.gui.models.span_table_model import excerpt
from annotator.gui.session import EditSession
from annotator.gui.tasks import error_text
from annotator.gui.views.comment_markers import Marker
from annotator.services import comments

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class _Editor(QPlainTextEdit):
    """The comment box: Ctrl+Enter sends (a text widget takes that key before any shortcut would)."""

    send = Signal()

    def __init__(self, parent: QWidget, keys: list[QKeySequence]) -> None:
        super().__init__(parent)
        self.keys = keys

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if any(QKeySequence(event.keyCombination()).matches(k) == QKeySequence.SequenceMatch.ExactMatch
               for k in self.keys) or (event.key() == Qt.Key.Key_Enter and event.modifiers()
                                       & Qt.KeyboardModifier.ControlModifier):
            self.send.emit()
            return
        super().keyPressEvent(event)


class CommentsPanel(QWidget):
    markers_changed = Signal(list)  # the markers of the report shown
    go_to = Signal(str, int, int)  # anchor set, start, end: show it in the text

    def __init__(self, session: EditSession, selected: Callable[[], Span | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.selected = selected  # the span selected in the text (a new thread's anchor)
        self.report_id: str | None = None
        self.text = ""
        self.threads: list[comments.Thread] = []
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Comment", "By", "On"])
        self.tree.setColumnWidth(0, 230)
        self.tree.setColumnWidth(1, 70)
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(lambda *_: self._sync_buttons())
        self.anchor = QLabel(self)
        self.anchor.setWordWrap(True)
        self.editor = _Editor(self, [QKeySequence(k) for k in keymap.keys(session.schema, "comment-send")])
        self.editor.send.connect(self.send)
        self.editor.setPlaceholderText("Write a comment (Ctrl+Enter sends)")
        self.editor.setMaximumHeight(80)
        self.question = QCheckBox("Question for the supervisor", self)
        self.send_button = QPushButton("Comment", self)
        self.send_button.clicked.connect(self.send)
        self.reply_button = QPushButton("Reply", self)
        self.reply_button.clicked.connect(self.reply)
        self.resolve_button = QPushButton("Resolve", self)
        self.resolve_button.clicked.connect(self.resolve)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        for b in (self.send_button, self.reply_button, self.resolve_button):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.anchor)
        layout.addWidget(self.editor)
        layout.addWidget(self.question)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.show_anchor()
        self._sync_buttons()

    # -- binding ------------------------------------------------------------------------------------------
    def bind(self, report_id: str | None, text: str) -> None:
        """Show the threads of ``report_id`` (None: nothing shown); a late answer for another is dropped.
        The last action's sentence ("Comment saved.") belongs to the report it was said on: another
        report starts without it."""
        if report_id != self.report_id:
            self.status.clear()
        self.report_id, self.text = report_id, text
        self.tree.clear()
        self.threads = []
        self.markers_changed.emit([])
        self.show_anchor()
        if report_id is not None:
            self.refresh()

    def refresh(self) -> None:
        rid, ctx = self.report_id, self.session.ctx
        if rid is None:
            return
        self.session.read(lambda: comments.threads(ctx, rid), lambda found: self._show(rid, found))

    def _show(self, rid: str, found: list[comments.Thread]) -> None:
        if rid != self.report_id:
            return
        self.threads = found
        current = self.current_id()
        self.tree.clear()
        for thread in found:
            item = self._item(thread.first, None)
            for c in thread.replies:
                self._item(c, item)
            item.setExpanded(True)
        if current:
            self.select(current)
        self.markers_changed.emit([Marker(t.first.anchor_start, t.first.anchor_end, not t.first.resolved,
                                          t.first.question, 1 + len(t.replies)) for t in found
                                   if t.first.anchor_start is not None and t.first.anchor_end is not None])
        self._sync_buttons()

    def _item(self, c: Comment, parent: QTreeWidgetItem | None) -> QTreeWidgetItem:
        where = "report" if c.anchor == "report" else \
            f"{c.anchor_set}'s {c.anchor} “{isolate(excerpt(self.text[c.anchor_start or 0:c.anchor_end or 0], 24))}”"
        flags = (" [question]" if c.question else "") + (f" [resolved by {c.resolved_by}]" if c.resolved else "")
        item = QTreeWidgetItem([isolate(c.body) + flags, c.author, "" if parent is not None else where])
        item.setData(0, ID_ROLE, c.id)
        item.setToolTip(0, f"{c.body}\n— {c.author}, {c.created_at}")
        if c.resolved:
            for col in range(3):
                item.setForeground(col, QBrush(QColor("#808080")))
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    # -- selection --------------------------------------------------------------------------------------
    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def select(self, comment_id: str) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is None:
                continue
            for item in (top, *(top.child(k) for k in range(top.childCount()))):
                if item is not None and item.data(0, ID_ROLE) == comment_id:
                    self.tree.setCurrentItem(item)
                    return True
        return False

    def _first_of(self, comment_id: str | None) -> Comment | None:
        for t in self.threads:
            if t.first.id == comment_id or any(c.id == comment_id for c in t.replies):
                return t.first
        return None

    def _activated(self, item: QTreeWidgetItem, _col: int) -> None:
        first = self._first_of(item.data(0, ID_ROLE))
        if first is not None and first.anchor_start is not None:
            self.go_to.emit(first.anchor_set or "", first.anchor_start, first.anchor_end or first.anchor_start)

    def _sync_buttons(self) -> None:
        first = self._first_of(self.current_id())
        self.reply_button.setEnabled(first is not None)
        self.resolve_button.setEnabled(first is not None)
        self.resolve_button.setText("Reopen" if first is not None and first.resolved else "Resolve")
        self.send_button.setEnabled(self.report_id is not None)

    def show_anchor(self) -> None:
        span = self.selected() if self.report_id else None
        if self.report_id is None:
            self.anchor.setText("Open a report to comment on it.")
        elif span is None:
            self.anchor.setText("New comments go on <b>the whole report</b> (select a span to comment on it).")
        else:
            quoted = isolate(excerpt(span.text_in(self.text), 40))
            self.anchor.setText(f"New comments go on the {span.label} “{quoted}”.")

    def start(self) -> None:
        """Ctrl+M: write a comment on the selected span (or the report)."""
        self.show_anchor()
        self.editor.setFocus()

    # -- writing ----------------------------------------------------------------------------------------
    def _run(self, work: Callable[[], Any], said: str) -> None:
        rid = self.report_id

        def done(made: Any) -> None:
            self.editor.clear()
            self.question.setChecked(False)
            self.status.setText(said)
            if rid == self.report_id:
                self.refresh()
                if isinstance(made, Comment):
                    self.select(made.id)

        self.session.read(work, done, lambda exc: self.status.setText(error_text(exc)))

    def send(self) -> None:
        body = self.editor.toPlainText().strip()
        if not body or self.report_id is None:
            self.status.setText("Write something first.")
            return
        ctx, rid, span, question = self.session.ctx, self.report_id, self.selected(), self.question.isChecked()
        owner = self.session.annotator
        self._run(lambda: comments.add_comment(ctx, rid, body, span=span.id if span else None, of=owner,
                                               question=question),
                  "Question sent: the report is in the supervisor's queue." if question else "Comment saved.")

    def reply(self) -> None:
        body = self.editor.toPlainText().strip()
        first = self._first_of(self.current_id())
        if not body or first is None:
            self.status.setText("Choose a thread and write the reply first.")
            return
        ctx = self.session.ctx
        self._run(lambda: comments.reply(ctx, first.id, body), "Reply saved.")

    def resolve(self) -> None:
        first = self._first_of(self.current_id())
        if first is None:
            return
        ctx, again = self.session.ctx, first.resolved
        self._run(lambda: comments.resolve(ctx, first.id, resolved=not again),
                  "Thread reopened." if again else "Thread resolved.")
