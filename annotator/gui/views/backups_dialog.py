"""File → Backups…: the rolling copies of the embedded database (newest first), one taken now on
request, and a restore that first keeps the present state as a backup of its own. Every step runs on
the database lane; after a restore the window reopens on what the database now holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.session import EditSession
from annotator.gui.tasks import error_text
from annotator.services import backups

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class BackupsDialog(QDialog):
    def __init__(self, session: EditSession, restored: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self.session = session
        self.restored = restored
        self.list = QListWidget(self)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.now_button = QPushButton("Back up now", self)
        self.now_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton("Restore the chosen backup…", self)
        self.restore_button.clicked.connect(self.ask_restore)
        buttons = QHBoxLayout()
        buttons.addWidget(self.now_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("A copy is taken when the app starts and every few minutes of editing; the "
                                "newest ten are kept beside the database.", self))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.resize(620, 420)
        self.refresh()

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.session.read(work, done, lambda exc: self.status.setText(error_text(exc)))

    def refresh(self) -> None:
        ctx = self.session.ctx
        self._run(lambda: backups.list_backups(ctx), self._show)

    def _show(self, found: list[backups.BackupInfo]) -> None:
        self.list.clear()
        for b in found:
            when = b.created.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            item = QListWidgetItem(f"{when}   {b.size / 1e6:.1f} MB   {b.path.name}", self.list)
            item.setData(PATH_ROLE, str(b.path))
        if found:
            self.list.setCurrentRow(0)
        self.restore_button.setEnabled(bool(found))
        if not found and self.session.ctx.backend != "sqlite":
            self.status.setText("A PostgreSQL server is backed up by its administrator (pg_dump).")
        self.now_button.setEnabled(self.session.ctx.backend == "sqlite")

    def back_up_now(self) -> None:
        ctx = self.session.ctx

        def made_one(made: Any) -> None:
            self.status.setText(f"Backed up to {made.path.name}." if made else "Nothing to back up here.")
            self.refresh()

        self._run(lambda: backups.rolling_backup(ctx), made_one)

    def ask_restore(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Restore a backup",
                          f"Make the database hold what {item.text().split('   ')[0]} held? What it holds now is "
                          "kept as a backup first, so this can be undone the same way.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        path = item.data(PATH_ROLE)
        box.accepted.connect(lambda: self.restore(path))
        box.open()

    def restore(self, path: str) -> None:
        ctx = self.session.ctx

        def done(_saved: Any) -> None:
            self.status.setText("Restored.")
            self.accept()
            self.restored()

        self._run(lambda: backups.restore_backup(ctx, path), done)
