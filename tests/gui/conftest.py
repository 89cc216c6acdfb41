"""GUI fixtures: a real main window on a real SQLite file, with reports written for these tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"

pytest.importorskip("PySide6", reason="GUI tests need the PySide6 (test extra)")

from annotator.core.report import Report  # noqa: E402
from annotator.gui.main_window import MainWindow
from annotator.gui.session import EditSession
from annotator.services.database import open_database
from annotator.services.reports import store_report  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui_helpers import ARABIC, EMOJI, ENGLISH, settle  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "gui.sqlite3"


@pytest.fixture
def report_ids(db_path: Path) -> dict[str, str]:
    ctx = open_database(db_path)
    try:
        ids = {}
        for name, text, title, date in (("english", ENGLISH, "Deir ez-Zor shelling", "2024-05-03"),
                                        ("arabic", ARABIC, "قصف البصيرة", "2024-05-04"),
                                        ("emoji", EMOJI, "Homs flight", "2024-05-05")):
            report = Report.of(text, title=title, published=date)
            store_report(ctx, report)
            ids[name] = report.id
        return ids
    finally:
        ctx.close()


@pytest.fixture
def open_window(qtbot, db_path: Path, settings: QSettings, report_ids: dict[str, str]) -> Iterator[Callable]:  # type: ignore[no-untyped-def]
    """Opens a main window on the test database as an annotator, on a given report: one of
    ``report_ids``' names, or a ``Report`` stored first."""
    opened = []

    def make(annotator: str = "alice", report: str | Report | None = "english"):  # type: ignore[no-untyped-def]
        ctx = open_database(db_path)
        if isinstance(report, Report):
            store_report(ctx, report)
        window = MainWindow(EditSession(ctx, annotator, ctx.schema), settings)
        qtbot.addWidget(window)
        window.resize(1300, 800)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        window.windowHandle().requestActivate()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
        settle(window)
        if report:
            wanted = report.id if isinstance(report, Report) else report_ids[report]
            if isinstance(report, Report):
                window.reload_reports()
                settle(window)
            assert window.select_report(wanted)
            settle(window)
            assert window.document.report_id == wanted
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.session.ctx.close()
