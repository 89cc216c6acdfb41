"""``annotator gui --screenshot``: the real window rendered offscreen, on a new database that gets
the sample reports, and one clear sentence for what cannot be shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from annotator.core.report import Report
from annotator.gui.app import select_span, take_screenshot, warm_up
from annotator.services.annotate import create_span
from annotator.services.database import open_database
from annotator.services.reports import store_report
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from gui_helpers import settle


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_screenshot_of_a_new_database_shows_the_samples(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    db = tmp_path / "new.sqlite3"
    proc = run_cli(tmp_path, "gui", "--db", str(db), "--annotator", "alice", "--screenshot", str(out),
                   "--size", "1200x700")
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 700)
    # the label colours of the sample annotations are on screen
    actor = QColor("#2f7fd1")
    seen = {QColor(image.pixel(x, y)).name() for x in range(300, 1000, 2) for y in range(60, 600, 2)}
    assert actor.name() in seen
    listing = run_cli(tmp_path, "reports", "--db", str(db), "--json")
    assert listing.returncode == 0 and listing.stdout.count('"id"') >= 5


def test_unknown_view_and_bad_size_are_one_sentence(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    proc = run_cli(tmp_path, "gui", "--db", str(db), "--annotator", "alice", "--screenshot",
                   str(tmp_path / "x.png"), "--size", "big")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: --size takes WIDTHxHEIGHT")
    assert "Traceback" not in proc.stderr


def test_a_screenshot_of_a_span_shows_it_on_screen(open_window, qtbot, tmp_path: Path, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    """``--span`` selects the span before the window has its size, as the screenshot run does: the text
    was left scrolled to where the selection put it for the window's first size, and the span was off
    screen. It is now shown in the middle of the text once the window has its size."""
    text = "".join(f"Line {n}: the convoy reached al-Mayadin and turned back towards the river crossing.\n"
                   for n in range(400))
    report = Report.of(text, title="Long log")
    ctx = open_database(db_path)
    try:
        store_report(ctx, report)
        at = text.index("Line 300: the convoy reached al-Mayadin") + len("Line 300: the convoy reached ")
        create_span(ctx, report.id, at, at + len("al-Mayadin"), "place", annotator="alice")
    finally:
        ctx.close()
    window = open_window(report=None)
    assert window.select_report(report.id)
    settle(window)
    window.hide()
    window.resize(420, 300)
    select_span(window, "T1")
    take_screenshot(QApplication.instance(), window, window, tmp_path / "span.png", (1200, 760))
    view = window.view
    assert view.viewport().rect().contains(view.cursorRect())


def test_warm_up_runs_in_the_background(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    job = warm_up(window)
    qtbot.waitUntil(lambda: not job.running and job not in window.jobs, timeout=30000)


@pytest.mark.slow
def test_every_view_renders(tmp_path: Path) -> None:
    """Each ``--view`` of the contract, on the sample reports, as the docs' screenshots are made."""
    db = tmp_path / "views.sqlite3"
    first = run_cli(tmp_path, "gui", "--db", str(db), "--annotator", "alice", "--screenshot", str(tmp_path / "0.png"))
    assert first.returncode == 0, first.stderr
    reports = json.loads(run_cli(tmp_path, "reports", "--db", str(db), "--json").stdout)["reports"]
    raqqa = next(r["id"] for r in reports if "Raqqa" in r["title"])
    for view, extra in (("record", ["--span", "T2"]), ("events", []), ("new-event", ["--span", "T11"]),
                        ("agreement", []), ("adjudication", []), ("search", []), ("suggestions", [])):
        out = tmp_path / f"{view}.png"
        proc = run_cli(tmp_path, "gui", "--db", str(db), "--annotator", "alice", "--screenshot", str(out),
                       "--report", raqqa, "--view", view, "--size", "1000x700", "--show-labels", *extra)
        assert proc.returncode == 0, (view, proc.stderr)
        assert not QImage(str(out)).isNull()
    bad = run_cli(tmp_path, "gui", "--db", str(db), "--annotator", "alice", "--screenshot", str(tmp_path / "x.png"),
                  "--report", raqqa, "--span", "T99")
    assert bad.returncode == 2 and "span T99 is not in alice's set" in bad.stderr


def _read_only_folder(path: Path) -> Iterator[Path]:
    """A folder nobody may write into, root included (``chattr +i`` for root, the mode bits otherwise)."""
    path.mkdir()
    as_root = os.geteuid() == 0
    locked = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0 if as_root else False
    if not as_root:
        path.chmod(0o555)
    try:
        (path / "probe").touch()
    except OSError:
        pass
    else:
        pytest.skip("this machine cannot make a folder read-only")
    try:
        yield path
    finally:
        if locked:
            subprocess.run(["chattr", "-i", str(path)], check=False)
        path.chmod(0o755)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    yield from _read_only_folder(tmp_path / "ro")


def test_a_screenshot_into_a_read_only_folder_is_a_problem_to_act_on(tmp_path: Path, read_only: Path) -> None:
    """exit 1 with the disk's sentence, as ``export`` into the same folder (it was exit 2: 'could not write')."""
    db = tmp_path / "new.sqlite3"
    proc = run_cli(tmp_path, "gui", "--db", str(db), "--annotator", "alice", "--screenshot",
                   str(read_only / "x.png"), "--size", "400x300")
    assert proc.returncode == 1, proc.stderr
    said = proc.stderr.strip().splitlines()[-1]  # (the offscreen platform plugin may print a note first)
    assert said.startswith(f"error: cannot write {read_only / 'x.png'}: permission denied")
    assert "Traceback" not in proc.stderr
    export = run_cli(tmp_path, "export", "--db", str(db), "--format", "jsonl", "--out", str(read_only / "x.jsonl"))
    assert export.returncode == 1, export.stderr
