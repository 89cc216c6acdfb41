"""The report text with its spans drawn in layers, in room reserved around each line.

The text itself is never re-formatted: Qt lays out only the lines it shows (a 1 MB report with
10,000 spans costs one ``setPlainText``), and ``line_room.RoomLayout`` moves each shown line apart
from its neighbours by what ``span_plan`` asks for that line — a bar level per nesting depth below
it, relation lanes and (with *Show labels*) label tags above it — so nothing drawn for a span ever
lies on a glyph. Each own span gets a translucent fill on its glyphs and a bar in its line's band:
the deepest nearest the text, the outermost lowest, like nested brackets. Other annotators' spans
are dashed bars in a band of their own, read-only. The selected span's relations are arcs routed
in the gaps above the lines (``arc_routes``). An edit re-plans only the blocks it touches.

The view turns keys and mouse gestures into signals with code-point offsets; what they mean is
decided by the main window's controller."""

from __future__ import annotations

import math
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QKeyCombination, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from annotator.core.schema import Schema
from annotator.core.spans import Span, sort_key
from annotator.gui.bidi import isolate
from annotator.gui.models.document_model import DocumentModel, ShownSpan
from annotator.gui.models.span_table_model import excerpt
from annotator.gui.views.arc_routes import Anchor, ArcDrawing, ArcRequest, route
from annotator.gui.views.line_room import RoomLayout
from annotator.gui.views.span_colors import SpanColors
from annotator.gui.views.span_plan import BAR, STEP, LinePlan, ShownLine, SpanPlanner, Tag

EDGE_GRAB = 5  # px around a boundary that starts a drag
TAG_SCALE = 0.62  # label tags' font size, relative to the text's
ARC_SCALE = 0.62  # relation labels' font size


@dataclass
class _Scene:
    """What one paint draws, in viewport coordinates (the accessors tests use read the same)."""

    lines: list[ShownLine]
    fills: list[tuple[ShownSpan, QRectF]] = field(default_factory=list)
    bars: list[tuple[ShownSpan, QRectF]] = field(default_factory=list)  # own spans, solid
    dashes: list[tuple[ShownSpan, QRectF]] = field(default_factory=list)  # other annotators', dashed
    ticks: list[tuple[ShownSpan, QRectF]] = field(default_factory=list)
    tags: list[tuple[Tag, QRectF]] = field(default_factory=list)


class DocumentView(QPlainTextEdit):
    label_key = Signal(str)  # a label's key was pressed
    unbound_key = Signal(str)  # a digit no label has (it did nothing and said nothing)
    delete_key = Signal()
    nudge = Signal(str, int)  # edge ("start" | "end"), direction (-1 | +1)
    span_clicked = Signal(object)  # Span or None
    cycle = Signal(int)  # Tab (+1) / Shift+Tab (-1)
    boundary_dragged = Signal(str, int, int)  # span id, new start, new end (code points)
    relation_key = Signal()  # R: start a relation from the selected span
    event_key = Signal()  # E: make an event of the selected claim
    confirm_key = Signal()  # Enter: finish what was started (a relation)
    escape_key = Signal()
    # the selected own span (or None), each time it is set: the one source the panels follow (the
    # spans table, the inspector, the comment hint), whichever gesture or panel chose it
    span_selected = Signal(object)

    def __init__(self, document: DocumentModel, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = document
        self.schema = schema
        self.colors = SpanColors(schema, self.palette())
        self.selected_id: str | None = None
        # what other parts draw over the text (comment flags, suggestion outlines), last, in viewport
        # coordinates: painted with the text, they scroll with it (``add_decoration``)
        self._decorations: list[Callable[[QPainter], None]] = []
        self._drag: tuple[str, str] | None = None  # (span id, edge)
        self._drag_preview: tuple[int, int] | None = None
        self._press_pos: QPoint | None = None
        self._loaded: str | None = None
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.25)
        tag_font, self._arc_font = QFont(font), QFont(font)
        tag_font.setPointSizeF(font.pointSizeF() * TAG_SCALE)
        self._arc_font.setPointSizeF(font.pointSizeF() * ARC_SCALE)
        self._arc_metrics = QFontMetricsF(self._arc_font)
        self.planner = SpanPlanner(document, tag_font, math.ceil(self._arc_metrics.height()) + 1)
        text = QTextDocument(self)
        self._room = RoomLayout(text, self.planner)
        text.setDocumentLayout(self._room)
        self.setDocument(text)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMouseTracking(True)
        self.setFont(font)
        self.setCursorWidth(2)
        self.document().setDocumentMargin(14)  # left and right of the text, and over the first line's room
        self._extents: dict[str, tuple[int, int]] = {}  # own spans' Qt ranges as last drawn
        self._relation_ends: dict[str, tuple[str, str]] = {}
        document.reset.connect(self._reload)
        document.spans_changed.connect(self._spans_changed)
        document.relations_changed.connect(self._relations_changed)
        self._keys = {lab.key: lab.name for lab in schema.labels}

    # -- model → view ---------------------------------------------------------------------------
    def _reload(self) -> None:
        self._room.forget_all()
        self.planner.index_relations()
        self._extents = {x.span.id: (x.qt_start, x.qt_end) for x in self.model.shown() if x.mine}
        self._relation_ends = {r.id: (r.head, r.tail) for r in self.model.relations.values()}
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
            # a line of a left-to-right report takes the direction of its first letter (Unicode's
            # paragraph rule: an Arabic line quoted in an English report reads right to left, its full
            # stop at its left end); a right-to-left report stays so throughout, as an Arabic line
            # opening with "IRGC" is still read from the right
            option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LayoutDirectionAuto)
            option.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
            option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            self.document().setDefaultTextOption(option)
            self.setPlainText(report.text)
            # a report opens at its top (setPlainText in a hidden or tiny viewport scrolls a line down
            # to keep the caret in view, and the first line then stays hidden once it is shown)
            self.verticalScrollBar().setValue(0)
        if self.selected_id not in self.model.mine:
            self.selected_id = None
        self.viewport().update()

    def _spans_changed(self, ids: list[str]) -> None:
        """Re-plan the blocks whose room can change: those the edited spans covered before and
        cover now, and those of the spans starting inside them (their depth may have changed)."""
        lo, hi = None, None
        for sid in ids:
            span = self.model.mine.get(sid)
            new = self.model.offsets.qt_range(span.start, span.end) if span is not None else None
            old = self._extents.pop(sid, None)
            if new is not None:
                self._extents[sid] = new
            for extent in (old, new):
                if extent is not None:
                    lo = extent[0] if lo is None else min(lo, extent[0])
                    hi = extent[1] if hi is None else max(hi, extent[1])
        if lo is not None and hi is not None:
            for item in self.model.shown_between(lo, hi):
                if item.mine and item.qt_start >= lo:
                    hi = max(hi, item.qt_end)
            self._forget(lo, hi)
        if self.selected_id is not None and self.selected_id not in self.model.mine:
            self.selected_id = None
        self.viewport().update()

    def _relations_changed(self) -> None:
        """Re-plan the lines where an added or removed relation's ends start (their lanes)."""
        ends = {r.id: (r.head, r.tail) for r in self.model.relations.values()}
        changed = set(ends.items()) ^ set(self._relation_ends.items())
        self._relation_ends = ends
        self.planner.index_relations()
        for _, pair in changed:
            for sid in pair:
                span = self.model.mine.get(sid)
                if span is not None:
                    q = self.model.offsets.to_qt(span.start)
                    self._forget(q, q + 1)
        self.viewport().update()

    def _forget(self, qt_from: int, qt_to: int) -> None:
        doc = self.document()
        self._room.forget(doc.findBlock(qt_from).blockNumber(), doc.findBlock(max(qt_from, qt_to - 1)).blockNumber())

    def set_show_labels(self, on: bool) -> None:
        """*Show labels*: write each span's label in a small tag above its first glyph."""
        if on != self.planner.show_labels:
            self.planner.show_labels = on
            self._room.forget_all()
            self.viewport().update()

    def show_labels(self) -> bool:
        return self.planner.show_labels

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
        """Select ``span`` (None: nothing) and tell the panels (``span_selected``). They had been told by
        some gestures only: after Esc, a Del or an undo, the inspector and the comment hint still named
        a span the text no longer showed selected, and a comment went onto another span than it said."""
        self.selected_id = span.id if span else None
        if span is not None:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.model.offsets.to_qt(span.start))
            self.setTextCursor(cursor)
            if scroll:
                self.ensureCursorVisible()
        self.viewport().update()
        self.span_selected.emit(span)

    def selected_span(self) -> Span | None:
        return self.model.mine.get(self.selected_id) if self.selected_id else None

    # -- geometry ---------------------------------------------------------------------------------
    def _shown_lines(self, qt_from: int = 0, qt_to: int | None = None) -> list[ShownLine]:
        """Lines on screen (glyphs or reserved room), top to bottom, limited to those holding Qt
        positions [qt_from, qt_to). Walks from the first visible block adding block heights, as
        ``QPlainTextEdit`` paints, so it costs one call per shown block."""
        height = self.viewport().height()
        offset = self.contentOffset()
        y = offset.y()
        block = self.firstVisibleBlock()
        out: list[ShownLine] = []
        while block.isValid():
            rect, plans = self._room.placed(block)
            top, y = y, y + rect.height()
            if top > height or (qt_to is not None and block.position() >= qt_to):
                break
            if block.isVisible() and block.position() + block.length() > qt_from:
                layout = block.layout()
                for i, room in enumerate(plans):
                    plan = LinePlan.of(room, self.planner.tag_h, self.planner.lane_h)
                    line = layout.lineAt(i)
                    glyph_top = top + line.y()
                    glyph_bottom = glyph_top + math.ceil(line.height())
                    if glyph_bottom + plan.below < 0 or glyph_top - plan.above > height:
                        continue
                    if plan.qt_end < qt_from or (qt_to is not None and plan.qt_start >= qt_to):
                        continue
                    out.append(ShownLine(plan, line, block.position(), offset.x() + rect.left(), glyph_top,
                                         glyph_bottom, len(out)))
            block = block.next()
        return out

    def span_rects(self, qt_start: int, qt_end: int) -> list[QRectF]:
        """Viewport rectangles covering Qt positions [qt_start, qt_end) line by line (visible
        lines), one per run of glyphs: the glyph box with its line's bar band below it and as much
        room above it, so a rectangle's centre stays on the text (a drag or click point)."""
        rects = []
        for line in self._shown_lines(qt_start, qt_end):
            band = line.plan.band
            rects += [r.adjusted(0, -band, 0, band) for r in line.boxes(qt_start, qt_end)]
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
        """The code-point offset under a viewport point; a point in the room between two lines
        counts for the line whose bars (below) or tags and arcs (above) it holds."""
        for line in self._shown_lines():
            if line.top - line.plan.above <= pos.y() < line.bottom + line.plan.below:
                y = min(max(pos.y(), math.ceil(line.top)), math.floor(line.bottom) - 1)
                pos = QPoint(pos.x(), y)
                break
        return self.model.offsets.to_offset(self.cursorForPosition(pos).position())

    def bar_rects(self) -> list[tuple[ShownSpan, QRectF]]:
        """Every bar, tick and dashed bar painted on screen, with its span."""
        scene = self._scene()
        return scene.bars + scene.ticks + scene.dashes

    def tag_rects(self) -> list[tuple[ShownSpan, QRectF]]:
        """Label tags painted on screen (Show labels), with their spans."""
        return [(x, rect) for tag, rect in self._scene().tags
                for x in self.model.shown_between(tag.qt_start, tag.qt_start + 1)
                if x.owner == tag.owner and x.span.id == tag.span_id]

    def arc_drawings(self) -> list[ArcDrawing]:
        """The selected span's relation arcs as painted: paths, arrowheads and label boxes."""
        return route(self._arc_requests(self._shown_lines()), self._arc_label_width)

    # -- painting ---------------------------------------------------------------------------------
    def _scene(self, lines: list[ShownLine] | None = None) -> _Scene:
        lines = self._shown_lines() if lines is None else lines
        scene = _Scene(lines)
        if not lines or self.model.report is None:
            return scene
        starts = [line.plan.qt_start for line in lines]
        for item in self.model.shown_between(starts[0], lines[-1].plan.qt_end + 1):
            boxes = []
            i = max(0, bisect_right(starts, item.qt_start) - 1)
            while i < len(lines) and lines[i].plan.qt_start < item.qt_end:
                boxes += [(lines[i], r) for r in lines[i].boxes(item.qt_start, item.qt_end)]
                i += 1
            if not boxes:
                continue
            if not item.mine:
                for line, r in boxes:
                    y = line.plan.bar_top(line.bottom, item.depth, mine=False)
                    scene.dashes.append((item, QRectF(r.left(), y, r.width(), BAR)))
                continue
            for line, r in boxes:
                y = line.plan.bar_top(line.bottom, item.depth)
                scene.fills.append((item, r))
                scene.bars.append((item, QRectF(r.left(), y, r.width(), BAR)))
            if item.depth or item.span.id == self.selected_id:
                # ticks at the span's outer ends show where nested spans begin and end
                for (line, _r), x in ((boxes[0], boxes[0][1].left()), (boxes[-1], boxes[-1][1].right() - 1.5)):
                    y = line.plan.bar_top(line.bottom, item.depth)
                    top = max(line.bottom + 1, y - STEP)
                    scene.ticks.append((item, QRectF(x, top, 1.5, y + BAR - top)))
        if self.planner.show_labels:
            for line in lines:
                scene.tags += [(tag, line.plan.tag_rect(tag, line.x0, line.top)) for tag in line.plan.tags]
        return scene

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.model.report is None:
            return
        scene = self._scene()
        if not scene.lines:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        colors = self.colors
        for item, r in scene.fills:  # fills first, so bars stay on top
            painter.fillRect(r, colors.fill(item.span.label))
        for item, r in scene.bars + scene.ticks:
            painter.fillRect(r, colors.bar(item.span.label))
        for item, r in scene.dashes:
            pen = QPen(colors.bar(item.span.label, mine=False), BAR, Qt.PenStyle.DashLine, Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            y = r.top() + BAR / 2
            painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
        if scene.tags:
            self._paint_tags(painter, scene.tags)
        self._paint_selection(painter, scene.lines)
        self._paint_relations(painter, scene.lines)
        for paint in self._decorations:
            painter.save()
            paint(painter)
            painter.restore()
        painter.end()

    def add_decoration(self, paint: Callable[[QPainter], None]) -> None:
        """Draw ``paint`` over the text on every repaint (its owner calls ``viewport().update()`` when
        what it draws changes). Layers laid over the viewport as child widgets were moved by Qt with
        the scrolled pixels and then drew at the scrolled positions again: once the text was scrolled,
        comment flags and suggestion outlines pointed at the wrong words."""
        self._decorations.append(paint)
        self.viewport().update()

    def _paint_tags(self, painter: QPainter, tags: list[tuple[Tag, QRectF]]) -> None:
        painter.setFont(self.planner.tag_font)
        text = self.palette().color(self.palette().ColorRole.Text)
        for tag, r in tags:
            color = self.colors.bar(tag.label)
            if tag.mine:
                painter.fillRect(r, self.colors.tag(tag.label))
                painter.setPen(QPen(color, 1))
            else:
                painter.setPen(QPen(color, 1, Qt.PenStyle.DashLine))
            painter.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5))
            painter.setPen(text)
            painter.drawText(r, int(Qt.AlignmentFlag.AlignCenter), tag.label)

    def _paint_selection(self, painter: QPainter, lines: list[ShownLine]) -> None:
        span = self.selected_span()
        if span is None:
            return
        qs, qe = self.model.offsets.qt_range(span.start, span.end)
        if self._drag_preview is not None:
            qs, qe = self.model.offsets.qt_range(*self._drag_preview)
        pen = QPen(self.palette().color(self.palette().ColorRole.Text), 1.5)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for line in lines:
            for r in line.boxes(qs, qe):
                painter.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5))

    def _anchor(self, lines: list[ShownLine], span: Span) -> Anchor | None:
        """Where an arc meets a span: above its tag (and the tags stacked over it) if shown, else
        above its first glyph box, on the line where it starts; None when that line is not on
        screen."""
        qs, qe = self.model.offsets.qt_range(span.start, span.end)
        i = bisect_right([line.plan.qt_start for line in lines], qs) - 1
        if i < 0 or qs > lines[i].plan.qt_end:
            return None
        line = lines[i]
        for tag in line.plan.tags:
            if tag.mine and tag.span_id == span.id:
                x = line.x0 + (tag.left + tag.right) / 2
                # above the highest tag in that column, so the arc's leg crosses no other tag
                top = min(line.plan.tag_rect(t, line.x0, line.top).top() for t in line.plan.tags
                          if line.x0 + t.left <= x <= line.x0 + t.right)
                return Anchor(line, x, top - 1)
        boxes = line.boxes(qs, qe)
        if not boxes:
            return None
        box = boxes[-1] if line.plan.rtl else boxes[0]
        return Anchor(line, box.center().x(), line.top - 1)

    def _arc_requests(self, lines: list[ShownLine]) -> list[ArcRequest]:
        span = self.selected_span()
        if span is None or not lines:
            return []
        out = []
        for rel in sorted(self.planner.relations_of(span.id), key=lambda r: r.id):
            head, tail = self.model.mine.get(rel.head), self.model.mine.get(rel.tail)
            if head is None or tail is None:
                continue
            a, b = self._anchor(lines, head), self._anchor(lines, tail)
            if a is not None or b is not None:
                out.append(ArcRequest(rel.label, a, b, sort_key(head) <= sort_key(tail)))
        return out

    def _arc_label_width(self, label: str) -> float:
        return math.ceil(self._arc_metrics.horizontalAdvance(label)) + 6

    def relation_arcs(self) -> list[tuple[str, QPointF, QPointF]]:
        """Arcs for the selected span's relations whose ends are on screen: (label, head point,
        tail point), each point where the arc meets the span (above its tag or first glyph box)."""
        return [(req.label, QPointF(req.head.x, req.head.y), QPointF(req.tail.x, req.tail.y))
                for req in self._arc_requests(self._shown_lines()) if req.head is not None and req.tail is not None]

    def _paint_relations(self, painter: QPainter, lines: list[ShownLine]) -> None:
        """The selected span's relations as arcs in the gaps above the lines, labelled once."""
        drawings = route(self._arc_requests(lines), self._arc_label_width)
        if not drawings:
            return
        color = self.palette().color(self.palette().ColorRole.Text)
        color.setAlpha(170)
        backdrop = self.palette().color(self.palette().ColorRole.Base)
        backdrop.setAlpha(210)
        painter.setFont(self._arc_font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(color, 1.3))
        for d in drawings:
            painter.drawPath(d.path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        for d in drawings:
            if d.arrow is not None:
                painter.drawPolygon(d.arrow)
        painter.setPen(color)
        for d in drawings:
            if d.label and d.label_rect is not None:
                painter.fillRect(d.label_rect, backdrop)
                painter.drawText(d.label_rect, int(Qt.AlignmentFlag.AlignCenter), d.label)

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
        if mods == Qt.KeyboardModifier.NoModifier and len(event.text()) == 1 and event.text().isdecimal():
            self.unbound_key.emit(event.text())
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
        for name, r in zip(("start", "end"), edges, strict=False):
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
                         f"“{isolate(_escape(excerpt(h.span.text_in(self.model.text), 60)))}”{shown} "
                         f"[{h.span.start}–{h.span.end}]{who}")
        QToolTip.showText(event.globalPos(), "<br>".join(lines), self)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

