"""Undoable edits of one open set. ``redo`` and ``undo`` each submit one service call to the
database lane, naming the set (report + annotator) and the version the user saw; the service commits
before it returns. The result updates the document only if it still shows that set, so an edit
never lands, visibly or not, in a report the user is not looking at.

Redo after undo restores exactly what undo removed (same ids, values, entities, relations): the
command keeps the stored objects each step returned, never re-derives them.

A first ``redo`` the service refuses (validation, a stale view) removes the command from the stack:
the history never holds a step that did not happen. A later undo or redo that fails means the stored
set is not what the history says: the window reloads the set and starts its history afresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtGui import QUndoCommand

from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.session import EditSession, OpenSet
from annotator.services import annotate, records

MOVE_ID = 0x5A11  # consecutive boundary nudges of one span merge into one undo step


ServiceCall = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]  # (service function, args, kwargs)


class EditCommand(QUndoCommand):
    """Shared plumbing: the target set, the document it shows in, lane calls and failure handling."""

    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.document = document
        self.target = target
        self.done_once = False
        self.failed = False
        self.generation = 0  # bumped by a merge: results of calls made before it are superseded
        self.on_done: Callable[[EditCommand], None] | None = None  # e.g. select the created span
        self.on_failed: Callable[[EditCommand], None] | None = None  # the first application was refused

    @property
    def report_id(self) -> str:
        return self.target.report_id

    @property
    def shown(self) -> bool:
        """Whether the document shows this command's set right now."""
        return self.document.report_id == self.target.report_id and self.document.annotator == self.target.annotator

    # -- QUndoCommand -----------------------------------------------------------------------------
    def redo(self) -> None:
        first = not self.done_once
        self._call(self._redo_call(first), self._redone, first=first)

    def undo(self) -> None:
        self._call(self._undo_call(), self._undone, first=False)

    def _call(self, call: ServiceCall,
              applied: Callable[[Any], None], *, first: bool) -> None:
        fn, args, kwargs = call
        generation = self.generation

        def done(result: Any) -> None:
            self.done_once = True
            if generation == self.generation:
                applied(result)
            if first and self.on_done is not None:
                self.on_done(self)

        def failed(exc: BaseException) -> None:
            self.failed = True
            on_failed = self.on_failed
            self._drop(first)
            if first and on_failed is not None:
                on_failed(self)

        self.session.edit(self.target, fn, *args, done=done, failed=failed, **kwargs)

    def _drop(self, first: bool) -> None:
        """Take a step that did not happen out of the history."""
        if not shiboken6.isValid(self):
            return  # merged into the step before it: that one carries the outcome
        stack = self.target.stack
        if not first:
            self.session.stale.emit(self.target)  # the stored set is not what the history says
            return
        self.setObsolete(True)
        if stack.index() > 0 and stack.command(stack.index() - 1) is self:
            stack.undo()  # obsolete: Qt removes it without calling undo()

    # -- what each command does -------------------------------------------------------------------
    def _redo_call(self, first: bool) -> ServiceCall:
        raise NotImplementedError

    def _undo_call(self) -> ServiceCall:
        raise NotImplementedError

    def _redone(self, result: Any) -> None:
        raise NotImplementedError

    def _undone(self, result: Any) -> None:
        raise NotImplementedError

    # -- the document, only while it shows this set ----------------------------------------------------
    def _show(self, span: Span) -> None:
        if self.shown:
            self.document.upsert(span)

    def _hide(self, span_id: str, relations: tuple[Relation, ...] = ()) -> None:
        if self.shown:
            self.document.remove(span_id)
            for rel in relations:
                self.document.remove_relation(rel.id)

    def _show_relations(self, relations: tuple[Relation, ...]) -> None:
        if self.shown:
            for rel in relations:
                self.document.upsert_relation(rel)


class CreateSpan(EditCommand):
    """Create a span with its automatic value or entity in one transaction; redo after undo puts
    back exactly that span (same id, same value and entity)."""

    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet, start: int, end: int,
                 label: str) -> None:
        super().__init__(session, document, target, f"Create {label}")
        self.start, self.end, self.label = start, end, label
        self.span: Span | None = None
        self.removed: annotate.DeletedSpan | None = None

    def _redo_call(self, first: bool) -> ServiceCall:
        if first:
            fn = records.create_span_with_values if self.session.auto_values else annotate.create_span
            return fn, (self.start, self.end, self.label), {}
        assert self.removed is not None
        return annotate.restore_span, (self.removed,), {}

    def _redone(self, result: Any) -> None:
        if isinstance(result, tuple):  # first time: (span, change)
            self.span = result[0]
        assert self.span is not None
        self._show(self.span)
        if self.removed is not None:
            self._show_relations(self.removed.relations)

    def _undo_call(self) -> ServiceCall:
        assert self.span is not None
        return annotate.delete_span, (self.span.id,), {"expect": self.span}

    def _undone(self, result: Any) -> None:
        self.removed = result[0]
        assert self.removed is not None
        self._hide(self.removed.span.id, self.removed.relations)


class DeleteSpan(EditCommand):
    """Delete a span and the relations touching it; undo restores all of them, same ids."""

    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet, span: Span) -> None:
        super().__init__(session, document, target, f"Delete {span.label}")
        self.span = span
        self.deleted: annotate.DeletedSpan | None = None

    def _redo_call(self, first: bool) -> ServiceCall:
        return annotate.delete_span, (self.span.id,), {"expect": self.span}

    def _redone(self, result: Any) -> None:
        self.deleted = result[0]
        assert self.deleted is not None
        self._hide(self.span.id, self.deleted.relations)

    def _undo_call(self) -> ServiceCall:
        assert self.deleted is not None
        return annotate.restore_span, (self.deleted,), {}

    def _undone(self, _result: Any) -> None:
        assert self.deleted is not None
        self._show(self.deleted.span)
        self._show_relations(self.deleted.relations)


def _named_op(op: str, after: Span) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
    """The service operation a span edit is, called by name (its checks run: an entity must exist,
    a date value must be ISO 8601, a relabel must keep the span's relations valid)."""
    if op == "relabel_span":
        return annotate.relabel_span, (after.id, after.label), {}
    if op == "move_span":
        return records.move_span_with_values, (after.id, after.start, after.end), {}
    if op == "set_attrs":
        return annotate.set_attributes, (after.id, dict(after.attrs)), {}
    if op == "link_entity":
        return records.link_entity, (after.id, after.entity), {"resolution": after.resolution or "confirmed"}
    if op == "set_date_value":
        return records.set_date_value, (after.id, after.value), {}
    raise ValueError(f"unknown span operation {op}")


class UpdateSpan(EditCommand):
    """One named change of a span (relabel, move, attributes, entity link, date value). The first
    time it runs the named service operation; undo and redo then put every field back exactly.
    Consecutive boundary moves of one span merge into one undo step."""

    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet, before: Span, op: str,
                 text: str, **fields: Any) -> None:
        super().__init__(session, document, target, text)
        self.before = before
        self.after = before.with_(**fields)
        self.op = op
        self._merged_into: UpdateSpan | None = None

    def _redo_call(self, first: bool) -> ServiceCall:
        fn, args, kwargs = _named_op(self.op, self.after) if first else \
            (annotate.restore_fields, (self.after,), {"op": self.op})
        return fn, args, {**kwargs, "expect": self.before}

    def _redone(self, result: Any) -> None:
        self.after = result[0]
        if self._merged_into is not None:  # the step this move merged into undoes to what is stored now,
            self._merged_into.after = self.after  # which a move may have given a new automatic value
        self._show(self.after)

    def _undo_call(self) -> ServiceCall:
        return annotate.restore_fields, (self.before,), {"op": self.op, "expect": self.after}

    def _undone(self, result: Any) -> None:
        self._show(result[0])

    def id(self) -> int:
        return MOVE_ID if self.op == "move_span" else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, UpdateSpan) or other.op != "move_span" or other.before.id != self.before.id:
            return False
        self.after = other.after
        other._merged_into = self  # its answer (the stored span, with any new automatic value) is ours
        self.generation += 1
        other.on_done = None
        return True


class CreateRelation(EditCommand):
    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet, head: Span, tail: Span,
                 label: str) -> None:
        super().__init__(session, document, target, f"Relate {head.label} → {tail.label} ({label})")
        self.head, self.tail, self.label = head.id, tail.id, label
        self.relation: Relation | None = None

    def _redo_call(self, first: bool) -> ServiceCall:
        key = self.relation.id if self.relation else None
        attrs = dict(self.relation.attrs) if self.relation else None
        return annotate.create_relation, (self.head, self.tail, self.label), {"key": key, "attrs": attrs}

    def _redone(self, result: Any) -> None:
        self.relation = result[0]
        assert self.relation is not None
        self._show_relations((self.relation,))

    def _undo_call(self) -> ServiceCall:
        assert self.relation is not None
        return annotate.delete_relation, (self.relation.id,), {"expect": self.relation}

    def _undone(self, _result: Any) -> None:
        assert self.relation is not None
        if self.shown:
            self.document.remove_relation(self.relation.id)


class DeleteRelation(EditCommand):
    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet, relation: Relation) -> None:
        super().__init__(session, document, target, f"Delete {relation.label} relation")
        self.relation = relation

    def _redo_call(self, first: bool) -> ServiceCall:
        return annotate.delete_relation, (self.relation.id,), {"expect": self.relation}

    def _redone(self, _result: Any) -> None:
        if self.shown:
            self.document.remove_relation(self.relation.id)

    def _undo_call(self) -> ServiceCall:
        rel = self.relation
        return annotate.create_relation, (rel.head, rel.tail, rel.label), {"key": rel.id, "attrs": dict(rel.attrs)}

    def _undone(self, result: Any) -> None:
        self.relation = result[0]
        self._show_relations((self.relation,))
