"""The Events tab: the events of the set shown, and the selected one's editor (type, counts with
their best / low / high, qualifiers, roles filled from the span selected in the text) and what each
dataset still misses before it can be exported, and the incident that groups it with other
reports' events. Every change is an undoable edit the window makes;
the panel only says what the user asked for."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.events import COUNT_KINDS, ESTIMATES, QUALIFIERS, Event
from annotator.core.schema import Schema
from annotator.gui.models.event_table_model import EventTableModel

UNKNOWN = -1  # a spin box at its minimum means "not reported"
NEW_INCIDENT = "\x00new"  # the combo's last entry: make an incident (no incident id can be this)


class EventsPanel(QWidget):
    """Signals carry the event as shown and what to change; the window makes the commands."""

    change = Signal(object, str, dict)  # event, op, what changes: {"type"}, {"kind", "value"}, {"qualifier", "on"}
    delete = Signal(object)  # event
    fill_role = Signal(object, str)  # event, role: put the span selected in the text into it
    chosen = Signal(object)  # the event selected in the list (None: none)
    new_incident = Signal(object, str)  # event, title: make an incident and put the event in it

    def __init__(self, model: EventTableModel, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.schema = schema
        self.current: Event | None = None
        self.table = QTableView(self)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, 170)
        self.table.setColumnWidth(2, 200)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._choose(cur.row()))
        model.modelReset.connect(self._reselect)
        # a span deleted, relabelled or moved: the roles read again ("actor1: IRGC" stayed after IRGC was deleted)
        model.dataChanged.connect(lambda *_: self._show_roles(self.current))

        self.type_combo = QComboBox(self)
        events = schema.events
        for t in (events.types if events is not None else ()):
            self.type_combo.addItem(t.title, t.name)
        self.type_combo.activated.connect(lambda _i: self._emit("set_event_type", type=self.type_combo.currentData()))
        self.counts: dict[tuple[str, str], QSpinBox] = {}
        counts = QGridLayout()
        for col, part in enumerate(ESTIMATES):
            counts.addWidget(QLabel(part, self), 0, col + 1)
        for row, kind in enumerate(COUNT_KINDS, start=1):
            counts.addWidget(QLabel(kind, self), row, 0)
            for col, part in enumerate(ESTIMATES):
                spin = QSpinBox(self)
                spin.setRange(UNKNOWN, 1_000_000)
                spin.setSpecialValueText("—")
                spin.setKeyboardTracking(False)
                spin.editingFinished.connect(lambda k=kind: self._count_done(k))
                counts.addWidget(spin, row, col + 1)
                self.counts[(kind, part)] = spin
        self.qualifiers: dict[str, QCheckBox] = {}
        quals = QHBoxLayout()
        for q in QUALIFIERS:
            box = QCheckBox(q, self)
            box.clicked.connect(lambda _on, name=q: self._toggle(name))
            quals.addWidget(box)
            self.qualifiers[q] = box
        self.roles = QLabel("", self)
        self.roles.setWordWrap(True)
        self.fill_button = QToolButton(self)
        self.fill_button.setText("Put the selected span in role ▾")
        self.fill_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.fill_button)
        for r in (events.roles if events is not None else ()):
            menu.addAction(r.name, partial(self._fill, r.name))
        self.fill_button.setMenu(menu)
        self.incident_combo = QComboBox(self)  # the incident this event belongs to, across reports and sources
        self.incident_combo.setToolTip("Group this event with the events of other reports describing the same "
                                       "happening (their counts are kept side by side in the exports)")
        self.incident_combo.activated.connect(lambda _i: self._incident_chosen())
        self.set_incidents([])
        self.delete_button = QPushButton("Delete event", self)
        self.delete_button.clicked.connect(lambda: self.current is not None and self.delete.emit(self.current))
        self.missing = QLabel("", self)
        self.missing.setWordWrap(True)
        self.hint = QLabel("Select a claim in the text and press <b>E</b> to make an event of it.", self)
        self.hint.setWordWrap(True)

        self.editor = QWidget(self)
        form = QFormLayout(self.editor)
        form.addRow("Type", self.type_combo)
        form.addRow("Counts", counts)
        form.addRow("Qualifiers", quals)
        form.addRow("Roles", self.roles)
        form.addRow("Incident", self.incident_combo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fill_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow("Export", self.missing)
        scroll = QScrollArea(self)  # the editor keeps its natural size and scrolls in a short panel
        scroll.setWidget(self.editor)
        scroll.setWidgetResizable(True)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(scroll)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(split, 1)
        self.show_event(None)

    # -- showing ------------------------------------------------------------------------------------
    def _fill(self, role: str) -> None:
        """The role menu's choice: the span selected in the text goes into ``role`` of the event shown."""
        if self.current is not None:
            self.fill_role.emit(self.current, role)

    def _choose(self, row: int) -> None:
        event = self.model.event_at(row) if 0 <= row < self.model.rowCount() else None
        self.show_event(event)
        self.chosen.emit(event)

    def _reselect(self) -> None:
        """After the list refreshed, keep the same event selected, with its fresh fields."""
        current = self.current
        row = self.model.row_of(current.id) if current is not None else None
        if row is None:
            self.show_event(None)
            return
        self.table.selectRow(row)
        self.show_event(self.model.event_at(row))

    def show_event(self, event: Event | None) -> None:
        self.current = event
        self.editor.setEnabled(event is not None)
        self.missing.setText("")
        # with no event the fields are emptied, not only disabled: greyed out, the last event's type and
        # counts read as this report's (a report with no event showed another report's "Meeting")
        self.type_combo.setCurrentIndex(-1 if event is None else max(0, self.type_combo.findData(event.type)))
        for (kind, part), spin in self.counts.items():
            value = None if event is None else getattr(event.count(kind), part)
            spin.blockSignals(True)
            spin.setValue(UNKNOWN if value is None else value)
            spin.blockSignals(False)
        for q, box in self.qualifiers.items():
            box.setChecked(event is not None and q in event.qualifiers)
        self._show_incident(None if event is None else event.incident)
        if event is None:
            self.roles.setText("<i>no event selected</i>")
            return
        self._show_roles(event)

    def _show_roles(self, event: Event | None) -> None:
        if event is None:
            return
        self.roles.setText("<br>".join(f"<b>{r}</b>: {', '.join(self.model.span_text(s) for s in ids) or '—'}"
                                       for r, ids in event.roles.items()) or "<i>no role filled</i>")

    def set_incidents(self, incidents: list[dict[str, Any]]) -> None:
        """The incidents known to the database (id, title, events), listed by title."""
        self.incident_combo.blockSignals(True)
        self.incident_combo.clear()
        self.incident_combo.addItem("— none —", None)
        for i in sorted(incidents, key=lambda i: (i.get("title") or "").casefold()):
            self.incident_combo.addItem(f"{i.get('title') or i['id']} ({i.get('events', 0)} events)", i["id"])
        self.incident_combo.addItem("New incident…", NEW_INCIDENT)
        self.incident_combo.blockSignals(False)
        self._show_incident(self.current.incident if self.current is not None else None)

    def _show_incident(self, incident: str | None) -> None:
        at = self.incident_combo.findData(incident)
        if at < 0 and incident:  # an incident named by an imported event, not listed yet
            self.incident_combo.insertItem(1, incident, incident)
            at = 1
        self.incident_combo.setCurrentIndex(max(0, at))

    def _incident_chosen(self) -> None:
        if self.current is None:
            return
        chosen = self.incident_combo.currentData()
        if chosen == NEW_INCIDENT:
            title, ok = QInputDialog.getText(self, "New incident", "What happened (a short title):")
            if ok and title.strip():
                self.new_incident.emit(self.current, title.strip())
            self._show_incident(self.current.incident)
        elif chosen != self.current.incident:
            self._emit("set_event_incident", incident=chosen)

    def show_missing(self, event_id: str, missing: dict[str, list[str]]) -> None:
        """What each dataset still needs before the event can be exported (from the lane)."""
        if self.current is None or self.current.id != event_id:
            return
        parts = [f"{name}: " + (", ".join(fields) if fields else "ready") for name, fields in missing.items()]
        self.missing.setText("; ".join(parts))

    # -- edits --------------------------------------------------------------------------------------
    def _emit(self, op: str, **fields: Any) -> None:
        if self.current is not None:
            self.change.emit(self.current, op, fields)

    def _count_done(self, kind: str) -> None:
        if self.current is None:
            return
        value = {part: (None if self.counts[(kind, part)].value() == UNKNOWN else self.counts[(kind, part)].value())
                 for part in ESTIMATES}
        if value != self.current.count(kind).to_dict():
            self._emit("set_event_count", kind=kind, value=value)

    def _toggle(self, qualifier: str) -> None:
        if self.current is not None:
            self._emit("set_event_qualifier", qualifier=qualifier, on=self.qualifiers[qualifier].isChecked())
