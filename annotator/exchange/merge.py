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

from annotator.core.workflow import Status
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


# -- statuses ------------------------------------------------------------------------------------------------
KEPT = "kept"  # the incoming state conflicts with a supervisor's decision held here: the decision stands
IGNORED = "ignored"  # a workstation's bundle carrying a supervisor's state (it came from the supervisor)


def status_decision(local: Status | None, incoming: Status, *, from_supervisor: bool) -> str:
    """What to do with a bundle's status row given the local one.

    Every change to a row raises its ``rev``; a supervisor's decision also sets ``decision_rev`` to that
    rev, and an annotator's later states carry it on. So a state *follows* a decision when its
    ``decision_rev`` is at least the decision's rev.

    - From a workstation (an annotator's bundle): only the annotator's own states count (supervisors'
      states in it came from the supervisor and are ``ignored``). One replaces the local row when it is
      newer (higher rev) and follows every supervisor decision held here; one that does not follow a
      local decision is ``kept`` out: **a workstation's bundle never overrides a supervisor's decision**.
    - From the supervisor's bundle (gold's): a newer row replaces the local one; at the same rev a
      supervisor's decision replaces an annotator's concurrent state (and nothing else does)."""
    if not from_supervisor and incoming.by_supervisor:
        return IGNORED
    if local is None:
        return ADDED
    if (local.status, local.reason, local.rev) == (incoming.status, incoming.reason, incoming.rev):
        return UNCHANGED
    if not from_supervisor:
        if incoming.decision_rev < local.decision_rev or (local.by_supervisor and incoming.decision_rev < local.rev):
            return KEPT
        return REPLACED if incoming.rev > local.rev else OLDER
    if incoming.rev > local.rev:
        return REPLACED
    if incoming.rev == local.rev and incoming.by_supervisor and not local.by_supervisor:
        return REPLACED
    return OLDER if incoming.rev < local.rev else KEPT
