"""The selected span in detail: attributes (from the schema), a date's ISO value, and an actor's or
place's entity with ranked candidates to confirm, pick, or replace by a new entity. Each change is
an undoable edit through the window's undo stack."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QInputDialog, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from annotator.core.schema import Schema
from annotator.core.spans import Span
from annotator.gui.models.span_table_model import excerpt

ENTITY_ROLE = Qt.ItemDataRole.UserRole + 1
FLAG = ("true", "false")


class SpanInspector(QWidget):
    """Emits ``edit(span, fields)`` with the new field values; the window turns it into a command."""

    edit = Signal(object, dict)
    new_entity = Signal(object, str)  # span, the name typed for a new registry entry

    def __init__(self, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schema = schema
        self.span: Span | None = None
        self.title = QLabel("No span selected", self)
        self.title.setWordWrap(True)
        self.form = QFormLayout()
        self.value_edit = QLineEdit(self)
        self.value_edit.setPlaceholderText("ISO 8601: 2024-04-07, 2024-04, 2024-04-05/2024-04-07")
        self.value_edit.editingFinished.connect(self._value_done)
        self.value_state = QLabel("", self)
        self.entity_label = QLabel("", self)
        self.entity_label.setWordWrap(True)
        self.candidates = QListWidget(self)
        self.candidates.setMaximumHeight(130)
        self.candidates.itemActivated.connect(self._pick)
        self.link_button = QPushButton("Link", self)
        self.link_button.clicked.connect(lambda: self._pick(self.candidates.currentItem()))
        self.unlink_button = QPushButton("Unlink", self)
        self.unlink_button.clicked.connect(self._unlink)
        self.new_button = QPushButton("New entity…", self)
        self.new_button.clicked.connect(self._new)
        buttons = QHBoxLayout()
        for b in (self.link_button, self.unlink_button, self.new_button):
            buttons.addWidget(b)
        self.entity_box = QWidget(self)
        entity_layout = QVBoxLayout(self.entity_box)
        entity_layout.setContentsMargins(0, 0, 0, 0)
        entity_layout.addWidget(self.entity_label)
        entity_layout.addWidget(self.candidates)
        entity_layout.addLayout(buttons)
        self.value_box = QWidget(self)
        value_layout = QVBoxLayout(self.value_box)
        value_layout.setContentsMargins(0, 0, 0, 0)
        value_layout.addWidget(self.value_edit)
        value_layout.addWidget(self.value_state)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.value_box)
        layout.addWidget(self.entity_box)
        layout.addStretch(1)
        self._attr_widgets: dict[str, QWidget] = {}
        self.show_span(None, "", [])

    # -- showing ------------------------------------------------------------------------------------
    def show_span(self, span: Span | None, text: str, candidates: list[dict[str, Any]],
                  entity_name: str | None = None) -> None:
        self.span = span
        self._span_text = span.text_in(text) if span is not None else ""
        while self.form.rowCount():
            self.form.removeRow(0)
        self._attr_widgets = {}
        self.value_box.setVisible(span is not None and span.label == "date")
        self.entity_box.setVisible(span is not None and span.label in ("actor", "place"))
        if span is None:
            self.title.setText("No span selected")
            return
        self.title.setText(f"<b>{span.label}</b> “{excerpt(span.text_in(text), 70)}” [{span.start}–{span.end}]")
        for attr in self.schema.attributes_for(span.label):
            current = span.attrs.get(attr.name)
            widget: QWidget
            if tuple(attr.values) == FLAG:
                box = QCheckBox(self)
                box.setChecked(str(current).lower() == "true")
                box.toggled.connect(lambda on, name=attr.name: self._attr(name, "true" if on else None))
                widget = box
            elif attr.values:
                combo = QComboBox(self)
                combo.addItem("—", None)
                for v in attr.values:
                    combo.addItem(v, v)
                combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
                combo.currentIndexChanged.connect(lambda _i, c=combo, name=attr.name: self._attr(name, c.currentData()))
                widget = combo
            else:
                line = QLineEdit(str(current or ""), self)
                line.editingFinished.connect(lambda l=line, name=attr.name: self._attr(name, l.text().strip() or None))
                widget = line
            self._attr_widgets[attr.name] = widget
            self.form.addRow(attr.name, widget)
        if span.label == "date":
            self.value_edit.setText(span.value or "")
            self.value_state.setText(_resolution_text(span.resolution, "value"))
        if span.label in ("actor", "place"):
            self.entity_label.setText(f"Entity: <b>{entity_name or span.entity}</b> ({_resolution_text(span.resolution, 'entity')})"
                                      if span.entity else "Entity: <i>unresolved</i>")
            self.candidates.clear()
            for c in candidates:
                item = QListWidgetItem(f"{c['name']} — {c.get('type') or c['kind']}  ({c['score']:.0f}, {c['method']})",
                                       self.candidates)
                item.setData(ENTITY_ROLE, c["id"])
                item.setToolTip(f"{c['id']}\nmatched alias: {c.get('alias')}")
                if c["id"] == span.entity:
                    item.setText("✓ " + item.text())
            if self.candidates.count():
                self.candidates.setCurrentRow(0)
            self.unlink_button.setEnabled(span.entity is not None)

    # -- edits --------------------------------------------------------------------------------------
    def _attr(self, name: str, value: Any) -> None:
        if self.span is None:
            return
        attrs = dict(self.span.attrs)
        if value is None:
            attrs.pop(name, None)
        else:
            attrs[name] = value
        if attrs != self.span.attrs:
            self.edit.emit(self.span, {"attrs": attrs})

    def _value_done(self) -> None:
        if self.span is None or self.span.label != "date":
            return
        value = self.value_edit.text().strip() or None
        if value != self.span.value:
            self.edit.emit(self.span, {"value": value, "resolution": "confirmed" if value else None})

    def _pick(self, item: QListWidgetItem | None) -> None:
        if self.span is None or item is None:
            return
        self.edit.emit(self.span, {"entity": item.data(ENTITY_ROLE), "resolution": "confirmed"})

    def _unlink(self) -> None:
        if self.span is not None and self.span.entity:
            self.edit.emit(self.span, {"entity": None, "resolution": None})

    def _new(self) -> None:
        if self.span is None:
            return
        name, ok = QInputDialog.getText(self, "New entity", f"Name of the new {self.span.label}:",
                                        text=self._span_text)
        if ok and name.strip():
            self.new_entity.emit(self.span, name.strip())


def _resolution_text(resolution: str | None, what: str) -> str:
    return {"automatic": f"automatic {what}: confirm or correct", "confirmed": "confirmed by the annotator"}.get(
        resolution or "", f"no {what} yet")
