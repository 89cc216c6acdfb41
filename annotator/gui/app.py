"""Start-up: the QApplication, the database, who is annotating, the main window; and the
``--screenshot`` mode that renders the real window offscreen to a PNG for docs and checks.

Only ``annotator gui`` imports this module (after checking PySide6 is installed), so Qt and the window
are imported here at the top: the command line never loads them."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QCoreApplication, QIODevice, QSettings
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.errors import AnnotatorError, StorageError, UsageError, ValidationError
from annotator.core.ids import annotator_name
from annotator.files.atomic import write_atomic
from annotator.gui.main_window import MainWindow
from annotator.gui.session import EditSession
from annotator.gui.tasks import BackgroundJob
from annotator.gui.views.annotator_dialog import AnnotatorDialog, default_name
from annotator.gui.views.event_type_dialog import EventTypeDialog
from annotator.gui.window_dialogs import show_agreement
from annotator.gui.window_workflow import show_assignments
from annotator.records.dates import warm_up as warm_up_dates
from annotator.services.backups import AutoBackup, latest_backup_of_target, restore_backup
from annotator.services.database import open_database, open_for_repair
from annotator.services.identity import annotators, check_identity, set_default_annotator, who_acts
from annotator.services.records import warm_up_registry
from annotator.services.reports import resolve_report_id
from annotator.services.samples import load_samples, resources_dir

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from annotator.services.context import ServiceContext

ORG, APP = "annotator", "annotator"


def ensure_application() -> QCoreApplication:
    """The QApplication (created once), with the bundled Arabic font registered."""
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORG)
        QCoreApplication.setApplicationName(APP)
        app = QApplication(sys.argv[:1])
        register_fonts()
    return app


def register_fonts() -> list[str]:
    """Register ``resources/fonts/*.ttf`` so Arabic is shaped even where the system has no such font."""
    families: list[str] = []
    for path in sorted((resources_dir() / "fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


LEGACY_NAME_KEY = "annotator/name"  # where versions before 0.2 kept the name, per workstation


def choose_annotator(ctx: ServiceContext, settings: QSettings, explicit: str | None, *, ask: bool) -> str | None:
    """Who acts in this run. ``--annotator`` applies to this run only and is never stored; otherwise
    the name this database keeps for its user; on the first launch, the name an older version kept
    in the workstation's settings (moved into the database once, unless it was ``gold``) or the one
    the user types. A screenshot run never asks and never stores. None: the user cancelled."""
    if explicit:
        return annotator_name(explicit)
    stored = who_acts(ctx)  # on a team server, the person the login is mapped to; else this database's own
    if stored:
        return stored
    legacy = settings.value(LEGACY_NAME_KEY)
    if legacy and ask:
        settings.remove(LEGACY_NAME_KEY)
        try:
            return set_default_annotator(ctx, check_identity(str(legacy)))
        except ValidationError:
            pass  # e.g. "gold", stored by a screenshot run of an older version: ask instead
    if not ask:
        return default_name()
    dialog = AnnotatorDialog(names=annotators(ctx))
    if dialog.exec() != dialog.DialogCode.Accepted:
        return None
    return set_default_annotator(ctx, dialog.name())


def build_window(args: argparse.Namespace, *, ask: bool) -> MainWindow | None:
    """Open the database (loading the samples into a new one), then the main window; None if the
    user cancelled the name prompt."""
    settings = QSettings()
    target = getattr(args, "db", None) or os.environ.get("ANNOTATOR_DB") or settings.value("database/target") or None
    ctx = open_or_restore(target, ask=ask)
    if ctx.created and not getattr(args, "no_samples", False):
        load_samples(ctx)
    name = choose_annotator(ctx, settings, getattr(args, "annotator", None), ask=ask)
    if name is None:
        ctx.close()
        return None
    ctx.actor = who_acts(ctx, name)  # reading gold: the person this database knows acts
    return MainWindow(EditSession(ctx, name, ctx.schema), settings)


def open_or_restore(target: str | None, *, ask: bool) -> ServiceContext:
    """Open the database; when the file is damaged, offer to restore its latest automatic backup
    (the damaged file is kept as a backup of its own first) and open that."""
    try:
        return open_database(target)
    except StorageError as exc:
        if exc.kind != "damaged" or not ask:
            raise
        latest = latest_backup_of_target(target)
        if latest is None:
            raise
        answer = QMessageBox.question(None, "The database is damaged",
                                      f"{exc}\n\nRestore the latest automatic backup, {latest.name}?")
        if answer != QMessageBox.StandardButton.Yes:
            raise
        repair = open_for_repair(target)
        try:
            restore_backup(repair, latest)
        finally:
            repair.close()
        return open_database(target)


SIZE_RANGE = (200, 7680)  # pixels per side of a screenshot: a usable window up to an 8K screen's width


def parse_size(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` within ``SIZE_RANGE`` per side: 0x0 and negative sizes were taken, 40000x20000 took
    6.4 GB, and 100000x100000 crashed inside Qt's painter (no paint engine for the image)."""
    low, high = SIZE_RANGE
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size takes WIDTHxHEIGHT, e.g. 1400x860, not '{text}'") from None
    if not (low <= w <= high and low <= h <= high):
        raise UsageError(f"--size takes a width and a height each between {low} and {high} pixels, not '{text}'")
    return w, h


def run(args: argparse.Namespace) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot and "QT_QPA_PLATFORM" not in os.environ and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    size = parse_size(args.size) if screenshot and getattr(args, "size", None) else None
    app = ensure_application()
    window = build_window(args, ask=not screenshot)
    if window is None:
        return 0
    report = getattr(args, "report", None)
    if report:
        report = resolve_report_id(window.session.ctx, report)
    window.start(report)
    view = getattr(args, "view", "main") or "main"
    window.remember_layout = not screenshot
    if getattr(args, "show_labels", False):
        window.labels_action.setChecked(True)
    if getattr(args, "show_others", False):
        window.others_action.setChecked(True)
    if screenshot:
        settle(app, window)
        if getattr(args, "span", None):
            select_span(window, args.span)
        return take_screenshot(app, window, show_view(window, view, blind=getattr(args, "blind", False)),
                               Path(screenshot), size)
    if view != "main":
        show_view(window, view)
    window.show()
    warm_up(window)
    start_backups(window)
    code = app.exec()
    window.session.ctx.close()
    return int(code)


def warm_up(window: MainWindow) -> BackgroundJob:
    """Seed the registry and build its index on the database lane (after the first report opened),
    so the first span created resolves at once; the date parser's data loads on the thread pool
    (no database: it need not wait in the lane)."""
    ctx = window.session.ctx
    window.session.read(lambda: warm_up_registry(ctx), lambda _r: None)
    job = BackgroundJob(lambda _progress, _cancel: warm_up_dates(), window)
    job.failed.connect(lambda message: window.statusBar().showMessage(message, 8000))
    window.jobs.append(job)
    job.finished.connect(lambda _r: window.jobs.remove(job))
    job.failed.connect(lambda _m: window.jobs.remove(job) if job in window.jobs else None)
    job.start()
    return job


def select_span(window: MainWindow, span_id: str) -> None:
    """Select a span of the report shown, as a click on it would (the inspector shows it)."""
    if window.document.mine.get(span_id) is None:
        raise AnnotatorError(f"span {span_id} is not in {window.session.annotator}'s set on the report shown")
    window.jump_to_span(span_id)
    settle(ensure_application(), window)


def start_backups(window: MainWindow) -> None:
    """A rolling backup now (on the lane, after the first report opened) and every few minutes of
    editing; a PostgreSQL server has none here (its administrator backs it up)."""
    session = window.session
    if session.ctx.backend != "sqlite":
        return
    session.backups = AutoBackup(session.ctx)
    session.read(session.backups.started, lambda _made: None)


def settle(app: QCoreApplication, window: MainWindow, timeout_s: float = 30.0) -> None:
    """Let the database lane deliver everything queued (for screenshots: the report shown, its
    record, the side-by-side sets)."""
    deadline = time.monotonic() + timeout_s
    app.processEvents()
    while window.session.lane.busy and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    app.processEvents()


def show_view(window: MainWindow, view: str, *, blind: bool = False) -> QWidget:
    """The widget for ``--view``: the main window (record: with its Record tab; comments: with its
    Comments tab), the agreement dashboard computed on the database, the curation view (``blind``:
    names hidden), or the supervisor's assignment view."""
    if view == "record":
        window.tabs.setCurrentWidget(window.record_panel)
        window.refresh_record()
        settle(ensure_application(), window)
        return window
    if view == "events":
        window.tabs.setCurrentWidget(window.events_panel)
        if window.event_model.rowCount():
            window.events_panel.table.selectRow(0)
        settle(ensure_application(), window)
        return window
    if view == "new-event":
        window.new_event()
        settle(ensure_application(), window)
        dialog = window.findChild(EventTypeDialog)
        if dialog is None:
            raise AnnotatorError(window.statusBar().currentMessage() or "no claim is selected (--span)")
        return dialog
    if view == "agreement":
        from annotator.services.agreement import compute_agreement  # noqa: PLC0415 (numpy-backed, only for --view agreement)

        dashboard = show_agreement(window)
        dashboard.show_report(compute_agreement(window.session.ctx))
        return dashboard
    if view in ("adjudication", "curation"):
        report_id = window.document.report_id
        if report_id is None:
            raise AnnotatorError("there is no report to compare; import or load one first")
        window.show_side_by_side(report_id)
        settle(ensure_application(), window)
        settle(ensure_application(), window)  # the view opens with its report, then loads its sets
        curation = window.side_by_side[report_id]
        if blind:
            curation.blind.setChecked(True)
        return curation
    if view == "assignments":
        assignments = show_assignments(window)
        settle(ensure_application(), window)
        return assignments
    if view == "search":  # the concordance of a place name written several ways
        window.tabs.setCurrentWidget(window.search_panel)
        window.search_panel.query.setText("Deir ez-Zor")
        window.search_panel.run()
        settle(ensure_application(), window)
        return window
    if view == "suggestions":
        window.tabs.setCurrentWidget(window.suggestions_panel)
        settle(ensure_application(), window)
        settle(ensure_application(), window)
        return window
    if view == "comments":
        window.tabs.setCurrentWidget(window.comments_panel)
        settle(ensure_application(), window)
        panel = window.comments_panel
        first = panel.tree.topLevelItem(0)  # None when the panel has no thread
        if first is not None:
            panel.tree.setCurrentItem(first)
        return window
    return window


def take_screenshot(app: QCoreApplication, window: MainWindow, widget: QWidget, out: Path,
                    size: tuple[int, int] | None) -> int:
    """Render the widget to a PNG; without ``--size`` the window keeps the size a first launch
    (or the saved layout) gives it."""
    if size is not None:
        window.resize(*size)
    window.show()
    if widget is not window:
        if size is not None and not getattr(widget, "NATURAL_SIZE", False):
            widget.resize(*size)
        widget.show()
    for _ in range(5):
        app.processEvents()
    settle(app, window)
    if window.view.selected_id is not None:  # a --span, chosen before the window had its size: shown in the middle
        window.view.centerCursor()
        settle(app, window)
    buffer = QBuffer()  # rendered in memory, then written as every output is: a read-only or full disk is
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)  # a StorageError naming the folder (exit 1), like export's
    if not widget.grab().save(buffer, "PNG"):
        raise AnnotatorError(f"could not render the screenshot for {out}")
    write_atomic(out, bytes(buffer.data().data()))
    print(out)
    window.close()
    window.session.ctx.close()
    return 0
