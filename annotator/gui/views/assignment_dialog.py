"""The supervisor's view (Supervisor → Assignments and review): who annotates what and where each stands.

Bulk assignment: tick the annotators, set how many per report and the overlap degree (the share of the
reports that get that many; the rest get one), and assign the selected reports (or all) round robin —
or select cells (report × annotator) and assign exactly those. Review: select a cell of work marked
done and accept it, or return it with a reason. Every write goes through the session's database lane,
and a refusal (an annotator is not a supervisor) is said in the dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.workflow import AWAITING_REVIEW, word
from annotator.gui.models.assignment_model import AssignmentModel
from annotator.gui.session import EditSession
from annotator.gui.tasks import error_text
from annotator.services import reports, roles, workflow


class AssignmentDialog(QDialog):
    def __init__(self, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assignments and review")
        self.session = session
        self.people = QListWidget(self)
        self.people.setMaximumHeight(120)
        self.per_report = QSpinBox(self)
        self.per_report.setRange(1, 20)
        self.per_report.setValue(2)
        self.overlap = QDoubleSpinBox(self)
        self.overlap.setRange(0, 100)
        self.overlap.setDecimals(0)
        self.overlap.setSuffix(" % of reports")
        self.overlap.setValue(100)
        self.round_robin = QPushButton("Assign round robin", self)
        self.round_robin.clicked.connect(self.assign_round_robin)
        self.by_hand = QPushButton("Assign the selected cells", self)
        self.by_hand.clicked.connect(self.assign_cells)
        self.unassign = QPushButton("Unassign", self)
        self.unassign.setToolTip("Take back the selected assignments that are not started yet")
        self.unassign.clicked.connect(self.unassign_cells)
        self.review_only = QCheckBox("Only reports waiting for review", self)
        self.review_only.toggled.connect(lambda _on: self.refresh())
        self.model = AssignmentModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._sync())
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("Why it goes back (the annotator reads this)")
        self.accept_button = QPushButton("Accept", self)
        self.accept_button.clicked.connect(lambda: self.review("accepted"))
        self.return_button = QPushButton("Return with reason", self)
        self.return_button.clicked.connect(lambda: self.review("returned"))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        plan = QHBoxLayout()
        plan.addWidget(QLabel("Per report:", self))
        plan.addWidget(self.per_report)
        plan.addWidget(QLabel("Overlap:", self))
        plan.addWidget(self.overlap)
        plan.addWidget(self.round_robin)
        plan.addWidget(self.by_hand)
        plan.addWidget(self.unassign)
        plan.addStretch(1)
        plan.addWidget(self.review_only)
        review = QHBoxLayout()
        review.addWidget(QLabel("Selected work:", self))
        review.addWidget(self.reason, 1)
        review.addWidget(self.accept_button)
        review.addWidget(self.return_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Annotators</b> (tick who takes part in a round-robin assignment)", self))
        layout.addWidget(self.people)
        layout.addLayout(plan)
        layout.addWidget(self.table, 1)
        layout.addLayout(review)
        layout.addWidget(self.status)
        self.resize(1100, 680)
        self.refresh()
        self._sync()

    # -- loading ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        ctx = self.session.ctx
        self.session.read(lambda: (reports.list_reports(ctx), roles.people(ctx)), lambda got: self._show(*got))

    def _show(self, summaries: list[reports.ReportSummary], people: list[dict[str, Any]]) -> None:
        names = [p["name"] for p in people if p["role"] == "annotator"] or [p["name"] for p in people]
        ticked = {self.people.item(i).text() for i in range(self.people.count())
                  if self.people.item(i).checkState() == Qt.CheckState.Checked}
        if [self.people.item(i).text() for i in range(self.people.count())] != names:
            self.people.clear()
            for name in names:
                item = QListWidgetItem(name, self.people)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if name in ticked else Qt.CheckState.Unchecked)
        if self.review_only.isChecked():
            summaries = [s for s in summaries if s.questions or AWAITING_REVIEW & set(s.statuses.values())]
        self.model.set_reports(summaries, names)
        self.table.setColumnWidth(0, 260)

    def ticked(self) -> list[str]:
        return [self.people.item(i).text() for i in range(self.people.count())
                if self.people.item(i).checkState() == Qt.CheckState.Checked]

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})

    # -- assigning --------------------------------------------------------------------------------------
    def _write(self, work: Any, said: Any) -> None:
        def written(result: Any) -> None:
            self.status.setStyleSheet("")
            self.status.setText(said(result))
            self.refresh()
            self.session.bus.reports_changed.emit()

        self.session.read(work, written, self._refused)

    def _refused(self, exc: BaseException) -> None:
        self.status.setStyleSheet("color: #b00020")
        self.status.setText(error_text(exc))

    def assign_round_robin(self) -> None:
        people = self.ticked()
        if not people:
            self._refused(ValueError("Tick the annotators who take part first."))
            return
        rows = self._selected_rows()
        ids = [self.model.report(r).id for r in rows] if rows else [self.model.report(r).id
                                                                     for r in range(self.model.rowCount())]
        ctx, per, share = self.session.ctx, min(self.per_report.value(), len(people)), self.overlap.value() / 100

        def work() -> list[Any]:
            plan = workflow.plan_round_robin(ctx, ids, people, per_report=per, overlap=share)
            return workflow.apply_plan(ctx, plan)

        self._write(work, lambda made: f"Assigned {len(made)} (report, annotator) pair(s) round robin, "
                                       f"{per} per report on {round(share * 100)} % of {len(ids)} report(s).")

    def assign_cells(self) -> None:
        pairs: dict[str, list[str]] = {}
        for index in self.table.selectionModel().selectedIndexes():
            who = self.model.person(index.column())
            if who is not None and not self.model.status(index):
                pairs.setdefault(self.model.report(index.row()).id, []).append(who)
        if not pairs:
            self._refused(ValueError("Select empty cells (a report under an annotator's name) to assign."))
            return
        ctx = self.session.ctx
        self._write(lambda: workflow.apply_plan(ctx, pairs), lambda made: f"Assigned {len(made)} by hand.")

    def unassign_cells(self) -> None:
        """Take back the selected assignments not started yet, in one transaction: a cell assigned by
        mistake could not be taken back in the window (only ``status set unassigned`` could)."""
        pairs = [(self.model.report(index.row()).id, who) for index in self.table.selectionModel().selectedIndexes()
                 if (who := self.model.person(index.column())) is not None and self.model.status(index) == "assigned"]
        if not pairs:
            self._refused(ValueError("Select cells that are assigned and not started yet to take them back."))
            return
        ctx = self.session.ctx
        self._write(lambda: workflow.unassign(ctx, pairs), lambda n: f"Took back {n} assignment(s).")

    # -- reviewing --------------------------------------------------------------------------------------
    def _sync(self) -> None:
        index = self.table.currentIndex()
        state = self.model.status(index) if index.isValid() else None
        self.accept_button.setEnabled(state in AWAITING_REVIEW)
        self.return_button.setEnabled(state in (*AWAITING_REVIEW, "accepted", "in_progress"))

    def review(self, state: str) -> None:
        index = self.table.currentIndex()
        who = self.model.person(index.column()) if index.isValid() else None
        if who is None:
            self._refused(ValueError("Select the cell of the work to review."))
            return
        rid, ctx, reason = self.model.report(index.row()).id, self.session.ctx, self.reason.text().strip() or None
        self._write(lambda: workflow.set_status(ctx, rid, state, annotator=who, reason=reason),
                    lambda s: f"{who}'s work is {word(s.status)}" + (f": {s.reason}" if s.reason else "") + ".")
        self.reason.clear()
