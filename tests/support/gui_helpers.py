"""Driving the document view like a user: drags on the viewport, key presses, pixel checks."""

from __future__ import annotations

import time
import unicodedata

from annotator.gui.views.document_view import DocumentView
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

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


def settle(widget: object, timeout_s: float = 20.0) -> None:
    """Wait, as a person waits for "Saved", until the window's database lane has delivered every
    result (the edit committed and shown, the report opened, the candidates listed)."""
    window = widget
    while window is not None and not hasattr(window, "session"):
        window = window.parent() if hasattr(window, "parent") else None
    if window is None:
        QApplication.processEvents()
        return
    lane = window.session.lane
    deadline = time.monotonic() + timeout_s
    QApplication.processEvents()
    while lane.busy:
        assert time.monotonic() < deadline, "the database lane did not finish in time"
        time.sleep(0.001)  # QTest.qWait keeps the GIL while it waits: the lane's thread would starve
        QApplication.processEvents()
    QApplication.processEvents()


def wait_until(condition, timeout_s: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    """Process events until ``condition()`` holds (sleeping between, so other threads run)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
        QApplication.processEvents()
    return True


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
    settle(view)


def key(view: DocumentView, k: Qt.Key | str, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    if isinstance(k, str):
        QTest.keyClicks(view, k, mods)
    else:
        QTest.keyClick(view, k, mods)
    settle(view)


def pixel(view: DocumentView, x: float, y: float) -> QColor:
    image = view.viewport().grab().toImage()
    return QColor(image.pixel(int(x), int(y)))


def close_to(a: QColor, b: QColor, tol: int = 40) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tol


def click_anchor(browser, href: str) -> None:  # type: ignore[no-untyped-def]
    """Click the link ``href`` in a QTextBrowser where it is drawn (scrolled into view first)."""
    doc = browser.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.isValid() and frag.charFormat().anchorHref() == href:
                cursor = QTextCursor(doc)
                cursor.setPosition(frag.position())
                browser.setTextCursor(cursor)
                browser.ensureCursorVisible()
                QApplication.processEvents()
                first = browser.cursorRect(cursor)
                cursor.setPosition(frag.position() + frag.length())
                last = browser.cursorRect(cursor)
                point = first.center()
                if abs(last.center().y() - first.center().y()) < 2:  # the middle of the link on its line
                    point.setX((first.center().x() + last.center().x()) // 2)
                else:
                    point.setX(first.center().x() + 3)
                QTest.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                                 point)
                return
            it += 1
        block = block.next()
    raise AssertionError(f"no link {href} in the view")


def double_click(widget, point) -> None:  # type: ignore[no-untyped-def]
    """What a mouse sends for a double-click: press, release, double-click, release (QTest's
    mouseDClick alone skips the first press, which item views need)."""
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QTest.mouseDClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def undo(window) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Z in the text, as a person undoes; then wait for the commit."""
    key(window.view, Qt.Key.Key_Z, CTRL)


def redo(window, keys: str = "ctrl+shift+z") -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Shift+Z (or Ctrl+Y) in the text; then wait for the commit."""
    key(window.view, Qt.Key.Key_Z if keys == "ctrl+shift+z" else Qt.Key.Key_Y,
        CTRL | SHIFT if keys == "ctrl+shift+z" else CTRL)


def click(widget, point=None) -> None:  # type: ignore[no-untyped-def]
    """A left click (on a button, a checkbox, or a point of a widget), then wait for the lane."""
    if point is None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    settle(widget)


def type_into(line_edit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select all in a line edit, type ``text`` and press Enter, as a person does."""
    line_edit.setFocus()
    QTest.keyClick(line_edit, Qt.Key.Key_A, CTRL)
    type_text(line_edit, text)
    QTest.keyClick(line_edit, Qt.Key.Key_Return)
    settle(line_edit)


def click_span(view: DocumentView, start: int, end: int) -> None:
    """Click in the middle of a span's first box in the text (selects the innermost span there)."""
    rect = view.span_rects(*view.model.offsets.qt_range(start, end))[0]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center().toPoint())
    settle(view)


def dismiss_message(window) -> str:  # type: ignore[no-untyped-def]
    """Read and close the refusal box a person would see (it holds the window until closed)."""
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes, "no message box is shown"
    text = boxes[-1].text()
    QTest.mouseClick(boxes[-1].button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    activate(window)  # what the window manager does when the box goes
    return str(text)


def activate(window) -> None:  # type: ignore[no-untyped-def]
    """Make the window the active one again (offscreen there is no window manager to do it)."""
    window.activateWindow()
    window.windowHandle().requestActivate()
    deadline = time.monotonic() + 3
    while QApplication.activeWindow() is not window and time.monotonic() < deadline:
        time.sleep(0.005)
        QApplication.processEvents()


def open_dialog(window, action, cls):  # type: ignore[no-untyped-def]
    """Trigger a menu action and return the dialog of type ``cls`` it showed."""
    action.trigger()
    settle(window)
    shown = [d for d in window.findChildren(cls) if d.isVisible()]
    assert shown, f"{action.text()} showed no {cls.__name__}"
    return shown[-1]


def type_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` into the focused widget, any script: ASCII through QTest, other characters as the
    key events an input method delivers (QTest only knows ASCII keys)."""
    for ch in text:
        if ch.isascii():
            QTest.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def anchors(browser) -> set[str]:  # type: ignore[no-untyped-def]
    """Every link drawn in a QTextBrowser (what a person can click)."""
    found: set[str] = set()
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            href = it.fragment().charFormat().anchorHref()
            if href:
                found.add(href)
            it += 1
        block = block.next()
    return found


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
            for index, pos in zip(run.glyphIndexes(), run.positions(), strict=False):
                ink = font.boundingRect(index)
                if not ink.isEmpty():
                    out.append(ink.translated(geom.left() + pos.x(), geom.top() + pos.y()))
    return out


def open_report(window, report_id: str) -> None:  # type: ignore[no-untyped-def]
    """Click the report's row in the list (scrolled into view first), as a person switches reports."""
    index = window.report_proxy.mapFromSource(window.report_model.index(window.report_model.row_of(report_id), 0))
    window.report_table.scrollTo(index)
    click(window.report_table.viewport(), window.report_table.visualRect(index).center())
    settle(window)
    assert window.document.report_id == report_id


def removal_question(qtbot, dialog) -> QMessageBox:  # type: ignore[no-untyped-def]
    """Press an import dialog's Import and wait for its question about what the import would remove."""
    click(dialog.run_button)
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible(), timeout=20000)
    return dialog.question


def decline_removal(qtbot, dialog, box: QMessageBox) -> None:  # type: ignore[no-untyped-def]
    """Answer the removal question with its default, Cancel, and wait for the dialog to say so."""
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    click(box.button(QMessageBox.StandardButton.Cancel))
    qtbot.waitUntil(lambda: "Not imported" in dialog.result_label.text())


def agree_to_removal(qtbot, dialog) -> str:  # type: ignore[no-untyped-def]
    """Press Import again, answer the question with Import and remove, and return the dialog's summary."""
    box = removal_question(qtbot, dialog)
    with qtbot.waitSignal(dialog.completed, timeout=20000):
        click(box.button(QMessageBox.StandardButton.Yes))
    return str(dialog.result_label.text())
