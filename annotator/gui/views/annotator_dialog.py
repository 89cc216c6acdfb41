"""First launch: who is annotating. The name keys this workstation's annotation sets, so it is
asked once, defaults to the OS user, and is kept in the settings."""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from annotator.core.errors import ValidationError
from annotator.core.ids import annotator_name


def default_name() -> str:
    try:
        return annotator_name(getpass.getuser())
    except (ValidationError, OSError, KeyError):
        return "annotator"


class AnnotatorDialog(QDialog):
    def __init__(self, default: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is annotating?")
        self.edit = QLineEdit(default or default_name(), self)
        self.edit.selectAll()
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        parent=self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Your name as an annotator. Your spans are kept under this name;\n"
                                "other annotators' work is shown read-only.", self))
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(lambda _: self.error.setText(""))

    def name(self) -> str:
        return annotator_name(self.edit.text())

    def accept(self) -> None:
        try:
            name = self.name()
        except ValidationError as exc:
            self.error.setText(str(exc))
            return
        if name == "gold":
            self.error.setText("'gold' is the adjudicated set; choose your own name")
            return
        super().accept()
