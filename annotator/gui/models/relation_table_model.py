"""The relations panel: the annotator's relations on the open report (type, from, to)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from annotator.core.relations import Relation
from annotator.gui.bidi import isolate
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.models.span_table_model import excerpt
from annotator.gui.models.table_base import Index, RowTableModel

RELATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Type", "From", "To")


class RelationTableModel(RowTableModel):
    headers = COLUMNS

    def __init__(self, document: DocumentModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.document = document
        self._rows: list[Relation] = []
        document.reset.connect(self.refresh)
        document.relations_changed.connect(self.refresh)
        document.spans_changed.connect(lambda _ids: self._texts_changed())

    def refresh(self) -> None:
        """Relations are few per report: a reset keeps this simple and cheap."""
        self.beginResetModel()
        mine = self.document.mine
        self._rows = sorted(self.document.relations.values(),
                            key=lambda r: (mine[r.head].start if r.head in mine else 0, r.label, r.id))
        self.endResetModel()

    def _texts_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._rows) - 1, 2))

    def relation_at(self, row: int) -> Relation:
        return self._rows[row]

    def _describe(self, span_id: str) -> str:
        span = self.document.mine.get(span_id)
        if span is None:
            return span_id
        return f"{span.label}: {isolate(excerpt(span.text_in(self.document.text), 50))}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        if role == RELATION_ID_ROLE:
            return r.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (r.label, self._describe(r.head), self._describe(r.tail))[index.column()]
        return None
