"""The curation view's *Edit* (key E): the version going into gold, changed by hand — label, bounds,
date value and entity — starting from the version chosen. OK makes it one decision ("edited")."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from annotator.core.schema import Schema
from annotator.core.spans import Span
from annotator.gui.bidi import isolate
from annotator.gui.models.span_table_model import excerpt


class EditVersionDialog(QDialog):
    def __init__(self, span: Span, text: str, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit the version for gold")
        self.text = text
        self.attrs = dict(span.attrs)
        self.label = QComboBox(self)
        self.label.addItems(schema.label_names)
        self.label.setCurrentText(span.label)
        self.start, self.end = QSpinBox(self), QSpinBox(self)
        for box, value in ((self.start, span.start), (self.end, span.end)):
            box.setRange(0, len(text))
            box.setValue(value)
            box.valueChanged.connect(self._preview)
        self.value = QLineEdit(span.value or "", self)
        self.value.setPlaceholderText("ISO 8601 date value (2024-04-07, 2024-04, 2024)")
        self.entity = QLineEdit(span.entity or "", self)
        self.entity.setPlaceholderText("entity id from the registry (actor:…, place:…)")
        self.shown = QLabel(self)
        self.shown.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form = QFormLayout(self)
        form.addRow("Label", self.label)
        form.addRow("Start", self.start)
        form.addRow("End", self.end)
        form.addRow("Text", self.shown)
        form.addRow("Value", self.value)
        form.addRow("Entity", self.entity)
        form.addRow(buttons)
        self._preview()

    def _preview(self) -> None:
        s, e = self.start.value(), self.end.value()
        ok = s < e
        self.shown.setText(f"“{isolate(excerpt(self.text[s:e], 80))}”" if ok else "the end must follow the start")
        self.ok.setEnabled(ok)

    def span(self) -> Span:
        return Span("?", self.start.value(), self.end.value(), self.label.currentText(), dict(self.attrs),
                    self.value.text().strip() or None, self.entity.text().strip() or None,
                    "confirmed" if self.entity.text().strip() else None)
