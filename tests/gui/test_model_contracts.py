"""Every Qt item model the window shows passes Qt's own model tester (pytest-qt's ``qtmodeltester``)
with real content: the sample reports with two annotators' sets, events and a gold set — as a person
opens each view (menu actions), not built by hand."""

from __future__ import annotations

from pathlib import Path

from annotator.gui.views.agreement_dashboard import AgreementDashboard
from annotator.gui.views.assignment_dialog import AssignmentDialog
from annotator.gui.views.registry_dialog import RegistryDialog
from annotator.gui.views.side_by_side import SideBySideView
from annotator.services.database import open_database
from annotator.services.samples import load_samples

from gui_helpers import click, open_dialog, settle, wait_until


def test_every_item_model_passes_the_model_tester(open_window, qtmodeltester, qtbot, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = open_database(db_path)
    load_samples(ctx)  # 7 reports, alice's and bob's sets with relations and events
    ctx.close()
    window = open_window(report=None)
    window.reload_reports()
    settle(window)
    raqqa = next(r for r in range(window.report_model.rowCount())
                 if "Raqqa" in window.report_model.summary(r).title)
    assert window.select_report(window.report_model.summary(raqqa).id)
    settle(window)
    assert window.span_model.rowCount() and window.relation_model.rowCount() and window.event_model.rowCount()
    for model in (window.report_model, window.report_proxy, window.span_model, window.relation_model,
                  window.event_model):
        qtmodeltester.check(model)

    dashboard = open_dialog(window, window.agreement_action, AgreementDashboard)
    with qtbot.waitSignal(dashboard.computed, timeout=60000):
        click(dashboard.compute_button)
    assert dashboard.reports.rowCount() > 0
    for model in (dashboard.pairs, dashboard.labels, dashboard.reports):
        qtmodeltester.check(model)

    window.compare_action.trigger()
    settle(window)
    settle(window)
    (view,) = [v for v in window.findChildren(SideBySideView) if v.isVisible()]
    assert wait_until(lambda: view.candidates.rowCount() > 0)
    qtmodeltester.check(view.candidates)
    view.candidate_view.selectRow(0)
    settle(window)
    assert wait_until(lambda: view.versions.rowCount() > 0)
    qtmodeltester.check(view.versions)
    view.close()

    assignments = open_dialog(window, window.assignments_action, AssignmentDialog)
    assert wait_until(lambda: assignments.model.rowCount() > 0)
    qtmodeltester.check(assignments.model)
    assignments.close()

    registry = open_dialog(window, window.registry_action, RegistryDialog)
    assert wait_until(lambda: registry.model.rowCount() > 0)
    qtmodeltester.check(registry.model)
