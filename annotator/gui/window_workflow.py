"""The window's workflow entries: *Mark done* (Ctrl+D) and *done, nothing to mark*, a comment on the
selection (Ctrl+M), and the supervisor's assignment and review view. Each goes through the session's
database lane; a refusal is one sentence in the status bar and a message box, never silence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.workflow import READ_ONLY, Status, word
from annotator.gui.labelling import read_only_reason
from annotator.gui.tasks import error_text
from annotator.gui.views.assignment_dialog import AssignmentDialog
from annotator.services import reports, workflow

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


def history_step(window: MainWindow, *, undo: bool) -> None:
    """Undo or Redo on the report shown, refused in one status-bar sentence while its set is read-only
    (marked done): sent on, the step came back as a "Not saved" box saying the report had changed
    elsewhere, and the status bar said "Not saved" until the next edit."""
    target = window.document.target
    why = read_only_reason(target) if target is not None else None
    if why is not None:
        window.statusBar().showMessage(why, 10000)
        return
    (window.session.undo if undo else window.session.redo)()


def mark_done(window: MainWindow, *, empty: bool = False) -> None:
    """The acting annotator's work on the report shown is done (read-only for them until returned)."""
    target = window.document.target
    if window.session.reads_gold:
        window.statusBar().showMessage("You are reading the gold set: a supervisor marks a report curated in the "
                                       "curation view.", 8000)
        return
    if target is None:
        window.statusBar().showMessage("Open a report first.", 6000)
        return
    if target.status in READ_ONLY:
        window.statusBar().showMessage(f"This report is already {word(target.status)}.", 6000)
        return
    ctx, rid, who = window.session.ctx, target.report_id, target.annotator

    def done(status: Status | None) -> None:
        target.status = status.status if status is not None else None
        window.statusBar().showMessage(f"Marked {word(target.status)}: your annotations on this report are "
                                       "read-only until a supervisor returns it.", 10000)
        window.session.read(lambda: reports.list_reports(ctx, [rid]), window.report_model.update_reports)

    # after the edits already on their way: the last keystroke's span is part of the work marked done
    window.session.when_ready(target, lambda: window.session.read(
        lambda: workflow.mark_done(ctx, rid, annotator=who, empty=empty), done,
        lambda exc: window.show_error(error_text(exc))))


def start_comment(window: MainWindow) -> None:
    """Ctrl+M: the Comments tab, ready to write on the selected span (or the report)."""
    window.tabs.setCurrentWidget(window.comments_panel)
    window.comments_panel.start()


def show_assignments(window: MainWindow) -> AssignmentDialog:
    dialog = AssignmentDialog(window.session, window)
    dialog.show()
    return dialog
