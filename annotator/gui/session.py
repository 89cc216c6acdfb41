"""What the GUI edits with: the service context, who is annotating, the undo stack and the save
state. The status bar says "Saved" only after a service call returned, i.e. after the commit."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotator.core.changes import Change
from annotator.core.schema import Schema
from annotator.gui.change_bus import ChangeBus
from annotator.gui.tasks import error_text
from annotator.services.context import ServiceContext

T = TypeVar("T")


class EditSession(QObject):
    """One annotator's editing session on one database."""

    save_state = Signal(str)  # "saving" | "saved" | "failed"
    failed = Signal(str)  # one sentence, shown in a message box and the status bar

    def __init__(self, ctx: ServiceContext, annotator: str, schema: Schema, bus: ChangeBus | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.annotator = annotator
        self.schema = schema
        self.bus = bus or ChangeBus(self)
        self.undo_stack = QUndoStack(self)
        self.last_state = "saved"
        self.auto_values = True  # fill dates' values and unambiguous entities when a span is created

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one editing service call as this annotator; the state says Saved once it committed."""
        self._state("saving")
        try:
            result = fn(self.ctx, *args, annotator=self.annotator, **kwargs)
        except Exception as exc:
            self._state("failed")
            self.failed.emit(error_text(exc))
            raise
        self._state("saved")
        return result

    def publish(self, change: Change, initiator: object | None = None) -> None:
        self.bus.publish(change, initiator)

    def _state(self, state: str) -> None:
        self.last_state = state
        self.save_state.emit(state)
