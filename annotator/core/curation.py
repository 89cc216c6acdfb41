"""Curation for any number of annotators, as pure rules: candidate groups, their kinds and support,
the bulk rules, and the gold steps decisions make.

**Groups.** Two annotators' spans are candidates for the same place in gold when they have the same
extent (whatever their labels: stacked spans stay together and are kept) or the same label and share a
position. The connected sets of such spans are the groups; each annotator's *version* of a group is
the spans they have in it (empty: they marked nothing there), compared on extent, label, attributes,
date value and entity link. Gold takes no part in forming groups (their keys stay the same while gold
changes); a gold span is attached to every group it would join. A relation group is the annotators'
relations between the same two span groups; their versions are the relation labels (and attributes).

**Kinds** (by the non-empty versions): *same span* (all equal), *same span, other values* (same
extents and labels, other attributes, values or entities), *same extent, other label*, *overlapping*,
*one annotator only*.

**Decided** means a decision is recorded for the group or gold already holds something in it.

**Rules** accept a version only, never "none": *unanimous* (every annotator of the report has it),
*majority* (more than half have it), *at least k of n*. What a rule leaves is decided by a person.

What a decision does to gold is ``core.gold_steps``."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from annotator.core.errors import InvalidValue, NotFound
from annotator.core.events import Event
from annotator.core.relations import Relation
from annotator.core.spans import Span

SAME, SAME_OTHER_VALUES, OTHER_LABEL, OVERLAPPING, ONE_ONLY = (
    "same span", "same span, other values", "same extent, other label", "overlapping", "one annotator only")
NONE, EDITED = "none", "edited"
RULES = ("unanimous", "majority")


def parse_rule(text: str) -> tuple[str, int]:
    """``unanimous``, ``majority`` or ``atleast:K`` → (name, k)."""
    name, _, k = text.strip().lower().partition(":")
    if name in RULES and not k:
        return name, 0
    if name == "atleast" and k.isdecimal() and int(k) >= 1:
        return name, int(k)
    raise InvalidValue(f"'{text}' is not a rule (unanimous, majority or atleast:K with K ≥ 1)")


def rule_name(rule: tuple[str, int]) -> str:
    return f"atleast:{rule[1]}" if rule[0] == "atleast" else rule[0]


@dataclass(frozen=True)
class Decision:
    """What a person (or a rule they ran) decided for one group; ``gold_keys`` are what it put in gold."""

    item: str
    kind: str  # span | relation
    choice: str  # an annotator's name, "none" or "edited"
    decided_by: str
    decided_at: str
    rule: str | None = None
    gold_keys: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "kind": self.kind, "choice": self.choice, "rule": self.rule,
                "gold_keys": list(self.gold_keys), "decided_by": self.decided_by, "decided_at": self.decided_at}


def span_sig(s: Span) -> tuple[Any, ...]:
    """What two annotators must share for their spans to be the same version."""
    attrs = json.dumps(s.attrs, sort_keys=True, ensure_ascii=False) if s.attrs else ""
    return (s.start, s.end, s.label, attrs, s.value, s.entity)


@dataclass(frozen=True)
class Group:
    """One place where gold needs a decision: every annotator's version and gold's current one."""

    key: str
    item: str  # span | relation
    start: int
    end: int
    versions: dict[str, tuple[Any, ...]]  # annotator -> spans (or relations), () = nothing there
    gold: tuple[Any, ...]
    decision: Decision | None = None
    ends: tuple[str, str] = ("", "")  # relation groups: the span groups of head and tail
    given_sigs: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # event groups: spans as their groups

    def sig(self, annotator: str) -> tuple[Any, ...]:
        return self.sigs.get(annotator, ())

    @cached_property
    def sigs(self) -> dict[str, tuple[Any, ...]]:
        """Each annotator's version reduced to what decides agreement (computed once)."""
        if self.item == "event":
            return dict(self.given_sigs)
        return {a: _version_sig(self.item, v) for a, v in self.versions.items()}

    @cached_property
    def support(self) -> Counter[tuple[Any, ...]]:
        return Counter(self.sigs.values())

    @cached_property
    def marked(self) -> list[str]:
        return [a for a, v in self.versions.items() if v]

    @cached_property
    def kind(self) -> str:
        marked = self.marked
        if len(marked) <= 1:
            return ONE_ONLY
        sigs = {self.sig(a) for a in marked}
        if len(sigs) == 1:
            return SAME
        if self.item == "relation":
            return OTHER_LABEL
        if self.item == "event":
            types = {e.type for a in marked for e in self.versions[a]}
            return OTHER_LABEL if len(types) > 1 else SAME_OTHER_VALUES
        places = {tuple(sorted((s.start, s.end, s.label) for s in self.versions[a])) for a in marked}
        if len(places) == 1:
            return SAME_OTHER_VALUES
        extents = {(s.start, s.end) for a in marked for s in self.versions[a]}
        return OTHER_LABEL if len(extents) == 1 else OVERLAPPING

    @cached_property
    def unanimous(self) -> bool:
        support = self.support
        return len(support) == 1 and next(iter(support)) != ()

    @property
    def decided(self) -> bool:
        return self.decision is not None or bool(self.gold)

    def agreeing(self, annotator: str) -> list[str]:
        """Who has the same version as ``annotator`` (with them)."""
        mine = self.sig(annotator)
        return [a for a in self.versions if self.sig(a) == mine]

    def chosen_by(self, rule: tuple[str, int]) -> str | None:
        """The annotator whose version ``rule`` accepts (the first of those who have it), or None."""
        n = len(self.versions)
        ranked = [(c, sig) for sig, c in self.support.most_common() if sig != ()]
        if not ranked:
            return None
        count, sig = ranked[0]
        if len(ranked) > 1 and ranked[1][0] == count:
            return None  # a tie: a person decides
        name, k = rule
        ok = count == n if name == "unanimous" else count * 2 > n if name == "majority" else count >= k
        if not ok:
            return None
        return next(a for a in self.versions if self.sig(a) == sig)


def _version_sig(item: str, version: tuple[Any, ...]) -> tuple[Any, ...]:
    if item == "span":
        return tuple(sorted(span_sig(s) for s in version))
    return tuple(sorted((r.label, json.dumps(r.attrs, sort_keys=True, ensure_ascii=False)) for r in version))


# -- grouping ----------------------------------------------------------------------------------------------
class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _overlapping_pairs(items: Sequence[tuple[int, int, str, int]]) -> Iterable[tuple[int, int]]:
    """Pairs of indices of same-label items that share a position (a sweep over starts per label)."""
    by_label: dict[str, list[tuple[int, int, int]]] = {}
    for start, end, label, i in items:
        by_label.setdefault(label, []).append((start, end, i))
    for rows in by_label.values():
        rows.sort()
        active: list[tuple[int, int]] = []  # (end, index)
        for start, end, i in rows:
            active = [a for a in active if a[0] > start]
            for _, j in active:
                yield j, i
            active.append((end, i))


def span_groups(sets: dict[str, Sequence[Span]], gold: Sequence[Span] = (),
                decisions: dict[str, Decision] | None = None) -> list[Group]:
    """The span groups of one report, in text order (see the module docstring)."""
    names = list(sets)
    members: list[tuple[str, Span]] = [(who, s) for who in names for s in sets[who]]
    union = _Union(len(members))
    by_extent: dict[tuple[int, int], int] = {}
    for i, (_, s) in enumerate(members):
        first = by_extent.setdefault((s.start, s.end), i)
        union.join(first, i)
    for i, j in _overlapping_pairs([(s.start, s.end, s.label, i) for i, (_, s) in enumerate(members)]):
        union.join(i, j)
    parts: dict[int, list[int]] = {}
    for i in range(len(members)):
        parts.setdefault(union.find(i), []).append(i)
    root_of = {i: root for root, idx in parts.items() for i in idx}
    attached: dict[int, list[Span]] = {}
    n = len(members)
    probe = [(s.start, s.end, s.label, i) for i, (_, s) in enumerate(members)]
    probe += [(g.start, g.end, g.label, n + k) for k, g in enumerate(gold)]
    hits: dict[int, set[int]] = {}
    for i, j in _overlapping_pairs(probe):
        if (i < n) != (j < n):
            gold_i, member_i = (i, j) if i >= n else (j, i)
            hits.setdefault(gold_i - n, set()).add(root_of[member_i])
    for k, g in enumerate(gold):
        roots = hits.get(k, set())
        if (g.start, g.end) in by_extent:
            roots.add(root_of[by_extent[(g.start, g.end)]])
        for root in roots:
            attached.setdefault(root, []).append(g)
    decisions = decisions or {}
    groups: list[Group] = []
    for root, idx in parts.items():
        spans = [members[i] for i in idx]
        versions = {who: tuple(sorted((s for w, s in spans if w == who), key=lambda s: (s.start, -s.end, s.label)))
                    for who in names}
        key = _span_key(s for _, s in spans)
        start, end = min(s.start for _, s in spans), max(s.end for _, s in spans)
        gold_here = tuple(sorted(attached.get(root, ()), key=lambda s: (s.start, -s.end, s.label)))
        groups.append(Group(key, "span", start, end, versions, gold_here, decisions.get(key)))
    groups.sort(key=lambda g: (g.start, -g.end, g.key))
    return groups


def _span_key(spans: Iterable[Span]) -> str:
    places = sorted({(s.start, s.end, s.label) for s in spans})
    digest = hashlib.sha1("|".join(f"{a},{b},{c}" for a, b, c in places).encode("utf-8")).hexdigest()[:10]
    return f"S{places[0][0]}-{max(p[1] for p in places)}:{digest}"


def relation_groups(sets: dict[str, tuple[Sequence[Span], Sequence[Relation]]], gold_spans: Sequence[Span],
                    gold_relations: Sequence[Relation], groups: Sequence[Group],
                    decisions: dict[str, Decision] | None = None) -> list[Group]:
    """The relation groups: annotators' relations between the same two span groups."""
    group_of: dict[tuple[str, str], str] = {}  # (annotator, span id) -> span group key
    span_group = {g.key: g for g in groups}
    for g in groups:
        for who, version in g.versions.items():
            for s in version:
                group_of[(who, s.id)] = g.key
    gold_group: dict[str, list[str]] = {}
    for g in groups:
        for s in g.gold:
            gold_group.setdefault(s.id, []).append(g.key)
    found: dict[tuple[str, str], dict[str, list[Relation]]] = {}
    for who, (_spans, relations) in sets.items():
        for r in relations:
            ends = (group_of.get((who, r.head)), group_of.get((who, r.tail)))
            if ends[0] and ends[1]:
                found.setdefault(ends, {}).setdefault(who, []).append(r)  # type: ignore[arg-type]
    gold_rel: dict[tuple[str, str], list[Relation]] = {}
    for r in gold_relations:
        for h in gold_group.get(r.head, ()):
            for t in gold_group.get(r.tail, ()):
                gold_rel.setdefault((h, t), []).append(r)
    decisions = decisions or {}
    out: list[Group] = []
    for (h, t), by in found.items():
        key = f"R:{h}>{t}"
        versions = {who: tuple(sorted(by.get(who, ()), key=lambda r: r.label)) for who in sets}
        head, tail = span_group[h], span_group[t]
        out.append(Group(key, "relation", min(head.start, tail.start), max(head.end, tail.end), versions,
                         tuple(gold_rel.get((h, t), ())), decisions.get(key), (h, t)))
    out.sort(key=lambda g: (g.start, -g.end, g.key))
    return out


# -- the state of one report -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CurationState:
    report_id: str
    annotators: tuple[str, ...]
    spans: tuple[Group, ...]
    relations: tuple[Group, ...]
    gold_spans: tuple[Span, ...]
    gold_relations: tuple[Relation, ...]
    gold_version: int = 0
    decisions: dict[str, Decision] = field(default_factory=dict)
    events: tuple[Group, ...] = ()
    gold_events: tuple[Event, ...] = ()

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.spans + self.relations + self.events

    def group(self, key: str) -> Group:
        for g in self.groups:
            if g.key == key:
                return g
        raise NotFound(f"candidate group {key} is not on this report any more (the annotations changed)")

    @property
    def progress(self) -> tuple[int, int]:
        """(decided, all) groups."""
        return sum(1 for g in self.groups if g.decided), len(self.groups)


def curation_state(report_id: str, sets: dict[str, tuple[Sequence[Span], Sequence[Relation]]],
                   gold: tuple[Sequence[Span], Sequence[Relation]], decisions: dict[str, Decision],
                   gold_version: int = 0, events: dict[str, Sequence[Event]] | None = None,
                   gold_events: Sequence[Event] = ()) -> CurationState:
    groups = span_groups({w: s for w, (s, _r) in sets.items()}, gold[0], decisions)
    relations = relation_groups(sets, gold[0], gold[1], groups, decisions)
    found = event_groups(events, {w: s for w, (s, _r) in sets.items()}, groups, gold_events, decisions) \
        if events else []
    return CurationState(report_id, tuple(sets), tuple(groups), tuple(relations), tuple(gold[0]),
                         tuple(gold[1]), gold_version, dict(decisions), tuple(found), tuple(gold_events))


# -- events ----------------------------------------------------------------------------------------------
def span_group_of(groups: Sequence[Group]) -> tuple[dict[tuple[str, str], str], dict[str, list[str]]]:
    """(annotator, span id) → the span group it is in, and gold span id → the groups it belongs to."""
    of: dict[tuple[str, str], str] = {}
    gold: dict[str, list[str]] = {}
    for g in groups:
        for who, version in g.versions.items():
            for s in version:
                of[(who, s.id)] = g.key
        for s in g.gold:
            gold.setdefault(s.id, []).append(g.key)
    return of, gold


def _anchors(e: Event, where: Any) -> set[str]:
    """The span groups an event hangs on: its claims and trigger, else every span it names."""
    found = {k for sid in (*e.claims, *([e.trigger] if e.trigger else [])) for k in where(sid)}
    return found or {k for sid in e.span_ids() for k in where(sid)}


def event_sig(e: Event, where: Any) -> tuple[Any, ...]:
    """An event with its spans as the groups they are in: what two annotators must share."""
    def refs(ids: Sequence[str]) -> tuple[str, ...]:
        return tuple(sorted(k for sid in ids for k in where(sid)))

    return (e.type, tuple(sorted((role, refs(ids)) for role, ids in e.roles.items())), refs(e.claims),
            refs([e.trigger] if e.trigger else []),
            tuple(sorted((k, v.best, v.low, v.high) for k, v in e.counts.items())), tuple(e.qualifiers),
            json.dumps(e.attrs, sort_keys=True, ensure_ascii=False) if e.attrs else "")


def event_groups(events: dict[str, Sequence[Event]], spans: dict[str, Sequence[Span]], groups: Sequence[Group],
                 gold_events: Sequence[Event], decisions: dict[str, Decision]) -> list[Group]:
    """Annotators' events that hang on the same span groups (claims, trigger) form one event group."""
    of, gold_of = span_group_of(groups)
    by_key = {g.key: g for g in groups}
    items = [(who, e, _anchors(e, lambda sid, w=who: [of[(w, sid)]] if (w, sid) in of else []))
             for who in spans for e in events.get(who, ())]
    items = [it for it in items if it[2]]
    union = _Union(len(items))
    first: dict[str, int] = {}
    for i, (_w, _e, anchors) in enumerate(items):
        for a in anchors:
            union.join(first.setdefault(a, i), i)
    parts: dict[int, list[int]] = {}
    for i in range(len(items)):
        parts.setdefault(union.find(i), []).append(i)
    out: list[Group] = []
    for idx in parts.values():
        anchors = set().union(*(items[i][2] for i in idx))
        key = "E:" + hashlib.sha1("|".join(sorted(anchors)).encode("utf-8")).hexdigest()[:12]
        versions = {who: tuple(items[i][1] for i in idx if items[i][0] == who) for who in spans}
        sigs = {who: tuple(sorted(event_sig(e, lambda sid, w=who: [of[(w, sid)]] if (w, sid) in of else [])
                                  for e in v)) for who, v in versions.items()}
        held = tuple(e for e in gold_events if _anchors(e, lambda sid: gold_of.get(sid, [])) & anchors)
        start = min(by_key[a].start for a in anchors)
        end = max(by_key[a].end for a in anchors)
        out.append(Group(key, "event", start, end, versions, held, decisions.get(key), given_sigs=sigs))
    out.sort(key=lambda g: (g.start, -g.end, g.key))
    return out
