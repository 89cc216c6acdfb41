"""Relations between two spans of one annotation set (e.g. a claim and its source)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Relation:
    """A directed, labelled link: ``head`` (e.g. the claim) to ``tail`` (e.g. the claimant).

    ``head`` and ``tail`` are span ids within the same set."""

    id: str
    head: str
    tail: str
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)


_new = object.__new__


def new_relation(id: str, head: str, tail: str, label: str, attrs: dict[str, Any]) -> Relation:
    """``Relation(...)`` for the bulk paths, set in one step like ``spans.new_span`` (and for the same
    reason: a corpus holds a hundred thousand relations)."""
    relation = _new(Relation)
    relation.__dict__.update(id=id, head=head, tail=tail, label=label, attrs=attrs)
    return relation
