"""The report text with its spans drawn in layers.

The text itself is never re-formatted: spans are painted over the visible lines only, from the
document model's index, so opening a 1 MB report with 10,000 spans costs one ``setPlainText`` and
an edit repaints the viewport. Each span gets a translucent fill (nested spans darken where they
stack) and a bar under the line whose height above the baseline grows with its nesting depth, so
a claim and the actors, places and dates inside it stay distinct. Other annotators' spans are
dashed outlines, read-only.

The view turns keys and mouse gestures into signals with code-point offsets; what they mean is
decided by the main window's controller."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, QKeyCombination, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QFont, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QKeySequence, QPainterPath, QPaintEvent, QPen,
                           QTextCursor, QTextOption)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from annotator.core.schema import Schema
from annotator.core.spans import Span
from annotator.gui.models.document_model import DocumentModel, ShownSpan
from annotator.gui.models.span_table_model import excerpt
from annotator.gui.views.span_colors import SpanColors

BAR = 2  # px per nesting level
EDGE_GRAB = 5  # px around a boundary that starts a drag


class DocumentView(QPlainTextEdit):
    label_key = Signal(str)  # a label's key was pressed
    delete_key = Signal()
    nudge = Signal(str, int)  # edge ("start" | "end"), direction (-1 | +1)
    span_clicked = Signal(object)  # Span or None
    cycle = Signal(int)  # Tab (+1) / Shift+Tab (-1)
    boundary_dragged = Signal(str, int, int)  # span id, new start, new end (code points)
    relation_key = Signal()  # R: start a relation from the selected span
    event_key = Signal()  # E: make an event of the selected claim
    confirm_key = Signal()  # Enter: finish what was started (a relation)
    escape_key = Signal()

    def __init__(self, document: DocumentModel, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = document
        self.schema = schema
        self.colors = SpanColors(schema, self.palette())
        self.selected_id: str | None = None
        self._drag: tuple[str, str] | None = None  # (span id, edge)
        self._drag_preview: tuple[int, int] | None = None
        self._press_pos: QPoint | None = None
        self._loaded: str | None = None
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMouseTracking(True)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.25)
        self.setFont(font)
        self.setCursorWidth(2)
        self.document().setDocumentMargin(14)  # room above the first line for relation arcs
        document.reset.connect(self._reload)
        document.spans_changed.connect(self._spans_changed)
        self._keys = {lab.key: lab.name for lab in schema.labels}

    # -- model → view ---------------------------------------------------------------------------
    def _reload(self) -> None:
        report = self.model.report
        if report is None:
            self._loaded = None
            self.setPlainText("")
            return
        if self._loaded != report.id:
            self._loaded = report.id
            rtl = report.direction == "rtl"
            self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
            option = self.document().defaultTextOption()
            option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
            option.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
            option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            self.document().setDefaultTextOption(option)
            self.setPlainText(report.text)
        if self.selected_id not in self.model.mine:
            self.selected_id = None
        self.viewport().update()

    def _spans_changed(self, ids: list[str]) -> None:
        if self.selected_id is not None and self.selected_id not in self.model.mine:
            self.selected_id = None
        self.viewport().update()

    # -- selection in code points ---------------------------------------------------------------
    def selection_offsets(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.model.offsets.offset_range(cursor.selectionStart(), cursor.selectionEnd())

    def cursor_offset(self) -> int:
        return self.model.offsets.to_offset(self.textCursor().position())

    def select_offsets(self, start: int, end: int) -> None:
        """Put Qt's text selection on a code-point range (tests and the spans panel use it)."""
        qs, qe = self.model.offsets.qt_range(start, end)
        cursor = QTextCursor(self.document())
        cursor.setPosition(qs)
        cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def select_span(self, span: Span | None, *, scroll: bool = True) -> None:
        self.selected_id = span.id if span else None
        if span is not None:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.model.offsets.to_qt(span.start))
            self.setTextCursor(cursor)
            if scroll:
                self.ensureCursorVisible()
        self.viewport().update()

    def selected_span(self) -> Span | None:
        return self.model.mine.get(self.selected_id) if self.selected_id else None

    # -- geometry ---------------------------------------------------------------------------------
    def span_rects(self, qt_start: int, qt_end: int) -> list[QRectF]:
        """Viewport rectangles covering Qt positions [qt_start, qt_end) line by line (visible lines)."""
        rects: list[QRectF] = []
        block = self.document().findBlock(qt_start)
        offset = self.contentOffset()
        bottom = self.viewport().height()
        while block.isValid() and block.position() < qt_end:
            if not block.isVisible():
                block = block.next()
                continue
            geom = self.blockBoundingGeometry(block).translated(offset)
            if geom.top() > bottom:
                break
            if geom.bottom() >= 0:
                layout = block.layout()
                bpos = block.position()
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    ls, le = bpos + line.textStart(), bpos + line.textStart() + line.textLength()
                    a, b = max(qt_start, ls), min(qt_end, le)
                    if a >= b:
                        continue
                    top = geom.top() + line.y()
                    # glyph runs follow the visual order, so a Latin span inside an Arabic line (or
                    # the reverse) gets exactly its own boxes, not the stretch between its ends
                    for left, right in _merge(sorted((r.boundingRect().left(), r.boundingRect().right())
                                                     for r in line.glyphRuns(a - bpos, b - a))):
                        rects.append(QRectF(geom.left() + left, top, max(right - left, 1.0), line.height()))
            block = block.next()
        return rects

    def edge_rects(self, span: Span) -> list[QRectF]:
        """Thin rectangles at the visual start and end of a span (a boundary's handle)."""
        text = self.model.text
        out: list[QRectF] = []
        for offset, edge in ((span.start, "start"), (span.end - 1, "end")):
            if not 0 <= offset < len(text):
                continue
            boxes = self.span_rects(*self.model.offsets.qt_range(offset, offset + 1))
            if not boxes:
                continue
            box = boxes[0]
            rtl = unicodedata.bidirectional(text[offset]) in ("R", "AL")
            at_left = (edge == "start") != rtl
            out.append(QRectF(box.left() if at_left else box.right() - 1.5, box.top(), 1.5, box.height()))
        return out

    def offset_at(self, pos: QPoint) -> int:
        return self.model.offsets.to_offset(self.cursorForPosition(pos).position())

    # -- painting ---------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.model.report is None:
            return
        first = self.firstVisibleBlock()
        last = self.cursorForPosition(QPoint(self.viewport().width(), self.viewport().height())).block()
        qt_from = first.position()
        qt_to = last.position() + last.length()
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        shown = self.model.shown_between(qt_from, qt_to)
        rects = {id(item): self.span_rects(item.qt_start, item.qt_end) for item in shown}
        for item in shown:  # fills first, so bars stay on top
            if item.mine:
                fill = self.colors.fill(item.span.label)
                for r in rects[id(item)]:
                    painter.fillRect(r, fill)
        for item in shown:
            self._paint_bars(painter, item, rects[id(item)])
        self._paint_selection(painter)
        self._paint_relations(painter)
        painter.end()

    def _paint_bars(self, painter: QPainter, item: ShownSpan, rects: list[QRectF]) -> None:
        color = self.colors.bar(item.span.label, mine=item.mine)
        if item.mine:
            lift = min(item.depth, 5) * (BAR + 1)
            for r in rects:
                painter.fillRect(QRectF(r.left(), r.bottom() - BAR - lift, r.width(), BAR), color)
            if item.depth or item.span.id == self.selected_id:
                # ticks at both ends show where nested spans begin and end
                for r in self.edge_rects(item.span):
                    painter.fillRect(QRectF(r.left(), r.bottom() - 6 - lift, 1.5, 6), color)
        else:
            pen = QPen(color, 1, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            for r in rects:
                painter.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5))

    def _paint_selection(self, painter: QPainter) -> None:
        span = self.selected_span()
        if span is None:
            return
        qs, qe = self.model.offsets.qt_range(span.start, span.end)
        if self._drag_preview is not None:
            qs, qe = self.model.offsets.qt_range(*self._drag_preview)
        pen = QPen(self.palette().color(self.palette().ColorRole.Text), 1.5)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for r in self.span_rects(qs, qe):
            painter.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5))

    def relation_arcs(self) -> list[tuple[str, QPointF, QPointF]]:
        """Arcs for the selected span's relations whose ends are on screen: (label, head point, tail point),
        each point at the top middle of the span's first visible box."""
        span = self.selected_span()
        if span is None:
            return []
        arcs = []
        for rel in self.model.relations.values():
            if span.id not in (rel.head, rel.tail):
                continue
            ends = []
            for sid in (rel.head, rel.tail):
                other = self.model.mine.get(sid)
                boxes = self.span_rects(*self.model.offsets.qt_range(other.start, other.end)) if other else []
                visible = [b for b in boxes if b.bottom() >= 0 and b.top() <= self.viewport().height()]
                ends.append(QPointF(visible[0].center().x(), visible[0].top() + 1) if visible else None)
            if ends[0] is not None and ends[1] is not None:
                arcs.append((rel.label, ends[0], ends[1]))
        return arcs

    def _paint_relations(self, painter: QPainter) -> None:
        """The selected span's relations as arcs over the text, labelled at their apex."""
        color = self.palette().color(self.palette().ColorRole.Text)
        color.setAlpha(170)
        backdrop = self.palette().color(self.palette().ColorRole.Base)
        backdrop.setAlpha(210)
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.72)
        painter.setFont(small)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for label, head, tail in self.relation_arcs():
            if abs(head.x() - tail.x()) < 4 and abs(head.y() - tail.y()) < 4:
                continue  # a participant starting where its claim starts: the Relations tab lists it
            lift = 14 + min(40.0, abs(tail.x() - head.x()) / 8)
            apex_y = max(3.0, min(head.y(), tail.y()) - lift)  # flattened on the first line, never clipped
            path = QPainterPath(head)
            path.cubicTo(QPointF(head.x(), apex_y), QPointF(tail.x(), apex_y), tail)
            painter.setPen(QPen(color, 1.3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            painter.setBrush(color)
            painter.drawEllipse(tail, 2.5, 2.5)  # the arrow end: the tail
            mid = QPointF((head.x() + tail.x()) / 2, max(apex_y + 6, min(head.y(), tail.y()) - lift * 0.75))
            metrics = painter.fontMetrics()
            box = QRectF(metrics.boundingRect(label)).adjusted(-3, -1, 3, 1)
            box.moveCenter(mid)
            painter.fillRect(box, backdrop)
            painter.setPen(color)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), label)

    # -- keyboard ---------------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
                or event.keyCombination() == QKeyCombination(Qt.KeyboardModifier.ControlModifier
                                                             | Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_Z)):
            event.ignore()  # leave undo/redo to the window's undo stack, not the text widget's
            return False
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in (
                Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.cycle.emit(-1 if event.key() == Qt.Key.Key_Backtab else 1)
            return True
        return super().event(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._tooltip(event)
            return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if mods == Qt.KeyboardModifier.NoModifier and event.text() in self._keys:
            self.label_key.emit(self._keys[event.text()])
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and mods == Qt.KeyboardModifier.NoModifier:
            self.delete_key.emit()
            return
        alt_shift = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and mods & alt_shift == alt_shift:
            step = 1 if key == Qt.Key.Key_Right else -1
            if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
                step = -step  # arrows point where the text goes
            edge = "start" if mods & Qt.KeyboardModifier.ControlModifier else "end"
            self.nudge.emit(edge, step)
            return
        if key == Qt.Key.Key_R and mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            self.relation_key.emit()
            return
        if key == Qt.Key.Key_E and mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            self.event_key.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods == Qt.KeyboardModifier.NoModifier:
            self.confirm_key.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.escape_key.emit()
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
            self.select_span(None, scroll=False)
            return
        super().keyPressEvent(event)

    # -- mouse --------------------------------------------------------------------------------------
    def _edge_under(self, pos: QPoint) -> str | None:
        """The selected span's edge under the pointer: from EDGE_GRAB px outside the span to 1 px
        inside it. A press further inside starts a text selection, so a drag that begins in an inner
        span (even one starting a letter after its claim) selects text instead of moving the claim."""
        span = self.selected_span()
        if span is None:
            return None
        edges = self.edge_rects(span)
        if len(edges) != 2:
            return None
        boxes = self.span_rects(*self.model.offsets.qt_range(span.start, span.end))
        if not boxes:
            return None
        for name, r in zip(("start", "end"), edges):
            if not r.top() <= pos.y() <= r.bottom():
                continue
            box = next((b for b in boxes if b.top() <= r.center().y() <= b.bottom()
                        and b.left() - 1 <= r.center().x() <= b.right() + 1), None)
            outward = -1 if box is None or r.center().x() - box.left() < box.right() - r.center().x() else 1
            beyond = (pos.x() - r.center().x()) * outward  # > 0 outside the span, < 0 inside
            if -1 <= beyond <= EDGE_GRAB:
                return name
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        self._press_pos = pos
        edge = self._edge_under(pos) if event.button() == Qt.MouseButton.LeftButton else None
        if edge is not None and self.selected_id is not None:
            self._drag = (self.selected_id, edge)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._drag is not None:
            span = self.model.mine.get(self._drag[0])
            if span is not None:
                at = self.offset_at(pos)
                start, end = (at, span.end) if self._drag[1] == "start" else (span.start, at)
                if start < end:
                    self._drag_preview = (start, end)
                    self.viewport().update()
            return
        over_edge = self._edge_under(pos) is not None
        self.viewport().setCursor(Qt.CursorShape.SizeHorCursor if over_edge else Qt.CursorShape.IBeamCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._drag is not None:
            span_id, _ = self._drag
            preview = self._drag_preview
            self._drag, self._drag_preview = None, None
            if preview is not None:
                self.boundary_dragged.emit(span_id, *preview)
            self.viewport().update()
            return
        super().mouseReleaseEvent(event)
        press = self._press_pos
        if press is not None and (pos - press).manhattanLength() < 3 and not self.textCursor().hasSelection():
            self.span_clicked.emit(self.model.innermost_at(self.offset_at(pos)))

    def _tooltip(self, event: QHelpEvent) -> None:
        if self.model.report is None:
            return
        offset = self.offset_at(event.pos())
        hits = self.model.spans_at(offset)
        if not hits:
            QToolTip.hideText()
            return
        lines = []
        for h in hits:
            who = "" if h.mine else f"  ({h.owner})"
            value = h.span.value or (self.model.entity_names.get(h.span.entity, h.span.entity) if h.span.entity else "")
            shown = f" → <b>{_escape(value)}</b>" if value else ""
            lines.append(f"<b style='color:{self.colors.base(h.span.label).name()}'>{h.span.label}</b> "
                         f"“{_escape(excerpt(h.span.text_in(self.model.text), 60))}”{shown} "
                         f"[{h.span.start}–{h.span.end}]{who}")
        QToolTip.showText(event.globalPos(), "<br>".join(lines), self)


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for left, right in intervals:
        if out and left <= out[-1][1] + 0.5:
            out[-1] = (out[-1][0], max(out[-1][1], right))
        else:
            out.append((left, right))
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

