"""Relation arcs routed through the room reserved above the lines, never through text (brat style).

An arc rises from each end (the top of the span's tag, or of its first glyph box) into the gap
above its line and runs along a lane there. Two ends on one visual line: one bracket-shaped arc.
Ends on different lines: two halves, the earlier line's running to that line's reading end and the
later line's coming in from its reading start; the label is written once. On each line the arcs
sharing its gap get distinct lanes where they overlap (shorter arcs lower, as brat does), labels
included; the gap has as many lanes as the planner reserved for the busiest span there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from annotator.gui.views.span_plan import ShownLine

MIN_SPAN = 4.0  # px: ends closer than this on one line draw nothing (the Relations tab lists it)
LANE_SPACE = 3.0  # px kept free between two arcs of one lane


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where an arc meets a span: a point just above its tag or glyph box, on a shown line."""

    line: ShownLine
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class ArcRequest:
    label: str
    head: Anchor | None  # None: that end is not on screen
    tail: Anchor | None
    head_first: bool  # the head's span starts before the tail's in the text


@dataclass
class _Segment:
    line: ShownLine
    left: float
    right: float
    left_leg: Anchor | None  # the end at ``left``: a leg down to a span, or open (a line's edge)
    right_leg: Anchor | None
    label: str | None
    label_width: float
    arrow: Anchor | None  # the tail's end, if on this segment
    lane: int = 0
    occupied: tuple[float, float] = field(default=(0.0, 0.0))


@dataclass(frozen=True, slots=True)
class ArcDrawing:
    """One drawn piece of an arc: its path, its arrowhead (at the tail) and its label box."""

    path: QPainterPath
    arrow: QPolygonF | None
    label: str | None
    label_rect: QRectF | None


def route(requests: list[ArcRequest], label_width: Callable[[str], float]) -> list[ArcDrawing]:
    """The pieces to draw for a span's relations: lanes are handed out per line, shortest arc
    (label included) first, each in the lowest lane where it overlaps no arc already there."""
    segments: list[_Segment] = []
    for req in requests:
        segments += _segments(req, label_width)
    by_line: dict[int, list[_Segment]] = {}
    for seg in segments:
        mid = (seg.left + seg.right) / 2
        half = seg.label_width / 2 if seg.label else 0.0
        seg.occupied = (min(seg.left, mid - half), max(seg.right, mid + half))
        by_line.setdefault(seg.line.order, []).append(seg)
    for segs in by_line.values():
        lanes: list[list[tuple[float, float]]] = []
        for seg in sorted(segs, key=lambda s: (s.occupied[1] - s.occupied[0], s.occupied[0])):
            lo, hi = seg.occupied
            free = next((i for i, used in enumerate(lanes)
                         if all(hi + LANE_SPACE <= a or lo >= b + LANE_SPACE for a, b in used)), None)
            if free is None:
                free = len(lanes)
                lanes.append([])
            lanes[free].append(seg.occupied)
            seg.lane = min(free, max(seg.line.plan.lanes - 1, 0))
    return [_draw(seg) for seg in segments]


def _segments(req: ArcRequest, label_width: Callable[[str], float]) -> list[_Segment]:
    head, tail = req.head, req.tail
    width = label_width(req.label)
    if head is not None and tail is not None and head.line.order == tail.line.order:
        if abs(head.x - tail.x) < MIN_SPAN:
            return []
        start, end = sorted((head, tail), key=lambda a: a.x)
        return [_Segment(head.line, start.x, end.x, start, end, req.label, width, tail)]
    # ends on different lines (or one off screen): a half per shown end, towards the other end
    ends = [(a, a is tail) for a in (head, tail) if a is not None]
    if len(ends) == 2:
        ends.sort(key=lambda e: e[0].line.order)
        first_flags = [True, False]
    else:
        first_flags = [req.head_first == (ends[0][0] is head)]
    out: list[_Segment] = []
    for (anchor, is_tail), first in zip(ends, first_flags, strict=False):
        line = anchor.line
        # the earlier end runs to its line's reading end, the later comes from its reading start
        to_right = first != line.plan.rtl
        edge = line.right if to_right else line.left
        left, right = (anchor.x, edge) if to_right else (edge, anchor.x)
        legs = (anchor, None) if to_right else (None, anchor)
        labelled = not out
        out.append(_Segment(line, left, right, legs[0], legs[1], req.label if labelled else None,
                            width if labelled else 0.0, anchor if is_tail else None))
    return out


def _draw(seg: _Segment) -> ArcDrawing:
    line = seg.line
    y = line.plan.lane_y(line.top, seg.lane)
    path = QPainterPath()
    span = seg.right - seg.left
    left_leg, right_leg = seg.left_leg, seg.right_leg
    if left_leg is not None:
        r = max(0.0, min(4.0, span / 2, left_leg.y - y))
        path.moveTo(seg.left, left_leg.y)
        path.lineTo(seg.left, y + r)
        path.quadTo(seg.left, y, seg.left + r, y)
    else:
        path.moveTo(seg.left, y)
    if right_leg is not None:
        r = max(0.0, min(4.0, span / 2, right_leg.y - y))
        path.lineTo(seg.right - r, y)
        path.quadTo(seg.right, y, seg.right, y + r)
        path.lineTo(seg.right, right_leg.y)
    else:
        path.lineTo(seg.right, y)
    arrow = None
    if seg.arrow is not None:
        tip = seg.arrow
        arrow = QPolygonF([QPointF(tip.x - 3, tip.y - 5), QPointF(tip.x + 3, tip.y - 5), QPointF(tip.x, tip.y)])
    rect = None
    if seg.label:
        h = line.plan.lane_h - 1
        rect = QRectF((seg.left + seg.right) / 2 - seg.label_width / 2, y - h / 2, seg.label_width, h)
    return ArcDrawing(path, arrow, seg.label, rect)
