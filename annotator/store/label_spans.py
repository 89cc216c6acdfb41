"""The bare ``(start, end, label)`` of every stored set in scope, for the measures that need no more.

Agreement compares offsets and labels only. Reading it through ``SetTransfer.stream`` built a full ``Span``
per row (attributes decoded, values, entities) and relations it then threw away, and cost as much as the
measures themselves on 1,000 reports × 3 annotators. Here two queries do it: the sets in scope with their
reports (small), and the spans as plain tuples ordered by set (within a set, in no particular order). The
result is held in memory: the agreement report needs every set at once."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.store.models import AnnotationSetRow, AnnotatorRow, ReportRow, SpanRow
from annotator.store.set_transfer import _scoped
from annotator.store.workflow_repository import iso

_SETS = AnnotationSetRow.__table__
_SPANS = SpanRow.__table__
_REPORTS = ReportRow.__table__


class LabelSet(NamedTuple):
    """One stored set as agreement reads it: its report (``text`` empty when not asked for), who
    annotated it, when it was last edited (ISO 8601) and its spans as ``(start, end, label)``."""

    report_id: str
    title: str
    chars: int
    text: str
    annotator: str
    edited: str
    spans: list[tuple[int, int, str]]


class LabelSpanReader:
    def __init__(self, session: Session) -> None:
        self.session = session

    def label_sets(self, *, annotators: Sequence[str] | None = None, report_ids: Sequence[str] | None = None,
                   with_text: bool = True) -> list[LabelSet]:
        """Every set in scope (all annotators / reports when ``None``), ordered by report id, then
        annotator (the order their rows were created in, as ``SetTransfer.stream`` gives them)."""
        if report_ids is not None and not report_ids:
            return []
        conn = self.session.connection()
        sets = (select(_SETS.c.id, _SETS.c.report_id, _REPORTS.c.title, _REPORTS.c.chars,
                       _REPORTS.c.text if with_text else _REPORTS.c.id, AnnotatorRow.name, _SETS.c.updated_at)
                .join(AnnotatorRow, AnnotatorRow.id == _SETS.c.annotator_id)
                .join(_REPORTS, _REPORTS.c.id == _SETS.c.report_id))
        set_rows = conn.execute(_scoped(sets, annotators, report_ids)
                                .order_by(_SETS.c.report_id, _SETS.c.annotator_id)).all()
        spans: dict[int, list[tuple[int, int, str]]] = {}
        query = select(_SPANS.c.set_id, _SPANS.c.start, _SPANS.c.end, _SPANS.c.label)
        if annotators is not None or report_ids is not None:
            query = _scoped(query.join(_SETS, _SETS.c.id == _SPANS.c.set_id), annotators, report_ids)
        # by set only, which the spans' (set_id, start) index gives without a sort; fetched at once (row by
        # row cost twice as much)
        rows: Any = conn.execute(query.order_by(_SPANS.c.set_id)).all()
        for set_id, group in groupby(rows, key=itemgetter(0)):
            spans[set_id] = [(s, e, lab) for _sid, s, e, lab in group]
        return [LabelSet(rid, title, chars, text if with_text else "", who, iso(at), spans.get(sid, []))
                for sid, rid, title, chars, text, who, at in set_rows]
