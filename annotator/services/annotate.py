"""Editing one annotator's set: create, delete, relabel, move spans; attributes; relations.

Each function is one transaction, committed before it returns, with one edit-log entry and a
version bump. It returns the result and a ``Change`` for the views. Undo is the inverse edit,
committed the same way (the GUI's QUndoCommands call these functions).

Edits name their target. ``expect_version`` is the set's version the caller last saw, and
``expect`` the span as the caller showed it: when the stored set or span differs (another window,
process or import changed it, or the caller mixed up reports) the edit is refused with a
``StaleEdit`` and nothing is written. Scripts that do not track versions leave both out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.annotation_set import AnnotationSet
from annotator.core.changes import Change
from annotator.core.errors import PermissionDenied, StaleEdit, ValidationError
from annotator.core.ids import GOLD, annotator_name
from annotator.core.iso_dates import is_iso_value
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span, check_bounds
from annotator.core.workflow import returned_because
from annotator.services.context import ServiceContext
from annotator.services.entities import entity_names
from annotator.services.workflow import guard_set_write
from annotator.store.mapping import relation_to_dict, span_from_row, span_to_dict
from annotator.store.uow import UnitOfWork

if TYPE_CHECKING:
    from annotator.store.models import AnnotationSetRow

_UNSET: Any = object()


@dataclass(frozen=True)
class DeletedSpan:
    """What a deletion removed, so undo can restore it exactly (same id, same relations)."""

    span: Span
    relations: tuple[Relation, ...]


def check_writer(annotator: str, *, adjudicating: bool = False) -> str:
    name = annotator_name(annotator)
    if name == GOLD and not adjudicating:
        raise PermissionDenied("the gold set is written only by adjudication")
    return name


def get_set(ctx: ServiceContext, report_id: str, annotator: str) -> AnnotationSet:
    with ctx.uow() as uow:
        uow.repo.report_chars(report_id)
        return uow.repo.annotation_set(report_id, annotator)


@dataclass(frozen=True)
class OpenedReport:
    """What a window shows of a report: the text, the acting annotator's set (its version is what
    edits are made against), everyone else's sets, and the names of the entities they link."""

    report: Report
    own: AnnotationSet
    others: dict[str, AnnotationSet]
    entity_names: dict[str, str]
    status: str | None = None  # the acting annotator's status on the report (done: read-only for them)
    returned: str | None = None  # returned: "by NAME: the reason", what the annotator is to read


def open_report(ctx: ServiceContext, report_id: str, annotator: str) -> OpenedReport:
    with ctx.uow() as uow:
        report = uow.repo.report(report_id)
        sets = uow.repo.sets_of_report(report_id)
        found = next(iter(uow.workflow.statuses([report_id], annotator)), None)
    own = sets.pop(annotator, None) or AnnotationSet(report_id, annotator)
    linked = {sp.entity for s in (own, *sets.values()) for sp in s.spans if sp.entity}
    return OpenedReport(report, own, sets, entity_names(ctx, linked), found.status if found else None,
                        returned_because(found))



def get_sets(ctx: ServiceContext, report_id: str) -> dict[str, AnnotationSet]:
    """Every annotator's set on one report (the GUI shows the others read-only)."""
    with ctx.uow() as uow:
        uow.repo.report_chars(report_id)
        return {who: uow.repo.annotation_set(report_id, who)
                for _, who in uow.repo.set_keys(report_ids=[report_id])}


def locked_set(uow: UnitOfWork, report_id: str, annotator: str, expect_version: int | None = None) -> AnnotationSetRow:
    """The set row, locked for this transaction, after checking it is the version the caller saw and
    that the actor may write it now (their role; work marked done is read-only until returned)."""
    guard_set_write(uow, report_id, annotator)  # first: a server's row-level security hides what may not be locked
    row = uow.repo.set_row(report_id, annotator, create=True, lock=True)
    assert row is not None
    if expect_version is not None and row.version != expect_version:
        raise StaleEdit(f"{annotator}'s annotations on this report were changed elsewhere since they were shown "
                        f"(version {expect_version}, now {row.version}); nothing was written")
    return row


def check_shown(stored: Span, expect: Span | None) -> None:
    """Refuse an edit of a span that is not what the caller showed (changed, or another report's)."""
    if expect is not None and stored != expect:
        raise StaleEdit(f"span {stored.id} is not the one shown: it is now {stored.label} "
                        f"[{stored.start}–{stored.end}], not {expect.label} [{expect.start}–{expect.end}]; "
                        "nothing was written")


def insert_span(ctx: ServiceContext, uow: UnitOfWork, row: AnnotationSetRow, who: str, span: Span,
                chars: int, *, op: str = "create_span") -> Span:
    """Validate and add one span to a locked set (a fresh id unless ``span.id`` is given), logged.
    The one place a span enters a set, for single edits and whole-set adjudication alike."""
    check_bounds(span.start, span.end, chars)
    ctx.schema.check_span(span)
    if span.value is not None:
        _check_value(span.value)
    span = span.with_(id=span.id if span.id != "?" else uow.repo.take_key(row, "T"))
    uow.repo.add_span(row, span)
    uow.repo.log_edit(row, who, op, span.id, None, span_to_dict(span))
    return span


def _change(row: AnnotationSetRow, report_id: str, annotator: str, op: str, spans: tuple[str, ...] = (),
            relations: tuple[str, ...] = ()) -> Change:
    return Change(report_id, annotator, row.version, op, spans, relations)


def create_span(ctx: ServiceContext, report_id: str, start: int, end: int, label: str, *, annotator: str,
                attrs: dict[str, Any] | None = None, value: str | None = None, entity: str | None = None,
                resolution: str | None = None, key: str | None = None, expect_version: int | None = None,
                adjudicating: bool = False) -> tuple[Span, Change]:
    """Create a span (with its value and entity, when known, in the same transaction); ``key``
    re-uses an id (redo after undo keeps the span's identity)."""
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        chars = uow.repo.report_chars(report_id)
        row = locked_set(uow, report_id, who, expect_version)
        span = insert_span(ctx, uow, row, who, Span(key or "?", start, end, label, dict(attrs or {}), value, entity,
                                                    resolution), chars)
        uow.commit()
        return span, _change(row, report_id, who, "create_span", (span.id,))


def delete_span(ctx: ServiceContext, report_id: str, span_id: str, *, annotator: str,
                expect_version: int | None = None, expect: Span | None = None,
                adjudicating: bool = False) -> tuple[DeletedSpan, Change]:
    """Delete a span and the relations that touch it (returned, for undo)."""
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, who, expect_version)
        srow = uow.repo.span_row(row, span_id)
        span = span_from_row(srow)
        check_shown(span, expect)
        rels = tuple(uow.repo.relation(r) for r in uow.repo.relations_touching(srow))
        uow.repo.delete_span(srow)
        uow.repo.log_edit(row, who, "delete_span", span.id,
                          {"span": span_to_dict(span), "relations": [relation_to_dict(r) for r in rels]}, None)
        uow.commit()
        return DeletedSpan(span, rels), _change(row, report_id, who, "delete_span", (span.id,),
                                                tuple(r.id for r in rels))


def restore_span(ctx: ServiceContext, report_id: str, deleted: DeletedSpan, *, annotator: str,
                 expect_version: int | None = None, adjudicating: bool = False) -> Change:
    """Undo of a deletion (or redo of a creation): the same span, same id and fields, and its
    relations again, as one edit."""
    who = check_writer(annotator, adjudicating=adjudicating)
    span = deleted.span
    with ctx.uow() as uow:
        check_bounds(span.start, span.end, uow.repo.report_chars(report_id))
        row = locked_set(uow, report_id, who, expect_version)
        uow.repo.add_span(row, span)
        for rel in deleted.relations:
            uow.repo.add_relation(row, rel)
        uow.repo.log_edit(row, who, "restore_span", span.id, None,
                          {"span": span_to_dict(span), "relations": [relation_to_dict(r) for r in deleted.relations]})
        uow.commit()
        return _change(row, report_id, who, "restore_span", (span.id,), tuple(r.id for r in deleted.relations))


def update_span(ctx: ServiceContext, report_id: str, span_id: str, *, annotator: str,
                start: int | None = None, end: int | None = None, label: str | None = None,
                attrs: dict[str, Any] | None = None, value: Any = _UNSET, entity: Any = _UNSET,
                resolution: Any = _UNSET, op: str = "update_span", expect_version: int | None = None,
                expect: Span | None = None, adjudicating: bool = False) -> tuple[Span, Change]:
    """Change any field of a span in one edit (moves, relabels, attributes, values, entities)."""
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, who, expect_version)
        srow = uow.repo.span_row(row, span_id)
        before = span_from_row(srow)
        check_shown(before, expect)
        changes: dict[str, Any] = {}
        if start is not None or end is not None:
            s = before.start if start is None else start
            e = before.end if end is None else end
            check_bounds(s, e, uow.repo.report_chars(report_id), what=f"span {span_id}")
            changes.update(start=s, end=e)
        if label is not None:
            changes["label"] = label
        if attrs is not None:
            changes["attrs"] = {k: v for k, v in attrs.items() if v is not None}
        if value is not _UNSET:
            if value is not None:
                _check_value(value)
            changes["value"] = value
        if entity is not _UNSET:
            changes["entity"] = entity
        if resolution is not _UNSET:
            changes["resolution"] = resolution
        after = before.with_(**changes)
        ctx.schema.check_span(after)
        if after.label != before.label:
            _check_relations_still_valid(ctx, uow, row, srow, after)
        srow.start, srow.end, srow.label = after.start, after.end, after.label
        srow.attrs, srow.value = dict(after.attrs), after.value
        srow.entity_id, srow.resolution = after.entity, after.resolution
        uow.repo.log_edit(row, who, op, span_id, span_to_dict(before), span_to_dict(after))
        uow.commit()
        return after, _change(row, report_id, who, op, (span_id,))


def _check_value(value: Any) -> None:
    """A span's value is an ISO 8601 date, month, year or interval (what records and exports expect)."""
    if not is_iso_value(value):
        raise ValidationError(f"'{value}' is not an ISO 8601 date, month, year or interval "
                              "(e.g. 2024-04-07, 2024-04, 2024, 2024-04-05/2024-04-07)")


def _check_relations_still_valid(ctx: ServiceContext, uow: UnitOfWork, row: AnnotationSetRow, srow: Any,
                                 after: Span) -> None:
    spans = {s.id: s for s in uow.repo.spans_of(row)}
    spans[after.id] = after
    for rel in uow.repo.relations_touching(srow):
        try:
            ctx.schema.check_relation(uow.repo.relation(rel), spans)
        except ValidationError as exc:
            raise ValidationError(f"cannot relabel {after.id} as {after.label}: {exc}; "
                                  "delete the relation first") from None


def relabel_span(ctx: ServiceContext, report_id: str, span_id: str, label: str, *, annotator: str,
                 **target: Any) -> tuple[Span, Change]:
    return update_span(ctx, report_id, span_id, annotator=annotator, label=label, op="relabel_span", **target)


def move_span(ctx: ServiceContext, report_id: str, span_id: str, start: int, end: int, *, annotator: str,
              **target: Any) -> tuple[Span, Change]:
    return update_span(ctx, report_id, span_id, annotator=annotator, start=start, end=end, op="move_span",
                       **target)


def set_attributes(ctx: ServiceContext, report_id: str, span_id: str, attrs: dict[str, Any], *, annotator: str,
                   **target: Any) -> tuple[Span, Change]:
    return update_span(ctx, report_id, span_id, annotator=annotator, attrs=attrs, op="set_attrs", **target)


def restore_fields(ctx: ServiceContext, report_id: str, span: Span, *, annotator: str, op: str,
                   **target: Any) -> tuple[Span, Change]:
    """Put every field of a span back as given (undo/redo of any span edit: exactly what was there)."""
    return update_span(ctx, report_id, span.id, annotator=annotator, start=span.start, end=span.end,
                       label=span.label, attrs=dict(span.attrs), value=span.value, entity=span.entity,
                       resolution=span.resolution, op=op, **target)


def create_relation(ctx: ServiceContext, report_id: str, head: str, tail: str, label: str, *,
                    annotator: str, key: str | None = None, attrs: dict[str, Any] | None = None,
                    expect_version: int | None = None, adjudicating: bool = False) -> tuple[Relation, Change]:
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, who, expect_version)
        spans = {s.id: s for s in uow.repo.spans_of(row)}
        rel = Relation("?", head, tail, label, dict(attrs or {}))
        ctx.schema.check_relation(rel, spans)
        for existing in uow.repo.annotation_set(report_id, who).relations:
            if (existing.head, existing.tail, existing.label) == (head, tail, label):
                raise ValidationError(f"{head} already has a '{label}' relation to {tail}")
        rel = Relation(key or uow.repo.take_key(row, "R"), head, tail, label, dict(attrs or {}))
        uow.repo.add_relation(row, rel)
        uow.repo.log_edit(row, who, "create_relation", rel.id, None, relation_to_dict(rel))
        uow.commit()
        return rel, _change(row, report_id, who, "create_relation", (head, tail), (rel.id,))


def delete_relation(ctx: ServiceContext, report_id: str, relation_id: str, *, annotator: str,
                    expect_version: int | None = None, expect: Relation | None = None,
                    adjudicating: bool = False) -> tuple[Relation, Change]:
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, who, expect_version)
        rrow = uow.repo.relation_row(row, relation_id)
        rel = uow.repo.relation(rrow)
        if expect is not None and rel != expect:
            raise StaleEdit(f"relation {rel.id} is not the one shown; nothing was written")
        uow.repo.delete_relation(rrow)
        uow.repo.log_edit(row, who, "delete_relation", rel.id, relation_to_dict(rel), None)
        uow.commit()
        return rel, _change(row, report_id, who, "delete_relation", (rel.head, rel.tail), (rel.id,))
