"""Adjudication: building the ``gold`` set from annotators' spans.

Gold is a set like any other, written only here (``adjudicating=True``); each step is an ordinary
committed, logged edit, so undo and the audit trail work the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from annotator.core.ids import GOLD
from annotator.core.spans import Span
from annotator.services import annotate
from annotator.services.context import ServiceContext


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
    current = annotate.get_set(ctx, report_id, GOLD)
    wanted = label or span.label
    for g in current.spans:
        if (g.start, g.end, g.label) == (span.start, span.end, wanted):
            return g
    created, _ = annotate.create_span(ctx, report_id, span.start, span.end, wanted, annotator=GOLD,
                                      attrs=span.attrs, value=span.value, entity=span.entity,
                                      resolution=span.resolution, adjudicating=True)
    return created


def accept_set(ctx: ServiceContext, report_id: str, annotator: str) -> int:
    """Start gold from one annotator's whole set (spans and relations); returns spans added."""
    source = annotate.get_set(ctx, report_id, annotator)
    mapping: dict[str, str] = {}
    added = 0
    before = {(s.start, s.end, s.label): s.id for s in annotate.get_set(ctx, report_id, GOLD).spans}
    for s in source.spans:
        key = (s.start, s.end, s.label)
        if key in before:
            mapping[s.id] = before[key]
            continue
        g = accept_span(ctx, report_id, s)
        mapping[s.id] = g.id
        added += 1
    existing = {(r.head, r.tail, r.label) for r in annotate.get_set(ctx, report_id, GOLD).relations}
    for r in source.relations:
        head, tail = mapping.get(r.head), mapping.get(r.tail)
        if head and tail and (head, tail, r.label) not in existing:
            annotate.create_relation(ctx, report_id, head, tail, r.label, annotator=GOLD, adjudicating=True)
    return added


def reject_gold_span(ctx: ServiceContext, report_id: str, span_id: str) -> None:
    annotate.delete_span(ctx, report_id, span_id, annotator=GOLD, adjudicating=True)
