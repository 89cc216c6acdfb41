"""Room between the lines of a ``QPlainTextEdit``, line by line.

``QPlainTextDocumentLayout`` packs lines tightly and ignores block formats (line height, margins),
which is what keeps a 1 MB report fast: it lays out only the blocks it shows and scrolls by line
number. This subclass keeps all of that and only moves the lines of a block apart after Qt laid
them out: each line gets the room its planner asks for above and below its glyphs. Nothing is
cached by Qt about those positions (the editor asks ``blockBoundingRect`` for every block it
paints or hit-tests), so changing one line's room is a dictionary update and a repaint, never a
relayout of the document."""

from __future__ import annotations

import math
from typing import Any, Protocol

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout

MAX_PLANS = 2048  # blocks whose plan is kept: many screens' worth


Room = tuple[Any, ...]  # one line's plan: (px above, px below, whatever else the planner keeps)


class Planner(Protocol):
    def plan(self, block: QTextBlock) -> tuple[Room, ...]:
        """A room tuple per line of a block Qt has just laid out."""


class RoomLayout(QPlainTextDocumentLayout):
    """A plain-text layout whose lines stand ``above`` px below the line before them (plus its
    ``below``), as planned per line; the plan of each block is kept until ``forget``."""

    def __init__(self, document: QTextDocument, planner: Planner) -> None:
        super().__init__(document)
        self._planner = planner
        self._plans: dict[int, tuple[tuple[Room, ...], float, float]] = {}  # block number -> plan, width, height

    def placed(self, block: QTextBlock) -> tuple[QRectF, tuple[Room, ...]]:
        """The block's bounding rectangle and per-line plan, laying it out and placing its lines
        first if needed."""
        rect = self.blockBoundingRect(block)
        entry = self._plans.get(block.blockNumber())
        return rect, entry[0] if entry is not None else ()

    def forget(self, first: int, last: int) -> None:
        """Plan blocks ``first``..``last`` (block numbers) again the next time they are used."""
        plans = self._plans
        if last - first > len(plans):
            for number in [n for n in plans if first <= n <= last]:
                del plans[number]
        else:
            for number in range(first, last + 1):
                plans.pop(number, None)

    def forget_all(self) -> None:
        self._plans.clear()

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 - Qt's name
        # Qt asks this for every block it paints, hit-tests or scrolls past (a whole page of them
        # at the end of the document each time a newly laid-out block changes the line count), so
        # a placed block costs a dictionary look-up and one check: Qt puts a block's first line at
        # y = 0 whenever it (re)lays it out (a resize), and a placed block's first line always has
        # room above it, so y = 0 means "place again"
        number = block.blockNumber()
        entry = self._plans.get(number)
        layout = block.layout()
        if entry is not None and layout.lineCount() == len(entry[0]) and layout.lineAt(0).y() != 0:
            return QRectF(0, 0, entry[1], entry[2])
        rect = super().blockBoundingRect(block)  # lays the block out if Qt has not yet
        count = layout.lineCount()
        if not count or not block.isVisible():
            return rect
        plan = self._planner.plan(block)
        y = 0.0
        for i, (above, below, *_) in enumerate(plan):
            line = layout.lineAt(i)
            y += above
            line.setPosition(QPointF(line.x(), y))
            y += math.ceil(line.height()) + below  # whole pixels: bars stay crisp
        if not block.next().isValid():
            y += self.document().documentMargin()
        width = rect.width()
        if len(self._plans) >= MAX_PLANS:  # the oldest go (planned again if shown again): memory
            for old in list(self._plans)[:MAX_PLANS // 4]:  # stays flat however long the report
                del self._plans[old]
        self._plans[number] = (plan, width, y)
        return QRectF(0, 0, width, y)
