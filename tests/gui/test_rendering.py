"""Readable nesting at any depth: bars in room reserved under each line (never on a glyph), label
tags in room above it, relation arcs in the gaps between lines, the room following every edit, and
right-to-left and emoji/CRLF reports keeping their exact boxes. Checked on the real window, against
oracles that do not use the view's drawing code: the fonts' own glyph outlines, Qt's caret
positions and the pixels painted."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from annotator.core.report import Report
from annotator.gui.views.span_plan import MAX_DEPTH, STEP
from annotator.services.annotate import get_set
from annotator.services.database import open_database
from annotator.services.load import load_annotations
from annotator.services.reports import store_report
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor

from gui_helpers import (
    ARABIC,
    EMOJI,
    ENGLISH,
    close_to,
    drag,
    glyph_ink_boxes,
    key,
    line_boxes,
    settle,
    word_rect_points,
)

# ten spans nested one word deeper each (depths 0..9: the tenth shares the last level), in words
# with descenders and accents so the ink reaches the bottom and top of the line box
NESTED = ("Yesterday in Jableh, spokesperson Qays al-Jaghifi reportedly quoted gloomy, grumpy deputy "
          "majority group typists saying quietly: “Égypte rejects your proposals, by July”, judging by "
          "lengthy reports, apparently yes.\n")
WORDS = NESTED.split()


def _nested_spans() -> list[dict[str, object]]:
    spans = []
    starts, pos = [], 0
    for word in WORDS:
        pos = NESTED.index(word, pos)
        starts.append((pos, pos + len(word)))
        pos += len(word)
    for depth in range(10):
        start, end = starts[depth][0], starts[len(WORDS) - 1 - depth][1]
        spans.append({"id": f"T{depth + 1}", "start": start, "end": end,
                      "label": ("claim", "actor", "place", "date")[depth % 4], "text": NESTED[start:end]})
    return spans


@pytest.fixture
def nested_report(db_path: Path, report_ids: dict[str, str], tmp_path: Path) -> str:
    """A report holding ten nested spans of alice's and, over the same words, bob's (loaded, so
    the test is about drawing them)."""
    report = Report.of(NESTED, title="Nested", published="2024-05-06")
    path = tmp_path / "nested.jsonl"
    lines = [{"id": report.id, "text": NESTED, "meta": {"title": "Nested"}, "annotator": who,
              "spans": _nested_spans()} for who in ("alice", "bob")]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    ctx = open_database(db_path)
    try:
        load_annotations(ctx, path, "jsonl")
    finally:
        ctx.close()
    return report.id


@pytest.fixture
def long_report(db_path: Path, report_ids: dict[str, str]) -> str:
    """A report of a thousand paragraphs (an edit must not re-plan them)."""
    report = Report.of(ENGLISH * 1000, title="Long", published="2024-05-07")
    ctx = open_database(db_path)
    try:
        store_report(ctx, report)
    finally:
        ctx.close()
    return report.id


def show(window, qtbot, report_id: str) -> None:  # type: ignore[no-untyped-def]
    """Pick a report in the list and wait until the view shows it (it may open off the GUI thread)."""
    assert window.select_report(report_id)
    qtbot.waitUntil(lambda: window.document.report_id == report_id, timeout=20000)


def show_others(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.others_action.setChecked(True)
    qtbot.waitUntil(lambda: any(not x.mine for x in window.document.shown()), timeout=20000)


def stored(window):  # type: ignore[no-untyped-def]
    rid = window.document.report_id
    return sorted((s.start, s.end, s.label) for s in get_set(window.session.ctx, rid, window.session.annotator).spans)


def intersects(a: QRectF, b: QRectF) -> bool:
    return a.left() < b.right() and b.left() < a.right() and a.top() < b.bottom() and b.top() < a.bottom()


def label_colors(window) -> dict[str, QColor]:  # type: ignore[no-untyped-def]
    return {lab.name: QColor(lab.color) for lab in window.session.schema.labels}


def bar_pixels(window) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    """Pixels painted in a label's own opaque colour (fills are translucent, text is not coloured)."""
    image = window.view.viewport().grab().toImage()
    colors = label_colors(window)
    out = []
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            for name, color in colors.items():
                if close_to(c, color, 24):
                    out.append((x, y, name))
    return out


def test_depth_nine_nesting_never_draws_a_bar_on_a_glyph(open_window, nested_report, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    show(window, qtbot, nested_report)
    view = window.view
    shown = [x for x in window.document.shown() if x.mine]
    assert sorted(x.depth for x in shown) == list(range(10))
    ink = glyph_ink_boxes(view)
    lines = line_boxes(view)
    assert ink and len(lines) >= 2  # the nested stretch wraps: bars on several lines
    # every bar, tick and dashed bar the view paints lies outside every line's glyph box
    bars = view.bar_rects()
    assert bars
    for item, rect in bars:
        assert not any(intersects(rect, box) for box in lines), (item.span.id, rect)
    # ... and so does every pixel painted in a label's colour: none falls on a glyph's ink
    pixels = bar_pixels(window)
    assert len(pixels) > 500
    for x, y, name in pixels:
        point = QPointF(x + 0.5, y + 0.5)
        assert not any(box.contains(point) for box in ink), (x, y, name)
    # one level per depth up to MAX_DEPTH, deeper spans sharing the last: on the line holding the
    # innermost span, every depth has a bar, each on a row of its own
    def line_above(rect: QRectF) -> int:
        return max((i for i, box in enumerate(lines) if box.bottom() <= rect.top()), key=lambda i: lines[i].bottom())

    rows: dict[int, dict[int, float]] = {}
    for item, rect in bars:
        if item.mine and rect.width() > 2:
            rows.setdefault(line_above(rect), {})[item.depth] = rect.top()
    full = [r for r in rows.values() if sorted(r) == list(range(10))]
    assert full
    tops = full[0]
    assert len({tops[d] for d in range(MAX_DEPTH + 1)}) == MAX_DEPTH + 1
    assert tops[9] == tops[MAX_DEPTH]
    # the deepest bar is nearest the glyphs, the outermost lowest (nested brackets)
    assert tops[MAX_DEPTH] < tops[1] < tops[0]


def test_other_annotators_dashed_bars_stay_off_the_text_and_off_own_bars(open_window, nested_report, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    show(window, qtbot, nested_report)
    view = window.view
    before = line_boxes(view)
    show_others(window, qtbot)
    after = line_boxes(view)
    assert after[1].top() - after[0].bottom() > before[1].top() - before[0].bottom()  # room for bob's band
    lines = after
    own = [r for item, r in view.bar_rects() if item.mine]
    dashed = [(item, r) for item, r in view.bar_rects() if not item.mine]
    assert {item.owner for item, _ in dashed} == {"bob"}
    for _, rect in dashed:
        assert not any(intersects(rect, box) for box in lines)
        assert not any(intersects(rect, r) for r in own)


def test_show_labels_tags_every_visible_span_start_above_the_text(open_window, nested_report, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    show(window, qtbot, nested_report)
    view = window.view
    assert view.tag_rects() == []  # off by default
    show_others(window, qtbot)
    view.set_show_labels(True)
    tags = view.tag_rects()
    lines = line_boxes(view)
    ink = glyph_ink_boxes(view)
    # a tag for every span (own and other) whose first character is on screen
    height = view.viewport().height()
    expected = set()
    for item in window.document.shown():
        rects = view.span_rects(item.qt_start, item.qt_start + 1)
        if rects and 0 <= rects[0].center().y() < height:
            expected.add((item.owner, item.span.id))
    assert expected and {(item.owner, item.span.id) for item, _ in tags} == expected
    for i, (item, rect) in enumerate(tags):
        assert not any(intersects(rect, box) for box in lines), item.span.id  # never over text
        assert not any(intersects(rect, box) for box in ink)
        for other, rect2 in tags[i + 1:]:
            assert not intersects(rect, rect2), (item.span.id, other.span.id)  # never over each other
    # each tag starts where its span's first glyph starts (or drifts past tags already there)
    for item, rect in tags:
        start = view.span_rects(item.qt_start, item.qt_start + 1)[0]
        assert rect.left() >= start.left() - 0.5
    # tags are drawn: each carries its label's colour on its border
    image = view.viewport().grab().toImage()
    colors = label_colors(window)
    for item, rect in tags[:6]:
        border = [image.pixelColor(int(x), int(rect.top())) for x in range(int(rect.left()) + 2, int(rect.right()) - 2)]
        assert any(close_to(c, colors[item.span.label], 60) for c in border), item.span.id
    # switching the mode off gives the room back
    view.set_show_labels(False)
    assert view.tag_rects() == []
    assert line_boxes(view)[0].top() < lines[0].top()


def test_relation_arcs_run_in_the_gaps_above_the_lines(open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    window.resize(900, 800)  # a narrow text: the report wraps over several lines
    view = window.view
    for word, k in (("Deir ez-Zor", "2"), ("shelled the village of al-Busayrah", "4"), ("A spokesman", "1"),
                    ("Liwa al-Baqir", "1")):
        s = ENGLISH.index(word)
        view.select_offsets(s, s + len(word))
        key(view, k)
    spans = {s.text_in(ENGLISH): s for s in window.document.mine.values()}
    claim = spans["shelled the village of al-Busayrah"]
    # relations by keyboard: R on the claim, Tab to the other span, Enter
    for target in ("Deir ez-Zor", "Liwa al-Baqir", "A spokesman"):
        view.select_span(claim, scroll=False)
        key(view, "r")
        while view.selected_span().id != spans[target].id:
            key(view, Qt.Key.Key_Tab)
        key(view, Qt.Key.Key_Return)
    rels = get_set(window.session.ctx, window.document.report_id, "alice").relations
    assert sorted((r.label, r.tail) for r in rels) == sorted(
        [("place", spans["Deir ez-Zor"].id), ("source", spans["Liwa al-Baqir"].id),
         ("source", spans["A spokesman"].id)])
    view.select_span(claim, scroll=False)
    lines = line_boxes(view)
    drawings = view.arc_drawings()
    arcs = view.relation_arcs()
    assert sorted(label for label, _, _ in arcs) == ["place", "source", "source"]

    def line_of(point: QPointF) -> int:  # the line an arc end sits on (just above its glyph box)
        return min(range(len(lines)), key=lambda i: abs(lines[i].top() - point.y()))

    cross = [(label, h, t) for label, h, t in arcs if line_of(h) != line_of(t)]
    assert cross, "the test needs an arc between two lines"
    for d in drawings:
        path = d.path
        for i in range(201):  # no point of any arc inside a line's glyph box
            p = path.pointAtPercent(i / 200)
            assert not any(box.adjusted(0, 0.5, 0, -0.5).contains(p) for box in lines), (d.label, p)
        if d.label_rect is not None:
            assert not any(intersects(d.label_rect, box) for box in lines)
    # a cross-line arc is two halves (one per line) and its label is written once
    labels = [d.label for d in drawings if d.label]
    assert sorted(labels) == ["place", "source", "source"]
    assert len(drawings) > len(labels)
    # arcs sharing a gap do not overlap: their labels never do
    boxes = [d.label_rect for d in drawings if d.label_rect is not None]
    for i, a in enumerate(boxes):
        assert not any(intersects(a, b) for b in boxes[i + 1:])
    # and they are painted there: dark pixels in the gap above the claim's line
    image = view.viewport().grab().toImage()
    head = next(h for label, h, _ in arcs if label == "place")
    row = lines[line_of(head)]
    gap = [image.pixelColor(x, y).lightness() for x in range(int(row.left()), int(row.right()), 2)
           for y in range(int(row.top()) - 14, int(row.top()) - 1)]
    assert min(gap) < 160


def test_the_reservation_follows_nesting_edits_by_keyboard(open_window, long_report, monkeypatch, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    show(window, qtbot, long_report)
    view = window.view
    view.setFocus()

    def gap_under_first_line() -> float:
        boxes = line_boxes(view)
        return boxes[1].top() - boxes[0].bottom()

    planned: list[int] = []
    plan = view.planner.plan
    monkeypatch.setattr(view.planner, "plan", lambda block: planned.append(block.blockNumber()) or plan(block))
    base = gap_under_first_line()
    key(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(6):
        key(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    key(view, "4")  # a claim over the first words
    assert [lab for _, _, lab in stored(window)] == ["claim"]
    assert gap_under_first_line() == base  # one level is always there: a first span moves nothing
    planned.clear()
    # inside it, by keyboard: Ctrl+Right to the third word, select a word, label it
    for _ in range(2):
        key(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    key(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    key(view, "2")
    (cs, ce, _), (ps, pe, _) = stored(window)
    assert [lab for _, _, lab in stored(window)] == ["claim", "place"] and cs < ps < pe <= ce
    assert gap_under_first_line() == base + STEP  # a second bar level under the first line
    assert set(planned) == {0}  # the edit re-planned its own block, not the 1,000 others
    # deleting the inner span gives the room back; undo brings it back
    assert view.selected_span().label == "place"
    key(view, Qt.Key.Key_Delete)
    assert [lab for _, _, lab in stored(window)] == ["claim"]
    assert gap_under_first_line() == base
    key(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [lab for _, _, lab in stored(window)] == ["claim", "place"]
    assert gap_under_first_line() == base + STEP
    for _, rect in view.bar_rects():
        assert not any(intersects(rect, box) for box in line_boxes(view))
    assert set(planned) == {0}


@pytest.mark.parametrize("report,text,words", [
    ("arabic", ARABIC, ("لواء الباقر", "البصيرة", "مزارعَين")),
    ("emoji", EMOJI, ("Homs", "Talbiseh", "عاجل", "Friday")),
])
def test_boxes_sit_exactly_on_their_spans_in_any_direction(open_window, report, text, words) -> None:  # type: ignore[no-untyped-def]
    window = open_window(report=report)
    view = window.view
    for word in words:
        s = text.index(word)
        a, b = word_rect_points(view, s, s + len(word))
        drag(view, a, b)
        key(view, "2")
    assert sorted((s, e) for s, e, _ in stored(window)) == sorted((text.index(w), text.index(w) + len(w))
                                                                  for w in words)
    view.set_show_labels(True)
    place = QColor(window.session.schema.label("place").color)
    image = view.viewport().grab().toImage()
    for word in words:
        s = text.index(word)
        qs, qe = window.document.offsets.qt_range(s, s + len(word))
        expected = caret_extent(view, qs, qe)
        boxes = view.span_rects(qs, qe)
        assert len(boxes) == 1
        assert abs(boxes[0].left() - expected[0]) < 1 and abs(boxes[0].right() - expected[1]) < 1, word
        item = next(x for x in window.document.shown() if x.qt_start == qs)
        bars = [r for it, r in view.bar_rects() if it is item and r.width() > 2]
        assert [(round(r.left()), round(r.right())) for r in bars] == [(round(expected[0]), round(expected[1]))]
        y = int(bars[0].top())
        assert close_to(image.pixelColor(int(bars[0].center().x()), y), place)
        assert not close_to(image.pixelColor(int(expected[0]) - 3, y), place)
        assert not close_to(image.pixelColor(int(expected[1]) + 3, y), place)
        tag = next(r for it, r in view.tag_rects() if it is item)
        rtl = unicodedata.bidirectional(word[0]) in ("R", "AL")
        assert abs((tag.right() if rtl else tag.left()) - (expected[1] if rtl else expected[0])) < 1, word


def caret_extent(view, qs: int, qe: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Viewport x extent of a one-direction run of Qt positions, from Qt's caret positions."""
    block = view.document().findBlock(qs)
    layout = block.layout()
    line = layout.lineForTextPosition(qs - block.position())
    xs = [line.cursorToX(p - block.position())[0] for p in range(qs, qe + 1)]
    left = view.blockBoundingGeometry(block).translated(view.contentOffset()).left()
    return left + min(xs), left + max(xs)


def test_scrolled_to_the_end_the_last_line_shows_whole(open_window, nested_report, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    show(window, qtbot, nested_report)
    view = window.view
    view.setFixedHeight(120)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    boxes = line_boxes(view)
    assert boxes[-1].bottom() <= view.viewport().height()


MIXED = ("Convoy shelled near the river crossing.\n"
         "قالت مصادر محلية إن القصف استمر حتى الصباح، وإن ثلاثة مدنيين قتلوا.\n"
         "The monitor said the attack came from the west.\n")


def test_an_arabic_line_in_an_english_report_reads_right_to_left(open_window) -> None:  # type: ignore[no-untyped-def]
    """Each line of a left-to-right report takes the direction of its first letter: an Arabic line
    quoted in an English report was laid out left to right, its full stop drawn at its right end (where
    it begins) and its words in the wrong order. Checked on Qt's caret positions, then labelled by a drag
    as a person would, its box exactly on the words."""
    report = Report.of(MIXED, title="Mixed")
    window = open_window(report=report)
    view = window.view
    first, arabic, last = (view.document().findBlockByNumber(n) for n in range(3))
    assert first.textDirection() == last.textDirection() == Qt.LayoutDirection.LeftToRight
    assert arabic.textDirection() == Qt.LayoutDirection.RightToLeft
    line = arabic.layout().lineAt(0)
    said, stop = 0, arabic.text().index(".")  # the first word in reading order, and the full stop
    assert line.cursorToX(said)[0] > line.cursorToX(stop)[0]  # read from the right, the stop at the left
    word = "مصادر محلية"
    s = MIXED.index(word)
    a, b = word_rect_points(view, s, s + len(word))
    drag(view, a, b)
    key(view, "1")
    settle(window)
    assert [(x.start, x.end, x.label) for x in get_set(window.session.ctx, report.id, "alice").spans] == [
        (s, s + len(word), "actor")]
    qs, qe = window.document.offsets.qt_range(s, s + len(word))
    (box,) = view.span_rects(qs, qe)
    left, right = caret_extent(view, qs, qe)
    assert abs(box.left() - left) < 1 and abs(box.right() - right) < 1
