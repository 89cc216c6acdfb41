"""What the document view's gestures mean: a label key with a selection creates a span (snapped to
words unless snapping is off), with a span selected it relabels it; Delete removes the selected
span; Alt+Shift+arrows move a boundary; a mouse drag moves one. Each becomes one undo command."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal

from annotator.core.offsets import next_boundary, next_word_edge, snap_to_clusters, snap_to_words
from annotator.core.spans import Span
from annotator.gui.commands.span_commands import CreateRelation, CreateSpan, DeleteSpan, SpanCommand, UpdateSpan
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.models.span_table_model import excerpt
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
        view.relation_key.connect(self.start_relation)
        view.confirm_key.connect(self.confirm)
        view.escape_key.connect(self.cancel_relation)
        self.pending_head: str | None = None
        # asks which relation type when several fit (the window shows a menu); None = the first
        self.ask_type: Callable[[list[str]], str | None] | None = None

    @property
    def editable(self) -> bool:
        return self.document.report is not None and self.session.annotator != "gold"

    def _push(self, command: SpanCommand) -> bool:
        self.session.undo_stack.push(command)
        return not command.failed

    def select(self, span: Span | None) -> None:
        if self.pending_head is not None and span is not None and span.id != self.pending_head:
            self.view.select_span(span, scroll=False)
            self.finish_relation(span, ask=True)
            return
        self.view.select_span(span, scroll=False)
        self.selection_changed.emit(span)

    # -- relations ----------------------------------------------------------------------------------
    def start_relation(self) -> None:
        head = self.view.selected_span()
        if head is None or not self.editable:
            self.message.emit("Select a span first (e.g. a claim), then press R.")
            return
        self.pending_head = head.id
        self.message.emit(f"Relation from {head.label} “{excerpt(head.text_in(self.document.text), 40)}”: "
                          "Tab to the other span and press Enter, or click it. Esc cancels.")

    def cancel_relation(self) -> None:
        if self.pending_head is not None:
            self.pending_head = None
            self.message.emit("Relation cancelled.")

    def confirm(self) -> None:
        tail = self.view.selected_span()
        if self.pending_head is not None and tail is not None:
            self.finish_relation(tail, ask=False)

    def relation_types(self, head: Span, tail: Span) -> tuple[Span, Span, list[str]]:
        """Allowed types head → tail; if none, the reverse (an actor picked first, then its claim)."""
        names = [t.name for t in self.session.schema.relation_types_for(head.label, tail.label)]
        if names:
            return head, tail, names
        return tail, head, [t.name for t in self.session.schema.relation_types_for(tail.label, head.label)]

    def finish_relation(self, tail: Span, *, ask: bool) -> None:
        head = self.document.mine.get(self.pending_head or "")
        self.pending_head = None
        if head is None or head.id == tail.id:
            return
        head, tail, names = self.relation_types(head, tail)
        if not names:
            self.message.emit(f"The schema has no relation between a {head.label} and a {tail.label}.")
            return
        label = names[0]
        if ask and len(names) > 1 and self.ask_type is not None:
            chosen = self.ask_type(names)
            if chosen is None:
                return
            label = chosen
        if self._push(CreateRelation(self.session, self.document, head, tail, label)):
            self.message.emit(f"{head.label} → {tail.label}: {label}")
        self.view.select_span(head, scroll=False)
        self.selection_changed.emit(head)

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
