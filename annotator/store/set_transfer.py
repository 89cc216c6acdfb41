"""Whole sets in and out in bulk: what loads, exports, records, agreement and bundles move, thousands of
sets at a time.

``Repositories`` serves single edits; moving 10,000 sets through it costs tens of thousands of round
trips and as many ORM objects. Here reads are streams of sets with their reports, each row carrying
the set's spans and relations as JSON arrays the database builds (``_aggregated``), so memory stays flat
however large the corpus; events (``EventRepository``) are read per batch of sets, and not at all when the
database holds none. Writes are SQLAlchemy Core ``insert()``s executed with many parameter sets, and the
spans and relations, most of the rows, go in as one JSON array per statement that the database unpacks
(``_json_inserts_for``). No ORM object is made per row. Never commits: the caller's unit of work decides."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple, TypeAlias

import orjson
from sqlalchemy import (
    Select,
    String,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from annotator.core.annotation_set import AnnotationSet
from annotator.core.events import Event
from annotator.core.ids import highest_key_number
from annotator.core.relations import Relation, new_relation
from annotator.core.report import Report
from annotator.core.spans import Span, new_span
from annotator.files.json_output import compact_json
from annotator.store.base import conflict_insert
from annotator.store.event_repository import EventRepository
from annotator.store.faults import stored_object
from annotator.store.mapping import report_from_row
from annotator.store.models import AnnotationSetRow, AnnotatorRow, EditRow, RelationRow, ReportRow, SpanRow, utcnow
from annotator.store.snapshots import join_snapshot, pin_snapshot

BATCH = 500  # ids per IN (...) list, and rows per fetch of a stream
_ROW_ID, _ROW_START, _ROW_END = itemgetter(0), itemgetter(2), itemgetter(3)  # of ``_aggregated``'s rows
ReportRange: TypeAlias = tuple[str | None, str | None]  # report ids from the first on, before the second
ALL_REPORTS: ReportRange = (None, None)
_SETS = AnnotationSetRow.__table__
_SPANS = SpanRow.__table__
_RELATIONS = RelationRow.__table__
_REPORTS = ReportRow.__table__
# bulk reads: a set's spans and relations as one JSON array each (``_aggregated``), an array per row of
# (row id, then the values ``new_span`` / ``new_relation`` take); attributes as their stored text
_SPAN_COLUMNS = (_SPANS.c.id, _SPANS.c.key, _SPANS.c.start, _SPANS.c.end, _SPANS.c.label,
                 cast(_SPANS.c.attrs, Text), _SPANS.c.value, _SPANS.c.entity_id, _SPANS.c.resolution)
_RELATION_COLUMNS = (_RELATIONS.c.id, _RELATIONS.c.key, _RELATIONS.c.head_id, _RELATIONS.c.tail_id,
                     _RELATIONS.c.label, cast(_RELATIONS.c.attrs, Text))
_SPAN_INSERT = ("set_id", "key", "start", "end", "label", "attrs", "value", "entity_id", "resolution")
_RELATION_PARAMS = ("set_id", "key", "head_set", "head_key", "tail_set", "tail_key", "label", "attrs")


def _span_id(set_id: Any, key: Any) -> Any:
    """The id of the span ``key`` of set ``set_id`` (SQL expressions), looked up by the statement itself."""
    return select(_SPANS.c.id).where(_SPANS.c.set_id == set_id, _SPANS.c.key == key).scalar_subquery()


# a relation's row with its ends' ids looked up by (set, key) in the statement itself
_RELATION_INSERT = insert(_RELATIONS).values(
    set_id=bindparam("set_id"), key=bindparam("key"),
    head_id=_span_id(bindparam("head_set"), bindparam("head_key")),
    tail_id=_span_id(bindparam("tail_set"), bindparam("tail_key")), label=bindparam("label"),
    attrs=bindparam("attrs"))

_JSON_ROWS_PER_STATEMENT = 20_000  # ~2 MB of JSON text per statement


class _JsonInserts(NamedTuple):
    """The span and relation inserts that read their rows from one JSON array parameter (``rows``)."""

    spans: Insert
    relations: Insert


@cache  # built on the first bulk write, not at every command's start (3.5 ms for both)
def _json_inserts_for(postgresql: bool) -> _JsonInserts:
    """A batch of rows goes in as one JSON array the database unpacks itself (SQLite's ``json_each``,
    PostgreSQL's ``jsonb_array_elements``), in one INSERT ... SELECT instead of one bound row at a time:
    loading 500,000 spans cost SQLite 6.2 s of CPU bound, 5.1 s this way, and the statement runs in one
    step (with the interpreter lock released) rather than one per row; PostgreSQL gets one statement per
    20,000 rows instead of a round trip's worth of protocol per row. ``->>`` gives SQLite the JSON's own
    type and PostgreSQL text, which is cast to the column's type where no assignment cast does it (a
    string stays text, so a value too long for its column is refused as a bound one was). PostgreSQL
    reads the array as ``jsonb``, parsed once: ``->>`` on ``json`` text parses the element again for each
    of its nine columns, and the spans' statement took 2.6 times as long."""
    # the rows in the array's order (row ids follow it): json_each walks it so; PostgreSQL is told to
    rows = (func.jsonb_array_elements(cast(bindparam("rows"), JSONB))
            .table_valued("value", with_ordinality="n").render_derived()
            if postgresql else func.json_each(bindparam("rows")).table_valued("value"))

    def item(index: int, column: Any) -> Any:
        value = rows.c.value.op("->>")(literal_column(str(index)))
        return cast(value, column.type) if postgresql and not isinstance(column.type, String) else value

    spans = select(*(item(i, _SPANS.c[name]) for i, name in enumerate(_SPAN_INSERT)))
    set_id, span_key = _SPANS.c.set_id, _SPANS.c.key
    relations = select(item(0, _RELATIONS.c.set_id), item(1, _RELATIONS.c.key),
                       _span_id(item(2, set_id), item(3, span_key)), _span_id(item(4, set_id), item(5, span_key)),
                       item(6, _RELATIONS.c.label), item(7, _RELATIONS.c.attrs))
    if postgresql:
        spans, relations = spans.order_by(rows.c.n), relations.order_by(rows.c.n)
    return _JsonInserts(insert(_SPANS).from_select(_SPAN_INSERT, spans),
                        insert(_RELATIONS).from_select(_RELATION_COLUMNS_INSERTED, relations))


_RELATION_COLUMNS_INSERTED = ("set_id", "key", "head_id", "tail_id", "label", "attrs")
_REPORT_COLUMNS = (_REPORTS.c.id, _REPORTS.c.title, _REPORTS.c.source, _REPORTS.c.published, _REPORTS.c.url,
                   _REPORTS.c.language, _REPORTS.c.direction, _REPORTS.c.meta, _REPORTS.c.chars)


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


@dataclass(frozen=True)
class StoredSet:
    """One stored set with its report, as a stream yields it. ``report.text`` is empty when the
    stream was asked for no texts (``chars`` still gives the length)."""

    report: Report
    set: AnnotationSet
    chars: int


class SetContents(NamedTuple):
    """What one stored set holds (``SetTransfer.contents``)."""

    spans: tuple[Span, ...]
    relations: tuple[Relation, ...]
    events: tuple[Event, ...]


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class SetTransfer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventRepository(session)

    # -- reading ---------------------------------------------------------------------------------
    def count_sets(self, annotator: str) -> int:
        return self.count_in_scope(annotators=[annotator])

    def count_in_scope(self, *, annotators: Sequence[str] | None = None,
                       report_ids: Sequence[str] | None = None, within: ReportRange = ALL_REPORTS) -> int:
        """How many sets ``stream`` would yield for this scope."""
        if report_ids is not None and not report_ids:
            return 0
        query = select(func.count()).select_from(_SETS)
        return self.session.scalar(_scoped(query, annotators, report_ids, within)) or 0

    def pin_snapshot(self) -> str:
        """Fix this transaction's snapshot now (``store.snapshots``); the token a second reader joins."""
        return pin_snapshot(self.session)

    def join_snapshot(self, token: str) -> None:
        """Read in this transaction from the snapshot another pinned (``store.snapshots``)."""
        join_snapshot(self.session, token)

    def middle_report(self, *, annotators: Sequence[str] | None = None,
                      report_ids: Sequence[str] | None = None) -> str | None:
        """The report id that splits the sets in scope into two halves of (nearly) equal count, by
        report id (a report's sets stay together): the first half is the ids before it. None for fewer
        than two reports' worth of sets."""
        total = self.count_in_scope(annotators=annotators, report_ids=report_ids)
        query = _scoped(select(_SETS.c.report_id), annotators, report_ids).order_by(_SETS.c.report_id)
        middle = self.session.scalar(query.offset(total // 2).limit(1)) if total > 1 else None
        first = self.session.scalar(query.limit(1)) if middle is not None else None
        return middle if middle is not None and middle != first else None

    def iter_sets(self, annotator: str, report_ids: Sequence[str] | None = None,
                  batch: int = BATCH) -> Iterator[tuple[Report, AnnotationSet]]:
        """The sets of ``annotator`` (all, or on ``report_ids``) with their reports, by report id."""
        for item in self.stream(annotators=[annotator], report_ids=report_ids, batch=batch):
            yield item.report, item.set

    def stream(self, *, annotators: Sequence[str] | None = None, report_ids: Sequence[str] | None = None,
               within: ReportRange = ALL_REPORTS, with_text: bool = True, with_relations: bool = True,
               with_events: bool = True, batch: int = BATCH) -> Iterator[StoredSet]:
        """Every stored set in scope (all annotators / reports when ``None``, report ids ``within`` a
        range) with its report, ordered by report id, then annotator (the order their rows were created in).

        One streamed query (sets joined to their reports and annotators, each with its spans and
        relations as JSON arrays: ``_aggregated``), fetched ``batch`` rows at a time: memory does not
        grow with the corpus, and no query is made per set. Events are read for each fetched batch of
        sets (one query pair per batch), and not at all when the database holds no event."""
        if report_ids is not None and not report_ids:
            return
        conn = self.session.connection()
        postgresql = conn.dialect.name == "postgresql"
        sets = (select(_SETS.c.id.label("set_id"), _SETS.c.version, AnnotatorRow.name.label("annotator"),
                       *_REPORT_COLUMNS, *((_REPORTS.c.text,) if with_text else ()),
                       _aggregated(postgresql, _SPAN_COLUMNS, _SPANS.c.set_id).label("spans"),
                       (_aggregated(postgresql, _RELATION_COLUMNS, _RELATIONS.c.set_id) if with_relations
                        else literal_column("NULL")).label("relations"))
                .join(AnnotatorRow, AnnotatorRow.id == _SETS.c.annotator_id)
                .join(_REPORTS, _REPORTS.c.id == _SETS.c.report_id))
        with_events = with_events and self.events.has_events()
        streamed = {"yield_per": batch}  # a server-side cursor on PostgreSQL
        set_batches = conn.execute(_scoped(sets, annotators, report_ids, within)
                                   .order_by(_SETS.c.report_id, _SETS.c.annotator_id),
                                   execution_options=streamed).partitions()
        report: Report | None = None
        for set_rows in set_batches:
            events = self.events.events_of_sets([s.set_id for s in set_rows]) if with_events else {}
            for s in set_rows:
                if report is None or report.id != s.id:
                    report = report_from_row(s, None if with_text else "")
                spans_, relations_ = _contents(s.spans, s.relations)
                yield StoredSet(report, AnnotationSet(s.id, s.annotator, spans_, relations_, s.version,
                                                      tuple(events.get(s.set_id, ()))), s.chars)

    def existing_reports(self, report_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(report_ids)):
            found.update(self.session.scalars(select(_REPORTS.c.id).where(_REPORTS.c.id.in_(chunk))))
        return found

    def set_versions(self, annotator_id: int, report_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """(set id, version) of the existing sets of one annotator on these reports, locked (on
        PostgreSQL) until the transaction ends so a concurrent writer waits."""
        found: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(list(report_ids)):
            q = (select(_SETS.c.report_id, _SETS.c.id, _SETS.c.version)
                 .where(_SETS.c.annotator_id == annotator_id, _SETS.c.report_id.in_(chunk))
                 .with_for_update())
            found.update((rid, (sid, v)) for rid, sid, v in self.session.execute(q))
        return found

    def contents(self, set_ids: Sequence[int]) -> dict[int, SetContents]:
        """Spans, relations and events of these sets (one query per batch of ids, as ``stream`` reads)."""
        postgresql = self.session.get_bind().dialect.name == "postgresql"
        read: dict[int, tuple[tuple[Span, ...], tuple[Relation, ...]]] = {}
        for chunk in _chunks(list(set_ids)):
            q = select(_SETS.c.id, _aggregated(postgresql, _SPAN_COLUMNS, _SPANS.c.set_id),
                       _aggregated(postgresql, _RELATION_COLUMNS, _RELATIONS.c.set_id)).where(_SETS.c.id.in_(chunk))
            read.update((sid, _contents(spans, relations)) for sid, spans, relations in self.session.execute(q))
        events = self.events.events_of_sets(set_ids) if set_ids and self.events.has_events() else {}
        return {sid: SetContents(*read.get(sid, ((), ())), tuple(events.get(sid, ()))) for sid in set_ids}

    # -- writing ---------------------------------------------------------------------------------
    def add_reports(self, reports: Iterable[Report], origin: str | None = None) -> int:
        """Insert these reports; one that another transaction stored meanwhile is left as it is (a
        report is its text, so both are the same), rather than failing the whole batch."""
        now = utcnow()
        values = [{"id": r.id, "text": r.text, "chars": len(r.text), "title": r.title or "", "source": r.source,
                   "published": r.published, "url": r.url, "language": r.language, "direction": r.direction,
                   "meta": dict(r.meta), "origin": origin, "imported_at": now} for r in reports]
        if values:
            insert = conflict_insert(self.session.get_bind().dialect.name, _REPORTS)
            self.session.execute(insert.on_conflict_do_nothing(index_elements=["id"]), values)
        return len(values)

    def write_sets(self, annotator: str, annotator_id: int, writes: Sequence[SetWrite], *, op: str,
                   target: str | None = None,
                   while_waiting: Callable[[], AbstractContextManager[None]] = nullcontext) -> None:
        """Replace (or create) these sets' contents (events included), set their versions and log one
        edit each, with a handful of multi-row statements for the whole batch."""
        if not writes:
            return
        self.session.flush()
        now = utcnow()
        set_ids = self._create_missing(annotator_id, writes, now)
        existing = [w.set_id for w in writes if w.set_id is not None]
        for chunk in _chunks(existing):
            self.session.execute(delete(_RELATIONS).where(_RELATIONS.c.set_id.in_(chunk)))
            self.session.execute(delete(_SPANS).where(_SPANS.c.set_id.in_(chunk)))
        from_json = _json_inserts(self.session.get_bind().dialect)
        self._execute_many(insert(_SPANS), _SPAN_INSERT, [
            (set_id, s.id, s.start, s.end, s.label, _json(s.attrs) if s.attrs else "{}", s.value, s.entity,
             s.resolution)
            for w in writes for set_id in (set_ids[w.report_id],) for s in w.spans],
            from_json.spans if from_json else None, while_waiting)
        # relations name their ends by key; the database finds the new spans' ids, one probe of the
        # (set, key) index per end (reading the ids back, 500,000 rows for a corpus, cost 2.3 s of CPU;
        # an INSERT ... RETURNING that keeps parameter order runs row by row on SQLite)
        self._execute_many(_RELATION_INSERT, _RELATION_PARAMS, [
            (set_id, r.id, set_id, r.head, set_id, r.tail, r.label, _json(r.attrs) if r.attrs else "{}")
            for w in writes for set_id in (set_ids[w.report_id],) for r in w.relations],
            from_json.relations if from_json else None, while_waiting)
        # events: replaced in the sets that had some or get some; nothing to do in a database without any
        if any(w.events for w in writes) or (existing and self.events.has_events()):
            self.events.replace_set_events({set_ids[w.report_id]: w.events for w in writes})
        self.session.execute(
            update(_SETS).where(_SETS.c.id == bindparam("sid"))
            .values(version=bindparam("v"), next_key=bindparam("nk"), updated_at=bindparam("at")),
            [{"sid": set_ids[w.report_id], "v": w.version, "nk": _next_key(w), "at": now} for w in writes])
        self.session.execute(insert(EditRow.__table__), [
            {"set_id": set_ids[w.report_id], "version": w.version, "annotator": annotator, "at": now, "op": op,
             "target": target, "before": w.before, "after": w.after} for w in writes])
        self.session.expire_all()  # ORM objects loaded earlier must not shadow what was written

    def _execute_many(self, statement: Insert, names: tuple[str, ...], rows: list[tuple[Any, ...]],
                      from_json: Insert | None = None,
                      while_waiting: Callable[[], AbstractContextManager[None]] = nullcontext) -> None:
        """``statement`` executed once with many parameter sets (``rows``, values in the order of ``names``),
        handed to the driver as they are (JSON already serialised): for spans and relations, hundreds of
        thousands of rows, SQLAlchemy's per-row parameter processing cost as much as the database's work.

        ``from_json``: the same insert reading the rows from one JSON array (``_json_inserts``), taken
        where the database has one. Rows orjson refuses (a lone surrogate) go the bound way, where the
        database's own error names them as before. ``while_waiting`` is entered around each such
        statement: one long step with the interpreter lock released, which another thread may use."""
        if not rows:
            return
        conn = self.session.connection()
        if from_json is not None:
            try:
                chunks = [orjson.dumps(chunk).decode("utf-8") for chunk in _chunks(rows, _JSON_ROWS_PER_STATEMENT)]
            except orjson.JSONEncodeError:
                pass
            else:
                for chunk in chunks:
                    with while_waiting():
                        conn.execute(from_json, {"rows": chunk})
                return
        compiled = statement.compile(dialect=conn.dialect, column_keys=list(names), for_executemany=True)
        if compiled.positional:
            order = [names.index(name) for name in compiled.positiontup or ()]
            if order != list(range(len(names))):
                rows = [tuple(row[i] for i in order) for row in rows]
            conn.exec_driver_sql(compiled.string, rows)
        else:
            conn.exec_driver_sql(compiled.string, [dict(zip(names, row, strict=True)) for row in rows])

    def _create_missing(self, annotator_id: int, writes: Sequence[SetWrite], now: Any) -> dict[str, int]:
        ids = {w.report_id: w.set_id for w in writes if w.set_id is not None}
        new = [{"report_id": w.report_id, "annotator_id": annotator_id, "version": 0, "next_key": 1,
                "status": "in progress", "updated_at": now} for w in writes if w.set_id is None]
        if new:
            self.session.execute(insert(_SETS), new)
            for chunk in _chunks([w.report_id for w in writes if w.set_id is None]):
                ids.update((rid, sid) for rid, sid in self.session.execute(select(_SETS.c.report_id, _SETS.c.id).where(
                    _SETS.c.annotator_id == annotator_id, _SETS.c.report_id.in_(chunk))))
        return ids


def _json_inserts(dialect: Dialect) -> _JsonInserts | None:
    """The JSON array inserts of this database (``_json_inserts_for``): PostgreSQL's, or SQLite's from
    3.38 (its ``->>``); None where there are none (an older SQLite binds row by row)."""
    if dialect.name == "postgresql":
        return _json_inserts_for(postgresql=True)
    if dialect.name == "sqlite" and getattr(dialect.dbapi, "sqlite_version_info", (0,)) >= (3, 38):
        return _json_inserts_for(postgresql=False)
    return None


def _scoped(query: Select[Any], annotators: Sequence[str] | None, report_ids: Sequence[str] | None,
            within: ReportRange = ALL_REPORTS) -> Select[Any]:
    """``query`` (over annotation sets) narrowed to these annotators and reports (and report ids from
    ``within[0]`` on, before ``within[1]``).

    The annotators are a subquery tested on ``annotator_id + 0``, which no index can serve: SQLite then
    walks the sets in (report, annotator) order on their unique index, each set's spans in (start, id)
    order on theirs, and returns the rows of a stream as they come. Joined and tested on the name, the
    annotator's index looked cheaper, and SQLite sorted every span row of the corpus."""
    if annotators is not None:
        named = select(AnnotatorRow.id).where(AnnotatorRow.name.in_(list(annotators))).scalar_subquery()
        query = query.where((_SETS.c.annotator_id + 0).in_(named))
    if report_ids is not None:
        query = query.where(_SETS.c.report_id.in_(list(report_ids)))
    first, before = within
    if first is not None:
        query = query.where(_SETS.c.report_id >= first)
    if before is not None:
        query = query.where(_SETS.c.report_id < before)
    return query


def _aggregated(postgresql: bool, columns: Sequence[Any], set_id: Any) -> Any:
    """The rows of a set's spans (or relations) as one JSON array of arrays, built by the database in
    a subquery of the set's row (SQLite's ``json_group_array``, PostgreSQL's ``json_agg``; ``NULL`` or
    ``[]`` for none) and parsed by orjson: one value per set where a row per span made the driver build
    ten Python values per span. Reading 500,000 spans took SQLite's driver 1.9 s (1.3 s this way, with
    the relations) and psycopg 4.9 s of which 4.1 s of client CPU (1.9 s, 0.3 s); a record or an export
    on PostgreSQL is mostly that read. In no order: ``_contents`` orders them."""
    rows: Any = (cast(func.json_agg(func.json_build_array(*columns)), Text) if postgresql
                 else func.json_group_array(func.json_array(*columns)))
    return select(rows).where(set_id == _SETS.c.id).scalar_subquery()


def _contents(span_json: str | None, relation_json: str | None
              ) -> tuple[tuple[Span, ...], tuple[Relation, ...]]:
    """One set's spans and relations from their JSON arrays (``_aggregated``), in the sets' order:
    spans by start, the longer first, then by row id (the order they were stored in); relations by row
    id. Three stable sorts in C, nearly free on rows already in that order, rather than trusting the order
    a database aggregates in (SQLite before 3.44 cannot be told). A call and a tuple less per span was
    a tenth of an export, so the values go straight into ``new_span``."""
    span_rows = _json_rows(span_json)
    if len(span_rows) > 1:
        span_rows.sort(key=_ROW_ID)
        span_rows.sort(key=_ROW_END, reverse=True)
        span_rows.sort(key=_ROW_START)
    keys: dict[int, str] = {}
    spans: list[Span] = []
    add = spans.append
    for row_id, key, start, end, label, attrs, value, entity, resolution in span_rows:
        keys[row_id] = key
        add(new_span(key, start, end, label, stored_object(attrs) if attrs != "{}" else {}, value, entity,
                     resolution))
    relation_rows = _json_rows(relation_json)
    relation_rows.sort(key=_ROW_ID)
    return (tuple(spans),
            tuple(new_relation(key, keys[head], keys[tail], label, stored_object(attrs) if attrs != "{}" else {})
                  for _id, key, head, tail, label, attrs in relation_rows))


def _json_rows(text: str | None) -> list[list[Any]]:
    """The rows of ``_aggregated``'s array (none for ``NULL``). orjson reads it as the standard module
    would: its numbers are row ids and offsets (64-bit integers), and the stored text it carries is
    valid UTF-8 the database escaped."""
    return orjson.loads(text) if text else []


def _json(value: Any) -> str:
    """A JSON column's value as the driver receives it: the compact text (orjson where its text is the
    standard module's; a fifth of the time of the spaced text SQLAlchemy's JSON type sends, which every
    reader of the column reads the same)."""
    return "{}" if not value else compact_json(value)


def _next_key(write: SetWrite) -> int:
    """One past the highest ``T<n>``/``R<n>``/``E<n>`` number used, so new edits never reuse an id."""
    keys = chain((s.id for s in write.spans), (r.id for r in write.relations), (e.id for e in write.events))
    return highest_key_number(keys) + 1
