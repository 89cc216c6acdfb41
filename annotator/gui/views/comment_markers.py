"""Comment markers in the text: a small flag at the end of every span (or relation head) a thread is
about — amber while open, red for an open question for the supervisor, grey once resolved.

``paint_comment_markers(view, painter, markers)`` is the drawing; ``CommentMarkerOverlay`` calls it on a
transparent, click-through layer over the document view's viewport, so the view itself need not know
about comments. (To draw them in ``DocumentView.paintEvent`` instead, call ``paint_comment_markers(self,
painter, markers)`` after ``self._paint_relations(painter)`` and drop the overlay.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

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


class CommentMarkerOverlay(QWidget):
    """A click-through layer over a document view's viewport that draws the markers of the report shown."""

    def __init__(self, view: Any) -> None:
        super().__init__(view.viewport())
        self.view = view
        self.markers: list[Marker] = []
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setGeometry(view.viewport().rect())
        view.viewport().installEventFilter(self)
        view.updateRequest.connect(lambda _rect, _dy: self.update())  # scrolling, the text laid out again
        self.show()

    def set_markers(self, markers: Sequence[Marker]) -> None:
        self.markers = list(markers)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.view.viewport().rect())
        return False

    def paintEvent(self, _event: Any) -> None:
        if not self.markers or self.view.model.report is None:
            return
        painter = QPainter(self)
        paint_comment_markers(self.view, painter, self.markers)
        painter.end()
