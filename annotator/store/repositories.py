"""Repositories: add/get/list in core types and rows. They flush but never commit."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload

from annotator.core.annotation_set import AnnotationSet
from annotator.core.errors import NotFound
from annotator.core.ids import highest_key_number
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.store.faults import stored_object
from annotator.store.json_check import unreadable_json
from annotator.store.mapping import report_from_row, span_from_row
from annotator.store.models import AnnotationSetRow, AnnotatorRow, EditRow, RelationRow, ReportRow, SpanRow, utcnow
from annotator.store.set_transfer import SetTransfer


@dataclass(frozen=True)
class ReportSummaryRow:
    id: str
    title: str
    published: str | None
    chars: int
    source: str | None
    direction: str
    language: str | None
    annotators: dict[str, int]  # annotator -> span count


@dataclass(frozen=True)
class RelationUseRow:
    """Stored relations of one type between spans of two labels: how many, and the first of them
    (its report's title, its annotator, its id) for a message that lets the user find it."""

    label: str
    head_label: str
    tail_label: str
    count: int
    report_id: str
    report_title: str
    annotator: str
    key: str


class Repositories:
    def __init__(self, session: Session, *, actor: str | None = None) -> None:
        self.session = session
        self.actor = actor  # who acts: the edit log names them (a supervisor deciding gold), else the set's owner

    # -- reports -------------------------------------------------------------------------------
    def report_row(self, report_id: str) -> ReportRow:
        row = self.session.get(ReportRow, report_id)
        if row is None:
            raise NotFound(f"report {report_id[:12]}… is not in the database")
        return row

    def report(self, report_id: str) -> Report:
        return report_from_row(self.report_row(report_id))

    def report_chars(self, report_id: str) -> int:
        """The text length without loading the text (edits only need the bound)."""
        chars = self.session.scalar(select(ReportRow.chars).where(ReportRow.id == report_id))
        if chars is None:
            raise NotFound(f"report {report_id[:12]}… is not in the database")
        return chars

    def report_excerpt(self, report_id: str, start: int, end: int) -> tuple[str, str | None, str | None, int]:
        """Code points ``[start, end)`` of the text with the report's date, language and length,
        without loading the whole text (SQLite and PostgreSQL both count ``substr`` in characters)."""
        row = self.session.execute(select(func.substr(ReportRow.text, start + 1, max(0, end - start)),
                                          ReportRow.published, ReportRow.language, ReportRow.chars)
                                   .where(ReportRow.id == report_id)).first()
        if row is None:
            raise NotFound(f"report {report_id[:12]}… is not in the database")
        return row[0] or "", row[1], row[2], row[3]

    def report_count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(ReportRow)) or 0

    def has_report(self, report_id: str) -> bool:
        return self.session.scalar(select(func.count()).select_from(ReportRow)
                                   .where(ReportRow.id == report_id)) == 1

    def add_report(self, report: Report, origin: str | None = None) -> ReportRow:
        row = ReportRow(id=report.id, text=report.text, chars=len(report.text), title=report.title or "",
                        source=report.source, published=report.published, url=report.url,
                        language=report.language, direction=report.direction, meta=dict(report.meta),
                        origin=origin, imported_at=utcnow())
        self.session.add(row)
        self.session.flush()
        return row

    def report_ids(self) -> list[str]:
        return list(self.session.scalars(select(ReportRow.id).order_by(ReportRow.imported_at, ReportRow.id)))

    def report_summaries(self, report_ids: Sequence[str] | None = None) -> list[ReportSummaryRow]:
        counts: dict[str, dict[str, int]] = {}
        q = (select(AnnotationSetRow.report_id, AnnotatorRow.name, func.count(SpanRow.id))
             .join(AnnotatorRow, AnnotatorRow.id == AnnotationSetRow.annotator_id)
             .outerjoin(SpanRow, SpanRow.set_id == AnnotationSetRow.id)
             .group_by(AnnotationSetRow.report_id, AnnotatorRow.name))
        if report_ids is not None:
            q = q.where(AnnotationSetRow.report_id.in_(list(report_ids)))
        for report_id, name, n in self.session.execute(q):
            counts.setdefault(report_id, {})[name] = n
        rq = (select(ReportRow.id, ReportRow.title, ReportRow.published, ReportRow.chars, ReportRow.source,
                     ReportRow.direction, ReportRow.language)
              .order_by(ReportRow.imported_at, ReportRow.id))
        if report_ids is not None:
            rq = rq.where(ReportRow.id.in_(list(report_ids)))
        rows = self.session.execute(rq)
        return [ReportSummaryRow(r.id, r.title, r.published, r.chars, r.source, r.direction, r.language,
                                 counts.get(r.id, {})) for r in rows]

    # -- annotators ----------------------------------------------------------------------------
    def annotator_row(self, name: str, *, create: bool = True) -> AnnotatorRow:
        row = self.session.scalar(select(AnnotatorRow).where(AnnotatorRow.name == name))
        if row is not None or not create:
            if row is None:
                raise NotFound(f"annotator '{name}' has no work in this database")
            return row
        try:
            with self.session.begin_nested():
                row = AnnotatorRow(name=name, created_at=utcnow())
                self.session.add(row)
        except IntegrityError:  # another process created it meanwhile
            row = self.session.scalar(select(AnnotatorRow).where(AnnotatorRow.name == name))
            assert row is not None
        return row

    def annotator_names(self) -> list[str]:
        return list(self.session.scalars(select(AnnotatorRow.name).order_by(AnnotatorRow.name)))

    # -- annotation sets -----------------------------------------------------------------------
    def set_row(self, report_id: str, annotator: str, *, create: bool = False,
                lock: bool = False) -> AnnotationSetRow | None:
        q = (select(AnnotationSetRow).join(AnnotatorRow, AnnotatorRow.id == AnnotationSetRow.annotator_id)
             .where(AnnotationSetRow.report_id == report_id, AnnotatorRow.name == annotator))
        if lock:
            q = q.with_for_update(of=AnnotationSetRow)  # the set row only (not the annotator it joins)
        row = self.session.scalar(q)
        if row is not None or not create:
            return row
        self.report_row(report_id)
        who = self.annotator_row(annotator)
        try:
            with self.session.begin_nested():
                row = AnnotationSetRow(report_id=report_id, annotator_id=who.id, version=0, next_key=1,
                                       updated_at=utcnow())
                self.session.add(row)
        except IntegrityError:
            row = self.session.scalar(q)
            assert row is not None
        if lock:
            row = self.session.scalar(q)
        return row

    def annotation_set(self, report_id: str, annotator: str) -> AnnotationSet:
        row = self.set_row(report_id, annotator)
        if row is None:
            return AnnotationSet(report_id, annotator)
        return self.set_from_row(row, annotator)

    def set_from_row(self, row: AnnotationSetRow, annotator: str) -> AnnotationSet:
        return self._sets_from_rows([(row, annotator)])[0]

    def sets_of_report(self, report_id: str) -> dict[str, AnnotationSet]:
        rows = self.session.execute(
            select(AnnotationSetRow, AnnotatorRow.name)
            .join(AnnotatorRow, AnnotatorRow.id == AnnotationSetRow.annotator_id)
            .where(AnnotationSetRow.report_id == report_id).order_by(AnnotatorRow.name))
        pairs = [(row, name) for row, name in rows]
        return {name: found for (_, name), found in zip(pairs, self._sets_from_rows(pairs), strict=True)}

    def _sets_from_rows(self, pairs: Sequence[tuple[AnnotationSetRow, str]]) -> list[AnnotationSet]:
        """The sets' contents through the bulk reader (``SetTransfer.contents``: Core rows, one query per
        table): one way to read a set, and opening 10,000 spans no longer builds an ORM object per span
        (a third of the time the window waited for a large report)."""
        contents = SetTransfer(self.session).contents([row.id for row, _ in pairs])
        return [AnnotationSet(row.report_id, name, contents[row.id].spans, contents[row.id].relations, row.version,
                              contents[row.id].events) for row, name in pairs]

    def set_keys(self, annotator: str | None = None,
                 report_ids: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """(report id, annotator) of every stored set, in a stable order."""
        q = (select(AnnotationSetRow.report_id, AnnotatorRow.name)
             .join(AnnotatorRow, AnnotatorRow.id == AnnotationSetRow.annotator_id)
             .order_by(AnnotationSetRow.report_id, AnnotatorRow.name))
        if annotator is not None:
            q = q.where(AnnotatorRow.name == annotator)
        if report_ids:
            q = q.where(AnnotationSetRow.report_id.in_(list(report_ids)))
        return [(r, a) for r, a in self.session.execute(q)]

    # -- spans and relations -------------------------------------------------------------------
    def span_row(self, set_row: AnnotationSetRow, key: str) -> SpanRow:
        row = self.session.scalar(select(SpanRow).where(SpanRow.set_id == set_row.id, SpanRow.key == key))
        if row is None:
            raise NotFound(f"span {key} does not exist (it may have been deleted)")
        return row

    def spans_of(self, set_row: AnnotationSetRow) -> list[Span]:
        return [span_from_row(s) for s in self.session.scalars(
            select(SpanRow).where(SpanRow.set_id == set_row.id))]

    def add_span(self, set_row: AnnotationSetRow, span: Span) -> int:
        """Insert a span (a Core insert: edits are the hot path, the ORM unit of work is not needed)."""
        return self.session.execute(
            insert(SpanRow).values(set_id=set_row.id, key=span.id, start=span.start, end=span.end,
                                   label=span.label, attrs=dict(span.attrs), value=span.value,
                                   entity_id=span.entity, resolution=span.resolution)
            .returning(SpanRow.id)).scalar_one()

    def relation_row(self, set_row: AnnotationSetRow, key: str) -> RelationRow:
        row = self.session.scalar(select(RelationRow).where(RelationRow.set_id == set_row.id,
                                                            RelationRow.key == key))
        if row is None:
            raise NotFound(f"relation {key} does not exist (it may have been deleted)")
        return row

    def delete_span(self, span_row: SpanRow) -> None:
        """Remove a span and every relation that touches it (the caller has read them for undo)."""
        for r in self.relations_touching(span_row):
            self.session.delete(r)
        self.session.delete(span_row)
        self.session.flush()

    def delete_relation(self, relation_row: RelationRow) -> None:
        self.session.delete(relation_row)
        self.session.flush()

    def label_counts(self) -> dict[str, int]:
        """Stored span labels with their counts."""
        return {label: n for label, n in
                self.session.execute(select(SpanRow.label, func.count(SpanRow.id)).group_by(SpanRow.label))}

    def relation_uses(self) -> list[RelationUseRow]:
        """Stored relations grouped by type and the labels of their two ends (what a schema's relation
        rules judge), each group with its count and its first relation as an example."""
        head, tail = aliased(SpanRow), aliased(SpanRow)
        groups = self.session.execute(
            select(RelationRow.label, head.label, tail.label, func.count(RelationRow.id), func.min(RelationRow.id))
            .join(head, head.id == RelationRow.head_id).join(tail, tail.id == RelationRow.tail_id)
            .group_by(RelationRow.label, head.label, tail.label)
            .order_by(RelationRow.label, head.label, tail.label)).all()
        uses = []
        for label, head_label, tail_label, count, first in groups:
            report, title, annotator, key = self.session.execute(
                select(ReportRow.id, ReportRow.title, AnnotatorRow.name, RelationRow.key)
                .join(AnnotationSetRow, AnnotationSetRow.id == RelationRow.set_id)
                .join(ReportRow, ReportRow.id == AnnotationSetRow.report_id)
                .join(AnnotatorRow, AnnotatorRow.id == AnnotationSetRow.annotator_id)
                .where(RelationRow.id == first)).one()
            uses.append(RelationUseRow(label, head_label, tail_label, count, report, title, annotator, key))
        return uses

    def content_problems(self, *, sqlite: bool) -> tuple[list[str], int, int]:
        """What ``annotator check`` finds in the rows: dangling references (SQLite's own check), texts that
        no longer match their id or length, spans past their text, stored JSON that does not parse; with
        the report and span counts."""
        problems: list[str] = []
        s = self.session
        if sqlite:
            for row in s.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"dangling reference in table {row[0]}")
        n_reports = 0
        for rid, body, chars in s.execute(select(ReportRow.id, ReportRow.text, ReportRow.chars)):
            n_reports += 1
            if hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest() != rid:
                problems.append(f"report {rid[:12]}…: text does not match its id")
            if len(body) != chars:
                problems.append(f"report {rid[:12]}…: stored length is wrong")
        n_spans = s.scalar(select(func.count()).select_from(SpanRow)) or 0
        bad = s.execute(select(SpanRow.key, ReportRow.id).join(AnnotationSetRow, AnnotationSetRow.id == SpanRow.set_id)
                        .join(ReportRow, ReportRow.id == AnnotationSetRow.report_id)
                        .where(SpanRow.end > ReportRow.chars))
        for key, rid in bad:
            problems.append(f"report {rid[:12]}…: span {key} ends after the text")
        if sqlite:  # PostgreSQL refuses a JSON value that does not parse on the way in
            problems.extend(unreadable_json(s))
        return problems, n_reports, n_spans

    def set_role(self, name: str, role: str, login: str | None = None) -> dict[str, str | None]:
        """Give a person a role (and a server login when given); returns their row as a dict."""
        row = self.annotator_row(name)
        row.role = role
        if login is not None:
            row.login = login
        self.session.flush()
        return {"name": row.name, "role": row.role, "login": row.login}

    def relations_touching(self, span_row: SpanRow) -> list[RelationRow]:
        return list(self.session.scalars(select(RelationRow).options(selectinload(RelationRow.head),
                                                                     selectinload(RelationRow.tail))
                                         .where((RelationRow.head_id == span_row.id) |
                                                (RelationRow.tail_id == span_row.id))
                                         .order_by(RelationRow.id)))

    def add_relation(self, set_row: AnnotationSetRow, relation: Relation) -> RelationRow:
        head = self.span_row(set_row, relation.head)
        tail = self.span_row(set_row, relation.tail)
        row = RelationRow(set_id=set_row.id, key=relation.id, head_id=head.id, tail_id=tail.id,
                          label=relation.label, attrs=dict(relation.attrs))
        self.session.add(row)
        self.session.flush()
        return row

    def relation(self, row: RelationRow) -> Relation:
        return Relation(row.key, row.head.key, row.tail.key, row.label, stored_object(row.attrs))

    # -- edit log ------------------------------------------------------------------------------
    def log_edit(self, set_row: AnnotationSetRow, annotator: str, op: str, target: str | None,
                 before: Any, after: Any) -> int:
        """Bump the set's version and append the edit; returns the new version."""
        now = utcnow()
        set_row.version += 1
        set_row.updated_at = now
        self.session.flush()
        self.session.execute(insert(EditRow).values(set_id=set_row.id, version=set_row.version,
                                                    annotator=self.actor or annotator, at=now, op=op,
                                                    target=target,
                                                    before=before, after=after))
        return set_row.version

    def edits(self, set_row: AnnotationSetRow) -> list[EditRow]:
        return list(self.session.scalars(select(EditRow).where(EditRow.set_id == set_row.id)
                                         .order_by(EditRow.version, EditRow.id)))

    def take_key(self, set_row: AnnotationSetRow, prefix: str) -> str:
        """A fresh id within the set ("T12", "R3"); the counter lives on the locked set row."""
        model = SpanRow if prefix == "T" else RelationRow
        n = set_row.next_key
        if self.session.scalar(select(model.id).where(model.set_id == set_row.id,
                                                      model.key == f"{prefix}{n}")) is not None:
            # keys loaded from files already use the number: jump past the highest one in one query
            keys = self.session.scalars(select(model.key).where(model.set_id == set_row.id,
                                                                model.key.like(f"{prefix}%")))
            n = max(highest_key_number(keys, len(prefix)), n) + 1
        set_row.next_key = n + 1
        return f"{prefix}{n}"
