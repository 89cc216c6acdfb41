"""What each visual line of a report needs around its glyphs, and where its label tags go.

Below a line: one bar level per nesting depth of the spans on it (the annotator's own spans, the
deepest nearest the glyphs and the outermost lowest, so nested bars read like nested brackets;
other annotators' dashed bars under those). Above a line: lanes for relation arcs — as many as any
span has relations touching that line — and, with *Show labels* on, rows of label tags at the
spans' starts, packed so that no two tags overlap.

A line's plan is read from Qt's layout of its block (so a tag sits at the exact glyph where its span
starts, in either writing direction) and from the document model's drawing index. The view keeps
plans per block (see ``line_room``) and drops those an edit touches."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QTextBlock, QTextLine

from annotator.core.relations import Relation
from annotator.gui.models.document_model import DocumentModel, ShownSpan

BAR = 2  # px: thickness of a bar
STEP = 3  # px from one bar level to the next (a bar and a 1 px gap)
MAX_DEPTH = 8  # spans nested deeper than this share the last level
TOP_PAD = 2  # px every line keeps above its lanes and tags (the layout needs at least 1)
MAX_TAG_ROWS = 3  # more tags at one place drift along the last row instead
MAX_LANES = 4  # more arcs in one gap share its top lane
TAG_PAD = 3  # px either side of a tag's text
TAG_SPACE = 2  # px between two tags of a row


def level(depth: int) -> int:
    return min(depth, MAX_DEPTH)


class Tag(NamedTuple):
    """A label tag above a line: x in layout coordinates, row 0 nearest the glyphs. It names its
    span rather than holding it, so a kept plan is a tuple of plain values (see ``SpanPlanner``)."""

    left: float
    right: float
    row: int
    owner: str
    span_id: str
    qt_start: int
    label: str
    mine: bool


@dataclass(frozen=True, slots=True)
class LinePlan:
    """The room one visual line reserves, in whole pixels, and the tags it carries."""

    above: int
    below: int
    qt_start: int
    qt_end: int
    rtl: bool  # the paragraph's direction: where a line's reading end is
    levels: int  # own bar levels (at least 1, so a first span never moves the text)
    other_levels: int  # other annotators' dashed levels (0 unless they are shown)
    lanes: int
    tag_rows: int
    tags: tuple[Tag, ...]
    tag_h: int
    lane_h: int

    @classmethod
    def of(cls, room: tuple[Any, ...], tag_h: int, lane_h: int) -> LinePlan:
        """The plan of a line from the tuple the layout keeps (see ``SpanPlanner.plan``)."""
        *values, tags = room
        # mypy cannot count a starred list: ``values`` are the fields before ``tags``, as ``plan`` kept them
        return cls(*values, tuple(Tag._make(t) for t in tags), tag_h, lane_h)  # type: ignore[call-arg]

    @property
    def band(self) -> int:
        """Height of the own bars' band under the glyph box (its last row is level 0's bar)."""
        return STEP * self.levels

    def bar_top(self, glyph_bottom: float, depth: int, *, mine: bool = True) -> float:
        """Top of a bar: own levels count up from the bottom of the own band towards the
        glyphs; other annotators' levels do the same in a band of their own below it."""
        if mine:
            return glyph_bottom + 1 + STEP * (self.levels - 1 - min(level(depth), self.levels - 1))
        rank = min(level(depth), max(self.other_levels, 1) - 1)
        return glyph_bottom + self.band + 1 + STEP * (max(self.other_levels, 1) - 1 - rank)

    def tag_rect(self, tag: Tag, x0: float, glyph_top: float) -> QRectF:
        """A tag's box on the viewport: ``x0`` is the layout's left edge there."""
        return QRectF(x0 + tag.left, glyph_top - (tag.row + 1) * self.tag_h, tag.right - tag.left, self.tag_h - 1)

    def lane_y(self, glyph_top: float, lane: int) -> float:
        """The height an arc in ``lane`` runs at (lane 0 lowest, just above the tags)."""
        lane = max(0, min(lane, self.lanes - 1))
        return glyph_top - self.tag_rows * self.tag_h - (lane + 0.5) * self.lane_h


class SpanPlanner:
    """Plans the lines of a block from the document model: bar levels, tags and arc lanes."""

    def __init__(self, model: DocumentModel, tag_font: QFont, lane_h: int) -> None:
        self.model = model
        self.show_labels = False
        self.tag_font = tag_font
        self._metrics = QFontMetricsF(tag_font)
        self.tag_h = math.ceil(self._metrics.height()) + 2
        self.lane_h = lane_h
        self._widths: dict[str, float] = {}
        self._relations: dict[str, list[Relation]] = {}

    # -- relations --------------------------------------------------------------------------------
    def index_relations(self) -> None:
        index: dict[str, list[Relation]] = {}
        for rel in self.model.relations.values():
            index.setdefault(rel.head, []).append(rel)
            if rel.tail != rel.head:
                index.setdefault(rel.tail, []).append(rel)
        self._relations = index

    def relations_of(self, span_id: str) -> list[Relation]:
        return self._relations.get(span_id, [])

    def tag_width(self, label: str) -> float:
        width = self._widths.get(label)
        if width is None:
            width = self._widths[label] = math.ceil(self._metrics.horizontalAdvance(label)) + 2 * TAG_PAD
        return width

    # -- the plan of one block -----------------------------------------------------------------------
    def plan(self, block: QTextBlock) -> tuple[tuple[Any, ...], ...]:
        """Per line of a block Qt has just laid out: (above, below, then the rest of a
        ``LinePlan`` with its tags as plain tuples). Only plain values, so that Python's garbage
        collector stops tracking them: thousands of kept plans never slow a full collection."""
        layout = block.layout()
        bpos = block.position()
        lines = [layout.lineAt(i) for i in range(layout.lineCount())]
        starts = [bpos + line.textStart() for line in lines]
        ends = [s + line.textLength() for s, line in zip(starts, lines, strict=False)]
        block_end = bpos + block.length()
        rtl = block.textDirection() == Qt.LayoutDirection.RightToLeft
        own = [0] * len(lines)
        other = [0] * len(lines)
        starting: list[list[ShownSpan]] = [[] for _ in lines]
        for item in self.model.shown_between(bpos, block_end):
            first = max(0, bisect_right(starts, item.qt_start) - 1)
            last = max(first, bisect_left(starts, item.qt_end) - 1)
            depths = own if item.mine else other
            for i in range(first, min(last, len(lines) - 1) + 1):
                if item.qt_start < max(ends[i], starts[i] + 1) and item.qt_end > starts[i]:
                    depths[i] = max(depths[i], level(item.depth) + 1)
            if item.qt_start >= bpos:
                starting[first].append(item)
        shown_others = self.model.show_others
        rooms = []
        for i, line in enumerate(lines):
            tags = self._tags(line, bpos, starting[i], rtl) if self.show_labels else ()
            levels, others = max(1, own[i]), other[i] if shown_others else 0
            lanes, tag_rows = self._lanes(starting[i]), max((t[2] for t in tags), default=-1) + 1
            above = TOP_PAD + lanes * self.lane_h + tag_rows * self.tag_h
            below = STEP * (levels + others) + 1
            rooms.append((above, below, starts[i], ends[i], rtl, levels, others, lanes, tag_rows, tags))
        return tuple(rooms)

    def _lanes(self, starting: list[ShownSpan]) -> int:
        """Arcs attach at a span's start, so the arcs of one selected span that can meet in this
        line's gap are its relations with an end starting here: reserve for the busiest span."""
        relations = {rel.id: rel for item in starting if item.mine for rel in self.relations_of(item.span.id)}
        if not relations:
            return 0
        ends = Counter(end for rel in relations.values() for end in {rel.head, rel.tail})
        return min(MAX_LANES, max(ends.values()))

    def _tags(self, line: QTextLine, bpos: int, items: list[ShownSpan], rtl: bool) -> tuple[tuple[Any, ...], ...]:
        """Tags at each span's first glyph, extending the way that glyph reads, packed first-fit
        into rows (deeper spans nearer the text); past the last row a tag drifts along it."""
        if not items:
            return ()
        lo, hi = line.x(), line.x() + line.width()
        wanted = []
        for item in items:
            width = self.tag_width(item.span.label)
            runs = line.glyphRuns(item.qt_start - bpos, 1)
            if runs:
                box = runs[0].boundingRect()
                left = box.right() - width if runs[0].isRightToLeft() else box.left()
            else:  # a character with no glyph (a control or joiner): its caret position
                # PySide6's stub says object: it returns (x, the position it moved to)
                left = line.cursorToX(item.qt_start - bpos)[0] - (width if rtl else 0)  # type: ignore[index]
            left = max(lo, min(left, hi - width))
            wanted.append((left, width, item))
        # pack in reading order: mirrored for a right-to-left paragraph, so drift follows the text
        sign = -1.0 if rtl else 1.0
        order = sorted(wanted, key=lambda w: (sign * (w[0] + (w[1] if rtl else 0)), -w[2].depth, not w[2].mine,
                                              w[2].span.label, w[2].span.id))
        row_ends: list[float] = []  # per row, the reading-order end of its last tag (mirrored if rtl)
        tags = []
        for left, width, item in order:
            begin = left + width if rtl else left  # where the tag starts in reading order
            key = sign * begin
            row = next((r for r, end in enumerate(row_ends) if end + TAG_SPACE <= key), None)
            if row is None:
                if len(row_ends) < MAX_TAG_ROWS:
                    row = len(row_ends)
                    row_ends.append(float("-inf"))
                else:
                    row = min(range(len(row_ends)), key=lambda r: row_ends[r])
                    key = row_ends[row] + TAG_SPACE
                    begin = sign * key
            row_ends[row] = key + width
            left = begin - width if rtl else begin
            tags.append(tuple(Tag(left, left + width, row, item.owner, item.span.id, item.qt_start, item.span.label,
                                  item.mine)))
        return tuple(tags)


@dataclass(frozen=True, slots=True)
class ShownLine:
    """A visual line on screen with its plan, in viewport coordinates."""

    plan: LinePlan
    line: QTextLine
    block_pos: int
    x0: float  # where the block's layout origin is
    top: float  # the glyph box
    bottom: float
    order: int  # index among the lines shown, top to bottom

    @property
    def left(self) -> float:
        return self.x0 + self.line.x()

    @property
    def right(self) -> float:
        return self.x0 + self.line.x() + self.line.width()

    def boxes(self, qt_start: int, qt_end: int) -> list[QRectF]:
        """Glyph boxes of Qt positions [qt_start, qt_end) on this line, one per run of glyphs in
        visual order: a Latin span inside an Arabic line (or the reverse) gets exactly its own
        boxes, not the stretch between its ends."""
        a, b = max(qt_start, self.plan.qt_start), min(qt_end, self.plan.qt_end)
        if a >= b:
            return []
        runs = sorted((r.boundingRect().left(), r.boundingRect().right())
                      for r in self.line.glyphRuns(a - self.block_pos, b - a))
        merged: list[tuple[float, float]] = []
        for left, right in runs:
            if merged and left <= merged[-1][1] + 0.5:
                merged[-1] = (merged[-1][0], max(merged[-1][1], right))
            else:
                merged.append((left, right))
        return [QRectF(self.x0 + left, self.top, max(right - left, 1.0), self.bottom - self.top)
                for left, right in merged]
