"""What the document view's gestures mean: a label key with a selection creates a span (snapped to
words unless snapping is off), with a span selected it relabels it; Delete removes the selected
span; Alt+Shift+arrows move a boundary; a mouse drag moves one. Each becomes one undo command."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QObject, Signal

from annotator.core.offsets import next_boundary, next_word_edge, snap_to_clusters, snap_to_words
from annotator.core.spans import Span
from annotator.core.workflow import ACCEPTED, READ_ONLY, word
from annotator.gui.bidi import isolate
from annotator.gui.commands.span_commands import CreateRelation, CreateSpan, DeleteSpan, EditCommand, UpdateSpan
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.models.span_table_model import excerpt
from annotator.gui.session import EditSession, OpenSet
from annotator.gui.views.document_view import DocumentView


def read_only_reason(target: OpenSet) -> str | None:
    """Why the set shown may not be edited now (its annotator marked it done), or None."""
    if target.status in READ_ONLY:
        how = ("A supervisor accepted your work on this report" if target.status == ACCEPTED
               else f"You marked this report {word(target.status)}")
        return f"{how}: your annotations on it are read-only until a supervisor returns it."
    return None


class LabellingController(QObject):
    message = Signal(str)  # a short hint for the status bar

    def __init__(self, session: EditSession, document: DocumentModel, view: DocumentView,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.document = document
        self.view = view
        self.snap = True
        view.label_key.connect(self.apply_label)
        view.unbound_key.connect(self._unbound_key)
        view.delete_key.connect(self.delete_selected)
        view.nudge.connect(self.nudge)
        view.span_clicked.connect(self.select)
        view.cycle.connect(self.cycle)
        view.boundary_dragged.connect(self.drag_boundary)
        view.relation_key.connect(self.start_relation)
        view.confirm_key.connect(self.confirm)
        view.escape_key.connect(self.cancel_relation)
        self.pending_head: str | None = None
        self._making: _Making | None = None  # the span a label key is creating, until its answer
        # asks which relation type when several fit (the window shows a menu); None = the first
        self.ask_type: Callable[[list[str]], str | None] | None = None

    def _unbound_key(self, key: str) -> None:
        """A digit no label has: say so, and how the labels without a key are reached (labels added by an
        import get no key until the schema gives them one)."""
        keyless = [lab.name for lab in self.session.schema.labels if not lab.key]
        said = f"No label has the key {key}."
        if keyless:
            said += (f" Labels without a key ({', '.join(keyless)}): click their toolbar button; a key is given in "
                     "the label schema (File → Export label schema…, edit, Import label schema…).")
        self.message.emit(said)

    @property
    def target(self) -> OpenSet | None:
        """The set the document shows, which every gesture edits (None while nothing is shown)."""
        return self.document.target

    def refusal(self) -> str | None:
        """Why an edit gesture does nothing right now, or None when it can go ahead."""
        if self.session.reads_gold:
            return ("You are reading the gold set: it is written only in adjudication (View → Agreement "
                    "dashboard, double-click a report). File → Switch annotator… to edit your own set.")
        if self.document.report is None or self.target is None:
            return "The report is still opening." if self.document.loading else "Open a report first."
        return read_only_reason(self.target)

    def _allowed(self) -> bool:
        why = self.refusal()
        if why is not None:
            self.message.emit(why)
        return why is None

    def _push(self, command: EditCommand) -> None:
        command.target.stack.push(command)

    def select(self, span: Span | None) -> None:
        if self.pending_head is not None and span is not None and span.id != self.pending_head:
            self.view.select_span(span, scroll=False)
            self.finish_relation(span, ask=True)
            return
        self.view.select_span(span, scroll=False)

    # -- relations ----------------------------------------------------------------------------------
    def _when_ready(self, gesture: Callable[[], None]) -> None:
        """Run an edit gesture once the edits already on their way for the set shown are answered
        (it then sees the state they left). Refused at once when nothing may be edited here."""
        target = self.target
        if not self._allowed() or target is None:
            return

        def run() -> None:
            if self.document.target is target:
                gesture()
            else:  # made on a report the user has left before the edit before it was answered
                self.message.emit("A key pressed while the previous edit was saving was not applied: "
                                  "another report was opened meanwhile.")

        self.session.when_ready(target, run)

    def start_relation(self) -> None:
        if not self._allowed():
            return
        head = self.view.selected_span()
        if head is None:
            self.message.emit("Select a span first (e.g. a claim), then press R.")
            return
        self.pending_head = head.id
        self.message.emit(f"Relation from {head.label} “{isolate(excerpt(head.text_in(self.document.text), 40))}”: "
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
        if head is None or head.id == tail.id or not self._allowed():
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
        self.view.select_span(head, scroll=False)
        head_id, tail_id = head.id, tail.id

        def relate() -> None:
            h, t = self.document.mine.get(head_id), self.document.mine.get(tail_id)
            if h is None or t is None or self.target is None:
                return
            command = CreateRelation(self.session, self.document, self.target, h, t, label)
            command.on_done = lambda _c: self.message.emit(f"{h.label} → {t.label}: {label}")
            self._push(command)

        self._when_ready(relate)

    def apply_label(self, label: str) -> None:
        """The label key: create from the text selection, or relabel the selected span. A label key
        pressed while a span it created is on its way relabels that span (the keys chain, as nudges
        do), rather than creating a second span from a selection the first key used."""
        if not self._allowed():
            return
        sel = self.view.selection_offsets()
        if sel is not None:
            self.create(sel[0], sel[1], label)
            return
        making = self._making
        if making is not None and making.target is self.target:  # not one made on a report since left
            self._when_ready(lambda: self._relabel(making.span_id, label))
            return
        span = self.view.selected_span()
        if span is None:
            self.message.emit("Select some text first, then press a label key.")
            return
        span_id = span.id
        self._when_ready(lambda: self._relabel(span_id, label))

    def _relabel(self, span_id: str | None, label: str) -> None:
        current = self.document.mine.get(span_id) if span_id is not None else None
        if current is not None and current.label != label:
            self._update(current, "relabel_span", f"Relabel {current.label} as {label}", label=label)

    def create(self, start: int, end: int, label: str) -> None:
        if not self._allowed():
            return
        text = self.document.text
        start, end = (snap_to_words if self.snap else snap_to_clusters)(text, start, end)
        if start >= end:
            self.message.emit("Nothing to label in that selection.")
            return
        cursor = self.view.textCursor()  # the selection is used: the keys that follow act on the new span
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        before = self.view.selected_id
        making = self._making = _Making(self.target)

        def created(cmd: EditCommand) -> None:
            if not cmd.shown or not isinstance(cmd, CreateSpan) or cmd.span is None:
                return
            making.span_id = cmd.span.id
            if self.view.selection_offsets() is None and self.view.selected_id == before:  # nothing chosen since
                self.select(cmd.span)

        def make() -> None:
            assert self.target is not None
            command = CreateSpan(self.session, self.document, self.target, start, end, label)
            command.on_done = created
            self._push(command)

        def answered() -> None:  # stored or refused: a later label key acts on the selection again
            if self._making is making:
                self._making = None

        self._when_ready(make)
        self._when_ready(answered)

    def delete_selected(self) -> None:
        if not self._allowed():
            return
        span = self.view.selected_span()
        if span is None:
            self.message.emit("Select a span first (click it, or Tab to it), then press Del.")
            return
        span_id = span.id

        def delete() -> None:
            current = self.document.mine.get(span_id)
            if current is None or self.target is None:
                return
            nxt = self.document.neighbour(span_id, 1)
            command = DeleteSpan(self.session, self.document, self.target, current)

            def deleted(cmd: EditCommand) -> None:
                if cmd.shown and self.view.selected_id in (None, span_id):
                    self.select(self.document.mine.get(nxt.id) if nxt is not None and nxt.id != span_id else None)

            command.on_done = deleted
            self._push(command)

        self._when_ready(delete)

    def _update(self, span: Span, op: str, text: str, **fields: object) -> None:
        """One named change of a span, then keep it selected with its new fields."""
        assert self.target is not None
        command = UpdateSpan(self.session, self.document, self.target, span, op, text, **fields)

        def updated(cmd: EditCommand) -> None:
            if cmd.shown and self.view.selected_id == span.id:
                self.select(self.document.mine.get(span.id))

        command.on_done = updated
        self._push(command)

    def nudge(self, edge: str, step: int) -> None:
        if not self._allowed():
            return
        span = self.view.selected_span()
        if span is None:
            self.message.emit("Select a span first, then move its edges with Alt+Shift+arrows.")
            return
        span_id = span.id

        def move() -> None:
            current = self.document.mine.get(span_id)
            if current is None:
                return
            text = self.document.text
            start, end = current.start, current.end
            if edge == "start":
                start = next_word_edge(text, start, step, "start") if self.snap else next_boundary(text, start, step)
            else:
                end = next_word_edge(text, end, step, "end") if self.snap else next_boundary(text, end, step)
            if start < end and (start, end) != (current.start, current.end):
                self._update(current, "move_span", f"Resize {current.label}", start=start, end=end)

        self._when_ready(move)

    def drag_boundary(self, span_id: str, start: int, end: int) -> None:
        if not self._allowed():
            return

        def move() -> None:
            current = self.document.mine.get(span_id)
            if current is None:
                return
            s, e = (snap_to_words if self.snap else snap_to_clusters)(self.document.text, start, end)
            if s < e and (s, e) != (current.start, current.end):
                self._update(current, "move_span", f"Resize {current.label}", start=s, end=e)

        self._when_ready(move)

    def edit_fields(self, target: OpenSet, span: Span, op: str, **fields: object) -> None:
        """A change made in a panel bound to ``target`` (the inspector): it edits that set, whatever
        the document shows now (the panel is cleared when it stops showing it). ``attr=(name,
        value)`` sets one attribute on the span as it is when the change runs."""
        why = self.refusal() if self.session.reads_gold else read_only_reason(target)
        if why is not None:
            self.message.emit(why)
            return
        names = {"set_attrs": "Edit attributes of", "link_entity": "Link entity of", "set_date_value": "Set value of"}

        def change() -> None:
            current = self.document.mine.get(span.id) if self.document.target is target else span
            if current is None:
                return
            values = dict(fields)
            if "attr" in values:
                name, value = cast("tuple[str, object]", values.pop("attr"))  # attr=(name, value): see above
                attrs = {k: v for k, v in current.attrs.items() if k != name}
                if value is not None:
                    attrs[name] = value
                if attrs == current.attrs:
                    return
                values["attrs"] = attrs
            command = UpdateSpan(self.session, self.document, target, current, op,
                                 f"{names.get(op, 'Edit')} {current.label}", **values)
            command.on_done = lambda cmd: self.select(self.document.mine.get(span.id)) \
                if cmd.shown and self.view.selected_id == span.id else None
            self._push(command)

        self.session.when_ready(target, change)

    def cycle(self, step: int) -> None:
        current = self.view.selected_id
        nxt = self.document.neighbour(current, step, self.view.cursor_offset())
        if nxt is not None:
            self.view.select_span(nxt)


class _Making:
    """A span being created by a label key on the set ``target``: its id once the database has stored it."""

    def __init__(self, target: OpenSet | None) -> None:
        self.target = target
        self.span_id: str | None = None
