"""Who is annotating. The name belongs to the database (``services.identity``): asked at first
launch (default: the OS user), changed with File → Switch annotator…, never taken from a one-off
``--annotator``. ``gold`` is nobody's name: it is the adjudicated set."""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import ValidationError
from annotator.services.identity import check_identity


def default_name() -> str:
    try:
        return check_identity(getpass.getuser())
    except (ValidationError, OSError, KeyError):
        return "annotator"


class _NameDialog(QDialog):
    """A name, checked as an identity before the dialog may close."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        parent=self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(QLabel(intro, self))

    def _finish(self, editor: QWidget) -> None:
        """Lay out the name field and give it the keyboard: the buttons were made first, so Qt's own
        choice was the OK button, and a name typed at once went nowhere while Enter accepted the
        default (the OS user) as the database's annotator."""
        self.layout_.addWidget(editor)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)
        self.setTabOrder(editor, self.buttons)
        editor.setFocus()

    def text(self) -> str:
        raise NotImplementedError

    def name(self) -> str:
        return check_identity(self.text())

    def accept(self) -> None:
        try:
            self.name()
        except ValidationError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


class AnnotatorDialog(_NameDialog):
    """First launch on a database: who works here. The names the database already has are offered (a
    database a supervisor set up lists its people): typing the system's user name by default quietly
    added "root" as a new annotator beside them."""

    def __init__(self, default: str | None = None, parent: QWidget | None = None, *,
                 names: list[str] | None = None) -> None:
        known = f"\nThis database has: {', '.join(names)}. Choose yours, or type a new name." if names else ""
        super().__init__("Who is annotating?", "Your name as an annotator. Your spans are kept under this name;\n"
                         "other annotators' work is shown read-only. This database remembers it." + known, parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(names or [])
        self.combo.setEditText(default or default_name())
        line = self.combo.lineEdit()
        assert line is not None  # an editable combo box has one
        self.edit: QLineEdit = line
        self.edit.selectAll()
        self.edit.textChanged.connect(lambda _: self.error.setText(""))
        self._finish(self.combo)

    def text(self) -> str:
        return self.combo.currentText()

    def reject(self) -> None:
        """Esc or Cancel closed the whole application without a word: the window cannot open without a
        name to keep the spans under, so say that and let the user go back to the name (the default)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Quit annotator?",
                          "annotator keeps your spans under your name, so it needs one before it opens.\n"
                          "Quit without choosing a name?", parent=self)
        quit_button = box.addButton("Quit", QMessageBox.ButtonRole.DestructiveRole)
        back = box.addButton("Back to the name", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        if box.clickedButton() is quit_button:
            super().reject()
        else:
            self.edit.setFocus()


class SwitchAnnotatorDialog(_NameDialog):
    """File → Switch annotator…: one of the names in this database, or a new one."""

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__("Switch annotator", "Work under another name in this database (it becomes the one the\n"
                         "database opens with). Type a new name to start a set of your own.", parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setEditText(current)
        self.combo.editTextChanged.connect(lambda _: self.error.setText(""))
        self._finish(self.combo)
        if (line := self.combo.lineEdit()) is not None:
            line.selectAll()  # typing replaces the current name
        self._current = current

    def set_names(self, names: list[str]) -> None:
        """The names in the database (read after the dialog opened), keeping what is typed and whether
        it is all selected (so the first key still replaces the current name)."""
        typed = self.combo.currentText()
        line = self.combo.lineEdit()
        whole = line is not None and bool(typed) and line.selectedText() == typed
        self.combo.clear()
        self.combo.addItems(names)
        self.combo.setEditText(typed)
        if line is not None and whole:
            line.selectAll()

    def text(self) -> str:
        return self.combo.currentText()
