"""The selected span in detail: attributes (from the schema), the normalised value of a label that
carries one (dates), and the registry entity of a label that links to one, with ranked candidates to
confirm, pick, or replace by a new entity. Each change is an undoable edit of the set the span was
shown from: the inspector is bound to (set, span) and cleared whenever the window stops showing
that set, so it can never write into a report the user is not looking at."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.flags import is_true
from annotator.core.schema import Schema
from annotator.core.spans import Span
from annotator.gui.bidi import isolate
from annotator.gui.models.span_table_model import excerpt

ENTITY_ROLE = Qt.ItemDataRole.UserRole + 1
FLAG = ("true", "false")


class SpanInspector(QWidget):
    """Emits ``edit(target, span, op, fields)``: the set shown, the span as shown, the named
    operation and the new field values; the window turns it into an undoable command."""

    edit = Signal(object, object, str, dict)
    new_entity = Signal(object, object, str)  # target, span, the name typed for a new registry entry
    mentions = Signal(str)  # an entity id: show its mentions across the corpus (the Search tab)

    def __init__(self, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schema = schema
        self.span: Span | None = None
        self.target: object | None = None  # the open set the span belongs to
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
        self.mentions_button = QPushButton("Mentions", self)
        self.mentions_button.setToolTip("Every mention of this entity across the corpus (Search tab)")
        self.mentions_button.clicked.connect(lambda: self.span is not None and self.span.entity is not None
                                             and self.mentions.emit(self.span.entity))
        buttons = QHBoxLayout()
        for b in (self.link_button, self.unlink_button, self.new_button, self.mentions_button):
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
        self._form_label: str | None = None  # the label whose attribute widgets the form holds
        self.show_span(None, "", [])

    # -- showing ------------------------------------------------------------------------------------
    def show_span(self, span: Span | None, text: str, target: object | None = None,
                  entity_name: str | None = None) -> None:
        """Show one span of ``target`` (candidates follow in ``show_candidates``); None clears."""
        self.span = span
        self.target = target if span is not None else None
        self._span_text = span.text_in(text) if span is not None else ""
        kind = self.schema.entity_kind(span.label) if span is not None else None
        self.value_box.setVisible(span is not None and self.schema.value_kind(span.label) is not None)
        self.entity_box.setVisible(kind is not None)
        self.candidates.clear()
        if span is None:
            self._build_form(None)
            self.title.setText("No span selected")
            return
        # a left-to-right sentence holding an isolated run of report text: it keeps its order even when
        # the Arabic words wrap onto a second line
        quoted = isolate(html.escape(excerpt(span.text_in(text), 70)))
        self.title.setText(f"<div dir='ltr'><b>{span.label}</b> “{quoted}"
                           f"” [{span.start}–{span.end}]</div>")
        if span.label != self._form_label:
            self._build_form(span.label)
        self._fill_form(span)
        if self.schema.value_kind(span.label) is not None:
            self.value_edit.setText(span.value or "")
            self.value_state.setText(_resolution_text(span.resolution, "value"))
        if kind is not None:
            name = isolate(html.escape(entity_name or span.entity or ""))
            self.entity_label.setText(f"Entity: <b>{name}</b> ({_resolution_text(span.resolution, 'entity')})"
                                      if span.entity else "Entity: <i>unresolved</i>")
            self.unlink_button.setEnabled(span.entity is not None)
            self.mentions_button.setEnabled(span.entity is not None)
            self.link_button.setEnabled(False)
            self.new_button.setEnabled(True)

    def _build_form(self, label: str | None) -> None:
        """One widget per attribute the schema gives ``label``, kept while spans of that label are shown
        (a span created or selected refills them: rebuilding cost a relayout of the whole panel)."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self._attr_widgets = {}
        self._form_label = label
        for attr in self.schema.attributes_for(label) if label is not None else ():
            widget: QWidget
            if tuple(attr.values) == FLAG:
                box = QCheckBox(self)
                box.toggled.connect(lambda on, name=attr.name: self._attr(name, "true" if on else None))
                widget = box
            elif attr.values:
                combo = QComboBox(self)
                combo.addItem("—", None)
                for v in attr.values:
                    combo.addItem(v, v)
                combo.currentIndexChanged.connect(lambda _i, c=combo, name=attr.name: self._attr(name, c.currentData()))
                widget = combo
            else:
                line = QLineEdit(self)
                line.editingFinished.connect(
                    lambda edit=line, name=attr.name: self._attr(name, edit.text().strip() or None))
                widget = line
            self._attr_widgets[attr.name] = widget
            self.form.addRow(attr.name, widget)

    def _fill_form(self, span: Span) -> None:
        """The span's attribute values into the widgets, without emitting edits."""
        for name, widget in self._attr_widgets.items():
            current = span.attrs.get(name)
            widget.blockSignals(True)
            try:
                if isinstance(widget, QCheckBox):
                    widget.setChecked(is_true(current))
                elif isinstance(widget, QComboBox):
                    widget.setCurrentIndex(max(0, widget.findData(current)) if current is not None else 0)
                elif isinstance(widget, QLineEdit):
                    widget.setText(str(current or ""))
            finally:
                widget.blockSignals(False)

    def show_candidates(self, target: object, span_id: str, candidates: list[dict[str, Any]]) -> bool:
        """The ranked registry candidates of the span shown, when it is still the one shown."""
        span = self.span
        if span is None or target is not self.target or span.id != span_id:
            return False
        self.candidates.clear()
        for c in candidates:
            item = QListWidgetItem(f"{isolate(c['name'])} — {c.get('type') or c['kind']}  "
                                   f"({c['score']:.0f}, {c['method']})", self.candidates)
            item.setData(ENTITY_ROLE, c["id"])
            item.setToolTip(f"{c['id']}\nmatched alias: {c.get('alias')}")
            if c["id"] == span.entity:
                item.setText("✓ " + item.text())
        if self.candidates.count():
            self.candidates.setCurrentRow(0)
        self.link_button.setEnabled(self.candidates.count() > 0)
        return True

    # -- edits --------------------------------------------------------------------------------------
    def _emit(self, op: str, fields: dict[str, Any]) -> None:
        if self.span is not None and self.target is not None:
            self.edit.emit(self.target, self.span, op, fields)

    def _attr(self, name: str, value: Any) -> None:
        """One attribute set (None: removed) on the span as it is when the edit runs."""
        if self.span is not None and self.span.attrs.get(name) != value:
            self._emit("set_attrs", {"attr": (name, value)})

    def _value_done(self) -> None:
        if self.span is None or self.schema.value_kind(self.span.label) is None:
            return
        value = self.value_edit.text().strip() or None
        if value != self.span.value:
            self._emit("set_date_value", {"value": value, "resolution": "confirmed" if value else None})

    def _pick(self, item: QListWidgetItem | None) -> None:
        if self.span is None or item is None:
            return
        self._emit("link_entity", {"entity": item.data(ENTITY_ROLE), "resolution": "confirmed"})

    def _unlink(self) -> None:
        if self.span is not None and self.span.entity:
            self._emit("link_entity", {"entity": None, "resolution": None})

    def _new(self) -> None:
        if self.span is None or self.target is None:
            return
        span, target = self.span, self.target
        name, ok = QInputDialog.getText(self, "New entity", f"Name of the new {span.label}:", text=self._span_text)
        if ok and name.strip() and self.span is span:
            self.new_entity.emit(target, span, name.strip())


def _resolution_text(resolution: str | None, what: str) -> str:
    return {"automatic": f"automatic {what}: confirm or correct", "confirmed": "confirmed by the annotator"}.get(
        resolution or "", f"no {what} yet")
