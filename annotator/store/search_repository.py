"""Queries behind corpus search and suggestions: the folded copy of each report's text, the reports a
folded query may occur in, spans found by label/entity/annotator/workflow status/source with their
context, rejected suggestions. Flushes, never commits.

SQLite narrows the reports with its FTS5 trigram index (``report_search_fts``, a substring index: a
query of three or more folded characters); PostgreSQL asks ``folded LIKE '%q%'`` (the folded text is
already lower case and without marks, so no ``ILIKE``), which its pg_trgm GIN index
(``ix_report_search_folded_trgm``, migration 0007) serves with the same substring semantics, or a
scan where the server lacks pg_trgm (``index_state`` says which); SQLite scans for shorter queries."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, literal, or_, select, text
from sqlalchemy.orm import Session

from annotator.store.base import conflict_insert
from annotator.store.models import (
    AnnotationSetRow,
    AnnotatorRow,
    AssignmentRow,
    ReportRow,
    ReportSearchRow,
    SpanRow,
    SuggestionRejectionRow,
    utcnow,
)

FTS_TABLE = "report_search_fts"  # and its shadow tables report_search_fts_data, _idx, _docsize, _config
TRGM_INDEX = "ix_report_search_folded_trgm"  # PostgreSQL: pg_trgm GIN on report_search.folded (migration 0007)
HEAD = 500  # PostgreSQL: reports read in stored order before the trigram index is asked (``candidates``)
MANUAL = "manual"  # the source of a span that records none: made by hand (or loaded from a file)
UNASSIGNED = ""  # the status of a set without a workflow row (``core.workflow.parse_state("unassigned")``)


def is_search_index_table(name: str) -> bool:
    """The SQLite FTS5 table and its shadow tables: created by the migration, not by the models."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")


def is_search_index(name: str | None) -> bool:
    """The PostgreSQL trigram index: created by the migration where the server has pg_trgm, not a model's."""
    return name == TRGM_INDEX


@dataclass(frozen=True)
class SpanHitRow:
    report_id: str
    title: str
    annotator: str
    key: str
    start: int
    end: int
    label: str
    entity: str | None
    text: str  # the span's text
    left: str
    right: str


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _source_condition(source: str) -> ColumnElement[bool]:
    """``attrs["source"]`` is ``source`` or one of its family (``source:…``, ``source …``), in SQL (the
    JSON path is read by the database: SQLite ``json_extract``, PostgreSQL ``->>``)."""
    recorded = SpanRow.attrs["source"].as_string()
    if source == MANUAL:
        return or_(recorded.is_(None), recorded == "")
    family = _like_escape(source)
    return or_(recorded == source, recorded.like(family + ":%", escape="\\"),
               recorded.like(family + " %", escape="\\"))


class SearchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def recorded_sources(self) -> list[str]:
        """Every span source recorded here, by family (``spacy:en_core_web_sm`` → ``spacy``), with
        ``manual`` for spans that record none: what ``--source`` can name (one scan, asked only when a
        search by source found nothing)."""
        recorded = SpanRow.attrs["source"].as_string()
        families = {MANUAL if not value else value.replace(" ", ":").split(":", 1)[0]
                    for value in self.session.scalars(select(recorded).distinct())}
        return sorted(families)

    # -- the folded copy ---------------------------------------------------------------------------
    def index(self, report_id: str, folded: str) -> None:
        """Store a report's folded text. A copy already there (another writer indexed the same report
        meanwhile) is kept: the text never changes, so it is the same. Not an upsert: on a team server
        ``ON CONFLICT DO UPDATE`` needs the UPDATE privilege, which an annotator's login does not have on
        this table, so an annotator could not import a report."""
        stmt = conflict_insert(self._dialect, ReportSearchRow).values(report_id=report_id, folded=folded)
        self.session.execute(stmt.on_conflict_do_nothing(index_elements=[ReportSearchRow.report_id]))

    def unindexed(self, limit: int = 500) -> list[tuple[str, str]]:
        """(id, text) of reports without a folded copy (stored before search existed)."""
        rows = self.session.execute(
            select(ReportRow.id, ReportRow.text).outerjoin(ReportSearchRow, ReportSearchRow.report_id == ReportRow.id)
            .where(ReportSearchRow.id.is_(None)).order_by(ReportRow.id).limit(limit))
        return [(r[0], r[1]) for r in rows]

    def candidates(self, folded_query: str, report_ids: Sequence[str] | None = None) -> Iterator[tuple[str, str]]:
        """(report id, folded text) of every report whose folded text contains ``folded_query``, in the
        order the reports were stored (the index's own order: no sort of a large candidate set).

        Streamed: a frequent name matches thousands of reports, and a page of hits needs the first few.
        On PostgreSQL in two parts, because the planner cannot tell a frequent name from a rare one
        (ANALYZE keeps no statistics of values over 1 KB): the first ``HEAD`` reports are read in stored
        order without the trigram index (a frequent name fills the page there, and stops the read), the
        rest through it (a rare name costs an index lookup, not a scan of every report). Measured on
        10,000 reports of 2.5 KB (``benchmarks/search_pg_plans.py``, first 50 candidates): a frequent name
        2.4-2.8 ms (through the index alone 78-103 ms: every match is read and sorted first), a name in
        one report 12 ms (a scan: 181 ms; the index alone: 1.9 ms)."""
        if self._dialect == "postgresql":
            pivot = self.session.scalar(select(ReportSearchRow.id).order_by(ReportSearchRow.id).offset(HEAD).limit(1))
            if pivot is not None:
                yield from self._stream(self.candidates_query(folded_query, report_ids, below=pivot))
                yield from self._stream(self.candidates_query(folded_query, report_ids, from_id=pivot))
                return
        yield from self._stream(self.candidates_query(folded_query, report_ids))

    def _stream(self, stmt: Select[str, str]) -> Iterator[tuple[str, str]]:
        yield from self.session.execute(stmt.execution_options(yield_per=16))  # rows unpack as (id, folded text)

    def candidates_query(self, folded_query: str, report_ids: Sequence[str] | None = None, *,
                         below: int | None = None, from_id: int | None = None) -> Select[str, str]:
        """The statement of ``candidates`` (apart so a test can EXPLAIN it): reports with row id
        ``below`` a pivot are matched without the trigram index (``folded || ''`` is not the indexed
        expression), those ``from_id`` on through it."""
        base = select(ReportSearchRow.report_id, ReportSearchRow.folded)
        pattern = f"%{_like_escape(folded_query)}%"
        if below is not None:
            base = base.where(ReportSearchRow.id < below,
                              (ReportSearchRow.folded + literal("")).like(pattern, escape="\\"))
        elif self._dialect == "sqlite" and len(folded_query) >= 3:
            phrase = '"' + folded_query.replace('"', '""') + '"'
            base = base.where(ReportSearchRow.id.in_(
                select(text("rowid")).select_from(text(FTS_TABLE)).where(text(f"{FTS_TABLE} MATCH :q"))
            )).params(q=phrase)
        else:
            base = base.where(ReportSearchRow.folded.like(pattern, escape="\\"))
        if from_id is not None:
            base = base.where(ReportSearchRow.id >= from_id)
        if report_ids is not None:
            base = base.where(ReportSearchRow.report_id.in_(list(report_ids)))
        return base.order_by(ReportSearchRow.id)

    def index_state(self) -> tuple[bool, str]:
        """(whether text search has its index, one sentence saying which or why not)."""
        if self._dialect == "sqlite":
            found = self.session.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": FTS_TABLE}).first()
            return (True, "search index: FTS5 trigram") if found else (False, "search index: missing (FTS5 table "
                                                                              f"{FTS_TABLE} not found)")
        if self.session.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = :n"), {"n": TRGM_INDEX}).first():
            return True, "search index: pg_trgm GIN on report_search.folded"
        available = self.session.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"))
        why = ("the server has the pg_trgm extension but the index was not created (enabling the extension was "
               "refused)" if available.first() else "this server has no pg_trgm extension (postgresql-contrib)")
        return False, (f"search index: none — {why}; every search scans all reports. A database owner can add it: "
                       f"CREATE EXTENSION pg_trgm; CREATE INDEX {TRGM_INDEX} ON report_search "
                       "USING gin (folded gin_trgm_ops)")

    def text_and_title(self, report_id: str) -> tuple[str, str]:
        """A report's text and title (no ORM object: search reads many)."""
        row = self.session.execute(select(ReportRow.text, ReportRow.title).where(ReportRow.id == report_id)).one()
        return row[0], row[1]

    # -- spans -------------------------------------------------------------------------------------
    def span_hits(self, *, label: str | None = None, entity: str | None = None, annotator: str | None = None,
                  status: str | None = None, source: str | None = None, report_ids: Sequence[str] | None = None,
                  context: int = 40, limit: int | None = None) -> list[SpanHitRow]:
        """Spans matching every filter given, each with ``context`` characters either side (read with
        ``substr`` in SQL: a 1 MB report is not loaded for a few words).

        ``status`` is the workflow state of the span's set (``assignments`` row of the same report and
        annotator; ``UNASSIGNED`` for a set without one). ``source`` is ``attrs["source"]``: the value
        itself or a family of it (``annotation`` finds ``annotation:alice``, ``model:en_x`` finds
        ``model:en_x 3.7.1``); ``MANUAL`` finds spans that record no source."""
        conds = []
        if label is not None:
            conds.append(SpanRow.label == label)
        if entity is not None:
            conds.append(SpanRow.entity_id == entity)
        if annotator is not None:
            conds.append(AnnotatorRow.name == annotator)
        if status is not None:
            conds.append(AssignmentRow.id.is_(None) if status == UNASSIGNED else AssignmentRow.status == status)
        if source is not None:
            conds.append(_source_condition(source))
        if report_ids is not None:
            conds.append(AnnotationSetRow.report_id.in_(list(report_ids)))
        left_from: ColumnElement[int] = func.max(SpanRow.start - context, 0)
        if self._dialect == "postgresql":
            left_from = func.greatest(SpanRow.start - context, 0)
        stmt = (select(AnnotationSetRow.report_id, ReportRow.title, AnnotatorRow.name, SpanRow.key, SpanRow.start,
                       SpanRow.end, SpanRow.label, SpanRow.entity_id,
                       func.substr(ReportRow.text, SpanRow.start + 1, SpanRow.end - SpanRow.start),
                       func.substr(ReportRow.text, left_from + 1, SpanRow.start - left_from),
                       func.substr(ReportRow.text, SpanRow.end + 1, context))
                .join(AnnotationSetRow, AnnotationSetRow.id == SpanRow.set_id)
                .join(AnnotatorRow, AnnotatorRow.id == AnnotationSetRow.annotator_id)
                .join(ReportRow, ReportRow.id == AnnotationSetRow.report_id))
        if status is not None:
            stmt = stmt.outerjoin(AssignmentRow, (AssignmentRow.report_id == AnnotationSetRow.report_id)
                                  & (AssignmentRow.annotator_id == AnnotationSetRow.annotator_id))
        stmt = (stmt.where(*conds)
                .order_by(AnnotationSetRow.report_id, SpanRow.start, SpanRow.end, AnnotatorRow.name, SpanRow.key))
        if limit is not None:
            stmt = stmt.limit(limit)
        return [SpanHitRow(*row) for row in self.session.execute(stmt)]

    def labelled_texts(self, annotators: Sequence[str]) -> list[tuple[str, str, str]]:
        """(span text, label, annotator) of every span the given annotators made, each distinct triple
        once: what they already decided elsewhere in the corpus."""
        stmt = (select(func.substr(ReportRow.text, SpanRow.start + 1, SpanRow.end - SpanRow.start), SpanRow.label,
                       AnnotatorRow.name)
                .join(AnnotationSetRow, AnnotationSetRow.id == SpanRow.set_id)
                .join(AnnotatorRow, AnnotatorRow.id == AnnotationSetRow.annotator_id)
                .join(ReportRow, ReportRow.id == AnnotationSetRow.report_id)
                .where(AnnotatorRow.name.in_(list(annotators))).distinct())
        return sorted((r[0], r[1], r[2]) for r in self.session.execute(stmt))

    # -- rejected suggestions ----------------------------------------------------------------------
    def reject(self, report_id: str, annotator: str, start: int, end: int, label: str, source: str) -> None:
        stmt = conflict_insert(self._dialect, SuggestionRejectionRow).values(
            report_id=report_id, annotator=annotator, start=start, end=end, label=label, source=source,
            rejected_at=utcnow())
        self.session.execute(stmt.on_conflict_do_nothing())

    def unreject(self, report_id: str, annotator: str, start: int, end: int, label: str) -> None:
        self.session.query(SuggestionRejectionRow).filter_by(report_id=report_id, annotator=annotator, start=start,
                                                             end=end, label=label).delete()

    def rejected(self, report_id: str, annotator: str) -> set[tuple[int, int, str]]:
        rows = self.session.execute(select(SuggestionRejectionRow.start, SuggestionRejectionRow.end,
                                           SuggestionRejectionRow.label)
                                    .where(SuggestionRejectionRow.report_id == report_id,
                                           SuggestionRejectionRow.annotator == annotator))
        return {(r[0], r[1], r[2]) for r in rows}
