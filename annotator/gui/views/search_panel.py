"""The Search tab: a concordance of the corpus (keyword in context) and annotate-all.

Type text (Arabic-normalised: alef/hamza forms, ta marbuta, diacritics and tatweel ignored; Latin case
and accents ignored) and press Enter; the search runs on the database lane (``services.search``) and
fills the table: report, left context, match, right context. Enter or a double-click on a row shows
that match in the text; Space ticks it; Ctrl+Enter (or the button) annotates every ticked match with
the chosen label — one undoable step in each report touched (undo acts per report).

Under the query, filters turn the search into one of annotated spans: *label*, *annotator*, *entity*
(every mention of one registry entity across reports: typed as its id, or set by *Mentions* in the
span inspector), *status* (the workflow status of the set a span is in) and *source* (where it came
from: a suggestion source, the search, a model, or *manual* for spans that record none); choosing one
runs the search, with or without text."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.ids import GOLD
from annotator.gui import keymap
from annotator.gui.bidi import isolate
from annotator.gui.session import EditSession
from annotator.gui.tasks import error_text
from annotator.services import identity, search

LIMIT = 500  # rows at most (the status line says when there may be more)


class _Table(QTableWidget):
    open_row = Signal(int)
    annotate = Signal()

    def __init__(self, parent: QWidget, annotate_keys: tuple[str, ...]) -> None:
        super().__init__(0, 5, parent)
        self._annotate = [QKeySequence(k) for k in annotate_keys]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        pressed = QKeySequence(event.keyCombination())
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if any(pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in self._annotate) or \
                (event.key() == Qt.Key.Key_Enter and ctrl):
            self.annotate.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.open_row.emit(self.currentRow())
            return
        if event.key() == Qt.Key.Key_Space and self.currentRow() >= 0:
            item = self.item(self.currentRow(), 0)
            if item is not None:
                item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
                                   else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    show_hit = Signal(str, int, int)  # report id, start, end (code points)
    annotate = Signal(str, list)  # label, [Hit]: the window pushes one undoable step per report

    def __init__(self, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.hits: list[search.Hit] = []
        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Search the corpus (Enter)")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.run)
        self.label_filter = QComboBox(self)
        self.label_filter.setAccessibleName("Label filter")
        self.label_filter.setToolTip("Only spans of this label")
        self.label_filter.addItem("Any label", None)
        for name in session.schema.label_names:
            self.label_filter.addItem(name, name)
        self.annotator_filter = QComboBox(self)
        self.annotator_filter.setAccessibleName("Annotator filter")
        self.annotator_filter.setToolTip("Only spans in this annotator's set")
        self.annotator_filter.addItem("Any annotator", None)
        self.entity_filter = QLineEdit(self)
        self.entity_filter.setAccessibleName("Entity filter")
        self.entity_filter.setPlaceholderText("Any entity")
        self.entity_filter.setClearButtonEnabled(True)
        self.entity_filter.setToolTip("Every mention of one registry entity: its id (Mentions in the span "
                                      "inspector fills it), then Enter")
        self.entity_filter.returnPressed.connect(self.run)
        self.label_filter.activated.connect(lambda _i: self.run())
        self.annotator_filter.activated.connect(lambda _i: self.run())
        self.status_box = QComboBox(self)
        self.status_box.setAccessibleName("Status filter")
        self.status_box.setToolTip("Only spans in sets of this workflow status")
        self.status_box.addItem("Any status", None)
        for word in search.STATUS_WORDS:
            self.status_box.addItem(word, word)
        self.source_box = QComboBox(self)
        self.source_box.setAccessibleName("Source filter")
        self.source_box.setEditable(True)  # a family or one name: annotation:alice, model:en_core_web_sm
        self.source_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.source_box.addItems(["", *search.SOURCE_WORDS])
        editor = self.source_box.lineEdit()
        assert editor is not None  # an editable combo has its line edit
        editor.setPlaceholderText("Any source")
        self.source_box.setToolTip("Only spans from this source: manual (no recorded source), registry, date, "
                                   "annotation[:NAME], search, model[:NAME]")
        self.status_box.activated.connect(lambda _i: self.run())
        self.source_box.activated.connect(lambda _i: self.run())
        editor.returnPressed.connect(self.run)
        self.label_box = QComboBox(self)
        self.label_box.addItems(list(session.schema.label_names))
        self.annotate_button = QPushButton("Annotate ticked", self)
        self.annotate_button.setToolTip("Annotate every ticked match with the label (Ctrl+Enter): one undo step "
                                        "in each report")
        self.annotate_button.clicked.connect(self._annotate)
        self.table = _Table(self, keymap.keys(session.schema, "search-annotate"))
        self.table.setHorizontalHeaderLabels(["", "Report", "Before", "Match", "After"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col, width in ((1, 90), (2, 140), (3, 110), (4, 140)):
            self.table.setColumnWidth(col, width)
        self.table.open_row.connect(self._open)
        self.table.cellDoubleClicked.connect(lambda row, _col: self._open(row))
        self.table.annotate.connect(self._annotate)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        # two short rows, the combos free to shrink: the filters never widen the panel at the text's cost
        filters, more = QHBoxLayout(), QHBoxLayout()
        for combo in (self.label_filter, self.annotator_filter, self.status_box, self.source_box):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(3)
        for row, widgets in ((filters, (self.label_filter, self.annotator_filter, self.status_box)),
                             (more, (self.entity_filter, self.source_box))):
            for widget in widgets:
                row.addWidget(widget, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.label_box, 1)
        bottom.addWidget(self.annotate_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addLayout(filters)
        lay.addLayout(more)
        lay.addWidget(self.table, 1)
        lay.addLayout(bottom)
        lay.addWidget(self.status)
        self._asked = 0

    def filters(self) -> dict[str, str | None]:
        """The label, annotator, entity, status and source chosen (None: any)."""
        return {"label": self.label_filter.currentData(), "annotator": self.annotator_filter.currentData(),
                "entity": self.entity_filter.text().strip() or None, "status": self.status_box.currentData(),
                "source": self.source_box.currentText().strip() or None}

    def show_mentions(self, entity_id: str) -> None:
        """Every mention of one registry entity across the corpus (the inspector's Mentions)."""
        self.entity_filter.setText(entity_id)
        self.run()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """The annotator list as the database has it now (bundles and a team server add names)."""
        super().showEvent(event)
        ctx = self.session.ctx
        self.session.read(lambda: identity.annotators(ctx), self._annotators)

    def _annotators(self, names: list[str]) -> None:
        chosen = self.annotator_filter.currentData()
        self.annotator_filter.clear()
        self.annotator_filter.addItem("Any annotator", None)
        for name in [*names, GOLD]:  # the adjudicated set is searchable too
            self.annotator_filter.addItem(name, name)
        self.annotator_filter.setCurrentIndex(max(0, self.annotator_filter.findData(chosen)))

    def run(self) -> None:
        """Search for the query and filters on the database lane; only the latest answer is shown."""
        text = self.query.text()
        chosen = self.filters()
        if not text.strip() and not any(chosen.values()):
            return
        self._asked += 1
        asked = self._asked
        ctx = self.session.ctx
        self.status.setText("Searching …")
        self.session.read(lambda: search.search(ctx, text, **chosen, limit=LIMIT),
                          lambda hits: self._show(hits) if asked == self._asked else None,
                          lambda exc: self.status.setText(error_text(exc)))

    def _show(self, hits: list[search.Hit]) -> None:
        self.hits = list(hits)
        self.table.setRowCount(len(hits))
        for row, h in enumerate(hits):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            tick.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, tick)
            cells = (h.title or h.report[:12], _flat(h.left)[-40:], h.text, _flat(h.right)[:40])
            for col, value in enumerate(cells, 1):
                item = QTableWidgetItem(isolate(value))
                item.setToolTip(f"{h.title}\n{h.report[:12]}… characters {h.start}–{h.end}"
                                + (f"\n{h.label} ({h.annotator})" if h.label else ""))
                if col == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if hits:
            self.table.setCurrentCell(0, 1)
        more = " (the first ones; refine the query for the rest)" if len(hits) >= LIMIT else ""
        reports = len({h.report for h in hits})
        self.status.setText(f"{len(hits)} match{'es' if len(hits) != 1 else ''} in {reports} "
                            f"report{'s' if reports != 1 else ''}{more}" if hits else "No matches.")

    def ticked(self) -> list[search.Hit]:
        return [h for row, h in enumerate(self.hits)
                if self._tick_box(row).checkState() == Qt.CheckState.Checked]

    def tick(self, rows: list[int] | None = None) -> None:
        """Tick rows (all when ``rows`` is None)."""
        for row in range(len(self.hits)) if rows is None else rows:
            self._tick_box(row).setCheckState(Qt.CheckState.Checked)

    def _tick_box(self, row: int) -> QTableWidgetItem:
        """The check box cell of a row (``show`` gives every row one)."""
        item = self.table.item(row, 0)
        assert item is not None
        return item

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.hits):
            h = self.hits[row]
            self.show_hit.emit(h.report, h.start, h.end)

    def _annotate(self) -> None:
        chosen = self.ticked()
        if not chosen:
            self.status.setText("Tick the matches to annotate first (Space).")
            return
        label = self.label_box.currentText()
        self.annotate.emit(label, chosen)
        self.status.setText(f"Annotating {len(chosen)} match{'es' if len(chosen) != 1 else ''} as {label} …")
        for row in range(len(self.hits)):
            self._tick_box(row).setCheckState(Qt.CheckState.Unchecked)


    def annotated(self, label: str, made: int, asked: int, failed: int) -> None:
        """What annotating the ticked matches did, once every report's step has answered (the
        "Annotating …" sentence stayed forever before)."""
        said = f"Annotated {made} match{'es' if made != 1 else ''} as {label}"
        if made < asked and not failed:  # a match that already is a span of the label is skipped
            said += f" ({asked - made} {'were' if asked - made != 1 else 'was'} already {label})"
        if failed:
            said += f"; {failed} report{'s' if failed != 1 else ''} refused the change (see the message)"
        self.status.setText(said + ".")


def _flat(s: str) -> str:
    return " ".join(s.split())
