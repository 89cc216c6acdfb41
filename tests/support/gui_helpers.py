"""Driving the document view like a user: drags on the viewport, key presses, pixel checks."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui.views.document_view import DocumentView

ENGLISH = ("Deir ez-Zor, 3 May 2024. The Syrian Observatory said that fighters of Liwa al-Baqir "
           "shelled the village of al-Busayrah at dawn, killing two farmers. A spokesman denied it.\n")
ARABIC = ("قال المرصد السوري إن مقاتلي لواء الباقر قصفوا قرية البصيرة فجر الثالث من أيار، "
          "وأفادت مصادر محلية بمقتل مزارعَين اثنين.\n")
EMOJI = "🇸🇾 عاجل 🔴 Breaking: 👨‍👩‍👧 families fled Homs\r\nafter shelling near Talbiseh 💥 on Friday.\r\n"


def word_rect_points(view: DocumentView, start: int, end: int) -> tuple[QPoint, QPoint]:
    """Viewport points just inside the visual start and end of a code-point range."""
    rects = view.span_rects(*view.model.offsets.qt_range(start, end))
    assert rects, "range not visible"
    rtl = unicodedata.bidirectional(view.model.text[start]) in ("R", "AL")
    first, last = rects[0], rects[-1]
    y1, y2 = int(first.center().y()), int(last.center().y())
    if rtl:
        return QPoint(int(first.right()) - 1, y1), QPoint(int(last.left()) + 1, y2)
    return QPoint(int(first.left()) + 1, y1), QPoint(int(last.right()) - 1, y2)


def drag(view: DocumentView, a: QPoint, b: QPoint) -> None:
    """Press at ``a``, move with the button held, release at ``b`` (QTest's move carries no buttons)."""
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for t in (0.25, 0.5, 0.75, 1.0):
        p = QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t)
        ev = QMouseEvent(QEvent.Type.MouseMove, p, vp.mapToGlobal(p), Qt.MouseButton.NoButton,
                         Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(vp, ev)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def key(view: DocumentView, k: Qt.Key | str, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    if isinstance(k, str):
        QTest.keyClicks(view, k, mods)
    else:
        QTest.keyClick(view, k, mods)


def pixel(view: DocumentView, x: float, y: float) -> QColor:
    image = view.viewport().grab().toImage()
    return QColor(image.pixel(int(x), int(y)))


def close_to(a: QColor, b: QColor, tol: int = 40) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tol


def _shown_blocks(view: DocumentView):  # type: ignore[no-untyped-def]
    """(block, viewport geometry) of the blocks on screen, from Qt's own geometry."""
    offset = view.contentOffset()
    block = view.firstVisibleBlock()
    while block.isValid():
        geom = view.blockBoundingGeometry(block).translated(offset)
        if geom.top() > view.viewport().height():
            break
        yield block, geom
        block = block.next()


def line_boxes(view: DocumentView) -> list[QRectF]:
    """Viewport glyph boxes (ascent + descent) of the text lines on screen, from Qt's layout."""
    out = []
    for block, geom in _shown_blocks(view):
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            out.append(QRectF(geom.left() + line.x(), geom.top() + line.y(), line.width(), line.height()))
    return out


def glyph_ink_boxes(view: DocumentView) -> list[QRectF]:
    """Viewport boxes of every glyph's ink on screen, from the fonts' own glyph outlines: an oracle
    that does not use the view's drawing code."""
    out = []
    for block, geom in _shown_blocks(view):
        layout = block.layout()
        lines = [layout.lineAt(i) for i in range(layout.lineCount())]
        for run in (run for line in lines for run in line.glyphRuns(line.textStart(), line.textLength())):
            font = run.rawFont()
            for index, pos in zip(run.glyphIndexes(), run.positions()):
                ink = font.boundingRect(index)
                if not ink.isEmpty():
                    out.append(ink.translated(geom.left() + pos.x(), geom.top() + pos.y()))
    return out
