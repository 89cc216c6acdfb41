"""The Search and Suggestions tabs, driven as a person would: keys and clicks, then the database."""

from __future__ import annotations

import threading

import annotator.gui.views.suggestion_panel as suggest_panel_module
import pytest
from annotator.services import workflow
from annotator.services.annotate import create_span, get_set
from annotator.services.database import open_database
from annotator.services.search import Target, annotate_all
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gui_helpers import ARABIC, ENGLISH, click, click_span, settle, type_text, wait_until
from spacy_pipelines import save_ruler_pipeline

DEIR = "place:geonames:170794"


def _key(widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(widget, key, modifier)
    settle(widget)


def test_search_jumps_to_the_text_and_annotate_all_is_one_undo_step(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window("alice", report="arabic")
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = window.search_panel
    assert window.tabs.currentWidget() is panel
    panel.query.setFocus()
    QTest.keyClicks(panel.query, "deir EZ-ZOR")  # the English report writes "Deir ez-Zor"
    _key(panel.query, Qt.Key.Key_Return)
    assert wait_until(lambda: panel.hits)
    assert [(h.report, h.text) for h in panel.hits] == [(report_ids["english"], "Deir ez-Zor")]
    panel.table.setFocus()
    _key(panel.table, Qt.Key.Key_Return)  # show it: the English report opens with the match selected
    assert wait_until(lambda: window.document.report_id == report_ids["english"]
                      and window.view.selection_offsets() == (0, 11))

    panel.query.clear()
    type_text(panel.query, "البصيره")  # typed with ha for ta marbuta: the Arabic report's "البصيرة"
    _key(panel.query, Qt.Key.Key_Return)
    assert wait_until(lambda: [h.text for h in panel.hits] == ["البصيرة"])
    # two matches ("The Syrian", "the village"): tick both (Space), choose a label, Ctrl+Enter
    panel.query.clear()
    QTest.keyClicks(panel.query, "the")
    _key(panel.query, Qt.Key.Key_Return)
    assert wait_until(lambda: len(panel.hits) == 2)
    panel.table.setFocus()
    for row in range(len(panel.hits)):
        panel.table.setCurrentCell(row, 1)
        _key(panel.table, Qt.Key.Key_Space)
    panel.label_box.setCurrentText("claim")
    _key(panel.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(window)
    ctx = window.session.ctx
    n = len(panel.hits)
    made = get_set(ctx, report_ids["english"], "alice").spans
    assert len(made) == n and {s.label for s in made} == {"claim"}
    assert all(s.attrs == {"source": "search"} for s in made)
    assert panel.status.text() == "Annotated 2 matches as claim."  # not "Annotating …" forever
    assert len(window.document.mine) == n  # shown in the text at once
    target = window.session.open_set(report_ids["english"])
    assert target.stack.count() == 1
    window.session.undo()
    settle(window)
    assert get_set(ctx, report_ids["english"], "alice").spans == () and not window.document.mine
    window.session.redo()
    settle(window)
    assert get_set(ctx, report_ids["english"], "alice").spans == made


def test_suggestions_are_reviewed_by_keyboard(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window("alice", report="english")
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = window.suggestions_panel
    assert window.tabs.currentWidget() is panel
    assert wait_until(lambda: panel.suggestions)
    texts = [(s.text, s.label, s.source) for s in panel.suggestions]
    assert ("Deir ez-Zor", "place", "registry") in texts and ("3 May 2024", "date", "date") in texts
    assert window.suggestion_overlay.outlines()  # drawn dashed over the text, not as spans
    assert not window.document.mine
    panel.list.setFocus()
    _key(panel.list, Qt.Key.Key_Down)  # next: the text shows it
    second = panel.current()
    assert second is not None and window.view.selection_offsets() == (second.start, second.end)
    _key(panel.list, Qt.Key.Key_Up)  # previous
    first = panel.current()
    assert first is not None and first.text == "Deir ez-Zor"
    assert window.view.selection_offsets() == (first.start, first.end)  # the text shows it
    _key(panel.list, Qt.Key.Key_Return)  # accept
    ctx = window.session.ctx
    (span,) = get_set(ctx, report_ids["english"], "alice").spans
    assert (span.start, span.end, span.label, span.entity, span.attrs) == \
        (first.start, first.end, "place", DEIR, {"source": "registry"})
    assert wait_until(lambda: first not in panel.suggestions)
    nxt = panel.current()
    assert nxt is not None and nxt != first
    _key(panel.list, Qt.Key.Key_Backspace)  # reject: gone now, and after reopening
    assert nxt not in panel.suggestions
    settle(window)
    window.select_report(report_ids["arabic"])
    settle(window)
    window.select_report(report_ids["english"])
    settle(window)
    assert wait_until(lambda: panel.suggestions and panel.bound == (report_ids["english"], "alice"))
    assert nxt not in panel.suggestions and first not in panel.suggestions
    window.session.undo()  # the acceptance is one undo step
    settle(window)
    assert get_set(ctx, report_ids["english"], "alice").spans == ()
    assert wait_until(lambda: first in panel.suggestions)


def test_a_rejected_suggestion_stays_gone_when_an_older_scan_answers_after(open_window, report_ids,
                                                                           monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Backspace takes a suggestion out at once; a scan asked before then (here, after an accept changed the
    spans) is still ahead of the rejection on the serial lane, and its answer must not bring it back. The
    scan is held on the lane until the key is pressed, so the order is the one a slow report gives."""
    window = open_window("alice", report="english")
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = window.suggestions_panel
    assert wait_until(lambda: len(panel.suggestions) >= 3)
    real_scan, started, release = suggest_panel_module.suggest.suggest, threading.Event(), threading.Event()

    def slow_scan(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        release.wait(10)
        return real_scan(*args, **kwargs)

    monkeypatch.setattr(suggest_panel_module.suggest, "suggest", slow_scan)
    panel.list.setFocus()
    QTest.keyClick(panel.list, Qt.Key.Key_Return)  # accept the first: the spans change, a new scan is asked
    assert wait_until(started.is_set)
    rejected = panel.current()
    assert rejected is not None
    QTest.keyClick(panel.list, Qt.Key.Key_Backspace)  # reject the next while the scan is held
    assert rejected not in panel.suggestions
    release.set()
    settle(window)
    assert wait_until(lambda: panel.status.text() != "Looking for suggestions …")
    settle(window)
    shown = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert rejected not in panel.suggestions and len(shown) == len(panel.suggestions)
    monkeypatch.undo()
    window.select_report(report_ids["arabic"])  # and it stays gone: the rejection is in the database
    settle(window)
    window.select_report(report_ids["english"])
    assert wait_until(lambda: panel.suggestions and panel.bound == (report_ids["english"], "alice"))
    assert rejected not in panel.suggestions


def test_search_filters_by_status_and_source_chosen_by_keyboard_and_mouse(open_window, report_ids,
                                                                          db_path) -> None:  # type: ignore[no-untyped-def]
    ctx = open_database(db_path)
    try:
        create_span(ctx, report_ids["english"], 0, 11, "place", annotator="alice")  # by hand: Deir ez-Zor
        village = ENGLISH.index("al-Busayrah")
        annotate_all(ctx, [Target(report_ids["english"], village, village + 11)], "place", annotator="bob")
        workflow.mark_done(ctx, report_ids["english"], annotator="bob")
    finally:
        ctx.close()
    window = open_window("alice", report="arabic")
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = window.search_panel

    def shown() -> list[tuple[str, str]]:  # (match, tooltip's last line) of each row the table shows
        return [(panel.table.item(r, 3).text().strip("\u2066\u2067\u2068\u2069"),
                 panel.table.item(r, 3).toolTip().splitlines()[-1]) for r in range(panel.table.rowCount())]

    panel.status_box.setFocus()
    QTest.keyClicks(panel.status_box, "done")  # keyboard search in the combo: the search runs at once
    settle(window)
    assert panel.status_box.currentText() == "done"
    assert wait_until(lambda: shown() == [("al-Busayrah", "place (bob)")])
    assert panel.status.text() == "1 match in 1 report"
    _key(panel.status_box, Qt.Key.Key_Home)  # back to "any status"
    assert panel.status_box.currentData() is None

    click(panel.source_box.lineEdit())  # the mouse into the source field, then type a source and Enter
    QTest.keyClicks(panel.source_box.lineEdit(), "manual")
    _key(panel.source_box.lineEdit(), Qt.Key.Key_Return)
    assert wait_until(lambda: shown() == [("Deir ez-Zor", "place (alice)")])
    panel.source_box.lineEdit().clear()
    QTest.keyClicks(panel.source_box.lineEdit(), "search")
    _key(panel.source_box.lineEdit(), Qt.Key.Key_Return)
    assert wait_until(lambda: shown() == [("al-Busayrah", "place (bob)")])


def test_a_spacy_pipeline_chosen_in_the_suggestions_tab_adds_its_entities(open_window, report_ids,
                                                                         tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("spacy", reason="the suggest-spacy extra")
    path = save_ruler_pipeline(tmp_path, [{"label": "PERSON", "pattern": "spokesman"}])
    window = open_window("alice", report="english")
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = window.suggestions_panel
    assert wait_until(lambda: panel.suggestions), panel.status.text()
    click(panel.model)
    QTest.keyClicks(panel.model, "xx_no_such_pipeline")
    _key(panel.model, Qt.Key.Key_Return)
    assert wait_until(lambda: "spaCy pipeline 'xx_no_such_pipeline' is not installed" in panel.status.text())
    assert ("Deir ez-Zor", "registry") in {(s.text, s.source) for s in panel.suggestions}  # the others still there
    panel.model.clear()
    QTest.keyClicks(panel.model, str(path))
    _key(panel.model, Qt.Key.Key_Return)
    source = "model:en_test_ruler 0.1.0"
    assert wait_until(lambda: ("spokesman", "actor", source) in
                      {(s.text, s.label, s.source) for s in panel.suggestions}), \
        (panel.status.text(), [(s.text, s.source) for s in panel.suggestions])
    assert "not installed" not in panel.status.text()
    panel.list.setFocus()
    row = next(i for i, s in enumerate(panel.suggestions) if s.source == source)
    panel.list.setCurrentRow(row)
    _key(panel.list, Qt.Key.Key_Return)  # accept
    settle(window)
    ctx = window.session.ctx
    (span,) = get_set(ctx, report_ids["english"], "alice").spans
    assert (span.label, span.attrs) == ("actor", {"source": source})
    assert window.document.mine  # drawn as a span now


def test_mentions_of_an_entity_across_reports_from_the_inspector_then_narrowed_by_label_and_annotator(
        open_window, report_ids, db_path) -> None:  # type: ignore[no-untyped-def]
    """The inspector's Mentions lists every span linked to the entity, in every report and set; the
    label and annotator filters, chosen by keyboard, narrow that list."""
    liwa = "actor:liwa-al-baqir"
    ctx = open_database(db_path)
    try:
        at = ENGLISH.index("Liwa al-Baqir")
        create_span(ctx, report_ids["english"], at, at + 13, "actor", annotator="alice", entity=liwa,
                    resolution="confirmed")
        create_span(ctx, report_ids["english"], at, at + 13, "claim", annotator="bob", entity=liwa,
                    resolution="confirmed")
        at = ARABIC.index("لواء الباقر")
        create_span(ctx, report_ids["arabic"], at, at + 11, "actor", annotator="bob", entity=liwa,
                    resolution="confirmed")
    finally:
        ctx.close()
    window = open_window("alice", report="english")
    at = ENGLISH.index("Liwa al-Baqir")
    click_span(window.view, at, at + 13)
    settle(window)
    inspector = window.inspector
    assert inspector.span is not None and inspector.span.entity == liwa
    assert inspector.mentions_button.isEnabled()
    click(inspector.mentions_button)
    panel = window.search_panel
    assert window.tabs.currentWidget() is panel and panel.entity_filter.text() == liwa

    def rows() -> set[tuple[str, str, str]]:
        return {(h.report, h.label or "", h.annotator or "") for h in panel.hits}

    assert wait_until(lambda: rows() == {(report_ids["english"], "actor", "alice"),
                                         (report_ids["english"], "claim", "bob"),
                                         (report_ids["arabic"], "actor", "bob")})
    assert panel.status.text() == "3 matches in 2 reports"
    panel.label_filter.setFocus()
    QTest.keyClicks(panel.label_filter, "actor")  # keyboard search in the combo runs the search
    settle(window)
    assert wait_until(lambda: rows() == {(report_ids["english"], "actor", "alice"),
                                         (report_ids["arabic"], "actor", "bob")})
    assert wait_until(lambda: panel.annotator_filter.findData("bob") >= 0)  # the names the database holds
    panel.annotator_filter.setFocus()
    QTest.keyClicks(panel.annotator_filter, "bob")
    settle(window)
    assert wait_until(lambda: rows() == {(report_ids["arabic"], "actor", "bob")})
