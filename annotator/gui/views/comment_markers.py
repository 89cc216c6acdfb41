"""Comment markers in the text: a small flag at the end of every span (or relation head) a thread is
about — amber while open, red for an open question for the supervisor, grey once resolved.

``paint_comment_markers(view, painter, markers)`` is the drawing; ``CommentMarkerOverlay`` hands it to the
document view as a decoration (``DocumentView.add_decoration``), drawn with the text, so the view itself
need not know about comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

OPEN, QUESTION, RESOLVED = QColor("#f0a202"), QColor("#d1342f"), QColor("#9a9a9a")
SIZE = 9.0  # px


@dataclass(frozen=True)
class Marker:
    start: int
    end: int
    open: bool = True
    question: bool = False
    count: int = 1  # comments in the thread


def marker_rects(view: Any, markers: Sequence[Marker]) -> list[tuple[Marker, QRectF]]:
    """Where each visible marker is drawn (viewport coordinates): the top right corner of the last
    box of its extent (its top left in right-to-left text)."""
    out: list[tuple[Marker, QRectF]] = []
    text = view.model.text
    for m in markers:
        if not 0 <= m.start < m.end <= len(text):
            continue
        boxes = view.span_rects(*view.model.offsets.qt_range(m.start, m.end))
        if not boxes:
            continue
        last = boxes[-1]
        rtl = view.layoutDirection() == Qt.LayoutDirection.RightToLeft
        x = last.left() - SIZE / 2 if rtl else last.right() - SIZE / 2
        out.append((m, QRectF(x, last.top() - SIZE / 2, SIZE, SIZE)))
    return out


def paint_comment_markers(view: Any, painter: QPainter, markers: Sequence[Marker]) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for m, r in marker_rects(view, markers):
        color = RESOLVED if not m.open else QUESTION if m.question else OPEN
        path = QPainterPath()  # a speech-bubble corner: a filled triangle pointing down at the span's end
        path.moveTo(r.topLeft())
        path.lineTo(r.topRight())
        path.lineTo(QPointF(r.center().x(), r.bottom() + SIZE / 2))
        path.closeSubpath()
        painter.setPen(QPen(color.darker(130), 1))
        painter.setBrush(QBrush(color))
        painter.drawPath(path)
    painter.restore()


class CommentMarkerOverlay(QObject):
    """The markers of the report shown, drawn over a document view's text."""

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.view = view
        self.markers: list[Marker] = []
        view.add_decoration(self._paint)

    def set_markers(self, markers: Sequence[Marker]) -> None:
        self.markers = list(markers)
        self.view.viewport().update()

    def _paint(self, painter: QPainter) -> None:
        if self.markers and self.view.model.report is not None:
            paint_comment_markers(self.view, painter, self.markers)
