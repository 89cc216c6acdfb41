"""Undoable span edits. ``redo`` and ``undo`` each call one service function, which commits before
it returns, then update the document model and publish the ``Change``. A service that refuses
(validation, permissions, a lost database) makes the command obsolete, so the undo stack never
holds a step that did not happen."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.session import EditSession
from annotator.services import annotate, records

MOVE_ID = 0x5A11  # consecutive boundary nudges of one span merge into one undo step


class SpanCommand(QUndoCommand):
    """Shared plumbing: the session, the document, and failure handling."""

    def __init__(self, session: EditSession, document: DocumentModel, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.document = document
        assert document.report_id is not None
        self.report_id = document.report_id
        self.failed = False

    def redo(self) -> None:
        self._guard(self._redo)

    def undo(self) -> None:
        self._guard(self._undo)

    def _guard(self, step) -> None:  # type: ignore[no-untyped-def]
        try:
            step()
        except Exception:  # noqa: BLE001 - the session already told the user in one sentence
            self.failed = True
            self.setObsolete(True)

    def _show(self, span: Span) -> None:
        if self.document.report_id == self.report_id:
            self.document.upsert(span)

    def _hide(self, span_id: str) -> None:
        if self.document.report_id == self.report_id:
            self.document.remove(span_id)

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class CreateSpan(SpanCommand):
    """Create a span; a fresh date gets its ISO value and an unambiguous actor/place its entity at
    once (marked automatic), so the value shows beside the span without a second step."""

    def __init__(self, session: EditSession, document: DocumentModel, start: int, end: int, label: str) -> None:
        super().__init__(session, document, f"Create {label}")
        self.start, self.end, self.label = start, end, label
        self.span: Span | None = None

    def _redo(self) -> None:
        key = self.span.id if self.span else None  # redo after undo keeps the span's id
        span, change = self.session.call(annotate.create_span, self.report_id, self.start, self.end, self.label,
                                         key=key)
        if self.session.auto_values and self.document.report is not None:
            filled = self.session.call(records.auto_annotate_span, self.document.report, span)
            if filled is not None:
                span, change = filled
        self.span = span
        self._show(span)
        self.session.publish(change, self)

    def _undo(self) -> None:
        assert self.span is not None
        _, change = self.session.call(annotate.delete_span, self.report_id, self.span.id)
        self._hide(self.span.id)
        self.session.publish(change, self)


class DeleteSpan(SpanCommand):
    def __init__(self, session: EditSession, document: DocumentModel, span: Span) -> None:
        super().__init__(session, document, f"Delete {span.label}")
        self.span = span
        self.deleted: annotate.DeletedSpan | None = None

    def _redo(self) -> None:
        self.deleted, change = self.session.call(annotate.delete_span, self.report_id, self.span.id)
        self._hide(self.span.id)
        if self.document.report_id == self.report_id:
            for rel in self.deleted.relations:
                self.document.remove_relation(rel.id)
        self.session.publish(change, self)

    def _undo(self) -> None:
        assert self.deleted is not None
        change = self.session.call(annotate.restore_span, self.report_id, self.deleted)
        self._show(self.deleted.span)
        if self.document.report_id == self.report_id:
            for rel in self.deleted.relations:
                self.document.upsert_relation(rel)
        self.session.publish(change, self)


class UpdateSpan(SpanCommand):
    """Any change of one span's fields (boundaries, label, attributes, value, entity): the span
    before and after. Consecutive boundary moves of one span merge into one undo step."""

    def __init__(self, session: EditSession, document: DocumentModel, before: Span, *, label: str | None = None,
                 start: int | None = None, end: int | None = None, text: str = "", op: str = "",
                 **fields: object) -> None:
        after = before.with_(label=label or before.label,
                             start=before.start if start is None else start,
                             end=before.end if end is None else end, **fields)
        super().__init__(session, document, text or self._describe(before, after))
        self.before, self.after = before, after
        self.op = op or self._op(before, after)

    @staticmethod
    def _describe(before: Span, after: Span) -> str:
        if before.label != after.label:
            return f"Relabel {before.label} as {after.label}"
        if (before.start, before.end) != (after.start, after.end):
            return f"Resize {before.label}"
        return f"Edit {before.label}"

    @staticmethod
    def _op(before: Span, after: Span) -> str:
        if before.label != after.label:
            return "relabel_span"
        if (before.start, before.end) != (after.start, after.end):
            return "move_span"
        if before.entity != after.entity:
            return "link_entity"
        if before.value != after.value:
            return "set_date_value"
        return "set_attrs"

    @property
    def is_move(self) -> bool:
        return self.op == "move_span"

    def id(self) -> int:
        return MOVE_ID if self.is_move else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, UpdateSpan) or not other.is_move or other.before.id != self.before.id:
            return False
        self.after = other.after
        return True

    def _apply(self, span: Span) -> None:
        result, change = self.session.call(annotate.update_span, self.report_id, span.id, start=span.start,
                                           end=span.end, label=span.label, attrs=dict(span.attrs),
                                           value=span.value, entity=span.entity, resolution=span.resolution,
                                           op=self.op)
        self._show(result)
        self.session.publish(change, self)

    def _redo(self) -> None:
        self._apply(self.after)

    def _undo(self) -> None:
        self._apply(self.before)


class CreateRelation(SpanCommand):
    def __init__(self, session: EditSession, document: DocumentModel, head: Span, tail: Span, label: str) -> None:
        super().__init__(session, document, f"Relate {head.label} → {tail.label} ({label})")
        self.head, self.tail, self.label = head.id, tail.id, label
        self.relation: Relation | None = None

    def _redo(self) -> None:
        key = self.relation.id if self.relation else None
        rel, change = self.session.call(annotate.create_relation, self.report_id, self.head, self.tail, self.label,
                                        key=key)
        self.relation = rel
        if self.document.report_id == self.report_id:
            self.document.upsert_relation(rel)
        self.session.publish(change, self)

    def _undo(self) -> None:
        assert self.relation is not None
        _, change = self.session.call(annotate.delete_relation, self.report_id, self.relation.id)
        if self.document.report_id == self.report_id:
            self.document.remove_relation(self.relation.id)
        self.session.publish(change, self)


class DeleteRelation(SpanCommand):
    def __init__(self, session: EditSession, document: DocumentModel, relation: Relation) -> None:
        super().__init__(session, document, f"Delete {relation.label} relation")
        self.relation = relation

    def _redo(self) -> None:
        _, change = self.session.call(annotate.delete_relation, self.report_id, self.relation.id)
        if self.document.report_id == self.report_id:
            self.document.remove_relation(self.relation.id)
        self.session.publish(change, self)

    def _undo(self) -> None:
        rel = self.relation
        restored, change = self.session.call(annotate.create_relation, self.report_id, rel.head, rel.tail, rel.label,
                                             key=rel.id, attrs=dict(rel.attrs))
        if self.document.report_id == self.report_id:
            self.document.upsert_relation(restored)
        self.session.publish(change, self)
