"""Qt models over the agreement report (``annotator.agreement.report_types``, read by attribute): the
annotator × annotator matrix, the per-label table and the per-report list. They only present numbers; every
figure is the engine's, so what the dashboard shows equals what ``annotator agreement --json`` prints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.gui.models.table_base import Index, RowTableModel

if TYPE_CHECKING:  # the report types only annotate here; importing annotator.agreement loads numpy
    from annotator.agreement.report_types import AgreementReport, LabelAgreement, PairAgreement, SpanFigures

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Measure:
    """A coefficient the heatmap can show: its title and how to read it from a row of figures."""

    title: str
    read: Callable[[SpanFigures], float | None]


# keyed by the JSON name of the figure: the measure chooser's item data
MEASURES: dict[str, Measure] = {"f1_overlap": Measure("F1 overlap", lambda f: f.f1_overlap),
                                "f1_exact": Measure("F1 exact", lambda f: f.f1_exact),
                                "alpha_u": Measure("α_U", lambda f: f.alpha_u)}
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1


class LabelRow(NamedTuple):
    """A row of the per-label table: the label and its figures."""

    label: str
    figures: LabelAgreement


class GoldRow(NamedTuple):
    """A row of the with-gold table: one annotator against gold over all labels, one label or one ISO
    week (the reports they last edited that week)."""

    annotator: str
    scope: str
    f1_exact: float | None
    f1_overlap: float | None
    precision: float | None
    recall: float | None
    reason: str | None = None


def gold_rows(report: AgreementReport) -> list[GoldRow]:
    """Every annotator against gold: all labels, then each label, then each week."""
    rows: list[GoldRow] = []
    for g in report.vs_gold:
        rows.append(GoldRow(g.annotator, "all labels", g.f1_exact, g.f1_overlap, g.precision, g.recall, g.reason))
        rows += [GoldRow(g.annotator, f"label {label}", v.f1_exact, v.f1_overlap, v.precision, v.recall)
                 for label, v in sorted(g.by_label.items())]
        rows += [GoldRow(g.annotator, f"week {w.week}", w.f1_exact, w.f1_overlap, w.precision, w.recall)
                 for w in g.by_week]
    return rows


@dataclass(frozen=True)
class Column(Generic[RowT]):
    """A column of a ``RowsModel``: header, how to read the cell from a row, and whether it is a coefficient
    (drawn as a bar; ``n/a`` when undefined)."""

    header: str
    read: Callable[[RowT], Any]
    measure: bool = False


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
        self.cells: dict[tuple[str, str], PairAgreement] = {}
        self.measure = "f1_overlap"

    def set_report(self, report: AgreementReport | None) -> None:
        self.beginResetModel()
        pairs = report.by_pair if report is not None else ()
        self.names = sorted({p.a for p in pairs} | {p.b for p in pairs})
        self.cells = {}
        for p in pairs:
            self.cells[(p.a, p.b)] = p
            self.cells[(p.b, p.a)] = p
        self.endResetModel()

    def set_measure(self, measure: str) -> None:
        """Show another of ``MEASURES`` (by its key) in every cell."""
        self.measure = measure
        if self.names:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.names) - 1, len(self.names) - 1))

    def value(self, row: int, col: int) -> float | None:
        cell = self.cells.get((self.names[row], self.names[col]))
        return None if cell is None else MEASURES[self.measure].read(cell)

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
        cell = self.cells.get((self.names[r], self.names[c]))
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
            if cell is None:  # two annotators who never shared a report
                return "\n".join(f"{m.title}: {fmt(None)}" for m in MEASURES.values())
            parts = [f"{m.title}: {fmt(m.read(cell))}" for m in MEASURES.values()]
            if cell.reason and v is None:
                parts.append(cell.reason)
            return "\n".join([*parts, f"n_reports: {cell.n_reports}", f"n_spans: {cell.n_spans}"])
        return None


class RowsModel(RowTableModel, Generic[RowT]):
    """A list of result rows (per label, per report) shown through named columns; ``reason`` says why a
    row's figure is undefined (the tooltip of an ``n/a`` cell)."""

    def __init__(self, columns: Sequence[Column[RowT]], reason: Callable[[RowT], str | None],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.headers = [c.header for c in columns]
        self.reason = reason

    @property
    def rows(self) -> list[RowT]:
        return self._rows

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        v = column.read(row)
        if role == VALUE_ROLE:
            return v
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(v, float) or (v is None and column.measure):
                return fmt(v)
            if isinstance(v, (list, tuple)):
                return ", ".join(map(str, v))
            return "" if v is None else v
        if role == Qt.ItemDataRole.ToolTipRole and v is None:
            return self.reason(row)
        return None
