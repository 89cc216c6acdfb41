"""The spans panel: the annotator's spans of the open report in document order (label, text,
offsets, value/entity). Rows are inserted and removed one by one as edits arrive, so a selection
survives an edit elsewhere and 10,000 rows never reset."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from annotator.core.schema import Schema
from annotator.core.spans import Span, sort_key
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.models.table_base import Index, RowTableModel

SPAN_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Label", "Text", "Start", "End", "Value / entity")
_DISPLAY, _DECORATION, _TOOLTIP = (int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole,
                                                    Qt.ItemDataRole.ToolTipRole))
_ANSWERED = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, int(SPAN_ID_ROLE)})


def excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class SpanTableModel(RowTableModel):
    headers = COLUMNS
    followed = Signal()  # rows changed to follow the document: the view puts its selection back

    def __init__(self, document: DocumentModel, schema: Schema, parent: Any = None) -> None:
        super().__init__(parent)
        self.document = document
        self.schema = schema
        self._rows: list[Span] = []
        self._keys: list[tuple[int, int, str, str]] = []
        self._key_of: dict[str, tuple[int, int, str, str]] = {}  # a row found by bisection, not a scan
        self.changing = False  # rows are being changed to follow the document (``_changed``)
        document.reset.connect(self._reset)
        document.spans_changed.connect(self._changed)

    def _reset(self) -> None:
        self.beginResetModel()
        self._rows = list(self.document.sorted_mine())
        self._keys = [sort_key(s) for s in self._rows]
        self._key_of = {s.id: k for s, k in zip(self._rows, self._keys, strict=False)}
        self.endResetModel()

    def _find(self, span_id: str) -> int | None:
        key = self._key_of.get(span_id)
        if key is None:
            return None
        i = bisect_left(self._keys, key)
        while i < len(self._rows) and self._keys[i] == key:
            if self._rows[i].id == span_id:
                return i
            i += 1
        return None

    def _changed(self, ids: list[str]) -> None:
        """Rows follow their spans: a span whose place in the order changed (relabelled, resized) is
        *moved*, so the table's current row and selection stay on it. Taken out and put back, the
        selection model made a neighbour current, and the window then selected that span: the next key
        (Del, a label, a nudge) acted on a span the user had not chosen. ``changing`` is true meanwhile,
        so what the selection model does about a removed row is not taken for the user's choice, and
        ``followed`` tells the window to show the selection it holds again (a table in single-selection
        mode selects whatever row it makes current)."""
        self.changing = True
        try:
            for span_id in ids:
                self._change(span_id)
        finally:
            self.changing = False
        self.followed.emit()

    def _change(self, span_id: str) -> None:
        old = self._find(span_id)
        new = self.document.mine.get(span_id)
        if old is not None and new is not None:
            key = sort_key(new)
            at = bisect_left(self._keys, key)  # where it goes, counted in the rows as they are
            if at not in (old, old + 1):  # elsewhere in the order
                self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), at)
                del self._rows[old], self._keys[old]
                at = at - 1 if at > old else at
                self._rows.insert(at, new)
                self._keys.insert(at, key)
                self.endMoveRows()
            else:
                self._rows[old], self._keys[old] = new, key
                at = old
            self._key_of[span_id] = key
            self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))
        elif old is not None:
            self.beginRemoveRows(QModelIndex(), old, old)
            del self._rows[old], self._keys[old], self._key_of[span_id]
            self.endRemoveRows()
        elif new is not None:
            key = sort_key(new)
            at = bisect_left(self._keys, key)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, new)
            self._keys.insert(at, key)
            self._key_of[span_id] = key
            self.endInsertRows()

    def row_of(self, span_id: str) -> int | None:
        span = self.document.mine.get(span_id)
        if span is None:
            return None
        i = bisect_left(self._keys, sort_key(span))
        return i if i < len(self._rows) and self._rows[i].id == span_id else None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # Qt asks every visible cell for about ten roles on each repaint (a span created repaints the
        # panel): roles this model never answers leave first, and roles are compared as plain ints
        if role not in _ANSWERED or not index.isValid():
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            if col == 0:
                return s.label
            if col == 1:
                return excerpt(s.text_in(self.document.text))
            if col == 2:
                return s.start
            if col == 3:
                return s.end
            if s.value:
                return s.value
            if s.entity:
                name = self.document.entity_names.get(s.entity, s.entity)
                return f"{name} ({s.resolution})" if s.resolution == "automatic" else name
            return ""
        if role == SPAN_ID_ROLE:
            return s.id
        if role == _DECORATION and col == 0:
            try:
                return QColor(self.schema.label(s.label).color)
            except Exception:  # noqa: BLE001 - a label outside the schema still shows
                return None
        if role == _TOOLTIP and col == 1:
            return s.text_in(self.document.text)
        if role == _TOOLTIP and col == 4 and s.entity:
            return s.entity
        return None
