"""Undoable span edits. ``redo`` and ``undo`` each call one service function, which commits before
it returns, then update the document model and publish the ``Change``. A service that refuses
(validation, permissions, a lost database) makes the command obsolete, so the undo stack never
holds a step that did not happen."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from annotator.core.spans import Span
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.session import EditSession
from annotator.services import annotate

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
    def __init__(self, session: EditSession, document: DocumentModel, start: int, end: int, label: str) -> None:
        super().__init__(session, document, f"Create {label}")
        self.start, self.end, self.label = start, end, label
        self.span: Span | None = None

    def _redo(self) -> None:
        key = self.span.id if self.span else None  # redo after undo keeps the span's id
        span, change = self.session.call(annotate.create_span, self.report_id, self.start, self.end, self.label,
                                         key=key)
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
        self.session.publish(change, self)

    def _undo(self) -> None:
        assert self.deleted is not None
        change = self.session.call(annotate.restore_span, self.report_id, self.deleted)
        self._show(self.deleted.span)
        self.session.publish(change, self)


class UpdateSpan(SpanCommand):
    """Relabel or move (or both): the span's fields before and after."""

    def __init__(self, session: EditSession, document: DocumentModel, before: Span, *, label: str | None = None,
                 start: int | None = None, end: int | None = None, text: str = "") -> None:
        after = before.with_(label=label or before.label,
                             start=before.start if start is None else start,
                             end=before.end if end is None else end)
        super().__init__(session, document, text or self._describe(before, after))
        self.before, self.after = before, after

    @staticmethod
    def _describe(before: Span, after: Span) -> str:
        if before.label != after.label:
            return f"Relabel {before.label} as {after.label}"
        return f"Resize {before.label}"

    @property
    def is_move(self) -> bool:
        return self.before.label == self.after.label

    def id(self) -> int:
        return MOVE_ID if self.is_move else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, UpdateSpan) or not other.is_move or other.before.id != self.before.id:
            return False
        self.after = other.after
        return True

    def _apply(self, span: Span, op: str) -> None:
        result, change = self.session.call(annotate.update_span, self.report_id, span.id, start=span.start,
                                           end=span.end, label=span.label, op=op)
        self._show(result)
        self.session.publish(change, self)

    def _redo(self) -> None:
        self._apply(self.after, "move_span" if self.is_move else "relabel_span")

    def _undo(self) -> None:
        self._apply(self.before, "move_span" if self.is_move else "relabel_span")
