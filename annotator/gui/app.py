"""Start-up: the QApplication, the database, who is annotating, the main window; and the
``--screenshot`` mode that renders the real window offscreen to a PNG for docs and checks."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from annotator.core.errors import AnnotatorError

ORG, APP = "annotator", "annotator"


def ensure_application():  # type: ignore[no-untyped-def]
    """The QApplication (created once), with the bundled Arabic font registered."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORG)
        QCoreApplication.setApplicationName(APP)
        app = QApplication(sys.argv[:1])
        register_fonts()
    return app


def register_fonts() -> list[str]:
    """Register ``resources/fonts/*.ttf`` so Arabic is shaped even where the system has no such font."""
    from PySide6.QtGui import QFontDatabase

    from annotator.services.samples import resources_dir

    families: list[str] = []
    for path in sorted((resources_dir() / "fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def remembered_annotator(settings, explicit: str | None, *, ask: bool) -> str | None:  # type: ignore[no-untyped-def]
    """``--annotator`` wins and is remembered; then the stored name; then (first launch) the dialog."""
    from annotator.core.ids import annotator_name
    from annotator.gui.views.annotator_dialog import AnnotatorDialog, default_name

    if explicit:
        name = annotator_name(explicit)
        settings.setValue("annotator/name", name)
        return name
    stored = settings.value("annotator/name")
    if stored:
        return str(stored)
    if not ask:
        return default_name()
    dialog = AnnotatorDialog()
    if dialog.exec() != dialog.DialogCode.Accepted:
        return None
    name = dialog.name()
    settings.setValue("annotator/name", name)
    settings.sync()
    return name


def build_window(args: argparse.Namespace, *, ask: bool):  # type: ignore[no-untyped-def]
    """Open the database (loading the samples into a new one), then the main window; None if the
    user cancelled the name prompt."""
    from PySide6.QtCore import QSettings

    from annotator.gui.main_window import MainWindow
    from annotator.gui.session import EditSession
    from annotator.services.database import load_schema, open_database
    from annotator.services.samples import load_samples

    settings = QSettings()
    name = remembered_annotator(settings, getattr(args, "annotator", None), ask=ask)
    if name is None:
        return None
    target = getattr(args, "db", None) or os.environ.get("ANNOTATOR_DB") or settings.value("database/target") or None
    ctx = open_database(target)
    if ctx.created and not getattr(args, "no_samples", False):
        load_samples(ctx)
    ctx.schema = load_schema(ctx)
    session = EditSession(ctx, name, ctx.schema)
    window = MainWindow(session, settings)
    return window


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise AnnotatorError(f"--size takes WIDTHxHEIGHT, e.g. 1400x860, not '{text}'") from None
    return w, h


def run(args: argparse.Namespace) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot and "QT_QPA_PLATFORM" not in os.environ and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = ensure_application()
    window = build_window(args, ask=not screenshot)
    if window is None:
        return 0
    report = getattr(args, "report", None)
    if report:
        from annotator.services.reports import resolve_report_id

        window.select_report(resolve_report_id(window.session.ctx, report))
    elif window.report_proxy.rowCount():
        window.report_table.selectRow(0)
    view = getattr(args, "view", "main") or "main"
    if screenshot:
        size = parse_size(getattr(args, "size", "1400x860"))
        return take_screenshot(app, window, show_view(window, view), Path(screenshot), size)
    if view != "main":
        show_view(window, view)
    window.show()
    warm_up(window)
    code = app.exec()
    window.session.ctx.close()
    return int(code)


def warm_up(window):  # type: ignore[no-untyped-def]
    """Build the entity index and load the date parser off the GUI thread (seconds on first use), so
    the first span created resolves at once."""
    from annotator.gui.tasks import BackgroundJob
    from annotator.services.records import warm_up as warm

    ctx = window.session.ctx
    job = BackgroundJob(lambda _progress, _cancel: warm(ctx), window)
    job.failed.connect(lambda message: window.statusBar().showMessage(message, 8000))
    window.jobs.append(job)
    job.finished.connect(lambda _r: window.jobs.remove(job))
    job.failed.connect(lambda _m: window.jobs.remove(job) if job in window.jobs else None)
    job.start()
    return job


def show_view(window, view: str):  # type: ignore[no-untyped-def]
    """The widget for ``--view``: the main window (record: with its Record tab), the agreement
    dashboard computed on the database, or the side-by-side comparison adjudication starts from."""
    if view == "record":
        window.tabs.setCurrentWidget(window.record_panel)
        window.refresh_record()
        return window
    if view == "agreement":
        from annotator.services.agreement import compute_agreement

        dashboard = window.show_agreement()
        dashboard.show_report(compute_agreement(window.session.ctx))
        return dashboard
    if view == "adjudication":
        report_id = window.document.report_id
        if report_id is None:
            raise AnnotatorError("there is no report to compare; import or load one first")
        return window.show_side_by_side(report_id)
    return window


def take_screenshot(app, window, widget, out: Path, size: tuple[int, int]) -> int:  # type: ignore[no-untyped-def]
    window.resize(*size)
    window.show()
    if widget is not window:
        widget.resize(*size)
        widget.show()
    for _ in range(5):
        app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(out)):
        raise AnnotatorError(f"could not write the screenshot to {out}")
    print(out)
    window.close()
    window.session.ctx.close()
    return 0
