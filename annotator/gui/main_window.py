"""The main window: composes the report list, the document view, the spans/relations/record panels
and the inspector. It holds no rules of its own: gestures become commands in the labelling
controller, reads and writes go through the session's database lane.

Every panel is bound to the (report, set) the document shows: when that changes, they clear at once
and refill from the lane, and a late result for a report no longer shown is dropped. The window
never waits on the database."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCursor, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Change
from annotator.core.events import QUALIFIERS
from annotator.core.ids import GOLD
from annotator.core.spans import Span
from annotator.gui import search_tabs, window_actions, window_dialogs
from annotator.gui.bidi import isolate
from annotator.gui.commands.event_commands import CreateEventFromClaim, DeleteEvent, UpdateEvent
from annotator.gui.commands.span_commands import DeleteRelation, EditCommand
from annotator.gui.labelling import LabellingController
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.models.event_table_model import EventTableModel
from annotator.gui.models.relation_table_model import RelationTableModel
from annotator.gui.models.report_list_model import ID_ROLE, ReportFilterModel, ReportListModel
from annotator.gui.models.span_table_model import SPAN_ID_ROLE, SpanTableModel
from annotator.gui.session import EditSession, OpenSet
from annotator.gui.tasks import BackgroundJob, error_text
from annotator.gui.views.comment_markers import CommentMarkerOverlay
from annotator.gui.views.comments_panel import CommentsPanel
from annotator.gui.views.document_view import DocumentView
from annotator.gui.views.event_type_dialog import EventTypeDialog
from annotator.gui.views.events_panel import EventsPanel
from annotator.gui.views.record_panel import RecordPanel
from annotator.gui.views.search_panel import SearchPanel
from annotator.gui.views.side_by_side import SideBySideView
from annotator.gui.views.span_inspector import SpanInspector
from annotator.gui.views.suggestion_panel import SuggestionsPanel
from annotator.gui.views.tables import row_table
from annotator.services import annotate, entities, records, reports
from annotator.services import events as event_service
from annotator.services.database import display_url
from annotator.services.incidents import create_incident, list_incidents

STATE_TEXT = {"saving": "Saving…", "saved": "Saved", "failed": "Not saved", "retrying": "Not saved — retrying…"}
FIRST_LAUNCH_SHARE = 0.8  # of the screen's available area, when no layout was saved
FIRST = "\0first"  # the report to open once the list arrives: the first one


def _unchanged(event: Any, fields: dict[str, Any]) -> bool:
    """Whether applying ``fields`` (update_event's form) to ``event`` would change nothing."""
    now = {"type": event.type, "counts": {k: v.to_dict() for k, v in event.counts.items() if not v.is_empty},
           "qualifiers": list(event.qualifiers), "roles": {r: list(ids) for r, ids in event.roles.items()},
           "incident": event.incident}
    for name, value in fields.items():
        if name == "counts":
            value = {k: v for k, v in value.items() if any(x is not None for x in v.values())}
        if now.get(name) != value:
            return False
    return True


class MainWindow(QMainWindow):
    # made by window_actions.build (the menus and the toolbar); declared here so their type is known
    undo_action: QAction
    redo_action: QAction
    delete_action: QAction
    snap_action: QAction
    others_action: QAction
    labels_action: QAction
    compare_action: QAction
    switch_annotator_action: QAction
    schema_import_action: QAction
    schema_export_action: QAction
    registry_action: QAction
    refresh_action: QAction
    quit_action: QAction
    mark_empty_action: QAction
    mark_done_action: QAction
    import_annotations_action: QAction
    import_action: QAction
    help_action: QAction
    find_action: QAction
    export_action: QAction
    database_action: QAction
    comment_action: QAction
    bundle_import_action: QAction
    bundle_export_action: QAction
    backups_action: QAction
    assignments_action: QAction
    agreement_action: QAction
    label_actions: list[QAction]
    # made by search_tabs.install
    search_panel: SearchPanel
    suggestions_panel: SuggestionsPanel

    def __init__(self, session: EditSession, settings: QSettings | None = None) -> None:
        super().__init__()
        self.session = session
        session.setParent(self)  # the session and its lane end with the window: no late result reaches a dead panel
        self.settings = settings or QSettings()
        self.document = DocumentModel(self)
        self.view = DocumentView(self.document, session.schema, self)
        self.labelling = LabellingController(session, self.document, self.view, self)
        self.jobs: list[BackgroundJob] = []
        self.side_by_side: dict[str, SideBySideView] = {}
        self.replacement: MainWindow | None = None
        self.remember_layout = True  # False for a screenshot run: it leaves the user's settings as they were
        self._wanted: str | None = None  # the report being opened (a late load of another is dropped)
        self._stale: set[tuple[str, str]] = set()

        self.report_model = ReportListModel(session.annotator, self)
        self.report_proxy = ReportFilterModel(self)
        self.report_proxy.setSourceModel(self.report_model)
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText("Filter reports (title, source, id, date)")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.report_proxy.set_text)
        self.queue_box = QCheckBox("My queue", self)
        self.queue_box.setToolTip("Only the reports assigned to you that are not done yet (returned ones first in "
                                  "the Status column)")
        self.queue_box.toggled.connect(self.report_proxy.set_queue_only)
        self.report_table = self._table(self.report_proxy)
        self.report_table.setSortingEnabled(True)
        self.report_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.report_table.selectionModel().currentRowChanged.connect(self._report_chosen)
        for col, width in enumerate((150, 82, 54, 44, 112)):
            self.report_table.setColumnWidth(col, width)

        self.span_model = SpanTableModel(self.document, session.schema, self)
        self.span_table = self._table(self.span_model)
        self.span_table.selectionModel().currentRowChanged.connect(self._span_row_chosen)
        self.span_model.followed.connect(lambda: self._sync_span_row(self.view.selected_span()))
        for col, width in enumerate((70, 190, 48, 48)):
            self.span_table.setColumnWidth(col, width)

        self.relation_model = RelationTableModel(self.document, self)
        self.relation_table = self._table(self.relation_model)
        self.relation_table.selectionModel().currentRowChanged.connect(self._relation_row_chosen)
        self.relation_table.setColumnWidth(0, 70)
        self.relation_table.setColumnWidth(1, 160)
        self.record_panel = RecordPanel(self)
        self.record_panel.span_link.connect(self.jump_to_span)
        self.event_model = EventTableModel(self.document, session.schema, self)
        self.events_panel = EventsPanel(self.event_model, session.schema, self)
        self.events_panel.change.connect(self._event_change)
        self.events_panel.delete.connect(self._event_delete)
        self.events_panel.fill_role.connect(self._event_fill_role)
        self.events_panel.chosen.connect(self._event_chosen)
        self.events_panel.new_incident.connect(self._new_incident)
        self.view.event_key.connect(self.new_event)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.span_table, "Spans")
        self.tabs.addTab(self.relation_table, "Relations")
        self.tabs.addTab(self.events_panel, "Events")
        self.tabs.addTab(self.record_panel, "Record")
        self.comments_panel = CommentsPanel(session, self.view.selected_span, self)
        self.tabs.addTab(self.comments_panel, "Comments")
        self.comment_markers = CommentMarkerOverlay(self.view)
        self.comments_panel.markers_changed.connect(self.comment_markers.set_markers)
        self.comments_panel.go_to.connect(self._go_to_anchor)
        self.inspector = SpanInspector(session.schema, self)
        self.inspector.edit.connect(lambda target, span, op, fields:
                                    self.labelling.edit_fields(target, span, op, **fields))
        self.inspector.new_entity.connect(self._create_entity)
        search_tabs.install(self)  # the Search and Suggestions tabs (issue 15), and the inspector's Mentions
        self.tabs.currentChanged.connect(lambda _i: self._schedule_record())
        self.right = QSplitter(Qt.Orientation.Vertical, self)
        self.right.setObjectName("rightSplitter")
        self.right.addWidget(self.tabs)
        # the pane's width is the user's, not the inspector's: its minimum followed what it showed (an
        # entity's candidates, a claim's attributes), the splitter gave way, and the text re-wrapped
        # under the pointer at every click on another span
        self.inspector.setSizePolicy(QSizePolicy.Policy.Ignored, self.inspector.sizePolicy().verticalPolicy())
        self.right.addWidget(self.inspector)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 2)
        self._record_timer = QTimer(self)
        self._record_timer.setSingleShot(True)
        self._record_timer.setInterval(150)
        self._record_timer.timeout.connect(self.refresh_record)
        self._record_dirty = True

        left = QWidget(self)
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.queue_box)
        lay.addLayout(top)
        lay.addWidget(self.report_table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.setCentralWidget(self.splitter)

        self.annotator_label = QLabel(self)
        self.database_label = QLabel(display_url(session.ctx.url), self)
        self.save_label = QLabel(STATE_TEXT["saved"], self)
        # a fixed size that holds every state's words: Saving… → Saved on every edit then repaints the label
        # alone (a label whose size may change asks the whole status bar, and the window, to lay out again)
        widest = max(self.save_label.fontMetrics().horizontalAdvance(text) for text in STATE_TEXT.values())
        self.save_label.setFixedSize(widest + 4, self.save_label.sizeHint().height())
        self.statusBar().addPermanentWidget(self.database_label)
        self.statusBar().addPermanentWidget(self.annotator_label)
        self.statusBar().addPermanentWidget(self.save_label)
        self._show_identity()

        window_actions.build(self)
        session.save_state.connect(self._show_save_state)
        session.failed.connect(self.show_error)
        session.problem.connect(lambda m: self.statusBar().showMessage(m, 8000))
        session.waiting.connect(lambda m: self.statusBar().showMessage(m[:1].upper() + m[1:] + " …", 12000))
        session.stale.connect(self._set_changed_elsewhere)
        session.bus.changed.connect(self._on_change)
        session.bus.reports_changed.connect(self.reload_reports)
        self.labelling.message.connect(lambda m: self.statusBar().showMessage(m, 6000))
        self.view.span_selected.connect(self._sync_span_row)
        self.view.span_selected.connect(self._inspect)
        self.view.span_selected.connect(lambda _s: self.comments_panel.show_anchor())
        self.labelling.ask_type = self._ask_relation_type
        self.document.shown_changed.connect(lambda: self.inspector.show_span(None, ""))
        self.document.reset.connect(self._schedule_record)
        self.document.spans_changed.connect(self._span_edited)
        self.document.relations_changed.connect(self._schedule_record)
        self.document.events_changed.connect(self._schedule_record)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self._restore_layout()
        self.reload_reports()

    # -- construction -----------------------------------------------------------------------------
    def _table(self, model: Any) -> QTableView:
        table = row_table(self, model)
        table.setAlternatingRowColors(True)
        return table

    def _show_save_state(self, state: str) -> None:
        self.save_label.setText(STATE_TEXT.get(state, state))

    def _show_identity(self) -> None:
        who = self.session.annotator
        if self.session.reads_gold:
            self.annotator_label.setText("Reading: gold (read-only here)")
            self.annotator_label.setToolTip("gold is written only in adjudication; File → Switch annotator… "
                                            "to work on your own set")
        else:
            self.annotator_label.setText(f"Annotator: {who}")
            self.annotator_label.setToolTip("File → Switch annotator… to work under another name")
        self._title()

    def _title(self) -> None:
        report = self.document.report
        name = (report.title or report.id[:12]) if report is not None else ""
        self.setWindowTitle(f"{isolate(name)} — annotator — {self.session.annotator}" if name
                            else f"annotator — {self.session.annotator}")

    # -- reports ----------------------------------------------------------------------------------
    def reload_reports(self) -> None:
        """The report list afresh (after imports, loads, bundles); the open report is reopened."""
        ctx = self.session.ctx

        def shown(summaries: list[reports.ReportSummary]) -> None:
            current = self._wanted or self.document.report_id
            self.report_model.set_reports(summaries)
            if current == FIRST and self.report_proxy.rowCount():
                self.report_table.selectRow(0)
            elif current and current != FIRST:
                # reopened for fresh sets (an import may have changed them), unless it is opening now
                self.select_report(current, reopen=not self.document.loading)

        self.session.read(lambda: reports.list_reports(ctx), shown)

    def start(self, report_id: str | None = None) -> None:
        """What the window opens with once the report list arrives: this report, else the first."""
        if report_id:
            self.select_report(report_id)
        elif self.report_proxy.rowCount():
            self.report_table.selectRow(0)
        else:
            self._wanted = FIRST

    def select_report(self, report_id: str, *, reopen: bool = False) -> bool:
        """Make ``report_id`` the current row of the list and open it (the list may still be loading:
        then it opens when the list arrives)."""
        row = self.report_model.row_of(report_id)
        if row is None:
            if self.report_model.rowCount() == 0:
                self._wanted = report_id
                self.open_report(report_id)
                return True
            return False
        proxy_index = self.report_proxy.mapFromSource(self.report_model.index(row, 0))
        if not proxy_index.isValid():
            self.filter_box.clear()
            proxy_index = self.report_proxy.mapFromSource(self.report_model.index(row, 0))
        self.report_table.selectionModel().setCurrentIndex(
            proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        if reopen or (self._wanted != report_id and self.document.report_id != report_id):
            self.open_report(report_id)
        return True

    def _report_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            report_id = current.data(ID_ROLE)
            if report_id != self._wanted:
                self.open_report(report_id)

    def open_report(self, report_id: str) -> None:
        """Show a report: every panel clears now, the text and sets arrive from the lane. Undo and
        redo switch to this report's own history."""
        target = self.session.open_set(report_id)
        self.session.activate(target)
        self._wanted = report_id
        self.labelling.cancel_relation()
        self.document.clear(loading=True)
        self.comments_panel.bind(None, "")
        ctx = self.session.ctx

        def load() -> tuple[annotate.OpenedReport, int | None]:
            opened = annotate.open_report(ctx, target.report_id, target.annotator)
            seen, target.version = target.version, opened.own.version  # on the lane: edits expect this
            return opened, seen

        self.session.read(load, lambda result: self._opened(target, *result), self._open_failed)

    def _opened(self, target: OpenSet, opened: annotate.OpenedReport, seen: int | None) -> None:
        if seen is not None and seen != opened.own.version:
            target.stack.clear()  # changed elsewhere since its history was made: that history is void
        target.status = opened.status
        if self._wanted != target.report_id:
            return
        self.document.entity_names = dict(opened.entity_names)
        self.comments_panel.bind(opened.report.id, opened.report.text)
        self.document.load(opened.report, target.annotator, list(opened.own.spans),
                           {who: list(s.spans) for who, s in opened.others.items()}, list(opened.own.relations),
                           target, list(opened.own.events))
        self._title()
        self.refresh_incidents()
        if opened.returned:  # what the supervisor wants changed, where the annotator looks first
            self.statusBar().showMessage(f"Returned to you {isolate(opened.returned)}", 60000)
        if not self.report_table.hasFocus() and not self.filter_box.hasFocus():
            self.view.setFocus()

    def _open_failed(self, exc: BaseException) -> None:
        self.document.clear()
        self.statusBar().showMessage(f"Could not open the report: {error_text(exc)}", 10000)

    def _set_changed_elsewhere(self, target: OpenSet) -> None:
        """An edit found the stored set changed (another window, process or import): its history is
        void; reload it if shown. Deferred, so a command in the middle of reporting is not deleted."""
        key = (target.report_id, target.annotator)
        if key in self._stale:
            return
        self._stale.add(key)

        def reload() -> None:
            self._stale.discard(key)
            target.stack.clear()
            if self.document.target is target or self._wanted == target.report_id:
                self.statusBar().showMessage("This report was changed elsewhere; it was reloaded and its "
                                             "undo history starts again here.", 10000)
                self.open_report(target.report_id)

        QTimer.singleShot(0, reload)

    # -- changes --------------------------------------------------------------------------------------
    def _on_change(self, change: Change, _initiator: object) -> None:
        """A committed edit: the report list's counts, and other annotators' spans when shown."""
        rid = self.document.report_id
        row = self.report_model.row_of(change.report_id)
        if row is not None and change.report_id == rid and change.annotator == self.document.annotator:
            old = self.report_model.summary(row)  # the count at once; the row as stored follows (the
            counts = {**old.annotators, change.annotator: len(self.document.mine)}  # first edit moves the
            self.report_model.update_reports([dataclasses.replace(old, annotators=counts)])  # status too)
        ctx = self.session.ctx
        self.session.read(lambda: reports.list_reports(ctx, [change.report_id]), self.report_model.update_reports)
        if change.report_id == rid and change.annotator != self.document.annotator:
            def others() -> dict[str, list[Span]]:
                sets = annotate.get_sets(ctx, change.report_id)
                return {who: list(s.spans) for who, s in sets.items() if who != self.session.annotator}

            self.session.read(others, lambda found: self.document.set_others(found)
                              if self.document.report_id == change.report_id else None)

    def show_error(self, message: str) -> QMessageBox:
        """The refusal in the status bar and in a window-modal box that does not block the event loop."""
        self.statusBar().showMessage(message, 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Not saved", message, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- spans panel ----------------------------------------------------------------------------------
    def _span_row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.span_model.changing:  # a row removed under it is nobody's choice
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
        target = self.document.target
        if not index.isValid() or target is None:
            return
        if self.labelling.refusal() is not None:
            self.statusBar().showMessage(self.labelling.refusal() or "", 6000)
            return
        rel = self.relation_model.relation_at(index.row())
        self.session.when_ready(target, lambda: target.stack.push(DeleteRelation(self.session, self.document,
                                                                                 target, rel)))

    def jump_to_span(self, span_id: str) -> None:
        span = self.document.mine.get(span_id)
        if span is not None:
            self.view.select_span(span)

    def _ask_relation_type(self, names: list[str]) -> str | None:
        menu = QMenu(self)
        for name in names:
            menu.addAction(name)
        chosen = menu.exec(QCursor.pos())
        return chosen.text() if chosen is not None else None

    def _inspect(self, span: Span | None) -> None:
        """The inspector shows the span now; its registry candidates follow from the lane, and are
        dropped if the user has moved on to another span or report meanwhile."""
        target = self.document.target
        if span is None or target is None:
            self.inspector.show_span(None, "")
            return
        name = self.document.entity_names.get(span.entity) if span.entity else None
        self.inspector.show_span(span, self.document.text, target, name)
        if self.session.schema.entity_kind(span.label) is None:
            return
        ctx = self.session.ctx
        self.session.read(lambda: records.entity_candidates(ctx, target.report_id, span),
                          lambda found: self.inspector.show_candidates(target, span.id, found))

    def _span_edited(self, ids: list[str]) -> None:
        self._schedule_record()
        fresh = {s.entity for i in ids if (s := self.document.mine.get(i)) and s.entity
                 and s.entity not in self.document.entity_names}
        current = self.inspector.span
        refresh = current is not None and current.id in ids

        def named(names: dict[str, str]) -> None:
            self.document.entity_names.update(names)
            if refresh and current is not None and self.inspector.span is current:
                self._inspect(self.document.mine.get(current.id))

        if fresh:
            ctx = self.session.ctx
            self.session.read(lambda: entities.entity_names(ctx, fresh), named)
        elif refresh:
            named({})

    def _create_entity(self, target: OpenSet, span: Span, name: str) -> None:
        """A new registry entry from the inspector, then the span linked to it (an undoable edit)."""
        kind = self.session.schema.entity_kind(span.label)
        if kind is None:  # the inspector offers a new entity only for labels the schema links
            return
        ctx = self.session.ctx
        data = {"id": entities.new_entity_id(kind, name), "kind": kind, "name": name,
                "aliases": [span.text_in(self.document.text)] if self.document.target is target else []}
        self.session.read(lambda: entities.save_entity(ctx, data),
                          lambda saved: self.labelling.edit_fields(target, span, "link_entity", entity=saved["id"],
                                                                   resolution="confirmed"),
                          lambda exc: self.session.failed.emit(error_text(exc)))

    # -- events -----------------------------------------------------------------------------------
    def new_event(self) -> None:
        """E on a claim: choose the event's type (its roles come from the claim's relations)."""
        why = self.labelling.refusal()
        claim = self.view.selected_span()
        schema = self.session.schema.events
        if why is None and schema is None:
            why = "The project schema defines no event types (File → Import label schema with an events section)."
        if why is None and (claim is None or not schema.is_claim(claim)):  # type: ignore[union-attr]
            why = "Select a claim (click it, or Tab to it), then press E to make an event of it."
        if why is not None:
            self.statusBar().showMessage(why, 6000)
            return
        assert claim is not None and schema is not None and self.document.target is not None
        target, ctx = self.document.target, self.session.ctx
        dialog = EventTypeDialog(schema, isolate(claim.text_in(self.document.text)[:80]), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def proposed(proposal: Any) -> None:
            mine = self.document.mine
            dialog.show_roles({r: [mine[i].text_in(self.document.text) for i in ids if i in mine]
                               for r, ids in proposal.roles.items()})

        self.session.read(lambda: event_service.propose_event(ctx, target.report_id, claim.id,
                                                              annotator=target.annotator), proposed)

        def create() -> None:
            chosen = dialog.chosen()
            if chosen is None:
                return
            title = schema.type(chosen).title
            command = CreateEventFromClaim(self.session, self.document, target, claim.id, chosen, title)

            def made(_command: EditCommand) -> None:
                if command.shown and command.event:
                    self._show_event(command.event.id)

            command.on_done = made
            self.session.when_ready(target, lambda: target.stack.push(command))

        dialog.accepted.connect(create)
        dialog.open()

    def _show_event(self, event_id: str) -> None:
        self.tabs.setCurrentWidget(self.events_panel)
        row = self.event_model.row_of(event_id)
        if row is not None:
            self.events_panel.table.selectRow(row)

    def _event_change(self, event: Any, op: str, delta: dict[str, Any]) -> None:
        """An edit from the Events tab, applied to the event as it is when the edit runs."""
        target = self.document.target
        if target is None or self.labelling.refusal() is not None:
            self.statusBar().showMessage(self.labelling.refusal() or "", 6000)
            return

        def run() -> None:
            current = self.document.events.get(event.id)
            if current is None or self.document.target is not target:
                return
            fields: dict[str, Any] = {}
            if "type" in delta:
                fields["type"] = delta["type"]
            if "kind" in delta:
                counts = {k: v.to_dict() for k, v in current.counts.items()}
                counts[delta["kind"]] = delta["value"]
                fields["counts"] = counts
            if "qualifier" in delta:
                on = set(current.qualifiers) - {delta["qualifier"]} | ({delta["qualifier"]} if delta["on"] else set())
                fields["qualifiers"] = [q for q in QUALIFIERS if q in on]
            if "role" in delta:
                roles = {r: list(ids) for r, ids in current.roles.items()}
                roles[delta["role"]] = [*roles.get(delta["role"], []), delta["span"]]
                fields["roles"] = roles
            if "incident" in delta:
                fields["incident"] = delta["incident"]
            if _unchanged(current, fields):
                return  # e.g. a count box losing the focus after its value was already saved
            target.stack.push(UpdateEvent(self.session, self.document, target, current,
                                          f"Edit event {self.event_model.title(current)}", op, **fields))

        self.session.when_ready(target, run)

    def _event_fill_role(self, event: Any, role: str) -> None:
        span = self.view.selected_span()
        if span is None:
            self.statusBar().showMessage("Select a span in the text first, then put it in a role.", 6000)
            return
        self._event_change(event, "set_event_role", {"role": role, "span": span.id})

    def _event_delete(self, event: Any) -> None:
        target = self.document.target
        if target is None or self.labelling.refusal() is not None:
            self.statusBar().showMessage(self.labelling.refusal() or "", 6000)
            return
        title = self.event_model.title(event)
        self.session.when_ready(target, lambda: target.stack.push(
            DeleteEvent(self.session, self.document, target, self.document.events.get(event.id, event), title)))

    def refresh_incidents(self) -> None:
        """The Events tab's list of incidents, read on the lane (after every edit already sent)."""
        ctx = self.session.ctx
        self.session.read(lambda: list_incidents(ctx), self.events_panel.set_incidents)

    def _new_incident(self, event: Any, title: str) -> None:
        """A new incident, then the event put in it (an undoable edit; undo leaves the incident, empty,
        in the list, as a new registry entry stays when its link is undone)."""
        ctx = self.session.ctx

        def made(result: Any) -> None:
            self.refresh_incidents()
            self._event_change(event, "set_event_incident", {"incident": result[0].id})

        self.session.read(lambda: create_incident(ctx, title), made,
                          lambda exc: self.statusBar().showMessage(f"No incident made: {error_text(exc)}", 8000))

    def _event_chosen(self, event: Any) -> None:
        """The chosen event's claim is selected in the text; what the datasets miss follows from the lane."""
        from annotator.services.event_export import event_view  # noqa: PLC0415 (event exporters, 0.2 s to import, only for the events tab)

        target = self.document.target
        if event is None or target is None:
            return
        if event.claims and event.claims[0] in self.document.mine:
            self.jump_to_span(event.claims[0])
        ctx = self.session.ctx

        def missing() -> dict[str, list[str]]:
            found = next((e for e in event_view(ctx, target.report_id, target.annotator) if e.get("id") == event.id),
                         None)
            return {k: list(v) for k, v in (found or {}).get("missing", {}).items()}

        self.session.read(missing, lambda m: self.events_panel.show_missing(event.id, m))

    def _schedule_record(self) -> None:
        self._record_dirty = True
        if self.tabs.currentWidget() is self.record_panel:
            self._record_timer.start()

    def refresh_record(self) -> None:
        """Rebuild the record view (only while it is shown; edits mark it stale otherwise)."""
        if not self._record_dirty:
            return
        self._record_dirty = False
        target = self.document.target
        if target is None:
            self.record_panel.show_record(None)
            return
        ctx = self.session.ctx
        self.session.read(lambda: records.record_for(ctx, target.report_id, target.annotator),
                          lambda record: self.record_panel.show_record(record)
                          if self.document.target is target else None)

    def _context_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        menu.addActions(self.label_actions)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.addSeparator()
        menu.addActions([self.undo_action, self.redo_action])
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # -- dialogs (window_dialogs holds them; these are the window's menu entries) -------------------
    def import_files(self, paths: list[Any]) -> BackgroundJob:
        return window_dialogs.import_files(self, paths)

    def annotator_names(self) -> list[str]:
        names = {n for r in self.report_model.summaries() for n in r.annotators}
        return sorted(names, key=lambda n: (n == GOLD, n.casefold()))

    def show_side_by_side(self, report_id: str) -> SideBySideView | None:
        """One side-by-side view per report: asking again brings the open one forward, fresh. A new
        one opens when its report arrives from the lane (returned then through ``side_by_side``)."""
        view = self.side_by_side.get(report_id)
        if view is not None:
            view.reload()
            view.show()
            view.raise_()
            view.activateWindow()
            return view
        ctx = self.session.ctx

        def opened(report: Any) -> None:
            view = SideBySideView(report, self.session.schema, self, session=self.session)
            self.side_by_side[report_id] = view
            view.finished.connect(lambda _r, r=report_id: self.side_by_side.pop(r, None))
            view.reload()
            view.show()

        self.session.read(lambda: reports.get_report(ctx, report_id), opened)
        return None

    # -- layout -------------------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            state = self.settings.value("window/state")
            if isinstance(state, QByteArray):
                self.restoreState(state)
        else:
            self._first_launch_geometry()
        split = self.settings.value("window/splitter")
        if isinstance(split, QByteArray):
            self.splitter.restoreState(split)
        right = self.settings.value("window/right")
        if isinstance(right, QByteArray):
            self.right.restoreState(right)
        # value(type=T) gives a T; PySide6's stub says object
        self.tabs.setCurrentIndex(cast(int, self.settings.value("view/tab", 0, type=int)))
        self.snap_action.setChecked(cast(bool, self.settings.value("view/snap", True, type=bool)))
        self.others_action.setChecked(cast(bool, self.settings.value("view/others", False, type=bool)))
        self.labels_action.setChecked(cast(bool, self.settings.value("view/labels", False, type=bool)))

    def _first_launch_geometry(self) -> None:
        """About 80 % of the screen, centred, panels in readable proportions (no saved layout yet)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1400, 860)
            return
        area = screen.availableGeometry()
        width, height = int(area.width() * FIRST_LAUNCH_SHARE), int(area.height() * FIRST_LAUNCH_SHARE)
        self.resize(width, height)
        self.move(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2)
        sizes = [int(width * 0.34), int(width * 0.40), int(width * 0.26)]
        self.splitter.setSizes(sizes)
        self.right.setSizes([int(height * 0.6), int(height * 0.4)])
        self._fit_report_columns(sizes[0])

    def _fit_report_columns(self, width: int) -> None:
        """Every column of the report list readable in ``width`` px: the figures their width, the
        title the rest (the last column stretches)."""
        metrics = self.report_table.fontMetrics()
        fixed = [metrics.horizontalAdvance(sample) + 18 for sample in ("2024-04-10", "10,000", "Mine")]
        title = max(120, width - sum(fixed) - metrics.horizontalAdvance("annotated (+2)") - 30)
        for col, w in enumerate([title, *fixed]):
            self.report_table.setColumnWidth(col, w)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/right", self.right.saveState())
        self.settings.setValue("view/tab", self.tabs.currentIndex())
        self.settings.setValue("view/snap", self.snap_action.isChecked())
        self.settings.setValue("view/others", self.others_action.isChecked())
        self.settings.setValue("view/labels", self.labels_action.isChecked())
        self.settings.sync()

    def _go_to_anchor(self, owner: str, start: int, end: int) -> None:
        """A thread chosen in the Comments tab: its span selected (one of mine) or its text shown."""
        span = next((s for s in self.document.mine.values() if (s.start, s.end) == (start, end)), None) \
            if owner == self.document.annotator else None
        if span is not None:
            self.jump_to_span(span.id)
        else:
            self.view.select_offsets(start, end)
            self.view.ensureCursorVisible()

    def changeEvent(self, event: QEvent) -> None:
        """Undo follows the active window: back here, it acts on the report shown (the curation view
        makes its report's gold history the active one while it is active)."""
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            if self._wanted:
                self.session.activate(self.session.open_set(self._wanted))
            self._list_reports_added_elsewhere()
        super().changeEvent(event)

    def _list_reports_added_elsewhere(self) -> None:
        """Back in front, the list shows reports another program (``annotator import``, a load) or another
        login on a team server added meanwhile, and says so; they needed View → Refresh. The open report
        is left as it is (no reopening under the reader's eyes). The list is read only when the number of
        reports changed: it takes a third of a second for 10,000 reports, on the lane edits wait in."""
        ctx = self.session.ctx

        def counted(n: int) -> None:
            if self.report_model.rowCount() not in (0, n):  # (none yet: the list is on its way, whole)
                self.session.read(lambda: reports.list_reports(ctx), shown)

        def shown(summaries: list[reports.ReportSummary]) -> None:
            known = {r.id for r in self.report_model.summaries()}
            added = [s for s in summaries if s.id not in known]
            if not added or not known:  # nothing new, or the list has not arrived yet (it will, whole)
                return
            current = self.document.report_id
            self.report_model.set_reports(summaries)
            if current:
                self.select_report(current)
            self.statusBar().showMessage(f"{len(added)} report(s) added since the list was read", 8000)

        self.session.read(lambda: reports.count_reports(ctx), counted)

    def closeEvent(self, event: Any) -> None:
        for job in list(self.jobs):
            job.cancel()
        self.session.lane.drain()  # every edit already submitted commits before the window goes
        if self.remember_layout:
            self.save_layout()
        super().closeEvent(event)
