"""Every committed edit passes through one bus, so views refresh only what a ``Change`` names and
the view that started an edit can skip its own echo (Anki's ``operation_did_execute``)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.changes import Change


class ChangeBus(QObject):
    """``changed(change, initiator)``: ``initiator`` is the object that asked for the edit or None."""

    changed = Signal(object, object)
    reports_changed = Signal()  # the report list itself changed (import, bundle, load)

    def publish(self, change: Change, initiator: object | None = None) -> None:
        self.changed.emit(change, initiator)
