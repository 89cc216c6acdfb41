"""The open report and the spans shown on it: the annotator's own (editable) and, optionally, the
other annotators' (read-only). Commands update it after their service call returned, and views
repaint from its signals, so an edit touches one span, never the whole document."""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, Signal

from annotator.core.events import Event
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span, sort_key
from annotator.gui.offsets import QtOffsets

if TYPE_CHECKING:
    from annotator.gui.session import OpenSet


class ShownSpan(NamedTuple):
    """A span as the view draws it: Qt positions, nesting depth, and whose it is (a named tuple: a
    report opens with one per span, and a frozen dataclass cost three times as much to build)."""

    span: Span
    owner: str
    qt_start: int
    qt_end: int
    depth: int
    mine: bool


def _shown_key(x: ShownSpan) -> tuple[int, int, bool, str, str]:
    return (x.qt_start, -x.qt_end, not x.mine, x.owner, x.span.id)


def stacked_depths(ordered: list[Span]) -> list[int]:
    """Depth of each span (in list order; spans of several annotators may share an id) = how many
    spans before it (document order) are still open at its start. Nested spans get their nesting
    depth; partly overlapping ones get a level of their own too, so their bars never coincide. One
    sweep with a heap of open ends: O(n log n)."""
    open_ends: list[int] = []
    depths: list[int] = []
    for span in ordered:
        while open_ends and open_ends[0] <= span.start:
            heapq.heappop(open_ends)
        depths.append(len(open_ends))
        heapq.heappush(open_ends, span.end)
    return depths


class DocumentModel(QObject):
    """Spans of one report; emits ``spans_changed(ids)`` after each change and ``reset`` on load.

    An edit of one span updates the drawing index in place (bisection, plus the depth of the few
    spans whose start it covers), so a change costs the same with 10 or 10,000 spans."""

    reset = Signal()
    shown_changed = Signal()  # another (report, set) is shown, or nothing: bound panels clear
    spans_changed = Signal(list)
    relations_changed = Signal()
    events_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report: Report | None = None
        self.target: OpenSet | None = None  # the set shown, which edits made here name
        self.loading = False  # a report is being opened (its spans are not here yet)
        self.offsets = QtOffsets("")
        self.annotator = ""
        self.mine: dict[str, Span] = {}
        self.others: dict[str, list[Span]] = {}
        self.show_others = False
        self.relations: dict[str, Relation] = {}
        self.events: dict[str, Event] = {}
        self.entity_names: dict[str, str] = {}  # filled by the window from the registry
        self._own: list[Span] = []  # own spans in document order
        self._own_keys: list[tuple[int, int, str, str]] = []
        self._shown: list[ShownSpan] = []
        self._shown_keys: list[tuple[int, int, bool, str, str]] = []
        self._entry_of: dict[str, ShownSpan] = {}
        self._max_len = 0  # longest span in code points (Qt units are never fewer)
        self._max_qt_len = 0

    # -- loading and edits ----------------------------------------------------------------------
    def load(self, report: Report, annotator: str, mine: list[Span] | tuple[Span, ...],
             others: dict[str, list[Span]] | None = None,
             relations: list[Relation] | tuple[Relation, ...] = (), target: OpenSet | None = None,
             events: list[Event] | tuple[Event, ...] = ()) -> None:
        self.report = report
        self.target = target
        self.loading = False
        self.offsets = QtOffsets(report.text)
        self.annotator = annotator
        self.mine = {s.id: s for s in mine}
        self.relations = {r.id: r for r in relations}
        self.events = {e.id: e for e in events}
        self.others = dict(others or {})
        self._rebuild()
        self.shown_changed.emit()
        self.reset.emit()

    def clear(self, *, loading: bool = False) -> None:
        """Show nothing (``loading``: a report is on its way), so no panel keeps another report's spans."""
        self.report = None
        self.target = None
        self.loading = loading
        self.offsets = QtOffsets("")
        self.mine, self.others, self.relations, self.events = {}, {}, {}, {}
        self._rebuild()
        self.shown_changed.emit()
        self.reset.emit()

    def upsert(self, span: Span) -> None:
        old = self.mine.get(span.id)
        if old is not None:
            self._drop_own(old)
        self.mine[span.id] = span
        i = bisect_left(self._own_keys, sort_key(span))
        self._own.insert(i, span)
        self._own_keys.insert(i, sort_key(span))
        self._max_len = max(self._max_len, span.length)
        self._redepth(span, old)
        self.spans_changed.emit([span.id])

    def remove(self, span_id: str) -> None:
        old = self.mine.pop(span_id, None)
        if old is not None:
            self._drop_own(old)
            self._redepth(None, old)
        self.spans_changed.emit([span_id])

    def upsert_relation(self, relation: Relation) -> None:
        self.relations[relation.id] = relation
        self.relations_changed.emit()

    def remove_relation(self, relation_id: str) -> None:
        if self.relations.pop(relation_id, None) is not None:
            self.relations_changed.emit()

    def upsert_event(self, event: Event) -> None:
        self.events[event.id] = event
        self.events_changed.emit()

    def remove_event(self, event_id: str) -> None:
        if self.events.pop(event_id, None) is not None:
            self.events_changed.emit()

    def set_show_others(self, show: bool) -> None:
        if show != self.show_others:
            self.show_others = show
            self._rebuild()
            self.reset.emit()

    def set_others(self, others: dict[str, list[Span]]) -> None:
        self.others = dict(others)
        self._rebuild()
        self.reset.emit()

    # -- queries ----------------------------------------------------------------------------------
    @property
    def report_id(self) -> str | None:
        return self.report.id if self.report else None

    @property
    def text(self) -> str:
        return self.report.text if self.report else ""

    def sorted_mine(self) -> list[Span]:
        return self._own

    def shown(self) -> list[ShownSpan]:
        """Every span drawn, ordered by Qt start."""
        return self._shown

    def shown_between(self, qt_from: int, qt_to: int) -> list[ShownSpan]:
        """Drawn spans that intersect Qt positions [qt_from, qt_to)."""
        lo = bisect_left(self._shown_keys, (qt_from - self._max_qt_len,))
        hi = bisect_right(self._shown_keys, (qt_to, 1))
        return [x for x in self._shown[lo:hi] if x.qt_end > qt_from and x.qt_start < qt_to]

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
        order = self._own
        if not order:
            return None
        if span_id is None or span_id not in self.mine:
            i = bisect_left(self._own_keys, (offset, -10**12))
            return order[i % len(order)] if step > 0 else order[(i - 1) % len(order)]
        i = bisect_left(self._own_keys, sort_key(self.mine[span_id]))
        return order[(i + step) % len(order)]

    # -- the drawing index ------------------------------------------------------------------------
    def _entry(self, span: Span, owner: str, depth: int, mine: bool) -> ShownSpan:
        qs, qe = self.offsets.qt_range(span.start, span.end)
        return ShownSpan(span, owner, qs, qe, depth, mine)

    def _entries(self, spans: list[Span], owners: list[str] | str, mine: bool) -> list[ShownSpan]:
        """``_entry`` of spans in document order, mapped to Qt positions in one batch."""
        ranges = self.offsets.qt_ranges([(s.start, s.end) for s in spans])
        whose = [owners] * len(spans) if isinstance(owners, str) else owners
        return [ShownSpan(s, who, qs, qe, d, mine)
                for s, who, (qs, qe), d in zip(spans, whose, ranges, stacked_depths(spans), strict=True)]

    def _rebuild(self) -> None:
        keyed = sorted((sort_key(s), s) for s in self.mine.values())  # ids are unique: spans never compared
        self._own = [s for _, s in keyed]
        self._own_keys = [k for k, _ in keyed]
        out = self._entries(self._own, self.annotator, True)
        if self.show_others:
            # one sweep over all other annotators' spans: their dashed bars share one band, so two
            # annotators' overlapping spans get levels of their own rather than the same one
            theirs = sorted(((s, who) for who, spans in self.others.items() for s in spans),
                            key=lambda pair: (sort_key(pair[0]), pair[1]))
            out += self._entries([s for s, _ in theirs], [who for _, who in theirs], False)
        out.sort(key=_shown_key)
        self._shown = out
        self._shown_keys = [_shown_key(x) for x in out]
        self._entry_of = {x.span.id: x for x in out if x.mine}
        self._max_len = max((x.span.length for x in out), default=0)
        self._max_qt_len = max((x.qt_end - x.qt_start for x in out), default=0)

    def _drop_own(self, span: Span) -> None:
        i = bisect_left(self._own_keys, sort_key(span))
        if i < len(self._own) and self._own[i].id == span.id:
            del self._own[i], self._own_keys[i]
        entry = self._entry_of.pop(span.id, None)
        if entry is not None:
            self._remove_entry(entry)

    def _remove_entry(self, entry: ShownSpan) -> None:
        j = bisect_left(self._shown_keys, _shown_key(entry))
        if j < len(self._shown) and self._shown[j] is entry:
            del self._shown[j], self._shown_keys[j]

    def _insert_entry(self, entry: ShownSpan) -> None:
        key = _shown_key(entry)
        j = bisect_left(self._shown_keys, key)
        self._shown.insert(j, entry)
        self._shown_keys.insert(j, key)
        self._entry_of[entry.span.id] = entry
        self._max_qt_len = max(self._max_qt_len, entry.qt_end - entry.qt_start)

    def _local_depth(self, span: Span) -> int:
        """Own spans before this one in document order that are still open at its start."""
        i = bisect_left(self._own_keys, sort_key(span))
        depth = 0
        j = i - 1
        while j >= 0 and self._own[j].start >= span.start - self._max_len:
            if self._own[j].end > span.start:
                depth += 1
            j -= 1
        return depth

    def _redepth(self, new: Span | None, old: Span | None) -> None:
        """Insert ``new``'s entry and refresh the depth of own spans whose start the old or new
        extent covers (only theirs can change)."""
        affected: dict[str, Span] = {}
        for extent in (new, old):
            if extent is None:
                continue
            i = bisect_left(self._own_keys, (extent.start, -10**12))
            while i < len(self._own) and self._own[i].start < extent.end:
                affected[self._own[i].id] = self._own[i]
                i += 1
        if new is not None:
            affected[new.id] = new
        for span in affected.values():
            entry = self._entry_of.get(span.id)
            depth = self._local_depth(span)
            if entry is not None and entry.depth == depth and entry.span is span:
                continue
            if entry is not None:
                self._entry_of.pop(span.id)
                self._remove_entry(entry)
            self._insert_entry(self._entry(span, self.annotator, depth, True))
