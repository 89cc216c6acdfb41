"""The supervisor dashboard on the sample reports: the figures shown are the engine's."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from annotator.gui.models.agreement_models import VALUE_ROLE, fmt
from annotator.gui.views.agreement_dashboard import AgreementDashboard
from annotator.gui.views.side_by_side import SideBySideView
from annotator.services import curation
from annotator.services.agreement import compute_agreement
from annotator.services.annotate import get_set
from annotator.services.database import open_database
from annotator.services.samples import load_samples
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from gui_helpers import activate, click, click_anchor, double_click, settle


def samples_window(open_window, db_path: Path):  # type: ignore[no-untyped-def]
    ctx = open_database(db_path)
    load_samples(ctx)
    ctx.close()
    window = open_window(report=None)
    window.reload_reports()
    settle(window)
    return window


def open_dashboard(window):  # type: ignore[no-untyped-def]
    window.agreement_action.trigger()  # View → Agreement dashboard…
    dashboard = window.findChild(AgreementDashboard)
    assert dashboard is not None and dashboard.isVisible()
    return dashboard


def side_by_sides(window) -> list[SideBySideView]:  # type: ignore[no-untyped-def]
    return [v for v in window.findChildren(SideBySideView) if v.isVisible()]


def test_dashboard_shows_the_engine_figures(open_window, qtbot, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = samples_window(open_window, db_path)
    dashboard = open_dashboard(window)
    with qtbot.waitSignal(dashboard.computed, timeout=60000):
        dashboard.compute_button.click()
    engine = compute_agreement(window.session.ctx)
    # heatmap: alice × bob in every measure
    pairs = dashboard.pairs
    assert pairs.names == ["alice", "bob"]
    pair = engine.by_pair[0]
    for measure, value in (("f1_overlap", pair.f1_overlap), ("f1_exact", pair.f1_exact), ("alpha_u", pair.alpha_u)):
        dashboard.measure.setCurrentIndex(dashboard.measure.findData(measure))
        assert pairs.index(0, 1).data(VALUE_ROLE) == value
        assert pairs.index(0, 1).data() == fmt(value)
    # labels with their bars' values
    labels = dashboard.labels
    shown = {labels.index(r, 0).data(): labels.index(r, 2).data(VALUE_ROLE) for r in range(labels.rowCount())}
    assert shown == {k: v.f1_overlap for k, v in engine.by_label.items()}
    # reports, most disagreement first, as the engine orders them
    reports = dashboard.reports
    assert [reports.index(r, 0).data() for r in range(reports.rowCount())] == [r.title for r in engine.by_report]
    assert [reports.rows[r].report for r in range(reports.rowCount())] == [r.report for r in engine.by_report]
    assert fmt(engine.overall.f1_overlap) in dashboard.summary.text()
    assert "token" in dashboard.token_note.text().lower()
    # exports
    dashboard.export(tmp_path / "a.json", "json")
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8")) == json.loads(json.dumps(engine.to_dict()))
    dashboard.export(tmp_path / "a.csv", "csv")
    rows = list(csv.reader((tmp_path / "a.csv").open(encoding="utf-8")))
    assert rows[0][:2] == ["scope", "name"] and any(r[0] == "pair" for r in rows)
    dashboard.export(tmp_path / "a.png", "png")
    assert not QImage(str(tmp_path / "a.png")).isNull()
    # a double-click on a report opens ONE side-by-side view, with the disagreements marked
    view_table = dashboard.report_view
    rect = view_table.visualRect(reports.index(0, 0))
    double_click(view_table.viewport(), rect.center())
    settle(window)
    settle(window)
    views = side_by_sides(window)
    assert len(views) == 1
    view = views[0]
    assert view.report.id == reports.rows[0].report
    assert {"alice", "bob"} <= set(view.view.state.annotators) and view.candidates.rowCount() > 0
    view.tabs.setCurrentWidget(view.lanes)  # the Text lanes are drawn when their tab is shown
    assert set(view.browsers) >= {"alice", "bob"}
    assert any(view.marked[w] for w in view.marked)
    # again: the same view comes forward, no second one
    double_click(view_table.viewport(), rect.center())
    settle(window)
    assert side_by_sides(window) == [view]


def test_dashboard_cancel(open_window, qtbot, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = samples_window(open_window, db_path)
    dashboard = open_dashboard(window)
    job = dashboard.compute(run=False)
    job.progress.connect(lambda *_: job.cancel(), Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(job.cancelled, timeout=60000):
        job.start()
    qtbot.waitUntil(lambda: dashboard.summary.text() == "Cancelled.")
    assert dashboard.compute_button.isEnabled()


def test_side_by_side_adjudicates_into_gold(open_window, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = samples_window(open_window, db_path)
    rid = next(r.id for r in window.report_model.summaries() if {"alice", "bob"} <= set(r.annotators))
    window.show_side_by_side(rid)
    settle(window)
    settle(window)
    (view,) = side_by_sides(window)
    view.tabs.setCurrentWidget(view.lanes)
    assert "gold" not in view.browsers
    button = next(b for b in view.findChildren(QPushButton) if b.text() == "Accept all of alice into gold")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(window)
    gold = get_set(window.session.ctx, rid, "gold")
    alice = get_set(window.session.ctx, rid, "alice")
    assert len(gold.spans) == len(alice.spans) > 0 and "gold" in view.browsers
    assert f"{len(gold.spans)} span(s) added" in view.status.text()
    bob_only = next(iter(view.marked["bob"]))
    before = len(gold.spans)
    click_anchor(view.browsers["bob"], f"span:{bob_only}")
    settle(window)
    assert len(get_set(window.session.ctx, rid, "gold").spans) in (before, before + 1)
    assert "into gold" in view.status.text()
    gold_span = get_set(window.session.ctx, rid, "gold").spans[0]
    click_anchor(view.browsers["gold"], f"span:{gold_span.id}")  # a click in the gold column takes it out
    settle(window)
    assert gold_span.id not in {s.id for s in get_set(window.session.ctx, rid, "gold").spans}
    assert "from gold" in view.status.text()
    activate(view)
    view.candidate_view.setFocus()
    QTest.keyClick(view.candidate_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo that one
    settle(window)
    # a click in the lanes is a step on gold's history like a key: a mis-click is taken back with Ctrl+Z
    assert gold_span in get_set(window.session.ctx, rid, "gold").spans
    assert view.status.text().startswith("Undone: Remove ")  # not "Removed … from gold." any more
    for _ in range(3):  # the accepted span, then all of alice: gold is empty again
        QTest.keyClick(view.candidate_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        settle(window)
    assert get_set(window.session.ctx, rid, "gold").spans == ()


def test_the_dashboard_shows_each_annotator_against_gold(open_window, qtbot, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The README promised every annotator's agreement with gold per label and by week; only the command
    line's JSON had it. The dashboard's With gold tab shows the engine's figures."""
    ctx = open_database(db_path)
    try:
        load_samples(ctx)
        curation.accept_by_rule(ctx, "atleast:1")  # a gold set: everything anyone marked
    finally:
        ctx.close()
    window = open_window(report=None)
    window.reload_reports()
    settle(window)
    dashboard = open_dashboard(window)
    assert dashboard.gold.rowCount() == 0
    with qtbot.waitSignal(dashboard.computed, timeout=60000):
        click(dashboard.compute_button)
    engine = compute_agreement(window.session.ctx)
    tabs = dashboard.right_tabs
    click(tabs.tabBar(), tabs.tabBar().tabRect(1).center())
    assert tabs.currentIndex() == 1 and dashboard.gold_view.isVisible()
    gold = dashboard.gold
    rows = {(gold.index(r, 0).data(), gold.index(r, 1).data()): gold.index(r, 3).data(VALUE_ROLE)
            for r in range(gold.rowCount())}
    assert {g.annotator for g in engine.vs_gold} == {"alice", "bob"}
    for g in engine.vs_gold:
        assert rows[(g.annotator, "all labels")] == g.f1_overlap
        assert all(rows[(g.annotator, f"label {k}")] == v.f1_overlap for k, v in g.by_label.items())
        assert all(rows[(g.annotator, f"week {w.week}")] == w.f1_overlap for w in g.by_week) and g.by_week
    assert dashboard.gold_note.text().startswith("Each annotator against gold")
