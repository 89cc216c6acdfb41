"""E on a claim: which kind of event it reports. Type to filter the project's event types, arrows to
move, Enter to create; the roles the claim's relations fill are shown before anything is stored."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.event_schema import EventSchema

TYPE_ROLE = Qt.ItemDataRole.UserRole + 1


class EventTypeDialog(QDialog):
    NATURAL_SIZE = True  # a screenshot shows it at its own size, not the window's
    def __init__(self, schema: EventSchema, claim_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New event")
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Type to filter the event types")
        self.list = QListWidget(self)
        for t in schema.types:
            item = QListWidgetItem(t.title + (f"   [{t.name}]" if t.name != t.title else ""), self.list)
            item.setData(TYPE_ROLE, t.name)
            item.setToolTip(t.description or t.name)
        self.roles = QLabel("Roles from the claim's relations: …", self)
        self.roles.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   parent=self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create event")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"An event reported by the claim “{claim_text}”:", self))
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.roles)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._filter)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(lambda _i: self.accept())
        self.list.setCurrentRow(0)
        self.filter.setFocus()
        self.resize(520, 560)

    def _filter(self, text: str) -> None:
        needle = text.casefold().strip()
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hidden = bool(needle) and needle not in item.text().casefold()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = i
        if first is not None:
            self.list.setCurrentRow(first)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the filter box move through the list (the focus stays where typing goes)."""
        if watched is self.filter and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = self.list.currentRow()
            while 0 <= row + step < self.list.count():
                row += step
                if not self.list.item(row).isHidden():
                    self.list.setCurrentRow(row)
                    break
            return True
        return super().eventFilter(watched, event)

    def show_roles(self, roles: dict[str, list[str]]) -> None:
        filled = "; ".join(f"{r}: {', '.join(texts)}" for r, texts in roles.items() if texts)
        self.roles.setText("Roles from the claim's relations: " + (filled or "none yet (fill them in the Events tab)"))

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None or item.isHidden() else str(item.data(TYPE_ROLE))
