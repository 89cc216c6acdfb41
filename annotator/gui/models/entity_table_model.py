"""Entities found by a registry search (name, kind, type, country, aliases, mentions)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from annotator.gui.models.table_base import Index, RowTableModel

ENTITY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Name", "Kind", "Type", "Country", "Aliases", "Mentions", "Id")


class EntityTableModel(RowTableModel):
    headers = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_entities(self, entities: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(entities)
        self.endResetModel()

    def entity_at(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self._rows[index.row()]
        if role == ENTITY_ID_ROLE:
            return e["id"]
        if role == Qt.ItemDataRole.DisplayRole:
            return (e["name"], e["kind"], e.get("type") or "", e.get("country") or "", len(e.get("aliases") or []),
                    e.get("mentions", 0), e["id"])[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(a["name"] for a in e.get("aliases") or []) or e["name"]
        return None
