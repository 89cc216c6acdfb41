"""Relations by keyboard, the Record panel, date values and entity candidates in the inspector."""

from __future__ import annotations

from pathlib import Path

from annotator.services.annotate import get_set
from annotator.services.database import import_schema, open_database
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog

from gui_helpers import ENGLISH, click, click_anchor, click_span, dismiss_message, key, settle, type_into, undo


def label(window, word: str, k: str, occurrence: int = 0):  # type: ignore[no-untyped-def]
    s = ENGLISH.index(word)
    for _ in range(occurrence):
        s = ENGLISH.index(word, s + 1)
    window.view.select_offsets(s, s + len(word))
    key(window.view, k)
    return window.view.selected_span()


def stored_set(window):  # type: ignore[no-untyped-def]
    return get_set(window.session.ctx, window.document.report_id, window.session.annotator)


def relate_by_keyboard(view, claim, source) -> None:  # type: ignore[no-untyped-def]
    """Tab to the claim (Tab walks the spans in document order), R, Shift+Tab back to its source, Enter."""
    while view.selected_span().id != claim.id:
        key(view, Qt.Key.Key_Tab)
    key(view, "r")
    while view.selected_span().id != source.id:
        key(view, Qt.Key.Key_Backtab)
    key(view, Qt.Key.Key_Return)


def test_claim_with_a_source_by_keyboard_shows_in_the_record(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    view = window.view
    source = label(window, "Syrian Observatory", "1")
    claim = label(window, "fighters of Liwa al-Baqir shelled the village of al-Busayrah at dawn", "4")
    label(window, "Liwa al-Baqir", "1")
    label(window, "al-Busayrah", "2")
    relate_by_keyboard(view, claim, source)
    rels = stored_set(window).relations
    assert [(r.label, r.head, r.tail) for r in rels] == [("source", claim.id, source.id)]
    # with the claim selected, the relation is drawn as an arc from the claim to its source
    view.select_span(window.document.mine[claim.id], scroll=False)
    arcs = view.relation_arcs()
    assert [label for label, _, _ in arcs] == ["source"]
    image = view.viewport().grab().toImage()
    _, head, tail = arcs[0]
    left, right = sorted((int(head.x()), int(tail.x())))
    band = [image.pixelColor(x, y).lightness()
            for x in range(left + 4, right - 4, 3) for y in range(0, int(head.y()) - 1)]
    assert min(band) < 160  # the arc and its label are drawn above the line, between the two spans
    assert window.relation_model.rowCount() == 1
    assert window.relation_model.index(0, 0).data() == "source"
    window.tabs.setCurrentWidget(window.record_panel)
    qtbot.waitUntil(lambda: "Syrian Observatory" in window.record_panel.toPlainText(), timeout=5000)
    text = window.record_panel.toPlainText()
    assert "Claims (1)" in text and "by" in text
    assert "Liwa al-Baqir" in text and "al-Busayrah" in text  # participants inside the claim
    record = window.record_panel.record
    assert record["claims"][0]["source"]["id"] == source.id
    # a click on a mention in the record selects that span in the text
    click_anchor(window.record_panel, f"span:{source.id}")
    assert view.selected_span().id == source.id
    # the relation is undoable and durable
    undo(window)
    assert stored_set(window).relations == ()
    assert window.relation_model.rowCount() == 0


def test_relation_by_mouse_and_delete_from_the_panel(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    claim = label(window, "fighters of Liwa al-Baqir shelled the village of al-Busayrah at dawn", "4")
    place = label(window, "Deir ez-Zor", "2")
    window.view.select_span(claim)
    key(window.view, "r")
    rect = window.view.span_rects(*window.document.offsets.qt_range(place.start, place.end))[0]
    click(window.view.viewport(), rect.center().toPoint())
    assert [(r.label, r.tail) for r in stored_set(window).relations] == [("place", place.id)]
    window.tabs.setCurrentWidget(window.relation_table)
    row = window.relation_table.visualRect(window.relation_model.index(0, 0)).center()
    click(window.relation_table.viewport(), row)
    assert window.view.selected_span().id == claim.id  # jump to the relation's head
    window.relation_table.setFocus()
    QTest.keyClick(window.relation_table, Qt.Key.Key_Delete)
    settle(window)
    assert stored_set(window).relations == ()
    undo(window)
    assert len(stored_set(window).relations) == 1


def test_date_value_is_filled_shown_and_corrected(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    date = label(window, "3 May 2024", "3")
    span = window.document.mine[date.id]
    assert span.value == "2024-05-03" and span.resolution == "automatic"
    inspector = window.inspector
    assert inspector.value_box.isVisibleTo(window) and inspector.value_edit.text() == "2024-05-03"
    type_into(inspector.value_edit, "2024-05-02")
    stored = {s.id: s for s in stored_set(window).spans}[date.id]
    assert (stored.value, stored.resolution) == ("2024-05-02", "confirmed")
    type_into(inspector.value_edit, "early May")
    assert "not an ISO 8601 date" in window.statusBar().currentMessage()
    assert "not an ISO 8601 date" in dismiss_message(window)
    assert {s.id: s for s in stored_set(window).spans}[date.id].value == "2024-05-02"
    undo(window)
    assert {s.id: s for s in stored_set(window).spans}[date.id].value == "2024-05-03"


def test_entity_candidates_confirm_unlink_and_new(open_window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    place = label(window, "Deir ez-Zor", "2")
    span = window.document.mine[place.id]
    assert span.entity == "place:geonames:170794" and span.resolution == "automatic"
    row = window.span_model.row_of(place.id)
    assert window.span_model.index(row, 4).data() == "Deir ez-Zor (automatic)"  # the name, not the id
    inspector = window.inspector
    assert inspector.candidates.count() >= 1
    assert "Deir ez-Zor" in inspector.candidates.item(0).text()
    click(inspector.unlink_button)
    assert window.document.mine[place.id].entity is None
    click(inspector.link_button)
    stored = {s.id: s for s in stored_set(window).spans}[place.id]
    assert (stored.entity, stored.resolution) == ("place:geonames:170794", "confirmed")
    actor = label(window, "Liwa al-Baqir", "1")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Liwa al-Baqir", True))
    click(window.inspector.new_button)
    linked = {s.id: s for s in stored_set(window).spans}[actor.id]
    assert linked.entity == "actor:local:liwa-al-baqir" and linked.resolution == "confirmed"


def test_claim_status_attribute(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    claim = label(window, "fighters of Liwa al-Baqir shelled the village of al-Busayrah at dawn", "4")
    combo = window.inspector._attr_widgets["status"]
    combo.setFocus()
    for _ in range(combo.findData("denied")):  # arrow down through the choices, as a person does
        QTest.keyClick(combo, Qt.Key.Key_Down)
    settle(window)
    assert {s.id: s for s in stored_set(window).spans}[claim.id].attrs["status"] == "denied"
    box = window.inspector._attr_widgets["negated"]
    click(box, QPoint(8, box.height() // 2))  # on the tick box
    assert {s.id: s for s in stored_set(window).spans}[claim.id].attrs == {"status": "denied", "negated": "true"}


def test_the_inspector_refills_its_fields_per_span_and_writes_nothing_doing_so(open_window) -> None:  # type: ignore[no-untyped-def]
    """The attribute fields are kept while spans of one label are shown: clicking from a claim with a
    status to one without shows each one's own values, and showing them is no edit."""
    window = open_window()
    first = label(window, "shelled the village", "4")
    combo = window.inspector._attr_widgets["status"]
    combo.setFocus()
    for _ in range(combo.findData("denied")):
        QTest.keyClick(combo, Qt.Key.Key_Down)
    settle(window)
    second = label(window, "at dawn", "4")
    assert window.inspector._attr_widgets["status"].currentText() == "—"  # the new claim's own (none)
    before = stored_set(window)
    click_span(window.view, first.start, first.end)
    settle(window)
    assert window.inspector.span.id == first.id
    assert window.inspector._attr_widgets["status"].currentText() == "denied"
    click_span(window.view, second.start, second.end)
    settle(window)
    assert window.inspector._attr_widgets["status"].currentText() == "—"
    after = stored_set(window)
    assert (after.version, after.spans) == (before.version, before.spans)  # showing wrote nothing


def test_a_project_schema_with_its_own_labels_fills_the_record(open_window, db_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    """PER/LOC/DATE/CLAIM (tests/data/schema/ner.json, imported as File → Import label schema does): the
    same keys make those spans, R links the claim to its source by ``said_by`` (the relation the schema
    declares as the source), and the Record tab shows who, where and when from what the schema declares."""
    ctx = open_database(db_path)
    try:
        import_schema(ctx, Path(__file__).resolve().parents[1] / "data" / "schema" / "ner.json")
    finally:
        ctx.close()
    window = open_window()
    view = window.view
    date = label(window, "3 May 2024", "3")
    source = label(window, "Syrian Observatory", "1")
    claim = label(window, "fighters of Liwa al-Baqir shelled the village of al-Busayrah at dawn", "4")
    place = label(window, "al-Busayrah", "2")
    assert (date.label, date.value, source.label, claim.label, place.label) == \
        ("DATE", "2024-05-03", "PER", "CLAIM", "LOC")
    relate_by_keyboard(view, claim, source)
    assert [(r.label, r.head, r.tail) for r in stored_set(window).relations] == [("said_by", claim.id, source.id)]
    window.tabs.setCurrentWidget(window.record_panel)
    qtbot.waitUntil(lambda: "al-Busayrah" in window.record_panel.toPlainText(), timeout=5000)
    text = window.record_panel.toPlainText()
    for heading in ("Claims (1)", "Actors (1)", "Places (1)", "Dates (1)"):
        assert heading in text
    assert "2024-05-03" in text and "no source linked" not in text
    (shown,) = window.record_panel.record["claims"]
    assert shown["source"]["id"] == source.id and [p["id"] for p in shown["places"]] == [place.id]
