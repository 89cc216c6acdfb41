"""Labelling in the real window: mouse and keyboard selections, label keys, nesting, and what is
stored and drawn at those positions."""

from __future__ import annotations

from annotator.services.annotate import get_set
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from gui_helpers import ARABIC, EMOJI, ENGLISH, close_to, drag, key, pixel, redo, undo, word_rect_points

ALT_SHIFT = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier


def stored(window, report: str | None = None):  # type: ignore[no-untyped-def]
    rid = report or window.document.report_id
    return sorted((s.start, s.end, s.label) for s in get_set(window.session.ctx, rid, window.session.annotator).spans)


def test_mouse_drag_and_key_create_a_span_stored_and_drawn(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    view = window.view
    start = ENGLISH.index("Syrian Observatory")
    end = start + len("Syrian Observatory")
    # a sloppy drag from inside the first word to inside the last: snapping makes it whole words
    a, b = word_rect_points(view, start + 2, end - 3)
    drag(view, a, b)
    assert view.selection_offsets() is not None
    key(view, "1")
    assert stored(window) == [(start, end, "actor")]
    assert window.save_label.text() == "Saved"
    assert window.span_model.rowCount() == 1
    assert window.span_model.index(0, 1).data() == "Syrian Observatory"
    # what is rendered there: the actor colour's bar under the words, plain background elsewhere
    rect = view.span_rects(*view.model.offsets.qt_range(start, end))[0]
    actor = QColor(window.session.schema.label("actor").color)
    assert close_to(pixel(view, rect.center().x(), rect.bottom() - 2), actor)
    outside = view.span_rects(*view.model.offsets.qt_range(0, 4))[0]
    assert not close_to(pixel(view, outside.center().x(), outside.bottom() - 2), actor)


def test_keyboard_only_labelling(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    view = window.view
    view.setFocus()
    key(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(2):  # "Deir ez-Zor, 3 May 2024." → skip to "3"
        key(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    pos = view.cursor_offset()
    while ENGLISH[pos] != "3":
        key(view, Qt.Key.Key_Right)
        pos = view.cursor_offset()
    for _ in range(3):
        key(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    key(view, "3")
    start = ENGLISH.index("3 May 2024")
    assert stored(window) == [(start, start + len("3 May 2024"), "date")]


def test_nested_claim_and_actor(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    view = window.view
    claim = "fighters of Liwa al-Baqir shelled the village of al-Busayrah at dawn"
    cs = ENGLISH.index(claim)
    view.select_offsets(cs, cs + len(claim))
    key(view, "4")
    actor = "Liwa al-Baqir"
    a_s = ENGLISH.index(actor)
    view.select_offsets(a_s, a_s + len(actor))
    key(view, "1")
    assert stored(window) == [(cs, cs + len(claim), "claim"), (a_s, a_s + len(actor), "actor")]
    shown = {x.span.label: x for x in window.document.shown()}
    assert shown["claim"].depth == 0 and shown["actor"].depth == 1
    # both are drawn: the claim's bar at the bottom of the line, the actor's one level above it
    rect = view.span_rects(*view.model.offsets.qt_range(a_s, a_s + len(actor)))[0]
    x = rect.center().x()
    assert close_to(pixel(view, x, rect.bottom() - 2), QColor(window.session.schema.label("claim").color))
    assert close_to(pixel(view, x, rect.bottom() - 4), QColor(window.session.schema.label("actor").color))
    # hovering reports both spans; a click selects the innermost one
    assert [h.span.label for h in window.document.spans_at(a_s + 2)] == ["claim", "actor"]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center().toPoint())
    assert view.selected_span() is not None and view.selected_span().label == "actor"
    # Tab walks from the actor to the next span in document order and wraps to the claim
    key(view, Qt.Key.Key_Tab)
    assert view.selected_span().label == "claim"
    key(view, Qt.Key.Key_Backtab)
    assert view.selected_span().label == "actor"


def test_relabel_resize_delete_undo_redo_each_stored(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    view = window.view
    word = "al-Busayrah"
    s = ENGLISH.index(word)
    e = s + len(word)
    view.select_offsets(s, e)
    key(view, "1")
    assert stored(window) == [(s, e, "actor")]
    key(view, "2")  # relabel the selected span
    assert stored(window) == [(s, e, "place")]
    key(view, Qt.Key.Key_Right, ALT_SHIFT)  # end moves to the end of the next word ("at")
    e2 = ENGLISH.index(" at dawn") + len(" at")
    assert stored(window) == [(s, e2, "place")]
    key(view, Qt.Key.Key_Left, ALT_SHIFT)
    assert stored(window) == [(s, e, "place")]
    key(view, Qt.Key.Key_Left, ALT_SHIFT | Qt.KeyboardModifier.ControlModifier)  # start one word left
    s2 = ENGLISH.index("village of al-Busayrah") + len("village ")
    assert stored(window) == [(s2, e, "place")]
    key(view, Qt.Key.Key_Delete)
    assert stored(window) == []
    undo(window)
    assert stored(window) == [(s2, e, "place")]
    undo(window)  # the three boundary nudges merged into one step
    assert stored(window) == [(s, e, "place")]
    undo(window)
    assert stored(window) == [(s, e, "actor")]
    undo(window)
    assert stored(window) == []
    redo(window)
    assert stored(window) == [(s, e, "actor")]
    redo(window, "ctrl+y")
    redo(window)
    redo(window, "ctrl+y")
    assert stored(window) == []
    assert window.save_label.text() == "Saved"


def test_drag_of_a_boundary_moves_it(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    view = window.view
    s = ENGLISH.index("two farmers")
    view.select_offsets(s, s + len("two"))
    key(view, "1")
    span = view.selected_span()
    assert span is not None
    start_edge, end_edge = view.edge_rects(span)
    target = view.span_rects(*view.model.offsets.qt_range(s + 6, s + 9))[0]  # inside "farmers"
    drag(view, end_edge.center().toPoint(), target.center().toPoint())
    assert stored(window) == [(s, s + len("two farmers"), "actor")]
    undo(window)
    assert stored(window) == [(s, s + 3, "actor")]


def test_snapping_off_allows_sub_word_spans(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    window.snap_action.setChecked(False)
    s = ENGLISH.index("Busayrah")
    window.view.select_offsets(s, s + 3)
    key(window.view, "2")
    assert stored(window) == [(s, s + 3, "place")]


def test_arabic_report_offsets_match_python(open_window, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window(report="arabic")
    view = window.view
    assert view.layoutDirection() == Qt.LayoutDirection.RightToLeft
    for word, label in (("لواء الباقر", "1"), ("البصيرة", "2"), ("مزارعَين", "1")):
        a, b = word_rect_points(view, ARABIC.index(word), ARABIC.index(word) + len(word))
        drag(view, a, b)
        key(view, label)
    got = stored(window)
    for word in ("لواء الباقر", "البصيرة", "مزارعَين"):
        assert (ARABIC.index(word), ARABIC.index(word) + len(word)) in [(s, e) for s, e, _ in got]


def test_emoji_and_crlf_report_offsets_match_python(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(report="emoji")
    view = window.view
    for word in ("Homs", "Talbiseh", "عاجل", "Friday"):
        s = EMOJI.index(word)
        a, b = word_rect_points(view, s, s + len(word))
        drag(view, a, b)
        key(view, "2")
    got = [(s, e) for s, e, _ in stored(window)]
    for word in ("Homs", "Talbiseh", "عاجل", "Friday"):
        assert (EMOJI.index(word), EMOJI.index(word) + len(word)) in got
    span = next(s for s in get_set(window.session.ctx, window.document.report_id, "alice").spans
                if s.start == EMOJI.index("Friday"))
    assert span.text_in(EMOJI) == "Friday"
