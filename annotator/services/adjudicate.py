"""Adjudication: building the ``gold`` set from annotators' spans.

Gold is a set like any other, written only by adjudication and curation. Copying spans in and taking
them out are gold steps (``services.curation``), like every curation decision: one committed, logged
transaction whose inverse undoes it exactly, so the curation view's text lanes are undoable too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.changes import Change
from annotator.core.errors import PermissionDenied
from annotator.core.gold_steps import GoldStep
from annotator.core.ids import GOLD
from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.services import annotate, curation
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
    return accept_spans(ctx, report_id, [span], label=label)[0][0]


def _gold(annotator: str) -> None:
    if annotator != GOLD:
        raise PermissionDenied(f"adjudication writes the gold set, not {annotator}'s")


def accept_spans(ctx: ServiceContext, report_id: str, spans: Sequence[Span], relations: Sequence[Relation] = (),
                 *, label: str | None = None, annotator: str = GOLD,
                 expect_version: int | None = None) -> tuple[list[Span], Change]:
    """Copy spans (and the relations among them) into gold as ONE transaction (``curation.copy_into_gold``,
    the one way spans are copied into gold): a failure half-way leaves gold exactly as it was. Spans gold
    already holds (same extent and label) are reused, not doubled. Returns the gold span for each given
    span, in order, and the change."""
    _gold(annotator)
    _step, change, mapping = curation.copy_into_gold(ctx, report_id, spans, relations, label=label,
                                                     expect_version=expect_version)
    gold = annotate.get_set(ctx, report_id, GOLD).by_id()
    return [gold[mapping[s.id]] for s in spans], change


def accept_set(ctx: ServiceContext, report_id: str, source: str, *, annotator: str = GOLD,
               expect_version: int | None = None) -> tuple[int, Change]:
    """Start gold from one annotator's whole set (spans and relations), in one transaction;
    returns how many spans were added, and the change."""
    _gold(annotator)
    step, change = accept_set_step(ctx, report_id, source, expect_version=expect_version)
    return len(step.add_spans), change


def accept_set_step(ctx: ServiceContext, report_id: str, source: str, *, annotator: str = GOLD,
                    expect_version: int | None = None) -> tuple[GoldStep, Change]:
    """``accept_set`` as the undoable gold step the curation view pushes (``curation.apply_step`` of its
    inverse takes the copies out again)."""
    _gold(annotator)
    whole = annotate.get_set(ctx, report_id, source)
    step, change, _ = curation.copy_into_gold(ctx, report_id, whole.spans, whole.relations,
                                              expect_version=expect_version)
    return step, change


def reject_gold_span(ctx: ServiceContext, report_id: str, span_id: str, *, annotator: str = GOLD,
                     expect_version: int | None = None) -> tuple[GoldStep, Change]:
    """Take a span out of gold, with the gold relations touching it and the gold events naming it
    (``curation.take_out_of_gold``)."""
    _gold(annotator)
    return curation.take_out_of_gold(ctx, report_id, span_id, expect_version=expect_version)
