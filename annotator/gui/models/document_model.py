"""The open report and the spans shown on it: the annotator's own (editable) and, optionally, the
other annotators' (read-only). Commands update it after their service call returned, and views
repaint from its signals, so an edit touches one span, never the whole document."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from annotator.core.report import Report
from annotator.core.spans import Span, nesting_depths, sort_key, sorted_spans
from annotator.gui.offsets import QtOffsets


@dataclass(frozen=True)
class ShownSpan:
    """A span as the view draws it: Qt positions, nesting depth, and whose it is."""

    span: Span
    owner: str
    qt_start: int
    qt_end: int
    depth: int
    mine: bool


class DocumentModel(QObject):
    """Spans of one report; emits ``spans_changed(ids)`` after each change and ``reset`` on load."""

    reset = Signal()
    spans_changed = Signal(list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report: Report | None = None
        self.offsets = QtOffsets("")
        self.annotator = ""
        self.mine: dict[str, Span] = {}
        self.others: dict[str, list[Span]] = {}
        self.show_others = False
        self._shown: list[ShownSpan] | None = None
        self._starts: list[int] = []
        self._max_len = 0
        self._sorted_mine: list[Span] | None = None

    # -- loading and edits ----------------------------------------------------------------------
    def load(self, report: Report, annotator: str, mine: list[Span] | tuple[Span, ...],
             others: dict[str, list[Span]] | None = None) -> None:
        self.report = report
        self.offsets = QtOffsets(report.text)
        self.annotator = annotator
        self.mine = {s.id: s for s in mine}
        self.others = dict(others or {})
        self._invalidate()
        self.reset.emit()

    def clear(self) -> None:
        self.report = None
        self.offsets = QtOffsets("")
        self.mine, self.others = {}, {}
        self._invalidate()
        self.reset.emit()

    def upsert(self, span: Span) -> None:
        self.mine[span.id] = span
        self._invalidate()
        self.spans_changed.emit([span.id])

    def remove(self, span_id: str) -> None:
        self.mine.pop(span_id, None)
        self._invalidate()
        self.spans_changed.emit([span_id])

    def set_show_others(self, show: bool) -> None:
        if show != self.show_others:
            self.show_others = show
            self._invalidate()
            self.reset.emit()

    def set_others(self, others: dict[str, list[Span]]) -> None:
        self.others = dict(others)
        self._invalidate()
        self.reset.emit()

    # -- queries ----------------------------------------------------------------------------------
    @property
    def report_id(self) -> str | None:
        return self.report.id if self.report else None

    @property
    def text(self) -> str:
        return self.report.text if self.report else ""

    def sorted_mine(self) -> list[Span]:
        if self._sorted_mine is None:
            self._sorted_mine = sorted_spans(self.mine.values())
        return self._sorted_mine

    def shown(self) -> list[ShownSpan]:
        """Every span drawn, ordered by Qt start (built once per change: O(n log n) on 10,000 spans)."""
        if self._shown is None:
            out: list[ShownSpan] = []
            groups = [(self.annotator, list(self.mine.values()), True)]
            if self.show_others:
                groups += [(who, spans, False) for who, spans in sorted(self.others.items())]
            for who, spans, mine in groups:
                depths = nesting_depths(spans)
                for s in spans:
                    qs, qe = self.offsets.qt_range(s.start, s.end)
                    out.append(ShownSpan(s, who, qs, qe, depths.get(s.id, 0), mine))
            out.sort(key=lambda x: (x.qt_start, -x.qt_end, not x.mine))
            self._shown = out
            self._starts = [x.qt_start for x in out]
            self._max_len = max((x.qt_end - x.qt_start for x in out), default=0)
        return self._shown

    def shown_between(self, qt_from: int, qt_to: int) -> list[ShownSpan]:
        """Drawn spans that intersect Qt positions [qt_from, qt_to)."""
        shown = self.shown()
        lo = bisect_left(self._starts, qt_from - self._max_len)
        hi = bisect_right(self._starts, qt_to)
        return [x for x in shown[lo:hi] if x.qt_end > qt_from and x.qt_start < qt_to]

    def spans_at(self, offset: int, *, mine_only: bool = False) -> list[ShownSpan]:
        """Spans covering a code-point offset, outermost first (own before others)."""
        q = self.offsets.to_qt(offset)
        hits = [x for x in self.shown_between(q, q + 1) if x.span.start <= offset < x.span.end]
        if mine_only:
            hits = [x for x in hits if x.mine]
        return sorted(hits, key=lambda x: (not x.mine, -x.span.length, x.span.start))

    def innermost_at(self, offset: int) -> Span | None:
        hits = self.spans_at(offset, mine_only=True)
        return min(hits, key=lambda x: (x.span.length, -x.depth)).span if hits else None

    def neighbour(self, span_id: str | None, step: int, offset: int = 0) -> Span | None:
        """The next (+1) or previous (-1) own span in document order, wrapping around; without a
        current span, the first one at or after ``offset`` (Tab walks nested spans one by one)."""
        order = self.sorted_mine()
        if not order:
            return None
        if span_id is None or span_id not in self.mine:
            keys = [(s.start, -s.end) for s in order]
            i = bisect_left(keys, (offset, -10**12))
            return order[i % len(order)] if step > 0 else order[(i - 1) % len(order)]
        i = bisect_left([sort_key(s) for s in order], sort_key(self.mine[span_id]))
        return order[(i + step) % len(order)]

    def _invalidate(self) -> None:
        self._shown = None
        self._sorted_mine = None
