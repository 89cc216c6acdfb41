"""A corpus of records for tests of ``annotator record`` in two processes (``services.halves``)."""

from __future__ import annotations

from typing import Any

from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.store.set_transfer import SetWrite

TEXT = ("Report {k}: Deirezzor24 said on April 9 that IRGC officers met in Deir Al-Zour on April 5, "
        "and residents of دير الزور confirmed it.")


def annotated(text: str, actors: int = 2) -> tuple[Span, ...]:
    """An actor (two with ``actors=2``; up to four, the later ones nested in the first), a place, a date,
    a claim, and a place in Arabic script, on a ``TEXT`` report."""
    at = text.index
    source = Span("T1", at("Deirezzor24"), at("Deirezzor24") + 11, "actor")
    more = [Span("T2", at("IRGC"), at("IRGC") + 4, "actor", entity="actor:irgc", resolution="confirmed"),
            Span("T7", at("Deirezzor24"), at("Deirezzor24") + 5, "actor"),
            Span("T8", at("Deirezzor24") + 5, at("Deirezzor24") + 11, "actor")][:actors - 1]
    return (source, *more,
            Span("T3", at("Deir Al-Zour"), at("Deir Al-Zour") + 12, "place"),
            Span("T4", at("April 9"), at("April 9") + 7, "date", value="2024-04-09"),
            Span("T5", at("IRGC"), at(" and residents"), "claim"),
            Span("T6", at("دير"), at("دير") + 9, "place"))


def corpus(ctx: Any, reports: int, annotators: tuple[str, ...] = ("alice",), first: int = 0) -> list[str]:
    """``reports`` reports (``TEXT`` numbered from ``first``), each annotated by ``annotators``
    (``annotated``, the claim attributed to its source); the report ids, sorted."""
    made = [Report.of(TEXT.format(k=k), published="2024-04-09") for k in range(first, first + reports)]
    with ctx.uow() as uow:
        uow.transfer.add_reports(made)
        for who in annotators:
            writes = [SetWrite(r.id, annotated(r.text), (Relation("R1", "T5", "T1", "source"),), 1) for r in made]
            uow.transfer.write_sets(who, uow.repo.annotator_row(who).id, writes, op="test")
        uow.commit()
    return sorted(r.id for r in made)
