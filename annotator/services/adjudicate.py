"""Adjudication: building the ``gold`` set from annotators' spans.

Gold is a set like any other, written only here (``adjudicating=True``); each step is an ordinary
committed, logged edit, so undo and the audit trail work the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.changes import Change
from annotator.core.errors import PermissionDenied
from annotator.core.ids import GOLD
from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.services import annotate
from annotator.services.context import ServiceContext
from annotator.store.mapping import relation_to_dict


@dataclass(frozen=True)
class Disagreement:
    """A position where annotators' spans differ: who has which label at (start, end)."""

    start: int
    end: int
    labels: dict[str, str | None]  # annotator -> label there (None = no span)
    in_gold: str | None


def disagreements(ctx: ServiceContext, report_id: str, annotators: Sequence[str] = ()) -> list[Disagreement]:
    """Every distinct (start, end) that not all annotators marked with the same label."""
    with ctx.uow() as uow:
        sets = uow.repo.sets_of_report(report_id)
    gold = sets.pop(GOLD, None)
    names = [n for n in sets if not annotators or n in annotators]
    positions: dict[tuple[int, int], dict[str, str | None]] = {}
    for name in names:
        for s in sets[name].spans:
            positions.setdefault((s.start, s.end), {})[name] = s.label
    gold_at = {(s.start, s.end): s.label for s in gold.spans} if gold else {}
    out = []
    for (start, end), by in sorted(positions.items()):
        labels = {n: by.get(n) for n in names}
        if len(set(labels.values())) > 1:
            out.append(Disagreement(start, end, labels, gold_at.get((start, end))))
    return out


def accept_span(ctx: ServiceContext, report_id: str, span: Span, *, label: str | None = None) -> Span:
    """Copy one annotator's span into gold (unless gold already has that span)."""
    return accept_spans(ctx, report_id, [span], label=label)[0][0]


def _gold(annotator: str) -> None:
    if annotator != GOLD:
        raise PermissionDenied(f"adjudication writes the gold set, not {annotator}'s")


def accept_spans(ctx: ServiceContext, report_id: str, spans: Sequence[Span], relations: Sequence[Relation] = (),
                 *, label: str | None = None, annotator: str = GOLD,
                 expect_version: int | None = None) -> tuple[list[Span], Change]:
    """Copy spans (and the relations among them) into gold as ONE transaction: a failure half-way
    leaves gold exactly as it was. Spans gold already holds (same extent and label) are reused, not
    doubled. Returns the gold span for each given span, in order, and the change."""
    _gold(annotator)
    with ctx.uow() as uow:
        chars = uow.repo.report_chars(report_id)
        row = annotate.locked_set(uow, report_id, GOLD, expect_version)
        current = uow.repo.set_from_row(row, GOLD)
        held = {(g.start, g.end, g.label): g for g in current.spans}
        out: list[Span] = []
        mapping: dict[str, str] = {}
        added: list[str] = []
        for s in spans:
            key = (s.start, s.end, label or s.label)
            if key not in held:
                fresh = Span("?", s.start, s.end, key[2], dict(s.attrs), s.value, s.entity, s.resolution)
                held[key] = annotate.insert_span(ctx, uow, row, GOLD, fresh, chars, op="accept_span")
                added.append(held[key].id)
            mapping[s.id] = held[key].id
            out.append(held[key])
        existing = {(r.head, r.tail, r.label) for r in current.relations}
        rel_ids: list[str] = []
        for r in relations:
            head, tail = mapping.get(r.head), mapping.get(r.tail)
            if head and tail and (head, tail, r.label) not in existing:
                rel = Relation(uow.repo.take_key(row, "R"), head, tail, r.label, dict(r.attrs))
                ctx.schema.check_relation(rel, {g.id: g for g in held.values()})
                uow.repo.add_relation(row, rel)
                uow.repo.log_edit(row, GOLD, "accept_relation", rel.id, None, relation_to_dict(rel))
                existing.add((head, tail, r.label))
                rel_ids.append(rel.id)
        uow.commit()
        return out, Change(report_id, GOLD, row.version, "accept_spans", tuple(added), tuple(rel_ids))


def accept_set(ctx: ServiceContext, report_id: str, source: str, *, annotator: str = GOLD,
               expect_version: int | None = None) -> tuple[int, Change]:
    """Start gold from one annotator's whole set (spans and relations), in one transaction;
    returns how many spans were added, and the change."""
    whole = annotate.get_set(ctx, report_id, source)
    _, change = accept_spans(ctx, report_id, whole.spans, whole.relations, annotator=annotator,
                             expect_version=expect_version)
    return len(change.spans), change


def reject_gold_span(ctx: ServiceContext, report_id: str, span_id: str, *, annotator: str = GOLD,
                     expect_version: int | None = None) -> tuple[annotate.DeletedSpan, Change]:
    """Take a span out of gold (and the gold relations touching it)."""
    _gold(annotator)
    return annotate.delete_span(ctx, report_id, span_id, annotator=GOLD, expect_version=expect_version,
                                adjudicating=True)
