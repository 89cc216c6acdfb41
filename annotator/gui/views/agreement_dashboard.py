"""The supervisor's dashboard: agreement per annotator pair (heatmap), per label (bars) and per
report (most disagreement first). It computes off the GUI thread with progress and Cancel, exports
the figures (CSV, JSON) and the heatmap (PNG), and opens a side-by-side view of a report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QBuffer, QIODevice, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.files.atomic import write_atomic
from annotator.gui.models.agreement_models import (
    MEASURES,
    VALUE_ROLE,
    Column,
    GoldRow,
    LabelRow,
    PairMatrixModel,
    RowsModel,
    fmt,
    gold_rows,
    heat,
)
from annotator.gui.tasks import BackgroundJob, error_text
from annotator.gui.views.job_panel import JobPanel
from annotator.services.context import ServiceContext

if TYPE_CHECKING:  # the report types only annotate here; importing annotator.agreement loads numpy
    from annotator.agreement.report_types import AgreementReport, ReportAgreement

LABEL_COLUMNS: list[Column[LabelRow]] = [
    Column("Label", lambda r: r.label), Column("F1 exact", lambda r: r.figures.f1_exact, measure=True),
    Column("F1 overlap", lambda r: r.figures.f1_overlap, measure=True),
    Column("α_U", lambda r: r.figures.alpha_u, measure=True), Column("Spans", lambda r: r.figures.n_spans)]
REPORT_COLUMNS: list[Column[ReportAgreement]] = [
    Column("Report", lambda r: r.title), Column("Annotators", lambda r: r.n_annotators),
    Column("F1 exact", lambda r: r.f1_exact, measure=True), Column("F1 overlap", lambda r: r.f1_overlap, measure=True),
    Column("α_U", lambda r: r.alpha_u, measure=True), Column("Spans", lambda r: r.n_spans)]
GOLD_COLUMNS: list[Column[GoldRow]] = [
    Column("Annotator", lambda r: r.annotator), Column("Against gold", lambda r: r.scope),
    Column("F1 exact", lambda r: r.f1_exact, measure=True), Column("F1 overlap", lambda r: r.f1_overlap, measure=True),
    Column("Precision", lambda r: r.precision, measure=True), Column("Recall", lambda r: r.recall, measure=True)]


class BarDelegate(QStyledItemDelegate):
    """A coefficient cell drawn as a bar (0..1) with its value, so weak labels stand out."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(VALUE_ROLE)
        if not isinstance(value, (int, float)):
            super().paint(painter, option, index)
            return
        painter.save()
        rect: QRect = option.rect.adjusted(2, 3, -2, -3)
        width = int(rect.width() * max(0.0, min(1.0, float(value))))
        painter.fillRect(QRect(rect.left(), rect.top(), width, rect.height()), heat(float(value)))
        painter.setPen(option.palette.color(option.palette.ColorRole.Text))
        painter.drawText(rect.adjusted(4, 0, 0, 0), int(Qt.AlignmentFlag.AlignVCenter), fmt(float(value)))
        painter.restore()


class AgreementDashboard(QDialog):
    computed = Signal(object)  # the AgreementReport shown
    open_report = Signal(str)  # a report id to show side by side

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Agreement")
        self.report: AgreementReport | None = None
        self.measure = QComboBox(self)
        for key, measure in MEASURES.items():
            self.measure.addItem(measure.title, key)
        self.compute_button = QPushButton("Compute", self)
        self.compute_button.clicked.connect(self.compute)
        self.csv_button = QPushButton("Export CSV…", self)
        self.csv_button.clicked.connect(lambda: self._save("csv"))
        self.json_button = QPushButton("Export JSON…", self)
        self.json_button.clicked.connect(lambda: self._save("json"))
        self.png_button = QPushButton("Heatmap PNG…", self)
        self.png_button.clicked.connect(lambda: self._save("png"))
        self.panel = JobPanel(self)
        self.summary = QLabel("Press Compute to measure agreement on every report with two or more annotators.", self)
        self.summary.setWordWrap(True)
        self.pairs = PairMatrixModel(self)
        self.pair_view = QTableView(self)
        self.pair_view.setModel(self.pairs)
        self.pair_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.pair_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.labels: RowsModel[LabelRow] = RowsModel(LABEL_COLUMNS, lambda r: r.figures.reason, self)
        self.label_view = self._table(self.labels)
        self.reports: RowsModel[ReportAgreement] = RowsModel(REPORT_COLUMNS, lambda r: r.reason, self)
        self.report_view = self._table(self.reports)
        # "activated" is the double-click (or Enter) on every platform; connecting doubleClicked as
        # well opened two side-by-side windows for one gesture
        self.report_view.activated.connect(self._report_activated)
        self.gold: RowsModel[GoldRow] = RowsModel(GOLD_COLUMNS, lambda r: r.reason, self)
        self.gold_view = self._table(self.gold)
        # every column in view at the dialog's size (the label table's span counts were cut off, unheaded)
        for view, widths in ((self.gold_view, (90, 130, 90, 90, 90)), (self.label_view, (110, 100, 100, 100))):
            for column, width in enumerate(widths):
                view.setColumnWidth(column, width)
        bars = BarDelegate(self)
        for view, bar_columns in ((self.label_view, [c.measure for c in LABEL_COLUMNS]),
                                  (self.report_view, [c.measure for c in REPORT_COLUMNS]),
                                  (self.gold_view, [c.measure for c in GOLD_COLUMNS])):
            for i, is_measure in enumerate(bar_columns):
                if is_measure:
                    view.setItemDelegateForColumn(i, bars)
        self.token_note = QLabel("", self)
        self.token_note.setWordWrap(True)
        self.measure.currentIndexChanged.connect(lambda _i: self.pairs.set_measure(self.measure.currentData()))

        top = QHBoxLayout()
        top.addWidget(QLabel("Heatmap:", self))
        top.addWidget(self.measure)
        top.addStretch(1)
        for b in (self.compute_button, self.csv_button, self.json_button, self.png_button):
            top.addWidget(b)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Annotator pairs</b>", self))
        left_layout.addWidget(self.pair_view, 3)
        left_layout.addWidget(QLabel("<b>Labels</b>", self))
        left_layout.addWidget(self.label_view, 2)
        reports = QWidget(self)
        reports_layout = QVBoxLayout(reports)
        reports_layout.setContentsMargins(0, 0, 0, 0)
        reports_layout.addWidget(QLabel("Most disagreement first; double-click to compare", self))
        reports_layout.addWidget(self.report_view)
        self.gold_note = QLabel("", self)
        self.gold_note.setWordWrap(True)
        with_gold = QWidget(self)
        gold_layout = QVBoxLayout(with_gold)
        gold_layout.setContentsMargins(0, 0, 0, 0)
        gold_layout.addWidget(self.gold_note)
        gold_layout.addWidget(self.gold_view)
        self.right_tabs = QTabWidget(self)
        self.right_tabs.addTab(reports, "Reports")
        self.right_tabs.addTab(with_gold, "With gold")
        right = self.right_tabs
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([520, 600])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.panel)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(self.token_note)
        self.job: BackgroundJob | None = None
        self.resize(1200, 760)

    def _table(self, model: QAbstractItemModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setStretchLastSection(True)
        view.setColumnWidth(0, 220)
        return view

    # -- computing ----------------------------------------------------------------------------------
    def compute(self, *, run: bool = True) -> BackgroundJob:
        from annotator.services.agreement import compute_agreement  # noqa: PLC0415 (numpy-backed, only when the dashboard computes)

        ctx = self.ctx
        self.job = BackgroundJob(lambda progress, cancel: compute_agreement(ctx, progress=progress, cancel=cancel),
                                 self)
        self.panel.follow(self.job)
        self.compute_button.setEnabled(False)
        self.job.finished.connect(self.show_report)
        self.job.failed.connect(lambda m: self._stopped(m))
        self.job.cancelled.connect(lambda: self._stopped("Cancelled."))
        if run:
            self.job.start()
        return self.job

    def _stopped(self, message: str) -> None:
        self.compute_button.setEnabled(True)
        self.summary.setText(message)

    def show_report(self, report: AgreementReport) -> None:
        self.compute_button.setEnabled(True)
        self.report = report
        self.pairs.set_report(report)
        self.labels.set_rows([LabelRow(k, v) for k, v in sorted(report.by_label.items())])
        self.reports.set_rows(report.by_report)
        self.gold.set_rows(gold_rows(report))
        self.gold_note.setText(
            "Each annotator against gold (the reference side: precision = their spans gold also has), over all "
            "labels, per label and per ISO week of their last edit." if report.vs_gold else
            "No gold set yet: curate one (Supervisor → Compare annotators) to see each annotator against it.")
        o = report.overall
        self.summary.setText(
            f"Overall: F1 exact {fmt(o.f1_exact)}, F1 overlap {fmt(o.f1_overlap)} "
            f"(macro over labels {fmt(o.macro_f1_overlap)}), α_U {fmt(o.alpha_u)}; "
            f"{o.n_spans} spans, {len(self.pairs.names)} annotators, {len(report.by_report)} reports.")
        tk = report.token_kappa
        self.token_note.setText(f"Token κ {fmt(tk.kappa)} over {tk.tokens} tokens — {tk.explanation}")
        self.computed.emit(report)

    def _report_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_report.emit(self.reports.rows[index.row()].report)

    # -- export -------------------------------------------------------------------------------------
    def _save(self, kind: str) -> None:
        if self.report is None:
            self.summary.setText("Compute first.")
            return
        filters = {"csv": "CSV (*.csv)", "json": "JSON (*.json)", "png": "PNG image (*.png)"}
        path, _ = QFileDialog.getSaveFileName(self, "Export agreement", str(Path.home() / f"agreement.{kind}"),
                                              filters[kind])
        if path:
            self.export(Path(path), kind)

    def export(self, path: Path, kind: str) -> Path:
        """The figures (JSON, CSV) or the heatmap (PNG), each written atomically."""
        from annotator.services.agreement import write_report  # noqa: PLC0415 (numpy-backed, only when the dashboard computes)

        assert self.report is not None
        try:
            if kind == "png":
                buffer = QBuffer()
                buffer.open(QIODevice.OpenModeFlag.WriteOnly)
                self.pair_view.grab().save(buffer, "PNG")
                write_atomic(path, bytes(buffer.data().data()))
            else:
                write_report(self.report, path, kind)
        except Exception as exc:  # noqa: BLE001 - one sentence; nothing half-written is left
            self.summary.setText(error_text(exc))
            return path
        self.summary.setText(f"Wrote {path}.")
        return path
