"""The main window: composes the report list, the document view, the spans panel, the actions and
the undo stack. It holds no rules of its own: edits go through the labelling controller's
commands, reads through services."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QCursor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHeaderView, QLabel, QLineEdit, QMainWindow,
                               QMenu, QMessageBox, QProgressDialog, QSplitter, QTableView, QTabWidget, QToolBar,
                               QVBoxLayout,
                               QWidget)

from annotator.core.changes import Change
from annotator.core.spans import Span
from annotator.gui.labelling import LabellingController
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.models.report_list_model import ID_ROLE, ReportFilterModel, ReportListModel
from annotator.gui.models.span_table_model import SPAN_ID_ROLE, SpanTableModel
from annotator.gui.session import EditSession
from annotator.gui.tasks import BackgroundJob
from annotator.gui.views.document_view import DocumentView
from annotator.gui.commands.span_commands import DeleteRelation, UpdateSpan
from annotator.gui.models.relation_table_model import RelationTableModel
from annotator.gui.tasks import error_text
from annotator.gui.views.help_dialog import HelpDialog
from annotator.gui.views.record_panel import RecordPanel
from annotator.gui.views.registry_dialog import RegistryDialog
from annotator.gui.views.side_by_side import SideBySideView
from annotator.gui.views.span_inspector import SpanInspector
from annotator.gui.views.agreement_dashboard import AgreementDashboard
from annotator.gui.views.connection_dialog import ConnectionDialog
from annotator.gui.views.transfer_dialogs import (BundleExportDialog, BundleImportDialog, ExportDialog,
                                                  ImportAnnotationsDialog)
from annotator.services import annotate, entities, records, reports
from annotator.services.database import display_url, has_password

STATE_TEXT = {"saving": "Saving…", "saved": "Saved", "failed": "Not saved"}


def _swatch(color: str) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(color))
    return QIcon(pix)


class MainWindow(QMainWindow):
    def __init__(self, session: EditSession, settings: QSettings | None = None) -> None:
        super().__init__()
        self.session = session
        self.settings = settings or QSettings()
        self.setWindowTitle(f"annotator — {session.annotator}")
        self.document = DocumentModel(self)
        self.view = DocumentView(self.document, session.schema, self)
        self.labelling = LabellingController(session, self.document, self.view, self)
        self.jobs: list[BackgroundJob] = []

        self.report_model = ReportListModel(session.annotator, self)
        self.report_proxy = ReportFilterModel(self)
        self.report_proxy.setSourceModel(self.report_model)
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText("Filter reports (title, source, id, date)")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.report_proxy.setFilterFixedString)
        self.report_table = self._table(self.report_proxy)
        self.report_table.setSortingEnabled(True)
        self.report_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.report_table.selectionModel().currentRowChanged.connect(self._report_chosen)
        for col, width in enumerate((150, 82, 54, 44, 112)):
            self.report_table.setColumnWidth(col, width)

        self.span_model = SpanTableModel(self.document, session.schema, self)
        self.span_table = self._table(self.span_model)
        self.span_table.selectionModel().currentRowChanged.connect(self._span_row_chosen)
        for col, width in enumerate((70, 190, 48, 48)):
            self.span_table.setColumnWidth(col, width)

        self.relation_model = RelationTableModel(self.document, self)
        self.relation_table = self._table(self.relation_model)
        self.relation_table.selectionModel().currentRowChanged.connect(self._relation_row_chosen)
        self.relation_table.setColumnWidth(0, 70)
        self.relation_table.setColumnWidth(1, 160)
        self.delete_relation_action = QAction("Delete relation", self.relation_table)
        self.delete_relation_action.setShortcut(QKeySequence("Del"))
        self.delete_relation_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_relation_action.triggered.connect(self.delete_current_relation)
        self.relation_table.addAction(self.delete_relation_action)
        self.relation_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.record_panel = RecordPanel(self)
        self.record_panel.span_link.connect(self.jump_to_span)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.span_table, "Spans")
        self.tabs.addTab(self.relation_table, "Relations")
        self.tabs.addTab(self.record_panel, "Record")
        self.tabs.currentChanged.connect(lambda _i: self._schedule_record())
        self.inspector = SpanInspector(session.schema, self)
        self.inspector.edit.connect(self._inspector_edit)
        self.inspector.new_entity.connect(self._create_entity)
        self.right = QSplitter(Qt.Orientation.Vertical, self)
        self.right.setObjectName("rightSplitter")
        self.right.addWidget(self.tabs)
        self.right.addWidget(self.inspector)
        self.right.setSizes([520, 280])
        self._record_timer = QTimer(self)
        self._record_timer.setSingleShot(True)
        self._record_timer.setInterval(150)
        self._record_timer.timeout.connect(self.refresh_record)
        self._record_dirty = True

        left = QWidget(self)
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.filter_box)
        lay.addWidget(self.report_table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([450, 600, 350])
        self.setCentralWidget(self.splitter)

        self.annotator_label = QLabel(f"Annotator: {session.annotator}", self)
        self.database_label = QLabel(display_url(session.ctx.url), self)
        self.statusBar().addPermanentWidget(self.database_label)
        self.save_label = QLabel(STATE_TEXT["saved"], self)
        self.statusBar().addPermanentWidget(self.annotator_label)
        self.statusBar().addPermanentWidget(self.save_label)

        self._build_actions()
        session.save_state.connect(lambda s: self.save_label.setText(STATE_TEXT.get(s, s)))
        session.failed.connect(self._show_error)
        session.bus.changed.connect(self._on_change)
        session.bus.reports_changed.connect(self.reload_reports)
        self.labelling.message.connect(lambda m: self.statusBar().showMessage(m, 4000))
        self.labelling.selection_changed.connect(self._sync_span_row)
        self.labelling.selection_changed.connect(self._inspect)
        self.labelling.ask_type = self._ask_relation_type
        self.document.reset.connect(self._schedule_record)
        self.document.spans_changed.connect(self._span_edited)
        self.document.relations_changed.connect(self._schedule_record)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self._restore_layout()
        self.reload_reports()

    # -- construction -----------------------------------------------------------------------------
    def _table(self, model) -> QTableView:  # type: ignore[no-untyped-def]
        table = QTableView(self)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(22)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        return table

    def _build_actions(self) -> None:
        stack = self.session.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        self.label_actions: list[QAction] = []
        for lab in self.session.schema.labels:
            act = QAction(_swatch(lab.color), f"{lab.key}  {lab.name}", self)
            act.setToolTip(f"Label the selection as {lab.name} (key {lab.key})")
            act.triggered.connect(lambda _=False, name=lab.name: self.labelling.apply_label(name))
            self.label_actions.append(act)
        self.delete_action = QAction("&Delete span\tDel", self)  # the view handles the key itself
        self.delete_action.triggered.connect(self.labelling.delete_selected)
        self.snap_action = QAction("Snap to words", self, checkable=True, checked=True)
        self.snap_action.setToolTip("Selections grow to whole words and drop spaces/punctuation at the ends")
        self.snap_action.toggled.connect(lambda on: setattr(self.labelling, "snap", on))
        self.others_action = QAction("Show other annotators", self, checkable=True, checked=False)
        self.others_action.setToolTip("Show other annotators' spans read-only, as dashed outlines")
        self.others_action.toggled.connect(self.document.set_show_others)
        self.help_action = QAction("&Keyboard shortcuts", self)
        self.help_action.setShortcut(QKeySequence("F1"))
        self.help_action.triggered.connect(self.show_help)
        self.import_action = QAction("&Import reports…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+O"))
        self.import_action.triggered.connect(self.choose_import)
        self.import_annotations_action = QAction("Import &annotations…", self)
        self.import_annotations_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.import_annotations_action.triggered.connect(self.show_import_annotations)
        self.export_action = QAction("&Export corpus…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.show_export)
        self.bundle_export_action = QAction("Export exchange &bundle…", self)
        self.bundle_export_action.triggered.connect(self.show_bundle_export)
        self.bundle_import_action = QAction("Import exchange b&undle…", self)
        self.bundle_import_action.triggered.connect(self.show_bundle_import)
        self.database_action = QAction("&Database…", self)
        self.database_action.triggered.connect(self.show_database)
        self.agreement_action = QAction("&Agreement dashboard…", self)
        self.agreement_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.agreement_action.triggered.connect(self.show_agreement)
        self.schema_import_action = QAction("Import label schema…", self)
        self.schema_import_action.triggered.connect(self.choose_schema)
        self.schema_export_action = QAction("Export label schema…", self)
        self.schema_export_action.triggered.connect(self.choose_schema_export)
        self.registry_action = QAction("Entity &registry…", self)
        self.registry_action.triggered.connect(self.show_registry)
        self.find_action = QAction("Filter reports", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(lambda: self.filter_box.setFocus())
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.import_annotations_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.bundle_export_action)
        file_menu.addAction(self.bundle_import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.registry_action)
        file_menu.addAction(self.schema_import_action)
        file_menu.addAction(self.schema_export_action)
        file_menu.addAction(self.database_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions(self.label_actions)
        edit_menu.addAction(self.delete_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addActions([self.snap_action, self.others_action, self.find_action])
        view_menu.addSeparator()
        view_menu.addAction(self.agreement_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.help_action)

        bar = QToolBar("Labels", self)
        bar.setObjectName("labelToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addActions(self.label_actions)
        bar.addSeparator()
        bar.addActions([self.undo_action, self.redo_action])
        bar.addSeparator()
        bar.addActions([self.snap_action, self.others_action])
        self.addToolBar(bar)
        for act in [self.undo_action, self.redo_action, self.help_action, self.find_action, self.import_action,
                    self.import_annotations_action, self.export_action, self.agreement_action]:
            self.addAction(act)

    # -- reports ----------------------------------------------------------------------------------
    def reload_reports(self) -> None:
        current = self.document.report_id
        self.report_model.set_reports(reports.list_reports(self.session.ctx))
        if current:
            self.open_report(current)  # fresh sets: an import may have changed them
            self.select_report(current)

    def select_report(self, report_id: str) -> bool:
        row = self.report_model.row_of(report_id)
        if row is None:
            return False
        proxy_index = self.report_proxy.mapFromSource(self.report_model.index(row, 0))
        if not proxy_index.isValid():
            self.filter_box.clear()
            proxy_index = self.report_proxy.mapFromSource(self.report_model.index(row, 0))
        self.report_table.selectionModel().setCurrentIndex(
            proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        if self.document.report_id != report_id:
            self.open_report(report_id)
        return True

    def _report_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            report_id = current.data(ID_ROLE)
            if report_id != self.document.report_id:
                self.open_report(report_id)

    def open_report(self, report_id: str) -> None:
        ctx, who = self.session.ctx, self.session.annotator
        report = reports.get_report(ctx, report_id)
        sets = annotate.get_sets(ctx, report_id)
        own = sets.pop(who, None)
        self.document.entity_names = entities.entity_names(
            ctx, {sp.entity for s in [own, *sets.values()] if s for sp in s.spans if sp.entity})
        self.document.load(report, who, list(own.spans) if own else [], {k: list(v.spans) for k, v in sets.items()},
                           list(own.relations) if own else [])
        self.setWindowTitle(f"{report.title or report.id[:12]} — annotator — {who}")
        self.view.setFocus()

    # -- changes --------------------------------------------------------------------------------------
    def _on_change(self, change: Change, _initiator: object) -> None:
        row = self.report_model.row_of(change.report_id)
        if (row is not None and change.report_id == self.document.report_id
                and change.annotator == self.session.annotator):
            # my own edit on the open report: the new count is known without a query
            old = self.report_model.summary(row)
            counts = {**old.annotators, change.annotator: len(self.document.mine)}
            self.report_model.update_reports([dataclasses.replace(old, annotators=counts)])
            return
        self.report_model.update_reports(reports.list_reports(self.session.ctx, [change.report_id]))

    def _show_error(self, message: str) -> QMessageBox:
        """The refusal in the status bar and in a window-modal box that does not block the event loop."""
        self.statusBar().showMessage(message, 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Not saved", message, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- spans panel ----------------------------------------------------------------------------------
    def _span_row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        span = self.document.mine.get(current.siblingAtColumn(0).data(SPAN_ID_ROLE))
        if span is not None and span.id != self.view.selected_id:
            self.view.select_span(span)

    def _sync_span_row(self, span: Span | None) -> None:
        row = self.span_model.row_of(span.id) if span is not None else None
        sel = self.span_table.selectionModel()
        if row is None:
            sel.clearSelection()
            return
        index = self.span_model.index(row, 0)
        sel.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                            | QItemSelectionModel.SelectionFlag.Rows)
        self.span_table.scrollTo(index)

    # -- relations, inspector, record -----------------------------------------------------------
    def _relation_row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            rel = self.relation_model.relation_at(current.row())
            self.jump_to_span(rel.head)

    def delete_current_relation(self) -> None:
        index = self.relation_table.currentIndex()
        if index.isValid():
            rel = self.relation_model.relation_at(index.row())
            self.session.undo_stack.push(DeleteRelation(self.session, self.document, rel))

    def jump_to_span(self, span_id: str) -> None:
        span = self.document.mine.get(span_id)
        if span is not None:
            self.view.select_span(span)
            self._sync_span_row(span)
            self._inspect(span)

    def _ask_relation_type(self, names: list[str]) -> str | None:
        menu = QMenu(self)
        for name in names:
            menu.addAction(name)
        chosen = menu.exec(QCursor.pos())
        return chosen.text() if chosen is not None else None

    def _inspect(self, span: Span | None) -> None:
        if span is None or self.document.report_id is None:
            self.inspector.show_span(None, "", [])
            return
        candidates: list[dict] = []
        entity_name = None
        try:
            if span.label in ("actor", "place"):
                candidates = records.entity_candidates(self.session.ctx, self.document.report_id, span)
                if span.entity:
                    entity_name = next((c["name"] for c in candidates if c["id"] == span.entity), None) or \
                        entities.get_entity(self.session.ctx, span.entity)["name"]
        except Exception as exc:  # noqa: BLE001 - the inspector still shows the span
            self.statusBar().showMessage(error_text(exc), 8000)
        self.inspector.show_span(span, self.document.text, candidates, entity_name)

    def _span_edited(self, ids: list[str]) -> None:
        self._schedule_record()
        fresh = {s.entity for i in ids if (s := self.document.mine.get(i)) and s.entity
                 and s.entity not in self.document.entity_names}
        if fresh:
            self.document.entity_names.update(entities.entity_names(self.session.ctx, fresh))
        current = self.inspector.span
        if current is not None and current.id in ids:
            self._inspect(self.document.mine.get(current.id))

    def _inspector_edit(self, span: Span, fields: dict) -> None:
        self.session.undo_stack.push(UpdateSpan(self.session, self.document, span, **fields))

    def _create_entity(self, span: Span, name: str) -> None:
        data = {"id": entities.new_entity_id(span.label, name), "kind": span.label, "name": name,
                "aliases": [span.text_in(self.document.text)]}
        try:
            saved = entities.save_entity(self.session.ctx, data)
        except Exception as exc:  # noqa: BLE001 - one sentence, nothing changed
            self._show_error(error_text(exc))
            return
        self.session.undo_stack.push(UpdateSpan(self.session, self.document, span, entity=saved["id"],
                                                resolution="confirmed"))

    def _schedule_record(self) -> None:
        self._record_dirty = True
        if self.tabs.currentWidget() is self.record_panel:
            self._record_timer.start()

    def refresh_record(self) -> None:
        """Rebuild the record view (only while it is shown; edits mark it stale otherwise)."""
        if not self._record_dirty:
            return
        self._record_dirty = False
        rid = self.document.report_id
        if rid is None:
            self.record_panel.show_record(None)
            return
        try:
            self.record_panel.show_record(records.record_for(self.session.ctx, rid, self.session.annotator))
        except Exception as exc:  # noqa: BLE001
            self.record_panel.setPlainText(error_text(exc))

    def _context_menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        menu = QMenu(self)
        menu.addActions(self.label_actions)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.addSeparator()
        menu.addActions([self.undo_action, self.redo_action])
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # -- import ---------------------------------------------------------------------------------------
    def choose_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import reports", str(Path.home()),
                                                "Reports (*.txt *.md *.html *.htm *.pdf *.docx);;All files (*)")
        if files:
            self.import_files([Path(f) for f in files])

    def import_files(self, paths: list[Path]) -> BackgroundJob:
        ctx = self.session.ctx
        job = BackgroundJob(lambda progress, cancel: reports.import_reports(ctx, paths, progress=progress,
                                                                            cancel=cancel), self)
        dialog = QProgressDialog("Importing reports…", "Cancel", 0, len(paths), self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(job.cancel)
        job.progress.connect(lambda done, total, msg: (dialog.setMaximum(max(total, 0)), dialog.setValue(done),
                                                       dialog.setLabelText(msg or "Importing reports…")))

        def finished(result) -> None:  # type: ignore[no-untyped-def]
            dialog.reset()
            self.reload_reports()
            new = sum(1 for r in result.reports if r.status == "new")
            text = f"Imported {new} new report(s), {len(result.reports) - new} already present"
            if result.errors:
                QMessageBox.warning(self, "Some files were not imported",
                                    "\n".join(f"{e.path}: {e.error}" for e in result.errors))
            self.statusBar().showMessage(text, 8000)
            self.jobs.remove(job)

        def stopped(message: str = "") -> None:
            dialog.reset()
            self.reload_reports()
            if message:
                QMessageBox.warning(self, "Import failed", message)
            self.jobs.remove(job)

        job.finished.connect(finished)
        job.failed.connect(stopped)
        job.cancelled.connect(lambda: stopped())
        self.jobs.append(job)
        job.start()
        return job

    def annotator_names(self) -> list[str]:
        names = {n for r in self.report_model.summaries() for n in r.annotators}
        return sorted(names, key=lambda n: (n == "gold", n.casefold()))

    def show_export(self) -> ExportDialog:
        dialog = ExportDialog(self.session.ctx, self.session.schema, self.annotator_names(),
                              current_report=self.document.report_id, parent=self)
        dialog.show()
        return dialog

    def show_import_annotations(self) -> ImportAnnotationsDialog:
        dialog = ImportAnnotationsDialog(self.session.ctx, parent=self)
        dialog.completed.connect(lambda _result: self.session.bus.reports_changed.emit())
        dialog.show()
        return dialog

    def show_bundle_export(self) -> BundleExportDialog:
        names = [n for n in self.annotator_names() if n != "gold"] or [self.session.annotator]
        dialog = BundleExportDialog(self.session.ctx, names, self.session.annotator, self)
        dialog.show()
        return dialog

    def show_bundle_import(self) -> BundleImportDialog:
        dialog = BundleImportDialog(self.session.ctx, self)
        dialog.completed.connect(lambda _result: self.session.bus.reports_changed.emit())
        dialog.show()
        return dialog

    def show_database(self) -> ConnectionDialog:
        dialog = ConnectionDialog(display_url(self.session.ctx.url), self)
        dialog.accepted.connect(lambda: self.switch_database(dialog.ctx, dialog.url))
        dialog.show()
        return dialog

    def switch_database(self, ctx, target: str | None = None) -> MainWindow:  # type: ignore[no-untyped-def]
        """Continue in another database: a new window on it (same annotator), this one closes."""
        from annotator.services.database import load_schema

        ctx.schema = load_schema(ctx)
        if target and not has_password(target):
            self.settings.setValue("database/target", target)  # never a password in the settings
        window = MainWindow(EditSession(ctx, self.session.annotator, ctx.schema), self.settings)
        window.resize(self.size())
        window.show()
        self.replacement = window
        self.close()
        self.session.ctx.close()
        return window

    def show_agreement(self) -> AgreementDashboard:
        dialog = AgreementDashboard(self.session.ctx, self)
        dialog.open_report.connect(self.show_side_by_side)
        dialog.show()
        return dialog

    def show_side_by_side(self, report_id: str) -> SideBySideView:
        sets = annotate.get_sets(self.session.ctx, report_id)
        view = SideBySideView(reports.get_report(self.session.ctx, report_id),
                              {who: list(s.spans) for who, s in sets.items()}, self.session.schema, self,
                              ctx=self.session.ctx)
        view.show()
        return view

    def choose_schema(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Label schema", str(Path.home()), "Schema (*.json)")
        if path:
            self.use_schema(Path(path))

    def use_schema(self, path: Path) -> MainWindow | None:
        """Make a schema file the project's; the window is rebuilt with its labels and keys."""
        from annotator.services.database import import_schema

        try:
            import_schema(self.session.ctx, path)
        except Exception as exc:  # noqa: BLE001 - one sentence; the schema is unchanged
            self._show_error(error_text(exc))
            return None
        return self.reopen()

    def choose_schema_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export label schema", str(Path.home() / "schema.json"),
                                              "Schema (*.json)")
        if path:
            from annotator.services.database import export_schema

            self.statusBar().showMessage(f"Wrote {export_schema(self.session.ctx, path)}", 8000)

    def reopen(self) -> MainWindow:
        """A fresh window on the same database (after the schema changed)."""
        from annotator.services.database import open_database

        current = self.document.report_id
        ctx = open_database(self.session.ctx.url)
        window = self.switch_database(ctx)
        if current:
            window.select_report(current)
        return window

    def show_registry(self) -> RegistryDialog:
        dialog = RegistryDialog(self.session.ctx, self)
        dialog.finished.connect(lambda _r: self._inspect(self.view.selected_span()))
        dialog.show()
        return dialog

    # -- help, layout ---------------------------------------------------------------------------------
    def show_help(self) -> HelpDialog:
        dialog = HelpDialog(self.session.schema, self)
        dialog.show()
        return dialog

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        split = self.settings.value("window/splitter")
        if isinstance(split, QByteArray):
            self.splitter.restoreState(split)
        right = self.settings.value("window/right")
        if isinstance(right, QByteArray):
            self.right.restoreState(right)
        self.tabs.setCurrentIndex(self.settings.value("view/tab", 0, type=int))
        self.snap_action.setChecked(self.settings.value("view/snap", True, type=bool))
        self.others_action.setChecked(self.settings.value("view/others", False, type=bool))

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/right", self.right.saveState())
        self.settings.setValue("view/tab", self.tabs.currentIndex())
        self.settings.setValue("view/snap", self.snap_action.isChecked())
        self.settings.setValue("view/others", self.others_action.isChecked())
        self.settings.sync()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        for job in list(self.jobs):
            job.cancel()
        self.save_layout()
        super().closeEvent(event)



