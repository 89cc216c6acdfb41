"""What the window's menu entries open: import and export, bundles, the database, the label schema,
the registry, agreement, who is annotating, and the keyboard sheet. Each returns the dialog it
showed (or the job it started). Long work runs off the GUI thread; nothing here holds rules."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

from annotator.core.ids import GOLD
from annotator.gui.session import EditSession
from annotator.gui.tasks import BackgroundJob, error_text
from annotator.gui.views.agreement_dashboard import AgreementDashboard
from annotator.gui.views.annotator_dialog import SwitchAnnotatorDialog
from annotator.gui.views.backups_dialog import BackupsDialog
from annotator.gui.views.connection_dialog import ConnectionDialog
from annotator.gui.views.help_dialog import HelpDialog
from annotator.gui.views.registry_dialog import RegistryDialog
from annotator.gui.views.transfer_dialogs import (
    BundleExportDialog,
    BundleImportDialog,
    ExportDialog,
    ImportAnnotationsDialog,
)
from annotator.services import identity, reports
from annotator.services.database import display_url, export_schema, has_password, import_schema, load_schema

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


# -- reports -----------------------------------------------------------------------------------------
def choose_import(window: MainWindow) -> None:
    files, _ = QFileDialog.getOpenFileNames(window, "Import reports", str(Path.home()),
                                            "Reports (*.txt *.md *.html *.htm *.pdf *.docx);;All files (*)")
    if files:
        import_files(window, [Path(f) for f in files])


def import_files(window: MainWindow, paths: list[Path]) -> BackgroundJob:
    ctx = window.session.ctx
    job = BackgroundJob(lambda progress, cancel: reports.import_reports(ctx, paths, progress=progress,
                                                                        cancel=cancel), window)
    dialog = QProgressDialog("Importing reports…", "Cancel", 0, len(paths), window)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.canceled.connect(job.cancel)

    def progressed(done: int, total: int, msg: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(done)
        dialog.setLabelText(msg or "Importing reports…")

    job.progress.connect(progressed)

    def finished(result: Any) -> None:
        dialog.reset()
        window.reload_reports()
        new = sum(1 for r in result.reports if r.status == "new")
        text = f"Imported {new} new report(s), {len(result.reports) - new} already present"
        if result.errors:  # the status bar says so too: "Imported 0 …" alone read as a success
            text += f"; {len(result.errors)} file(s) not imported"
        if result.errors:  # each sentence names its file once
            QMessageBox.warning(window, "Some files were not imported", "\n".join(e.error for e in result.errors))
        window.statusBar().showMessage(text, 8000)
        window.jobs.remove(job)

    def stopped(message: str = "") -> None:
        dialog.reset()
        window.reload_reports()
        if message:
            QMessageBox.warning(window, "Import failed", message)
        window.jobs.remove(job)

    job.finished.connect(finished)
    job.failed.connect(stopped)
    job.cancelled.connect(lambda: stopped())
    window.jobs.append(job)
    job.start()
    return job


# -- corpus files and bundles ----------------------------------------------------------------------------
def show_export(window: MainWindow) -> ExportDialog:
    dialog = ExportDialog(window.session.ctx, window.session.schema, window.annotator_names(),
                          current_report=window.document.report_id, parent=window)
    dialog.show()
    return dialog


def show_import_annotations(window: MainWindow) -> ImportAnnotationsDialog:
    dialog = ImportAnnotationsDialog(window.session.ctx, parent=window)

    def completed(result: Any) -> None:
        window.session.bus.reports_changed.emit()
        if result.added:  # new labels: the window reopens with their buttons, the summary said on top of it
            session = window.session
            fresh = replace_window(window, EditSession(session.ctx, session.annotator, session.ctx.schema))
            box = QMessageBox(QMessageBox.Icon.Information, "Annotations imported", dialog.describe(result),
                              parent=fresh)
            box.open()

    dialog.completed.connect(completed)
    dialog.show()
    return dialog


def show_bundle_export(window: MainWindow) -> BundleExportDialog:
    names = [n for n in window.annotator_names() if n != GOLD] or [window.session.annotator]
    dialog = BundleExportDialog(window.session.ctx, names, window.session.annotator, window)
    dialog.show()
    return dialog


def show_bundle_import(window: MainWindow) -> BundleImportDialog:
    dialog = BundleImportDialog(window.session.ctx, window)
    dialog.completed.connect(lambda _result: window.session.bus.reports_changed.emit())
    dialog.show()
    return dialog


# -- database, identity, schema ------------------------------------------------------------------------
def show_database(window: MainWindow) -> ConnectionDialog:
    dialog = ConnectionDialog(display_url(window.session.ctx.url), window)
    dialog.accepted.connect(lambda: switch_database(window, dialog.ctx, dialog.url))
    dialog.show()
    return dialog


def replace_window(window: MainWindow, session: EditSession) -> MainWindow:
    """Continue in a fresh window on ``session`` (another database, annotator or schema); this one
    closes after its last edit committed. A fresh window holds no state of the old one."""
    from annotator.gui.main_window import MainWindow  # noqa: PLC0415 (import cycle: main_window imports this module)

    current = window.document.report_id
    window.save_layout()
    fresh = MainWindow(session, window.settings)
    fresh.resize(window.size())
    fresh.move(window.pos())
    fresh.show()
    window.replacement = fresh
    window.close()
    if current:
        fresh.select_report(current)
    return fresh


def switch_database(window: MainWindow, ctx: Any, target: str | None = None) -> MainWindow:
    """Continue in another database, as the annotator that database knows this user as."""
    ctx.schema = load_schema(ctx)
    if target and not has_password(target):
        window.settings.setValue("database/target", target)  # never a password in the settings
    who = identity.who_acts(ctx) or window.session.annotator  # a team login: the person it is mapped to
    old = window.session.ctx
    fresh = replace_window(window, EditSession(ctx, who, ctx.schema))
    old.close()
    return fresh


def show_switch_annotator(window: MainWindow) -> SwitchAnnotatorDialog:
    """Who is annotating, for this database: pick a name already here or type a new one."""
    ctx = window.session.ctx
    dialog = SwitchAnnotatorDialog(window.session.annotator, window)
    window.session.read(lambda: identity.annotators(ctx), dialog.set_names)

    def chosen() -> None:
        name = dialog.name()
        window.session.read(lambda: identity.set_default_annotator(ctx, name),
                            lambda who: replace_window(window, EditSession(ctx, who, window.session.schema)),
                            lambda exc: window.session.failed.emit(error_text(exc)))

    dialog.accepted.connect(chosen)
    dialog.open()
    return dialog


def show_backups(window: MainWindow) -> BackupsDialog:
    """The rolling backups; after a restore the window reopens on what the database holds now."""
    session = window.session

    def restored() -> None:
        session.ctx.schema = load_schema(session.ctx)
        replace_window(window, EditSession(session.ctx, session.annotator, session.ctx.schema))

    dialog = BackupsDialog(session, restored, window)
    dialog.show()
    return dialog


def choose_schema(window: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Label schema", str(Path.home()), "Schema (*.json)")
    if path:
        use_schema(window, Path(path))


def use_schema(window: MainWindow, path: Path) -> None:
    """Make a schema file the project's; the window is rebuilt with its labels and keys."""
    session = window.session
    session.read(lambda: import_schema(session.ctx, path),
                 lambda schema: replace_window(window, EditSession(session.ctx, session.annotator, schema)),
                 lambda exc: window.show_error(error_text(exc)))  # one sentence; the schema is unchanged


def choose_schema_export(window: MainWindow) -> None:
    path, _ = QFileDialog.getSaveFileName(window, "Export label schema", str(Path.home() / "schema.json"),
                                          "Schema (*.json)")
    if path:
        window.statusBar().showMessage(f"Wrote {export_schema(window.session.ctx, path)}", 8000)


# -- registry, agreement, help ---------------------------------------------------------------------------
def show_registry(window: MainWindow) -> RegistryDialog:
    dialog = RegistryDialog(window.session, window)
    dialog.finished.connect(lambda _r: window._inspect(window.view.selected_span()))
    dialog.show()
    return dialog


def show_agreement(window: MainWindow) -> AgreementDashboard:
    dialog = AgreementDashboard(window.session.ctx, window)
    dialog.open_report.connect(window.show_side_by_side)
    dialog.show()
    return dialog


def show_help(window: MainWindow) -> HelpDialog:
    dialog = HelpDialog(window.session.schema, window)
    dialog.show()
    return dialog
