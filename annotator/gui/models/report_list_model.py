"""The report list: one row per report (title, published, length, my spans, status), keyed by id.
Edits refresh only the rows their ``Change`` names."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from annotator.core.ids import GOLD
from annotator.core.workflow import OPEN, word
from annotator.gui.bidi import isolate
from annotator.gui.models.table_base import Index, RowTableModel
from annotator.services.reports import ReportSummary

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Title", "Published", "Length", "Mine", "Status")



def status_of(summary: ReportSummary, annotator: str) -> str:
    """Where this annotator stands on a report, in words a supervisor also uses: their workflow status
    (assigned, in progress, done, returned …) when they have one, else what the sets say."""
    if annotator in summary.statuses:
        return word(summary.statuses[annotator])
    if summary.statuses.get(GOLD) == "curated":
        return "curated"
    mine = summary.annotators.get(annotator)
    others = [n for n in summary.annotators if n != annotator and n != GOLD]
    if summary.annotators.get(GOLD):  # a gold set with spans (one emptied by an undo in curation is no verdict)
        return "adjudicated"
    if mine:
        return "annotated" if not others else f"annotated (+{len(others)})"
    if others:
        return f"by {len(others)} other{'s' if len(others) > 1 else ''}"
    return "new"


class ReportListModel(RowTableModel):
    headers = COLUMNS

    def __init__(self, annotator: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.annotator = annotator
        self._rows: list[ReportSummary] = []
        self._row_of: dict[str, int] = {}

    def set_reports(self, reports: list[ReportSummary]) -> None:
        self.beginResetModel()
        self._rows = list(reports)
        self._row_of = {r.id: i for i, r in enumerate(self._rows)}
        self.endResetModel()

    def update_reports(self, reports: list[ReportSummary]) -> None:
        """Replace the rows of these reports in place (after an edit changed their counts)."""
        for summary in reports:
            row = self._row_of.get(summary.id)
            if row is None:
                continue
            self._rows[row] = summary
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def summaries(self) -> list[ReportSummary]:
        return list(self._rows)

    def summary(self, row: int) -> ReportSummary:
        return self._rows[row]

    def row_of(self, report_id: str) -> int | None:
        return self._row_of.get(report_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == ID_ROLE:
            return r.id
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.title or r.id[:12], r.published or "", f"{r.chars:,}",
                    r.annotators.get(self.annotator, 0), status_of(r, self.annotator))[col]
        if role == SORT_ROLE:
            return ((r.title or "").casefold(), r.published or "", r.chars,
                    r.annotators.get(self.annotator, 0), status_of(r, self.annotator))[col]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return f"your spans on this report ({self.annotator})"
        if role == Qt.ItemDataRole.ToolTipRole:
            who = ", ".join(f"{n}: {c}" for n, c in sorted(r.annotators.items())) or "nobody yet"
            states = ", ".join(f"{n}: {word(s)}" for n, s in sorted(r.statuses.items())) or "not assigned"
            asked = f"\n{r.questions} open question(s) for the supervisor" if r.questions else ""
            mine = r.returned.get(self.annotator)
            back = f"\nreturned to you {isolate(mine)}" if mine else ""
            return f"{r.title}\n{r.source or ''}\nid {r.id[:16]}…\nspans — {who}\nstatus — {states}{asked}{back}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0 and r.direction == "rtl":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ReportFilterModel(QSortFilterProxyModel):
    """Filter box over title, source and id, and *My queue* (the reports assigned to the annotator,
    in progress or returned); sorting by typed values, not display strings."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.queue_only = False
        self.terms: list[str] = []

    def set_text(self, text: str) -> None:
        """The filter box's text as typed: every word of it is found in the title, source, id or date
        (any script, hyphens and all). Qt's fixed-string filter was read back as a regular expression's
        escaped pattern, so "Iraqi factions", "2024-04" or any Arabic word matched nothing."""
        self.beginFilterChange()
        self.terms = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_queue_only(self, on: bool) -> None:
        self.beginFilterChange()
        self.queue_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, _source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ReportListModel)
        r = model.summary(source_row)
        if self.queue_only and r.statuses.get(model.annotator) not in OPEN:
            return False
        if not self.terms:
            return True
        fields = [(v or "").casefold() for v in (r.title, r.source, r.id, r.published)]
        return all(any(term in field for field in fields) for term in self.terms)
