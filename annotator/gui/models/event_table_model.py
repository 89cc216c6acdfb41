"""The Events panel's list: the events of the set shown (type, the claim reporting it, who/where,
counts, qualifiers). Refreshed from the document model's ``events_changed``; events are few."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from annotator.core.events import Event
from annotator.core.ids import key_number
from annotator.core.schema import Schema
from annotator.gui.bidi import isolate
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.models.span_table_model import excerpt
from annotator.gui.models.table_base import Index, RowTableModel

EVENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Event", "Reported by claim", "Roles", "Counts", "Qualifiers")


class EventTableModel(RowTableModel):
    headers = COLUMNS

    def __init__(self, document: DocumentModel, schema: Schema, parent: Any = None) -> None:
        super().__init__(parent)
        self.document = document
        self.schema = schema
        self._rows: list[Event] = []
        document.reset.connect(self.refresh)
        document.events_changed.connect(self.refresh)
        document.spans_changed.connect(lambda _ids: self._texts_changed())

    def refresh(self) -> None:
        self.beginResetModel()
        mine = self.document.mine
        self._rows = sorted(self.document.events.values(),
                            key=lambda e: (mine[e.claims[0]].start if e.claims and e.claims[0] in mine else 0,
                                           key_number(e.id) or 0, e.id))
        self.endResetModel()

    def _texts_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._rows) - 1, 2))

    def event_at(self, row: int) -> Event:
        return self._rows[row]

    def row_of(self, event_id: str) -> int | None:
        return next((i for i, e in enumerate(self._rows) if e.id == event_id), None)

    def span_text(self, span_id: str) -> str:
        """A span's words, or a plain mark when the event names a span since deleted."""
        span = self.document.mine.get(span_id)
        if span is None:
            return f"({span_id} deleted)"
        return isolate(excerpt(span.text_in(self.document.text), 40))

    def title(self, event: Event) -> str:
        schema = self.schema.events
        try:
            return schema.type(event.type).title if schema is not None else event.type
        except Exception:  # noqa: BLE001 - a type the schema no longer has: show its name
            return event.type

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self._rows[index.row()]
        if role == EVENT_ID_ROLE:
            return e.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        column = index.column()
        if column == 0:
            return f"{e.id} {self.title(e)}"
        if column == 1:
            return "; ".join(self.span_text(c) for c in e.claims) or "—"
        if column == 2:
            return "; ".join(f"{r}: {', '.join(self.span_text(s) for s in ids)}" for r, ids in e.roles.items() if ids)
        if column == 3:
            return ", ".join(f"{k} {describe(v.to_dict())}" for k, v in e.counts.items() if not v.is_empty) or "—"
        return ", ".join(e.qualifiers) or "—"


def describe(estimate: dict[str, int | None]) -> str:
    """``2``, ``2 (1–4)``: a best figure with its range when it has one."""
    best, low, high = estimate.get("best"), estimate.get("low"), estimate.get("high")
    shown = "?" if best is None else str(best)
    if (low, high) != (best, best) and (low is not None or high is not None):
        shown += f" ({'?' if low is None else low}–{'?' if high is None else high})"
    return shown
