"""Editing one annotator's set: create, delete, relabel, move spans; attributes; relations.

Each function is one transaction, committed before it returns, with one edit-log entry and a
version bump. It returns the result and a ``Change`` for the views. Undo is the inverse edit,
committed the same way (the GUI's QUndoCommands call these functions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.core.annotation_set import AnnotationSet
from annotator.core.changes import Change
from annotator.core.errors import PermissionDenied, ValidationError
from annotator.core.ids import GOLD, annotator_name
from annotator.core.relations import Relation
from annotator.core.spans import Span, check_bounds
from annotator.services.context import ServiceContext
from annotator.store.mapping import relation_to_dict, span_from_row, span_to_dict
from annotator.store.models import AnnotationSetRow
from annotator.store.uow import UnitOfWork

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


def get_sets(ctx: ServiceContext, report_id: str) -> dict[str, AnnotationSet]:
    """Every annotator's set on one report (the GUI shows the others read-only)."""
    with ctx.uow() as uow:
        uow.repo.report_chars(report_id)
        return {who: uow.repo.annotation_set(report_id, who)
                for _, who in uow.repo.set_keys(report_ids=[report_id])}


def _edit_set(uow: UnitOfWork, report_id: str, annotator: str) -> AnnotationSetRow:
    row = uow.repo.set_row(report_id, annotator, create=True, lock=True)
    assert row is not None
    return row


def _change(row: AnnotationSetRow, report_id: str, annotator: str, op: str, spans: tuple[str, ...] = (),
            relations: tuple[str, ...] = ()) -> Change:
    return Change(report_id, annotator, row.version, op, spans, relations)


def create_span(ctx: ServiceContext, report_id: str, start: int, end: int, label: str, *, annotator: str,
                attrs: dict[str, Any] | None = None, value: str | None = None, entity: str | None = None,
                resolution: str | None = None, key: str | None = None,
                adjudicating: bool = False) -> tuple[Span, Change]:
    """Create a span; ``key`` re-uses an id (redo after undo keeps the span's identity)."""
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        chars = uow.repo.report_chars(report_id)
        check_bounds(start, end, chars)
        span = Span("?", start, end, label, dict(attrs or {}), value, entity, resolution)
        ctx.schema.check_span(span)
        row = _edit_set(uow, report_id, who)
        span = span.with_(id=key or uow.repo.take_key(row, "T"))
        uow.repo.add_span(row, span)
        uow.repo.log_edit(row, who, "create_span", span.id, None, span_to_dict(span))
        uow.commit()
        return span, _change(row, report_id, who, "create_span", (span.id,))


def delete_span(ctx: ServiceContext, report_id: str, span_id: str, *, annotator: str,
                adjudicating: bool = False) -> tuple[DeletedSpan, Change]:
    """Delete a span and the relations that touch it (returned, for undo)."""
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = _edit_set(uow, report_id, who)
        srow = uow.repo.span_row(row, span_id)
        span = span_from_row(srow)
        rels = tuple(uow.repo.relation(r) for r in uow.repo.relations_touching(srow))
        for r in uow.repo.relations_touching(srow):
            uow.session.delete(r)
        uow.session.delete(srow)
        uow.session.flush()
        uow.repo.log_edit(row, who, "delete_span", span.id,
                          {"span": span_to_dict(span), "relations": [relation_to_dict(r) for r in rels]}, None)
        uow.commit()
        return DeletedSpan(span, rels), _change(row, report_id, who, "delete_span", (span.id,),
                                                tuple(r.id for r in rels))


def restore_span(ctx: ServiceContext, report_id: str, deleted: DeletedSpan, *, annotator: str,
                 adjudicating: bool = False) -> Change:
    """Undo of a deletion: the same span (same id) and its relations again, as one edit."""
    who = check_writer(annotator, adjudicating=adjudicating)
    span = deleted.span
    with ctx.uow() as uow:
        check_bounds(span.start, span.end, uow.repo.report_chars(report_id))
        row = _edit_set(uow, report_id, who)
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
                resolution: Any = _UNSET, op: str = "update_span",
                adjudicating: bool = False) -> tuple[Span, Change]:
    """Change any field of a span in one edit (moves, relabels, attributes, values, entities)."""
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = _edit_set(uow, report_id, who)
        srow = uow.repo.span_row(row, span_id)
        before = span_from_row(srow)
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
    from annotator.records.dates import is_iso_value

    if not isinstance(value, str) or not is_iso_value(value):
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
                 adjudicating: bool = False) -> tuple[Span, Change]:
    return update_span(ctx, report_id, span_id, annotator=annotator, label=label, op="relabel_span",
                       adjudicating=adjudicating)


def move_span(ctx: ServiceContext, report_id: str, span_id: str, start: int, end: int, *, annotator: str,
              adjudicating: bool = False) -> tuple[Span, Change]:
    return update_span(ctx, report_id, span_id, annotator=annotator, start=start, end=end, op="move_span",
                       adjudicating=adjudicating)


def create_relation(ctx: ServiceContext, report_id: str, head: str, tail: str, label: str, *,
                    annotator: str, key: str | None = None, attrs: dict[str, Any] | None = None,
                    adjudicating: bool = False) -> tuple[Relation, Change]:
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = _edit_set(uow, report_id, who)
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
                    adjudicating: bool = False) -> tuple[Relation, Change]:
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = _edit_set(uow, report_id, who)
        rrow = uow.repo.relation_row(row, relation_id)
        rel = uow.repo.relation(rrow)
        uow.session.delete(rrow)
        uow.session.flush()
        uow.repo.log_edit(row, who, "delete_relation", rel.id, relation_to_dict(rel), None)
        uow.commit()
        return rel, _change(row, report_id, who, "delete_relation", (rel.head, rel.tail), (rel.id,))
