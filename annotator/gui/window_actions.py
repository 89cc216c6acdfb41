"""The window's actions, menus and toolbar. Every shortcut comes from ``keymap`` (the table the F1
sheet prints), Undo and Redo act on the undo group (the shown report's history only), and each
action triggers what a person would reach from the menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeyEvent, QKeySequence, QPixmap
from PySide6.QtWidgets import QToolBar, QWidget

from annotator.gui import keymap, window_dialogs, window_workflow

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


def _swatch(color: str) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(color))
    return QIcon(pix)


def _action(window: MainWindow, text: str, slot: Callable[..., object] | None = None, *, key: str = "",
            tip: str = "", checkable: bool = False, checked: bool = False) -> QAction:
    act = QAction(text, window)
    if key:
        act.setShortcuts([QKeySequence(k) for k in keymap.keys(window.session.schema, key)])
    if tip:
        act.setToolTip(tip)
    if checkable:
        act.setCheckable(True)
        act.setChecked(checked)
    if slot is not None:
        (act.toggled if checkable else act.triggered).connect(slot)
    return act


def _table_action(table: QWidget, text: str, keys: tuple[str, ...], slot: Callable[[], object]) -> QAction:
    """A key that acts only while ``table`` has the focus (also in its context menu)."""
    act = QAction(text, table)
    act.setShortcuts([QKeySequence(k) for k in keys])
    act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    act.triggered.connect(lambda _=False: slot())
    table.addAction(act)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return act


class _LabelKeyHint(QObject):
    """A label key pressed in the report list did nothing and said nothing (the list took it as a
    jump-to-title letter): it now says where label keys act and how to get there."""

    def __init__(self, window: MainWindow, keys: set[str]) -> None:
        super().__init__(window)
        self.window, self.keys = window, keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.text() in self.keys
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            go = keymap.shown(self.window.session.schema, "go-to-text")
            self.window.statusBar().showMessage(f"Label keys act in the text: press {go} to go to the text, select "
                                                "words with Shift+arrows, then press the key.", 8000)
            return True
        return False


def build(window: MainWindow) -> None:
    schema = window.session.schema
    group = window.session.undo_group
    # Undo/Redo follow the undo group (the shown report's history) but go through the session, so a
    # step waits for the edit already on its way instead of undoing a step not yet answered
    window.undo_action = _action(window, "&Undo", lambda: window_workflow.history_step(window, undo=True), key="undo")
    window.redo_action = _action(window, "&Redo", lambda: window_workflow.history_step(window, undo=False),
                                 key="redo")
    for act, can, text, verb in ((window.undo_action, group.canUndoChanged, group.undoTextChanged, "Undo"),
                                 (window.redo_action, group.canRedoChanged, group.redoTextChanged, "Redo")):
        act.setEnabled(False)
        act.setIconText(verb)  # the toolbar's button keeps its width (the menu and the tooltip name the step):
        can.connect(act.setEnabled)  # named there, it moved every button after it and a click hit Redo
        text.connect(lambda t, a=act, v=verb: a.setText(f"&{v} {t}".strip()))
    window.label_actions = []
    for lab in schema.labels:
        act = QAction(_swatch(lab.color), f"{lab.key}  {lab.name}" if lab.key else lab.name, window)
        act.setToolTip(f"Label the selection as {lab.name}" + (f" (key {lab.key})" if lab.key else ""))
        act.triggered.connect(lambda _=False, name=lab.name: window.labelling.apply_label(name))
        window.label_actions.append(act)
    # the keys themselves are the document view's (it has the focus while labelling): no shortcut here,
    # or a key would be bound twice
    window.delete_action = _action(window, "&Delete span\tDel", window.labelling.delete_selected)
    window.snap_action = _action(window, "Snap to words", lambda on: setattr(window.labelling, "snap", on),
                                 tip="Selections grow to whole words and drop spaces/punctuation at the ends",
                                 checkable=True, checked=True)
    window.others_action = _action(window, "Show other annotators", window.document.set_show_others,
                                   tip="Show other annotators' spans read-only, as dashed bars in a band of their own",
                                   checkable=True)
    window.labels_action = _action(window, "Show &labels", window.view.set_show_labels, key="show-labels",
                                   tip="Write each span's label in a small tag at its start", checkable=True)
    window.help_action = _action(window, "&Keyboard shortcuts", lambda: window_dialogs.show_help(window), key="help")
    window.import_action = _action(window, "&Import reports…", lambda: window_dialogs.choose_import(window),
                                   key="import-reports")
    window.import_annotations_action = _action(window, "Import &annotations…",
                                               lambda: window_dialogs.show_import_annotations(window),
                                               key="import-annotations")
    window.export_action = _action(window, "&Export corpus…", lambda: window_dialogs.show_export(window),
                                   key="export")
    window.bundle_export_action = _action(window, "Export exchange &bundle…",
                                          lambda: window_dialogs.show_bundle_export(window))
    window.bundle_import_action = _action(window, "Import exchange b&undle…",
                                          lambda: window_dialogs.show_bundle_import(window))
    window.database_action = _action(window, "&Database…", lambda: window_dialogs.show_database(window))
    window.backups_action = _action(window, "Bac&kups…", lambda: window_dialogs.show_backups(window),
                                    tip="The automatic copies of the database; restore one")
    window.switch_annotator_action = _action(window, "S&witch annotator…",
                                             lambda: window_dialogs.show_switch_annotator(window))
    window.agreement_action = _action(window, "&Agreement dashboard…", lambda: window_dialogs.show_agreement(window),
                                      key="agreement")
    window.compare_action = _action(window, "&Compare annotators (curation)…",
                                    lambda: window.show_side_by_side(window.document.report_id)
                                    if window.document.report_id else None,
                                    tip="Every annotator's version of each candidate on the report shown, next to "
                                        "gold: decide by rule or one by one")
    window.mark_done_action = _action(window, "&Mark done", lambda: window_workflow.mark_done(window), key="mark-done",
                                      tip="Your work on the report shown is done: read-only for you until a "
                                          "supervisor returns it")
    window.mark_empty_action = _action(window, "Mark done, &nothing to mark",
                                       lambda: window_workflow.mark_done(window, empty=True),
                                       tip="The report holds nothing to annotate (you marked no span)")
    window.comment_action = _action(window, "&Comment…", lambda: window_workflow.start_comment(window), key="comment",
                                    tip="Comment on the selected span (or the whole report)")
    window.assignments_action = _action(window, "&Assignments and review…",
                                        lambda: window_workflow.show_assignments(window),
                                        tip="Assign reports (by hand or round robin), accept or return work")
    window.schema_import_action = _action(window, "Import label schema…", lambda: window_dialogs.choose_schema(window))
    window.schema_export_action = _action(window, "Export label schema…",
                                          lambda: window_dialogs.choose_schema_export(window))
    window.registry_action = _action(window, "Entity &registry…", lambda: window_dialogs.show_registry(window))
    window.find_action = _action(window, "Filter reports", lambda: window.filter_box.setFocus(), key="filter-reports")
    window.refresh_action = _action(window, "&Refresh", window.reload_reports, key="refresh",
                                    tip="The report list and the report shown again, with what others changed")
    window.quit_action = _action(window, "&Quit", window.close, key="quit")
    _table_action(window.span_table, "Delete span", keymap.keys(schema, "delete-span"),
                  window.labelling.delete_selected)
    _table_action(window.report_table, "Go to the text", keymap.keys(schema, "go-to-text"),
                  lambda: window.view.setFocus(Qt.FocusReason.ShortcutFocusReason))
    window.report_table.installEventFilter(_LabelKeyHint(window, {lab.key for lab in schema.labels if lab.key}))
    _table_action(window.relation_table, "Delete relation", keymap.keys(schema, "delete-relation"),
                  window.delete_current_relation)

    def delete_current_event() -> None:
        if window.events_panel.current is not None:
            window._event_delete(window.events_panel.current)

    _table_action(window.events_panel.table, "Delete event", keymap.keys(schema, "delete-event"), delete_current_event)

    file_menu = window.menuBar().addMenu("&File")
    file_menu.addActions([window.import_action, window.import_annotations_action, window.export_action])
    file_menu.addSeparator()
    file_menu.addActions([window.bundle_export_action, window.bundle_import_action])
    file_menu.addSeparator()
    file_menu.addActions([window.registry_action, window.schema_import_action, window.schema_export_action])
    file_menu.addSeparator()
    file_menu.addActions([window.switch_annotator_action, window.database_action, window.backups_action])
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    edit_menu = window.menuBar().addMenu("&Edit")
    edit_menu.addActions([window.undo_action, window.redo_action])
    edit_menu.addSeparator()
    edit_menu.addActions(window.label_actions)
    edit_menu.addAction(window.delete_action)
    edit_menu.addSeparator()
    edit_menu.addActions([window.comment_action, window.mark_done_action, window.mark_empty_action])
    view_menu = window.menuBar().addMenu("&View")
    view_menu.addActions([window.snap_action, window.others_action, window.labels_action, window.find_action,
                          window.refresh_action])
    view_menu.addSeparator()
    view_menu.addActions([window.compare_action, window.agreement_action])
    supervisor_menu = window.menuBar().addMenu("&Supervisor")
    supervisor_menu.addActions([window.assignments_action, window.compare_action])
    help_menu = window.menuBar().addMenu("&Help")
    help_menu.addAction(window.help_action)

    bar = QToolBar("Labels", window)
    bar.setObjectName("labelToolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.addActions(window.label_actions)
    bar.addSeparator()
    bar.addActions([window.undo_action, window.redo_action])
    bar.addSeparator()
    bar.addActions([window.snap_action, window.others_action, window.labels_action])
    window.addToolBar(bar)
