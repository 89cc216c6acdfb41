"""What the window edits with: the service context, who is acting, the database lane, and one
open set (undo history + last version seen) per report the user has opened.

Every edit goes through ``EditSession.edit``: it names its target set and the version the user saw,
runs in the database lane, and the status bar says "Saved" only when no edit is left in flight and
the last one committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoGroup, QUndoStack

from annotator.core.changes import Change
from annotator.core.errors import StaleEdit, StorageError
from annotator.core.ids import GOLD
from annotator.core.schema import Schema
from annotator.gui.change_bus import ChangeBus
from annotator.gui.db_lane import DatabaseLane
from annotator.gui.tasks import error_text
from annotator.services.context import ServiceContext
from annotator.services.database import watch_waits


class OpenSet:
    """One annotator's set on one report, as this window knows it: its undo history (a stack in the
    session's undo group) and the set's version last seen. ``version`` is read and written only on
    the database lane, after each load or committed edit, so a queued edit expects exactly the
    version the edits before it left."""

    def __init__(self, report_id: str, annotator: str, stack: QUndoStack) -> None:
        self.report_id = report_id
        self.annotator = annotator
        self.stack = stack
        self.version: int | None = None
        self.status: str | None = None  # the annotator's workflow status here (done: read-only for them)
        self.in_flight = 0  # edits submitted and not yet answered (GUI thread only)
        self.waiting: list[Callable[[], None]] = []  # gestures made meanwhile, run in order once answered

    def __repr__(self) -> str:
        return f"OpenSet({self.report_id[:8]}…, {self.annotator}, v{self.version})"


RETRY_MS = 3000  # a server that went away is asked again this often, until it answers


class EditSession(QObject):
    """One person's editing session on one database."""

    save_state = Signal(str)  # "saving" | "saved" | "failed" | "retrying"
    failed = Signal(str)  # one sentence, shown in a message box and the status bar
    stale = Signal(object)  # an OpenSet whose stored set changed elsewhere: reload it
    problem = Signal(str)  # a read that failed (the status bar says why; nothing was being saved)
    waiting = Signal(str)  # the database makes an edit or read wait (another program holds its lock)

    def __init__(self, ctx: ServiceContext, annotator: str, schema: Schema, bus: ChangeBus | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.annotator = annotator
        if annotator != GOLD:
            ctx.actor = annotator  # who acts: roles, the read-only rule and the edit log name them
        self.schema = schema
        self.bus = bus or ChangeBus(self)
        self.lane = DatabaseLane(self)
        self.undo_group = QUndoGroup(self)
        self.auto_values = True  # a new span gets its date value / unambiguous entity in the same edit
        self.backups: Any = None  # an AutoBackup the app sets: a rolling copy after edits, on the lane
        self._sets: dict[tuple[str, str], OpenSet] = {}
        self._in_flight = 0
        self._burst_failed = False
        self._active: OpenSet | None = None
        watch_waits(ctx, self.waiting.emit)  # emitted on the watchdog's thread, delivered on the GUI's

    @property
    def reads_gold(self) -> bool:
        """Acting as ``gold`` (a supervisor reading the adjudicated set): nothing is editable here."""
        return self.annotator == GOLD

    # -- open sets and undo ---------------------------------------------------------------------
    def open_set(self, report_id: str, annotator: str | None = None) -> OpenSet:
        key = (report_id, annotator or self.annotator)
        found = self._sets.get(key)
        if found is None:
            stack = QUndoStack(self.undo_group)
            found = self._sets[key] = OpenSet(key[0], key[1], stack)
        return found

    def activate(self, target: OpenSet | None) -> None:
        """Undo and Redo act on this set only (the one shown), never on a report out of sight."""
        self._active = target
        # Qt takes None (no active stack: Undo and Redo disabled); the PySide6 stub says QUndoStack only
        self.undo_group.setActiveStack(target.stack if target is not None else None)  # type: ignore[arg-type]

    @property
    def active_stack(self) -> QUndoStack | None:
        return self.undo_group.activeStack()

    def undo(self) -> None:
        """Undo the last step of the report shown (after the edits already on their way)."""
        target = self._active
        if target is not None:
            self.when_ready(target, lambda: _step(target.stack, undo=True))

    def redo(self) -> None:
        target = self._active
        if target is not None:
            self.when_ready(target, lambda: _step(target.stack, undo=False))

    def when_ready(self, target: OpenSet, gesture: Callable[[], object]) -> None:
        """Run a gesture on ``target`` now, or, while an edit of it is on its way, right after the
        answer: a gesture then reads the state that edit left (a second nudge moves the span the
        first one moved), so rapid keys chain instead of racing."""
        if target.in_flight == 0 and not target.waiting:
            gesture()
        else:
            target.waiting.append(lambda: None if gesture() else None)

    def _answered(self, target: OpenSet) -> None:
        target.in_flight -= 1
        while target.in_flight == 0 and target.waiting:
            target.waiting.pop(0)()

    # -- edits ----------------------------------------------------------------------------------
    def edit(self, target: OpenSet, fn: Callable[..., Any], *args: Any, done: Callable[[Any], object],
             failed: Callable[[BaseException], object] | None = None, **kwargs: Any) -> None:
        """Run one editing service call against ``target`` on the database lane. The call names the
        report, the annotator and the version last seen; its result (or refusal) comes back to
        ``done`` (or ``failed``) on the GUI thread, and its ``Change`` goes to the change bus."""
        self._in_flight += 1
        target.in_flight += 1
        self._state("saving")

        def work() -> Any:
            result = fn(self.ctx, target.report_id, *args, annotator=target.annotator,
                        expect_version=target.version, **kwargs)
            change = result[1] if isinstance(result, tuple) else result
            if isinstance(change, Change):
                target.version = change.version
            if self.backups is not None:
                try:
                    self.backups.edited()  # cheap unless one is due; the edit is already committed
                except Exception as exc:  # noqa: BLE001 - the edit stands; say the backup did not
                    self.problem.emit(f"The automatic backup failed: {error_text(exc)}")
            return result

        def ok(result: Any) -> None:
            self._in_flight -= 1
            done(result)
            change = result[1] if isinstance(result, tuple) else result
            if isinstance(change, Change):
                self.bus.publish(change, self)
            self._answered(target)
            self._settle()

        def refused(exc: BaseException) -> None:
            if isinstance(exc, StorageError) and exc.retry:
                # the server went away (or the file is locked): nothing was saved; the same call is
                # made again until it answers, and the edit counts as on its way meanwhile
                self._state("retrying")
                self.problem.emit(f"{error_text(exc)} Retrying every {RETRY_MS // 1000} s.")
                QTimer.singleShot(RETRY_MS, self, lambda: self.lane.submit(work, ok, refused))
                return
            self._in_flight -= 1
            self._burst_failed = True
            self.failed.emit(error_text(exc))
            if failed is not None:
                failed(exc)
            if isinstance(exc, StaleEdit):
                self.stale.emit(target)
            self._answered(target)
            self._settle()

        self.lane.submit(work, ok, refused)

    def read(self, work: Callable[[], Any], done: Callable[[Any], object],
             failed: Callable[[BaseException], object] | None = None) -> None:
        """A read on the database lane (after every edit already submitted)."""
        self.lane.submit(work, done, failed or (lambda exc: self.problem.emit(error_text(exc))))

    def _settle(self) -> None:
        if self._in_flight == 0:
            self._state("failed" if self._burst_failed else "saved")
            self._burst_failed = False

    def _state(self, state: str) -> None:
        self.save_state.emit(state)


def _step(stack: QUndoStack, *, undo: bool) -> None:
    """One undo (or redo) step of ``stack`` when it has one."""
    if undo and stack.canUndo():
        stack.undo()
    elif not undo and stack.canRedo():
        stack.redo()
