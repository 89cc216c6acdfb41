"""What the document view's gestures mean: a label key with a selection creates a span (snapped to
words unless snapping is off), with a span selected it relabels it; Delete removes the selected
span; Alt+Shift+arrows move a boundary; a mouse drag moves one. Each becomes one undo command."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.offsets import next_boundary, next_word_edge, snap_to_clusters, snap_to_words
from annotator.core.spans import Span
from annotator.gui.commands.span_commands import CreateSpan, DeleteSpan, SpanCommand, UpdateSpan
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.session import EditSession
from annotator.gui.views.document_view import DocumentView


class LabellingController(QObject):
    message = Signal(str)  # a short hint for the status bar
    selection_changed = Signal(object)  # the selected own span or None

    def __init__(self, session: EditSession, document: DocumentModel, view: DocumentView,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.document = document
        self.view = view
        self.snap = True
        view.label_key.connect(self.apply_label)
        view.delete_key.connect(self.delete_selected)
        view.nudge.connect(self.nudge)
        view.span_clicked.connect(self.select)
        view.cycle.connect(self.cycle)
        view.boundary_dragged.connect(self.drag_boundary)

    @property
    def editable(self) -> bool:
        return self.document.report is not None and self.session.annotator != "gold"

    def _push(self, command: SpanCommand) -> bool:
        self.session.undo_stack.push(command)
        return not command.failed

    def select(self, span: Span | None) -> None:
        self.view.select_span(span, scroll=False)
        self.selection_changed.emit(span)

    def apply_label(self, label: str) -> None:
        """The label key: create from the text selection, or relabel the selected span."""
        if not self.editable:
            return
        sel = self.view.selection_offsets()
        if sel is not None:
            self.create(sel[0], sel[1], label)
            return
        span = self.view.selected_span()
        if span is None:
            self.message.emit("Select some text first, then press a label key.")
            return
        if span.label != label:
            self._push(UpdateSpan(self.session, self.document, span, label=label))
            self.select(self.document.mine.get(span.id))

    def create(self, start: int, end: int, label: str) -> Span | None:
        text = self.document.text
        start, end = (snap_to_words if self.snap else snap_to_clusters)(text, start, end)
        if start >= end:
            self.message.emit("Nothing to label in that selection.")
            return None
        command = CreateSpan(self.session, self.document, start, end, label)
        if not self._push(command) or command.span is None:
            return None
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        self.select(command.span)
        return command.span

    def delete_selected(self) -> None:
        span = self.view.selected_span()
        if span is None or not self.editable:
            return
        nxt = self.document.neighbour(span.id, 1)
        if self._push(DeleteSpan(self.session, self.document, span)):
            self.select(nxt if nxt is not None and nxt.id != span.id else None)

    def nudge(self, edge: str, step: int) -> None:
        span = self.view.selected_span()
        if span is None or not self.editable:
            return
        text = self.document.text
        start, end = span.start, span.end
        if edge == "start":
            start = next_word_edge(text, start, step, "start") if self.snap else next_boundary(text, start, step)
        else:
            end = next_word_edge(text, end, step, "end") if self.snap else next_boundary(text, end, step)
        if start >= end or (start, end) == (span.start, span.end):
            return
        self._push(UpdateSpan(self.session, self.document, span, start=start, end=end))
        self.select(self.document.mine.get(span.id))

    def drag_boundary(self, span_id: str, start: int, end: int) -> None:
        span = self.document.mine.get(span_id)
        if span is None or not self.editable:
            return
        start, end = (snap_to_words if self.snap else snap_to_clusters)(self.document.text, start, end)
        if start < end and (start, end) != (span.start, span.end):
            self._push(UpdateSpan(self.session, self.document, span, start=start, end=end))
            self.select(self.document.mine.get(span_id))

    def cycle(self, step: int) -> None:
        current = self.view.selected_id
        nxt = self.document.neighbour(current, step, self.view.cursor_offset())
        if nxt is not None:
            self.view.select_span(nxt)
            self.selection_changed.emit(nxt)
