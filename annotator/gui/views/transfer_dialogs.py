"""Export… and Import annotations…: the format, the scope and the destination; the work runs as a
background job with a progress bar and Cancel (a cancelled export leaves no file behind, a
cancelled or failed import changes nothing), then a summary of what was written or loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import ValidationError
from annotator.core.schema import Schema
from annotator.files.atomic import require_folder_of
from annotator.gui.tasks import BackgroundJob, Work, error_text
from annotator.gui.views.job_panel import JobPanel
from annotator.services.context import ServiceContext
from annotator.services.formats import EVENT_FORMATS, FormatInfo, list_event_formats, list_formats

FOLDER_FORMATS = {"brat"}  # written as a folder of files


def _format_combo(parent: QWidget, formats: list[FormatInfo]) -> QComboBox:
    combo = QComboBox(parent)
    for info in formats:
        combo.addItem(info.name, info)
        i = combo.count() - 1
        combo.setItemData(i, info.nesting, Qt.ItemDataRole.ToolTipRole)
        if not info.extra_installed:
            combo.model().item(i).setEnabled(False)  # type: ignore[attr-defined]
            combo.setItemText(i, f"{info.name} (needs the '{info.extra}' extra)")
    return combo


def _path_row(parent: QWidget, edit: QLineEdit, browse: Callable[[], object]) -> QHBoxLayout:
    """A path field with its Browse… button."""
    button = QPushButton("Browse…", parent)
    button.clicked.connect(browse)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


def _checklist(parent: QWidget, names: list[str], checked: bool = True) -> QListWidget:
    widget = QListWidget(parent)
    for name in names:
        item = QListWidgetItem(name, widget)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    widget.setMaximumHeight(96)
    return widget


def _checked(widget: QListWidget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


class _JobDialog(QDialog):
    """Shared shape: a form, a result line, a job panel and Run/Close buttons."""

    completed = Signal(object)  # the service's result

    def __init__(self, title: str, run_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.result_label = QLabel("", self)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.panel = JobPanel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        self.run_button = self.buttons.addButton(run_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        self.column = QVBoxLayout(self)
        self.column.addLayout(self.form)
        self.column.addWidget(self.panel)
        self.column.addWidget(self.result_label)
        self.column.addWidget(self.buttons)
        self.job: BackgroundJob | None = None
        self.resize(560, 0)

    def start(self, *, run: bool = True) -> BackgroundJob | None:
        """Build the job and (unless ``run`` is false: callers that connect first) start it."""
        try:
            work = self.work()
        except Exception as exc:  # noqa: BLE001 - a bad field is one sentence under the form
            self.show_result(error_text(exc), error=True)
            return None
        self.job = BackgroundJob(work, self)
        self.panel.follow(self.job)
        self.run_button.setEnabled(False)
        self.result_label.setText("")
        self.job.finished.connect(self._finished)
        self.job.failed.connect(lambda m: self._stopped(m, error=True))
        self.job.cancelled.connect(lambda: self._stopped("Cancelled: nothing was written or changed."))
        if run:
            self.job.start()
        return self.job

    def _finished(self, result: Any) -> None:
        self.run_button.setEnabled(True)
        self.show_result(self.describe(result))
        self.completed.emit(result)

    def _stopped(self, message: str, *, error: bool = False) -> None:
        self.run_button.setEnabled(True)
        self.show_result(message, error=error)

    def show_result(self, text: str, *, error: bool = False) -> None:
        """The result under the form, the dialog grown to show all of it: a top-level window does not
        follow a word-wrapped label's height, and a summary's last lines (the backup it took) were cut."""
        self.result_label.setStyleSheet("color: #b00020" if error else "")
        self.result_label.setText(text)
        self.column.activate()
        needed = self.column.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def reject(self) -> None:
        if self.job is not None and self.job.running:
            self.panel.cancel()
            return  # closes once the job has stopped
        super().reject()

    def work(self) -> Work:
        raise NotImplementedError

    def describe(self, result: Any) -> str:
        raise NotImplementedError


class ExportDialog(_JobDialog):
    def __init__(self, ctx: ServiceContext, schema: Schema, annotators: list[str], *,
                 current_report: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Export corpus", "Export", parent)
        self.ctx = ctx
        self.current_report = current_report
        self._events_run = False
        # the corpus formats, then the conflict-event datasets (export only: the events of the claims)
        self.format_combo = _format_combo(self, [f for f in list_formats() if f.can_write] + list_event_formats())
        self.nesting = QLabel("", self)
        self.nesting.setWordWrap(True)
        self.annotators = _checklist(self, annotators)
        self.labels = _checklist(self, list(schema.label_names))
        self.all_reports = QRadioButton("All reports", self)
        self.this_report = QRadioButton("The open report only", self)
        self.all_reports.setChecked(True)
        self.this_report.setEnabled(current_report is not None)
        scope = QHBoxLayout()
        scope.addWidget(self.all_reports)
        scope.addWidget(self.this_report)
        self.destination = QLineEdit(self)
        dest = _path_row(self, self.destination, self.browse)
        self.form.addRow("Format", self.format_combo)
        self.form.addRow("", self.nesting)
        self.form.addRow("Annotators", self.annotators)
        self.form.addRow("Labels", self.labels)
        self.form.addRow("Reports", scope)
        self.form.addRow("Destination", dest)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        # the last export's result (file, loss list) belongs to that run: another format, scope or
        # destination chosen, it would read as this one's
        for changed in (self.format_combo.currentIndexChanged, self.all_reports.toggled, self.destination.textEdited):
            changed.connect(lambda *_: self.result_label.setText(""))

    @property
    def info(self) -> FormatInfo:
        return self.format_combo.currentData()

    @property
    def events_only(self) -> bool:
        return self.info.name in EVENT_FORMATS

    def _format_changed(self) -> None:
        info = self.info
        self.nesting.setText(f"<small>{info.nesting}</small>")
        self.labels.setEnabled(not self.events_only)  # an event is exported whole, whatever its spans' labels
        self.labels.setToolTip("Event formats export whole events: labels do not narrow them."
                               if self.events_only else "")
        text = self.destination.text().strip()
        if text:
            p = Path(text)
            ext = "" if info.name in FOLDER_FORMATS else info.extensions[0]
            self.destination.setText(str(p.with_name(p.stem + ext)) if p.stem else text)

    def browse(self) -> None:
        info = self.info
        if info.name in FOLDER_FORMATS:
            folder = QFileDialog.getExistingDirectory(self, "Export into a new folder inside…", str(Path.home()))
            if folder:
                self.destination.setText(str(Path(folder) / f"corpus-{info.name}"))
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export to", str(Path.home() / f"corpus{info.extensions[0]}"),
                                              f"{info.name} (*{' *'.join(e for e in info.extensions if e)})")
        if path:
            self.destination.setText(path)

    def work(self) -> Work:
        from annotator.services.export import ExportScope, export_corpus  # noqa: PLC0415 (format registry, 0.2 s to import, only for a transfer)

        out = self.destination.text().strip()
        if not out:
            raise ValidationError("choose where to write the export")
        require_folder_of(out, "the export")
        annotators = _checked(self.annotators)
        labels = _checked(self.labels)
        if not annotators:
            raise ValidationError("choose at least one annotator")
        if not labels:
            raise ValidationError("choose at least one label")
        everyone = len(annotators) == self.annotators.count()
        scope = ExportScope(() if everyone else tuple(annotators),
                            (self.current_report,) if self.this_report.isChecked() and self.current_report else (),
                            () if len(labels) == self.labels.count() or self.events_only else tuple(labels))
        ctx, fmt = self.ctx, self.info.name
        self._events_run = self.events_only  # what describe() reads, whatever the combo shows by then
        if self.events_only:
            from annotator.services.event_export import export_events  # noqa: PLC0415 (0.3 s to import, only for event formats)

            return lambda progress, cancel: export_events(ctx, fmt, Path(out), scope, progress=progress,
                                                          cancel=cancel)
        return lambda progress, cancel: export_corpus(ctx, fmt, Path(out), scope, progress=progress, cancel=cancel)

    def describe(self, result: Any) -> str:
        if self._events_run:
            return _describe_events(result)
        text = (f"Wrote {result.documents} document(s), {result.spans} span(s) and {result.relations} "
                f"relation(s) to {result.path}.")
        if result.dropped:
            groups = result.dropped_groups()
            text += f" {len(result.dropped)} item(s) this format cannot hold were left out or changed:"
            text += "".join(f"\n• {n} × {key} (in {docs} document(s))" for key, n, docs in groups[:8])
            if len(groups) > 8:
                text += f"\n• … and {len(groups) - 8} more kind(s) (annotator export prints them all)"
        for warning in result.warnings[:5]:
            text += f"\n{warning}"
        return text


def _describe_events(result: Any) -> str:
    """What an event export wrote (an ``events.summary.EventExport``), and each event it could not write with
    what that event lacks (the sentences ``annotator export --format acled`` prints)."""
    shared = " (an incident's events share one row)" if result.events_written > result.written \
        and result.format in ("acled", "ucdp-ged") else ""
    text = (f"Wrote {result.events_written} of {result.events} event(s) to {result.path} ({result.format}){shared}; "
            f"{len(result.skipped)} not written.")
    for skipped in result.skipped[:8]:
        text += f"\n• not written: {skipped.sentence()}"
    if len(result.skipped) > 8:
        text += f"\n• … and {len(result.skipped) - 8} more"
    return text


class _AsksBeforeRemoving(_JobDialog):
    """An import that replaces stored sets. The first pass commits one that removes nothing stored; one
    that would remove spans, relations or events is rolled back instead (the service's dry run) and the
    user is shown what it would remove and asked, Cancel being the default; agreeing runs it again for
    real, with a backup taken just before it commits."""

    MAX_LISTED = 8  # removal sentences shown in the question; the count of the rest follows
    SOURCE = "file"  # what the question says is imported

    def __init__(self, ctx: ServiceContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, "Import", parent)
        self.ctx = ctx
        self._agreed = False  # the next run removes what the question showed
        self.question: QMessageBox | None = None

    def _dry_run_if_removing(self) -> bool:
        """For the run about to start: a dry run if it would remove anything, unless the user just agreed."""
        ask, self._agreed = not self._agreed, False
        return ask

    def _finished(self, result: Any) -> None:
        if getattr(result, "dry_run", False):
            self.run_button.setEnabled(True)
            self.ask(result)
            return
        super()._finished(result)

    def ask(self, result: Any) -> QMessageBox:
        """What the import would remove, and Import or Cancel (the default): nothing is stored until Import."""
        said = result.removal_sentences()
        text = f"Importing this {self.SOURCE} replaces stored sets and removes annotations:\n" + "".join(
            f"\n• {s}" for s in said[:self.MAX_LISTED])
        if len(said) > self.MAX_LISTED:
            text += f"\n• … and {len(said) - self.MAX_LISTED} more set(s)"
        text += ("\n\nA backup of the database is taken just before (File → Backups… restores it)."
                 if self.ctx.backend == "sqlite" else "\n\nThe app takes no backup of a server: its administrator's "
                                                      "backups are the way back.")
        box = QMessageBox(QMessageBox.Icon.Warning, "Import removes annotations", text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Yes).setText("Import and remove")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._answered(box.standardButton(button)))
        self.question = box
        box.open()
        return box

    def _answered(self, button: QMessageBox.StandardButton) -> None:
        self.question = None
        if button != QMessageBox.StandardButton.Yes:
            self.show_result("Not imported: nothing was stored or removed.")
            return
        self._agreed = True
        self.start()


class ImportAnnotationsDialog(_AsksBeforeRemoving):
    """A file's sets replace the stored ones; asks before removing anything stored."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Import annotations", parent)
        self.formats = [f for f in list_formats() if f.can_read]
        self.format_combo = _format_combo(self, self.formats)
        self.path = QLineEdit(self)
        row = _path_row(self, self.path, self.browse)
        self.annotator = QLineEdit(self)
        self.annotator.setPlaceholderText("the names in the file")
        self.label_map = QLineEdit(self)
        self.label_map.setPlaceholderText("e.g. PER=actor,LOC=place,relation:said_by=source")
        self.add_labels = QCheckBox("Add the labels and relation types the file uses to the schema", self)
        self.add_labels.setToolTip("Without it, a file using a label the schema lacks is refused (map it "
                                   "above instead). Added labels get a colour and no key; the window reopens "
                                   "with them.")
        self.form.addRow("File", row)
        self.form.addRow("Format", self.format_combo)
        self.form.addRow("As annotator", self.annotator)
        self.form.addRow("Label map", self.label_map)
        self.form.addRow("", self.add_labels)
        self.path.textChanged.connect(self._guess_format)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Annotations to import", str(Path.home()))
        if path:
            self.path.setText(path)

    def _guess_format(self, text: str) -> None:
        suffix = Path(text).suffix.lower()
        for i, info in enumerate(self.formats):
            if suffix and suffix in info.extensions:
                self.format_combo.setCurrentIndex(i)
                return

    def work(self) -> Work:
        from annotator.services.load import load_annotations, parse_label_map  # noqa: PLC0415 (format registry, 0.2 s to import, only for a transfer)

        path = self.path.text().strip()
        if not path:
            raise ValidationError("choose a file to import")
        mapping = parse_label_map(self.label_map.text())
        who = self.annotator.text().strip() or None
        ctx, fmt = self.ctx, self.format_combo.currentData().name
        add, ask = self.add_labels.isChecked(), self._dry_run_if_removing()
        return lambda progress, cancel: load_annotations(ctx, Path(path), fmt, annotator=who, label_map=mapping,
                                                         add_labels=add, progress=progress, cancel=cancel,
                                                         dry_run_if_removing=ask)

    def describe(self, result: Any) -> str:
        text = (f"Loaded {result.documents} document(s) from {Path(result.file).name}: {result.spans} span(s), "
                f"{result.relations} relation(s); {result.reports_new} new report(s), {result.sets_changed} "
                f"set(s) changed, {result.sets_unchanged} already up to date"
                f" ({', '.join(result.annotators) or 'no annotator'}).")
        added = result.added or {}
        for what, key in (("labels", "labels"), ("relation types", "relations"), ("widened relation types", "widened")):
            if added.get(key):
                text += f"\nAdded to the schema, {what}: {', '.join(item['name'] for item in added[key])}."
        removals = result.removal_sentences()
        for sentence in removals[:5]:
            text += f"\n{sentence}."  # it opens with an annotator's name, as they spell it
        if len(removals) > 5:
            text += f"\n… and {len(removals) - 5} more set(s) lost annotations (annotator load prints them all)."
        if result.backup:
            text += f"\n{result.backup_sentence()}"
        for warning in result.warnings[:5]:
            text += f"\n{warning}"
        if len(result.warnings) > 5:  # what a load keeps or loses is said per set: never hide that there is more
            text += f"\n… and {len(result.warnings) - 5} more (annotator load prints them all)."
        return text


class BundleExportDialog(_JobDialog):
    """One annotator's work, with its reports' texts and linked entities, in one verified file to
    carry across the air gap."""

    def __init__(self, ctx: ServiceContext, annotators: list[str], current: str, parent: QWidget | None = None) -> None:
        super().__init__("Export exchange bundle", "Export", parent)
        self.ctx = ctx
        self.annotator = QComboBox(self)
        self.annotator.addItems(annotators or [current])
        self.annotator.setCurrentText(current)
        self.destination = QLineEdit(self)
        row = _path_row(self, self.destination, self.browse)
        self.form.addRow("Annotator", self.annotator)
        self.form.addRow("Bundle file", row)

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Bundle file",
                                              str(Path.home() / f"{self.annotator.currentText()}.annotator-bundle"),
                                              "Exchange bundle (*.annotator-bundle *.zip)")
        if path:
            self.destination.setText(path)

    def work(self) -> Work:
        from annotator.services.bundles import export_bundle  # noqa: PLC0415 (format registry, 0.2 s to import, only for a transfer)

        out = self.destination.text().strip()
        if not out:
            raise ValidationError("choose where to write the bundle")
        require_folder_of(out, "the bundle")
        ctx, who = self.ctx, self.annotator.currentText()
        return lambda progress, cancel: export_bundle(ctx, who, Path(out), progress=progress, cancel=cancel)

    def describe(self, result: Any) -> str:
        text = (f"Wrote {result.sets} set(s) of {result.annotator} ({result.spans} spans, {result.relations} "
                f"relations, {result.entities} entities) to {Path(result.file).name}, {result.bytes:,} bytes.")
        if result.missing_entities:
            text += f" {len(result.missing_entities)} linked entit(y/ies) were not in the registry."
        return text


class BundleImportDialog(_AsksBeforeRemoving):
    """Verifies a bundle completely (checksums, format, size limits) and merges it in one
    transaction; a refused bundle changes nothing, and one whose newer sets would remove stored
    annotations asks first."""

    SOURCE = "bundle"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Import exchange bundle", parent)
        self.path = QLineEdit(self)
        row = _path_row(self, self.path, self.browse)
        self.form.addRow("Bundle file", row)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Bundle to import", str(Path.home()),
                                              "Exchange bundle (*.annotator-bundle *.zip);;All files (*)")
        if path:
            self.path.setText(path)

    def work(self) -> Work:
        from annotator.services.bundles import import_bundle  # noqa: PLC0415 (format registry, 0.2 s to import, only for a transfer)

        path = self.path.text().strip()
        if not path:
            raise ValidationError("choose a bundle file")
        ctx, ask = self.ctx, self._dry_run_if_removing()
        return lambda progress, cancel: import_bundle(ctx, Path(path), progress=progress, cancel=cancel,
                                                      dry_run_if_removing=ask)

    def describe(self, result: Any) -> str:
        text = (f"{result.annotator}'s bundle: {result.reports_new} new report(s), {result.sets_added} set(s) "
                f"added, {result.sets_replaced} replaced by newer work, {result.sets_unchanged} unchanged, "
                f"{result.sets_skipped_older} older than ours kept; entities {result.entities_added} added, "
                f"{result.entities_merged} merged.")
        if result.entity_conflicts:
            text += f" {len(result.entity_conflicts)} entity conflict(s) kept our version."
        if result.diverged:
            text += f" {len(result.diverged)} set(s) diverged at the same version: ours kept."
        kept = result.kept_sentences()
        for sentence in kept[:5]:
            text += f"\n{sentence[:1].upper()}{sentence[1:]}"
        if len(kept) > 5:
            text += f"\n… and {len(kept) - 5} more kept local"
        for sentence in result.removal_sentences()[:5]:
            text += f"\n{sentence}."
        if result.backup:
            text += f"\n{result.backup_sentence()}"
        for w in result.warnings[:3]:
            text += f"\n{w}"
        return text
