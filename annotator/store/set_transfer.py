"""Whole sets in and out in bulk: what bundles (and benchmarks) move, thousands of sets at a time.

``Repositories`` serves single edits; moving 10,000 sets through it costs tens of thousands of
round trips. Here reads come in batches (one query per batch per table) and writes are
multi-row inserts. Never commits: the caller's unit of work decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from annotator.core.annotation_set import AnnotationSet
from annotator.core.events import Event
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.store.event_repository import EventRepository
from annotator.store.mapping import relation_from_row, report_from_row, span_from_row
from annotator.store.models import (AnnotationSetRow, AnnotatorRow, EditRow, RelationRow, ReportRow, SpanRow,
                                    utcnow)

BATCH = 500


@dataclass(frozen=True)
class SetWrite:
    """New content for one set: it gets exactly ``version`` (not a bump) and one edit-log entry
    with ``before``/``after``, as ``Repositories.log_edit`` writes for a single edit."""

    report_id: str
    spans: Sequence[Span]
    relations: Sequence[Relation]
    version: int
    before: Any = None
    after: Any = None
    set_id: int | None = None  # None: the set does not exist yet
    events: Sequence[Event] = ()


def _chunks(items: Sequence[str], size: int = BATCH) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class SetTransfer:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reading ---------------------------------------------------------------------------------
    def count_sets(self, annotator: str) -> int:
        return len(self._set_index(annotator))

    def iter_sets(self, annotator: str, report_ids: Sequence[str] | None = None,
                  batch: int = BATCH) -> Iterator[tuple[Report, AnnotationSet]]:
        """The sets of ``annotator`` (all, or on ``report_ids``) with their reports, by report id,
        loaded ``batch`` sets at a time."""
        index = self._set_index(annotator, report_ids)
        for start in range(0, len(index), batch):
            chunk = index[start:start + batch]
            set_ids = [sid for sid, _rid, _v in chunk]
            # plain rows, not ORM instances: building an instance costs several times reading the row
            reports = {r.id: r for r in self.session.execute(
                select(ReportRow.__table__).where(ReportRow.id.in_([rid for _s, rid, _v in chunk])))}
            spans: dict[int, list[Any]] = {}
            for s in self.session.execute(select(SpanRow.__table__).where(SpanRow.set_id.in_(set_ids))
                                          .order_by(SpanRow.set_id, SpanRow.start, SpanRow.end.desc(),
                                                    SpanRow.id)):
                spans.setdefault(s.set_id, []).append(s)
            relations: dict[int, list[Any]] = {}
            for r in self.session.execute(select(RelationRow.__table__).where(RelationRow.set_id.in_(set_ids))
                                          .order_by(RelationRow.set_id, RelationRow.id)):
                relations.setdefault(r.set_id, []).append(r)
            events = EventRepository(self.session).events_of_sets(set_ids)
            for sid, rid, version in chunk:
                rows = spans.get(sid, [])
                keys = {s.id: s.key for s in rows}
                yield report_from_row(reports[rid]), AnnotationSet(
                    rid, annotator, tuple(span_from_row(s) for s in rows),
                    tuple(relation_from_row(r, keys) for r in relations.get(sid, [])), version,
                    tuple(events.get(sid, ())))

    def _set_index(self, annotator: str, report_ids: Sequence[str] | None = None) -> list[tuple[int, str, int]]:
        q = (select(AnnotationSetRow.id, AnnotationSetRow.report_id, AnnotationSetRow.version)
             .join(AnnotatorRow, AnnotatorRow.id == AnnotationSetRow.annotator_id)
             .where(AnnotatorRow.name == annotator))
        if report_ids is None:
            rows = list(self.session.execute(q))
        else:
            rows = [r for chunk in _chunks(list(report_ids))
                    for r in self.session.execute(q.where(AnnotationSetRow.report_id.in_(chunk)))]
        return sorted(((sid, rid, v) for sid, rid, v in rows), key=lambda t: t[1])

    def existing_reports(self, report_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(report_ids)):
            found.update(self.session.scalars(select(ReportRow.id).where(ReportRow.id.in_(chunk))))
        return found

    def set_versions(self, annotator_id: int, report_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """(set id, version) of the existing sets of one annotator on these reports, locked (on
        PostgreSQL) until the transaction ends so a concurrent writer waits."""
        found: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(list(report_ids)):
            q = (select(AnnotationSetRow.report_id, AnnotationSetRow.id, AnnotationSetRow.version)
                 .where(AnnotationSetRow.annotator_id == annotator_id, AnnotationSetRow.report_id.in_(chunk))
                 .with_for_update())
            found.update((rid, (sid, v)) for rid, sid, v in self.session.execute(q))
        return found

    # -- writing ---------------------------------------------------------------------------------
    def add_reports(self, reports: Iterable[Report], origin: str | None = None) -> int:
        now = utcnow()
        values = [{"id": r.id, "text": r.text, "chars": len(r.text), "title": r.title or "", "source": r.source,
                   "published": r.published, "url": r.url, "language": r.language, "direction": r.direction,
                   "meta": dict(r.meta), "origin": origin, "imported_at": now} for r in reports]
        if values:
            self.session.execute(insert(ReportRow.__table__), values)
        return len(values)

    def write_sets(self, annotator: str, annotator_id: int, writes: Sequence[SetWrite], *, op: str,
                   target: str | None = None) -> None:
        """Replace (or create) these sets' contents, set their versions and log one edit each, with a
        handful of multi-row statements for the whole batch."""
        if not writes:
            return
        self.session.flush()
        now = utcnow()
        set_ids = self._create_missing(annotator_id, writes, now)
        existing = [w.set_id for w in writes if w.set_id is not None]
        if existing:
            self.session.execute(delete(RelationRow.__table__).where(RelationRow.set_id.in_(existing)))
            self.session.execute(delete(SpanRow.__table__).where(SpanRow.set_id.in_(existing)))
        span_values = [{"set_id": set_ids[w.report_id], "key": s.id, "start": s.start, "end": s.end,
                        "label": s.label, "attrs": dict(s.attrs), "value": s.value, "entity_id": s.entity,
                        "resolution": s.resolution} for w in writes for s in w.spans]
        span_ids: dict[tuple[int, str], int] = {}
        if span_values:
            stmt = insert(SpanRow.__table__).returning(SpanRow.__table__.c.id, SpanRow.__table__.c.set_id,
                                                       SpanRow.__table__.c.key, sort_by_parameter_order=True)
            span_ids = {(set_id, key): sid for sid, set_id, key in self.session.execute(stmt, span_values)}
        rel_values = [{"set_id": set_ids[w.report_id], "key": r.id, "label": r.label, "attrs": dict(r.attrs),
                       "head_id": span_ids[(set_ids[w.report_id], r.head)],
                       "tail_id": span_ids[(set_ids[w.report_id], r.tail)]} for w in writes for r in w.relations]
        if rel_values:
            self.session.execute(insert(RelationRow.__table__), rel_values)
        EventRepository(self.session).replace_set_events({set_ids[w.report_id]: w.events for w in writes})
        table = AnnotationSetRow.__table__
        self.session.execute(
            update(table).where(table.c.id == bindparam("sid"))
            .values(version=bindparam("v"), next_key=bindparam("nk"), updated_at=bindparam("at")),
            [{"sid": set_ids[w.report_id], "v": w.version, "nk": _next_key(w), "at": now} for w in writes])
        self.session.execute(insert(EditRow.__table__), [
            {"set_id": set_ids[w.report_id], "version": w.version, "annotator": annotator, "at": now, "op": op,
             "target": target, "before": w.before, "after": w.after} for w in writes])
        self.session.expire_all()  # ORM objects loaded earlier must not shadow what was written

    def _create_missing(self, annotator_id: int, writes: Sequence[SetWrite], now: Any) -> dict[str, int]:
        ids = {w.report_id: w.set_id for w in writes if w.set_id is not None}
        new = [{"report_id": w.report_id, "annotator_id": annotator_id, "version": 0, "next_key": 1,
                "status": "in progress", "updated_at": now} for w in writes if w.set_id is None]
        if new:
            table = AnnotationSetRow.__table__
            stmt = insert(table).returning(table.c.id, table.c.report_id, sort_by_parameter_order=True)
            ids.update((rid, sid) for sid, rid in self.session.execute(stmt, new))
        return ids  # type: ignore[return-value]


def _next_key(write: SetWrite) -> int:
    """One past the highest ``T<n>``/``R<n>`` number used, so new edits never reuse an id."""
    numbers = [int(k[1:]) for k in (*(s.id for s in write.spans), *(r.id for r in write.relations),
                                    *(e.id for e in write.events)) if k[1:].isdigit()]
    return max(numbers, default=0) + 1
