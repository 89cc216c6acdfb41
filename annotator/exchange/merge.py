"""Merge rules of a bundle import, as pure decisions (tested without a database).

Sets: the set's edit counter decides. A set only ever changes on its annotator's own workstation,
so a higher version in the bundle is newer work and replaces the local copy; an equal version is the
same work (nothing to do); a lower one is older work and is skipped, and reported so nobody wonders.

Registry entries merge by id: what only one side knows is kept (missing fields are filled, aliases
and meta keys are united); where both sides hold different values the local value stays and the
difference is reported as a conflict for a person to settle."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from annotator.exchange.lines import ENTITY_FIELDS, entity_record

ADDED, REPLACED, UNCHANGED, OLDER = "added", "replaced", "unchanged", "older"


def set_decision(local_version: int | None, bundle_version: int) -> str:
    """What to do with a bundle's set given the local set's version (``None``: no local set)."""
    if local_version is None:
        return ADDED
    if bundle_version > local_version:
        return REPLACED
    if bundle_version == local_version:
        return UNCHANGED
    return OLDER


@dataclass(frozen=True)
class EntityMerge:
    status: str  # added | merged | unchanged
    result: dict[str, Any]  # what the registry should hold afterwards
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> {"local", "bundle"}


def merge_entity(local: dict[str, Any] | None, incoming: dict[str, Any]) -> EntityMerge:
    """Merge one incoming registry entry into the local one with the same id."""
    incoming = entity_record(incoming)
    if local is None:
        return EntityMerge("added", incoming)
    local = entity_record(local)
    result = dict(local, meta=dict(local["meta"]), aliases=list(local["aliases"]))
    conflicts: dict[str, dict[str, Any]] = {}
    for key in ENTITY_FIELDS:
        mine, theirs = local.get(key), incoming.get(key)
        if _same_value(mine, theirs) or theirs is None:
            continue
        if mine is None:
            result[key] = theirs
        else:
            conflicts[key] = {"local": mine, "bundle": theirs}
    names = {a["name"] for a in result["aliases"]}
    result["aliases"] += [a for a in incoming["aliases"] if a["name"] not in names]
    for key, value in incoming["meta"].items():
        result["meta"].setdefault(key, value)
    status = "unchanged" if result == local else "merged"
    return EntityMerge(status, result, conflicts)


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return bool(a == b)
