"""Qt models over the agreement report (a plain dict from the engine): the annotator × annotator
matrix, the per-label table and the per-report list. They only present numbers; every figure is
the engine's, so what the dashboard shows equals what ``annotator agreement --json`` prints."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.gui.models.table_base import Index, RowTableModel

MEASURES = {"f1_overlap": "F1 overlap", "f1_exact": "F1 exact", "alpha_u": "α_U"}
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1


def fmt(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def heat(value: float | None) -> QColor:
    """Red (0 or below) through yellow to green (1); grey when undefined."""
    if value is None:
        return QColor("#d9d9d9")
    v = max(0.0, min(1.0, value))
    if v < 0.5:
        return QColor.fromRgbF(0.86, 0.35 + 0.9 * v, 0.3)
    return QColor.fromRgbF(0.86 - 1.1 * (v - 0.5), 0.8, 0.3 + 0.1 * (v - 0.5))


class PairMatrixModel(QAbstractTableModel):
    """Annotator × annotator, one measure per cell (symmetric; the diagonal is blank)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.cells: dict[tuple[str, str], dict[str, Any]] = {}
        self.measure = "f1_overlap"

    def set_report(self, report: dict[str, Any] | None) -> None:
        self.beginResetModel()
        pairs = (report or {}).get("by_pair", [])
        self.names = sorted({p["a"] for p in pairs} | {p["b"] for p in pairs})
        self.cells = {}
        for p in pairs:
            self.cells[(p["a"], p["b"])] = p
            self.cells[(p["b"], p["a"])] = p
        self.endResetModel()

    def set_measure(self, measure: str) -> None:
        self.measure = measure
        if self.names:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.names) - 1, len(self.names) - 1))

    def value(self, row: int, col: int) -> float | None:
        cell = self.cells.get((self.names[row], self.names[col]))
        return None if cell is None else cell.get(self.measure)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.names)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and section < len(self.names):
            return self.names[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if r == c:
            return "—" if role == Qt.ItemDataRole.DisplayRole else None
        v = self.value(r, c)
        cell = self.cells.get((self.names[r], self.names[c]), {})
        if role == Qt.ItemDataRole.DisplayRole:
            return fmt(v)
        if role == VALUE_ROLE:
            return v
        if role == Qt.ItemDataRole.BackgroundRole:
            return heat(v)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#000000")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [f"{MEASURES.get(k, k)}: {fmt(cell.get(k))}" for k in MEASURES]
            extra = {k: cell[k] for k in ("n_reports", "n_spans") if k in cell}
            if cell.get("reason") and v is None:
                parts.append(str(cell["reason"]))
            return "\n".join(parts + [f"{k}: {val}" for k, val in extra.items()])
        return None


class RowsModel(RowTableModel):
    """A list of result rows with named columns (per label, per report)."""

    def __init__(self, columns: list[tuple[str, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns  # (key, header)
        self.headers = [header for _, header in columns]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self._rows

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.columns[index.column()][0]
        v = row.get(key)
        if role == VALUE_ROLE:
            return v
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(v, float) or (v is None and key in MEASURES):
                return fmt(v)
            if isinstance(v, (list, tuple)):
                return ", ".join(map(str, v))
            return "" if v is None else v
        if role == Qt.ItemDataRole.ToolTipRole and v is None and row.get("reason"):
            return str(row["reason"])
        return None
