"""Which database to work in: the embedded SQLite file (default), another file, or a team
PostgreSQL server. The connection is tried before the window switches, so a typo never leaves
the annotator without a database; the password is never stored."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.tasks import error_text
from annotator.services.database import open_database
from annotator.services.database import postgres_url as build

if TYPE_CHECKING:
    from annotator.services.context import ServiceContext


class ConnectionDialog(QDialog):
    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Database")
        self.sqlite = QRadioButton("This computer (SQLite file)", self)
        self.server = QRadioButton("Team server (PostgreSQL)", self)
        group = QButtonGroup(self)
        group.addButton(self.sqlite)
        group.addButton(self.server)
        self.file = QLineEdit(self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)
        self.host = QLineEdit("localhost", self)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("annotator", self)
        self.user = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.status = QLabel(f"Now: {current}", self)
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.sqlite)
        form.addRow("File", file_row)
        form.addRow(self.server)
        form.addRow("Host", self.host)
        form.addRow("Port", self.port)
        form.addRow("Database", self.database)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, parent=self)
        self.connect_button = self.buttons.addButton("Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.try_connect)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.url: str | None = None
        self.ctx: ServiceContext | None = None
        if current.startswith("postgresql"):
            self.server.setChecked(True)
        else:
            self.sqlite.setChecked(True)
            self.file.setText(current.split("///", 1)[-1] if "///" in current else current)

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Database file", self.file.text() or str(Path.home()),
                                              "SQLite database (*.sqlite3 *.db);;All files (*)",
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.file.setText(path)

    def target(self) -> str:
        if self.sqlite.isChecked():
            return self.file.text().strip()
        return build(host=self.host.text().strip(), port=self.port.value(), database=self.database.text().strip(),
                     user=self.user.text().strip(), password=self.password.text())

    def try_connect(self) -> bool:
        """Open (and upgrade) the chosen database; on success the dialog accepts with ``ctx`` set."""
        try:
            target = self.target()
            if not target:
                raise ValueError("choose a database file or fill in the server")
            self.ctx = open_database(target)
        except Exception as exc:  # noqa: BLE001 - one sentence, the current database stays open
            self.status.setText(error_text(exc))
            self.status.setStyleSheet("color: #b00020")
            return False
        self.url = target
        self.accept()
        return True
