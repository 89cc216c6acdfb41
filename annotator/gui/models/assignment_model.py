"""The supervisor's table: one row per report, one column per annotator holding where they stand on it
(assigned, in progress, done, returned, accepted), then the report's curation and its open questions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.core.ids import GOLD
from annotator.core.workflow import word
from annotator.gui.models.table_base import Index, RowTableModel
from annotator.services.reports import ReportSummary

COLORS = {"assigned": "#e8eefc", "in_progress": "#fff3cd", "done": "#d9f2e6", "done_empty": "#d9f2e6",
          "returned": "#f8d7da", "accepted": "#b7e1cd", "curated": "#b7e1cd"}
FIXED = 1  # the title column comes first


class AssignmentModel(RowTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.people: list[str] = []
        self.headers = ("Report",)

    def set_reports(self, reports: Sequence[ReportSummary], people: Sequence[str]) -> None:
        self.beginResetModel()
        self._rows = list(reports)
        self.people = list(people)
        self.headers = ("Report", *self.people, "Curation", "Questions")
        self.endResetModel()

    def report(self, row: int) -> ReportSummary:
        return self._rows[row]

    def person(self, column: int) -> str | None:
        """The annotator of a column (None for the title, curation and questions columns)."""
        i = column - FIXED
        return self.people[i] if 0 <= i < len(self.people) else None

    def cell(self, report_id: str, annotator: str) -> QModelIndex:
        row = next((i for i, r in enumerate(self._rows) if r.id == report_id), None)
        return self.index(row, FIXED + self.people.index(annotator)) if row is not None else QModelIndex()

    def status(self, index: Index) -> str | None:
        who = self.person(index.column())
        return self._rows[index.row()].statuses.get(who) if who else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, col = self._rows[index.row()], index.column()
        who = self.person(col)
        state = r.statuses.get(who) if who else (r.statuses.get(GOLD) if col == FIXED + len(self.people) else None)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return r.title or r.id[:12]
            if col == FIXED + len(self.people) + 1:
                return r.questions or ""
            return word(state) if state else ""
        if role == Qt.ItemDataRole.BackgroundRole and state in COLORS:
            return QColor(COLORS[state])
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return f"{r.title}\nid {r.id[:16]}…"
        return None
