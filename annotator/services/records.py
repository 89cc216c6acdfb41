"""The structured record and entity resolution over stored sets.

The resolver index is built from the registry once per context and rebuilt when the registry
changes (the registry's edit stamp), since building is the expensive part."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from annotator.core.changes import Change
from annotator.core.events import Incident
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.records.dates import normalize_date
from annotator.records.entities import Entity
from annotator.services import annotate
from annotator.services.context import ServiceContext
from annotator.services.entities import ensure_registry, require_entity
from annotator.services.halves import MIN_SETS, HalvesRun, in_halves
from annotator.services.names import known_annotators
from annotator.services.reports import get_report, resolve_report_id
from annotator.store.set_transfer import ALL_REPORTS, ReportRange
from annotator.store.uow import UnitOfWork

_LOCK = threading.Lock()
_CACHE: dict[int, tuple[tuple[int, str], Any]] = {}


def resolver(ctx: ServiceContext, stamp: tuple[int, str] | None = None):  # type: ignore[no-untyped-def]
    """The resolver over the database's registry (cached per context until the registry changes);
    ``stamp``: the registry's stamp when the caller already read it in its own transaction."""
    from annotator.records.resolver import Resolver  # noqa: PLC0415 (rapidfuzz, 30 ms; the window warms it after it shows)
    ensure_registry(ctx)
    if stamp is None:
        with ctx.uow() as uow:
            stamp = uow.entities.stamp()
    with _LOCK:
        cached = _CACHE.get(id(ctx))
        if cached is not None and cached[0] == stamp:
            return cached[1]
    with ctx.uow() as uow:
        entities = [Entity.from_dict(e) for e in uow.entities.iter_all()]
    built = Resolver(entities)
    with _LOCK:
        _CACHE[id(ctx)] = (stamp, built)
    return built


def entity_candidates(ctx: ServiceContext, report_id: str, span: Span, limit: int = 8) -> list[dict[str, Any]]:
    """Ranked candidates for a span whose label links to registry entities, for the annotator to
    confirm or change (empty for labels the schema links to nothing)."""
    kind = ctx.schema.entity_kind(span.label)
    if kind is None:
        return []
    text = _excerpt(ctx, report_id, span.start, span.end)[0]
    found = resolver(ctx).resolve(text, kind=kind, limit=limit)
    return [{"id": c.entity_id, "name": c.name, "kind": c.kind, "type": c.type, "score": round(c.score, 1),
             "alias": c.alias, "method": c.method, "automatic": found.automatic and c.entity_id == found.entity_id}
            for c in found.candidates]


def link_entity(ctx: ServiceContext, report_id: str, span_id: str, entity_id: str | None, *, annotator: str,
                resolution: str = "confirmed", **target: Any) -> tuple[Span, Change]:
    """Confirm (or clear, with ``None``) the entity of a span; one committed edit."""
    if entity_id is not None:
        require_entity(ctx, entity_id)
    return annotate.update_span(ctx, report_id, span_id, annotator=annotator, entity=entity_id,
                                resolution=resolution if entity_id else None, op="link_entity", **target)


def set_date_value(ctx: ServiceContext, report_id: str, span_id: str, value: str | None, *,
                   annotator: str, **target: Any) -> tuple[Span, Change]:
    """The annotator's correction of a date's ISO 8601 value (``None`` clears it; the value is
    checked where every edit is, in ``annotate.update_span``)."""
    return annotate.update_span(ctx, report_id, span_id, annotator=annotator, value=value,
                                resolution="confirmed" if value else None, op="set_date_value", **target)


def automatic_fields(ctx: ServiceContext, report: Report, span: Span) -> dict[str, Any]:
    """What can be decided about a span without the annotator: the ISO value of a label that
    carries dates, the entity of an unambiguous match for a label that links to the registry (both
    marked automatic). Empty when there is nothing to decide or the annotator already decided."""
    return _automatic(ctx, span, span.text_in(report.text), report.published, report.language)


def _decides_something(ctx: ServiceContext, span: Span) -> bool:
    return (ctx.schema.value_kind(span.label) == "date" and not span.value) or \
        (ctx.schema.entity_kind(span.label) is not None and not span.entity)


def _automatic(ctx: ServiceContext, span: Span, text: str, published: str | None,
               language: str | None, stamp: tuple[int, str] | None = None) -> dict[str, Any]:
    if ctx.schema.value_kind(span.label) == "date" and not span.value:
        found = normalize_date(text, published, language=language)
        if found is not None:
            return {"value": found.value, "resolution": "automatic"}
    kind = ctx.schema.entity_kind(span.label)
    if kind is not None and not span.entity:
        hit = resolver(ctx, stamp).resolve(text, kind=kind)
        if hit.entity_id is not None:
            return {"entity": hit.entity_id, "resolution": "automatic"}
    return {}


def _excerpt(ctx: ServiceContext, report_id: str, start: int, end: int, *, stamp: bool = False
             ) -> tuple[str, str | None, str | None, int, tuple[int, str] | None]:
    """A span's text (with the report's date, language and length) in one read, and the registry's
    stamp when asked: a report is immutable, so a 1 MB text is never fetched for one span's sake."""
    rid = report_id if len(report_id) == 64 else resolve_report_id(ctx, report_id)
    with ctx.uow() as uow:
        text, published, language, chars = uow.repo.report_excerpt(rid, start, end)
        return text, published, language, chars, uow.entities.stamp() if stamp else None


def create_span_with_values(ctx: ServiceContext, report_id: str, start: int, end: int, label: str, *,
                            annotator: str, **fields: Any) -> tuple[Span, Change]:
    """Create a span together with its automatic value or entity: one user action, one transaction,
    so a span is never stored without what the view shows beside it (or the reverse). Only the span's
    own text is read for that (a report is immutable; a 1 MB text is not fetched per keystroke)."""
    draft = Span("?", start, end, label, dict(fields.get("attrs") or {}), fields.get("value"), fields.get("entity"))
    auto: dict[str, Any] = {}
    if 0 <= start < end and _decides_something(ctx, draft):
        links = ctx.schema.entity_kind(label) is not None
        if links:
            ensure_registry(ctx)  # before the stamp is read: a first seed would void it at once
        text, published, language, chars, stamp = _excerpt(ctx, report_id, start, end, stamp=links)
        if end <= chars:
            auto = _automatic(ctx, draft, text, published, language, stamp)
    return annotate.create_span(ctx, report_id, start, end, label, annotator=annotator, **{**auto, **fields})


def move_span_with_values(ctx: ServiceContext, report_id: str, span_id: str, start: int, end: int, *,
                          annotator: str, expect: Span | None = None, **target: Any) -> tuple[Span, Change]:
    """Move a span's boundaries; what was worked out automatically from its old text (a date's value, an
    entity match) is worked out again from the new text in the same edit, or cleared when the new text
    gives nothing, so "9 April 2024" extended from "April 2024" no longer shows 2024-04. A value or entity
    the annotator confirmed is theirs and stays."""
    before = expect if expect is not None else annotate.get_set(ctx, report_id, annotator).by_id()[span_id]
    fields: dict[str, Any] = {}
    if before.resolution == "automatic" or not (before.value or before.entity):
        draft = before.with_(start=start, end=end, value=None, entity=None, resolution=None)
        if 0 <= start < end and _decides_something(ctx, draft):
            links = ctx.schema.entity_kind(draft.label) is not None
            if links:
                ensure_registry(ctx)
            text, published, language, chars, stamp = _excerpt(ctx, report_id, start, end, stamp=links)
            fields = _automatic(ctx, draft, text, published, language, stamp) if end <= chars else {}
            if before.resolution == "automatic" and not fields:
                fields = {"value": None, "entity": None, "resolution": None}
    return annotate.update_span(ctx, report_id, span_id, annotator=annotator, start=start, end=end, op="move_span",
                                expect=before, **fields, **target)


def auto_annotate_span(ctx: ServiceContext, report: Report, span: Span, *,
                       annotator: str) -> tuple[Span, Change] | None:
    """Fill the automatic value of one stored span as one committed edit; None when there is
    nothing to decide or the annotator already decided."""
    auto = automatic_fields(ctx, report, span)
    if not auto:
        return None
    op = "normalise_date" if "value" in auto else "resolve_entity"
    return annotate.update_span(ctx, report.id, span.id, annotator=annotator, op=op, **auto)


def warm_up_registry(ctx: ServiceContext) -> None:
    """Seed the registry (a new database) and build the resolver's index (seconds on a large
    registry), so the first span an annotator creates resolves at once. Database work: the GUI runs
    it on its database lane; the date parser warms separately (``records.dates.warm_up``)."""
    resolver(ctx)


def auto_annotate_values(ctx: ServiceContext, report_id: str, span_ids: Iterable[str] | None = None, *,
                         annotator: str) -> list[Change]:
    """Fill in what can be decided without the annotator: automatic entity matches for unresolved
    actors/places and normalised values for dates without one. Each fill is its own committed edit;
    values the annotator set are never touched."""
    report = get_report(ctx, report_id)
    current = annotate.get_set(ctx, report_id, annotator)
    wanted = set(span_ids) if span_ids is not None else None
    changes: list[Change] = []
    for span in current.spans:
        if wanted is None or span.id in wanted:
            done = auto_annotate_span(ctx, report, span, annotator=annotator)
            if done is not None:
                changes.append(done[1])
    return changes


def build_records(ctx: ServiceContext, *, report_ids: Sequence[str] = (), annotator: str | None = None,
                  progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> list[dict[str, Any]]:
    """One record per (report, annotation set) in scope; ``annotator`` narrows to one set per report."""
    return list(iter_records(ctx, report_ids=report_ids, annotator=annotator, progress=progress, cancel=cancel))


def iter_records(ctx: ServiceContext, *, report_ids: Sequence[str] = (), annotator: str | None = None,
                 progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> Iterator[dict[str, Any]]:
    """The records of ``build_records`` one at a time, so a writer keeps memory flat for any corpus.

    The sets come in one stream (a query per table, not per set); linked entities come from the
    resolver's index of the registry, which is built (or reused) first."""
    scope = _RecordScope(ctx, report_ids, annotator)
    with ctx.uow() as uow:
        yield from scope.records(uow, ALL_REPORTS, progress, cancel)
    progress(scope.total, scope.total, "")


def iter_record_bytes(ctx: ServiceContext, encode: Callable[[dict[str, Any]], bytes], *,
                      report_ids: Sequence[str] = (), annotator: str | None = None, processes: int = 1,
                      run: HalvesRun | None = None, min_sets: int = MIN_SETS) -> Iterator[bytes]:
    """``encode`` of each record of ``iter_records``, in its order; with ``processes=2`` (the command
    line only: ``services.halves``) a second process encodes the second half of the reports."""
    scope = _RecordScope(ctx, report_ids, annotator)
    if processes < 2:
        with ctx.uow() as uow:
            yield from map(encode, scope.records(uow, ALL_REPORTS))
        return

    def produce(uow: UnitOfWork, within: ReportRange, _child: bool) -> Iterator[bytes]:
        return map(encode, scope.records(uow, within))
    yield from in_halves(ctx, produce, annotators=scope.annotators, report_ids=scope.ids or None,
                         run=run if run is not None else HalvesRun(), min_sets=min_sets)


class _RecordScope:
    """What every record of one command needs, read before the first record: the reports and
    annotators asked for (names checked), and the resolver."""

    def __init__(self, ctx: ServiceContext, report_ids: Sequence[str], annotator: str | None) -> None:
        from annotator.records.record import build_record  # noqa: PLC0415 (40 ms to import; the window needs it only for a record)
        self.build = build_record
        self.ctx = ctx
        self.ids = [resolve_report_id(ctx, r) for r in report_ids]
        self.annotators = (list(known_annotators(ctx, [annotator], option="--annotator")) if annotator is not None
                           else None)
        self.resolver = resolver(ctx)
        self.total = 0

    def records(self, uow: UnitOfWork, within: ReportRange, progress: ProgressFn = no_progress,
                cancel: CancelToken | None = None) -> Iterator[dict[str, Any]]:
        """The records of the sets in scope with report ids ``within``, read in ``uow``."""
        ctx, res, build_record = self.ctx, self.resolver, self.build
        known: dict[str, Incident] = {}  # the incidents events name, read as they first appear
        ids = self.ids or None
        self.total = total = uow.transfer.count_in_scope(annotators=self.annotators, report_ids=ids, within=within)
        for i, item in enumerate(uow.transfer.stream(annotators=self.annotators, report_ids=ids, within=within)):
            if cancel is not None:
                cancel.check()
            if i % 100 == 0:
                progress(i, total, item.set.annotator)
            linked = {s.entity: res.get(s.entity) for s in item.set.spans if s.entity}
            entities = {eid: e for eid, e in linked.items() if e is not None}
            named = {e.incident for e in item.set.events if e.incident}
            if named - set(known):
                known.update(uow.events.incidents(named - set(known)))
            yield build_record(item.report, item.set.spans, item.set.relations, entities,
                               annotator=item.set.annotator, resolver=res, events=item.set.events,
                               incidents={n: known[n] for n in named if n in known},
                               event_schema=ctx.schema.events, roles=ctx.schema.record_roles)


def record_for(ctx: ServiceContext, report_id: str, annotator: str) -> dict[str, Any]:
    """The live record of one set (the GUI's Record panel)."""
    found = build_records(ctx, report_ids=[report_id], annotator=annotator)
    if found:
        return found[0]
    from annotator.records.record import build_record  # noqa: PLC0415 (40 ms to import; the window needs it only for a record)
    return build_record(get_report(ctx, report_id), (), (), {}, annotator=annotator, roles=ctx.schema.record_roles)
