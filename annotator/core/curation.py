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

**Steps.** Every decision is one ``GoldStep``: the gold spans and relations it takes out and puts in
(with their gold ids) and the decision records before and after, so its inverse undoes it exactly and
applying it again redoes it."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Sequence

from annotator.core.errors import NotFound, ValidationError
from annotator.core.relations import Relation
from annotator.core.spans import Span

SAME, SAME_OTHER_VALUES, OTHER_LABEL, OVERLAPPING, ONE_ONLY = (
    "same span", "same span, other values", "same extent, other label", "overlapping", "one annotator only")
KINDS = (SAME, SAME_OTHER_VALUES, OTHER_LABEL, OVERLAPPING, ONE_ONLY)
NONE, EDITED = "none", "edited"
RULES = ("unanimous", "majority")


def parse_rule(text: str) -> tuple[str, int]:
    """``unanimous``, ``majority`` or ``atleast:K`` → (name, k)."""
    name, _, k = text.strip().lower().partition(":")
    if name in RULES and not k:
        return name, 0
    if name == "atleast" and k.isdigit() and int(k) >= 1:
        return name, int(k)
    raise ValidationError(f"'{text}' is not a rule (unanimous, majority or atleast:K with K ≥ 1)")


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

    def sig(self, annotator: str) -> tuple[Any, ...]:
        return self.sigs.get(annotator, ())

    @cached_property
    def sigs(self) -> dict[str, tuple[Any, ...]]:
        """Each annotator's version reduced to what decides agreement (computed once)."""
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

    @property
    def disagreement(self) -> bool:
        return not self.unanimous

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
            g, m = (i, j) if i >= n else (j, i)
            hits.setdefault(g - n, set()).add(root_of[m])
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

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.spans + self.relations

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
                   gold_version: int = 0) -> CurationState:
    groups = span_groups({w: s for w, (s, _r) in sets.items()}, gold[0], decisions)
    relations = relation_groups(sets, gold[0], gold[1], groups, decisions)
    return CurationState(report_id, tuple(sets), tuple(groups), tuple(relations), tuple(gold[0]),
                         tuple(gold[1]), gold_version, dict(decisions))


# -- steps ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GoldStep:
    """What one decision (or one bulk rule on one report) does to gold, exactly; ``inverse`` undoes it."""

    report_id: str
    remove_spans: tuple[Span, ...] = ()
    remove_relations: tuple[Relation, ...] = ()
    add_spans: tuple[Span, ...] = ()
    add_relations: tuple[Relation, ...] = ()
    decisions_before: tuple[Decision, ...] = ()
    decisions_after: tuple[Decision, ...] = ()
    op: str = "decide"
    target: str = ""

    def inverse(self) -> GoldStep:
        return GoldStep(self.report_id, self.add_spans, self.add_relations, self.remove_spans,
                        self.remove_relations, self.decisions_after, self.decisions_before,
                        "undo_" + self.op if not self.op.startswith("undo_") else self.op[5:], self.target)

    @property
    def empty(self) -> bool:
        return not (self.remove_spans or self.remove_relations or self.add_spans or self.add_relations
                    or self.decisions_before or self.decisions_after)


class _Planner:
    """Builds one step on a report's current gold: new gold ids from ``next_key`` on."""

    def __init__(self, state: CurationState, next_key: int, actor: str, now: str) -> None:
        self.state, self.next_key, self.actor, self.now = state, next_key, actor, now
        self.gold = {s.id: s for s in state.gold_spans}
        self.relations = {r.id: r for r in state.gold_relations}
        self.removed: dict[str, Span] = {}
        self.removed_rel: dict[str, Relation] = {}
        self.added: list[Span] = []
        self.added_rel: list[Relation] = []
        self.before: list[Decision] = []
        self.after: list[Decision] = []
        self.group_gold: dict[str, list[Span]] = {g.key: list(g.gold) for g in state.spans}

    def _key(self, prefix: str) -> str:
        key = f"{prefix}{self.next_key}"
        self.next_key += 1
        return key

    def _drop_span(self, s: Span) -> None:
        if s.id in self.gold:
            self.removed[s.id] = self.gold.pop(s.id)
        for r in list(self.relations.values()):
            if s.id in (r.head, r.tail):
                self.removed_rel[r.id] = self.relations.pop(r.id)

    def _record(self, group: Group, choice: str, keys: list[str], rule: str | None) -> None:
        if group.decision is not None:
            self.before.append(group.decision)
        self.after.append(Decision(group.key, group.item, choice, self.actor, self.now, rule, tuple(keys)))

    def span_decision(self, group: Group, choice: str, spans: Sequence[Span], rule: str | None = None) -> None:
        keep = {span_sig(s): s for s in self.group_gold.get(group.key, ()) if s.id in self.gold}
        keys: list[str] = []
        for s in spans:
            have = keep.pop(span_sig(s), None)
            if have is not None:
                keys.append(have.id)
                continue
            fresh = s.with_(id=self._key("T"))
            self.gold[fresh.id] = fresh
            self.added.append(fresh)
            keys.append(fresh.id)
        for s in keep.values():
            self._drop_span(s)
        self.group_gold[group.key] = [self.gold[k] for k in keys]
        self._record(group, choice, keys, rule)

    def _end(self, group_key: str, label: str) -> Span | None:
        here = [s for s in self.group_gold.get(group_key, ()) if s.id in self.gold]
        same = [s for s in here if s.label == label]
        return same[0] if same else (here[0] if len(here) == 1 else None)

    def relation_decision(self, group: Group, choice: str, relations: Sequence[Relation],
                          source_spans: dict[str, Span], rule: str | None = None) -> bool:
        """False (and nothing changes) when a chosen relation's spans are not in gold yet."""
        head_group, tail_group = group.ends
        wanted: list[Relation] = []
        for r in relations:
            head = self._end(head_group, source_spans[r.head].label if r.head in source_spans else "")
            tail = self._end(tail_group, source_spans[r.tail].label if r.tail in source_spans else "")
            if head is None or tail is None:
                return False
            wanted.append(Relation("?", head.id, tail.id, r.label, dict(r.attrs)))
        current = [r for r in group.gold if r.id in self.relations]
        keep = {(r.head, r.tail, r.label): r for r in current}
        keys: list[str] = []
        for r in wanted:
            have = keep.pop((r.head, r.tail, r.label), None)
            if have is not None:
                keys.append(have.id)
                continue
            fresh = Relation(self._key("R"), r.head, r.tail, r.label, r.attrs)
            self.relations[fresh.id] = fresh
            self.added_rel.append(fresh)
            keys.append(fresh.id)
        for r in keep.values():
            self.removed_rel[r.id] = self.relations.pop(r.id)
        self._record(group, choice, keys, rule)
        return True

    def step(self, op: str, target: str) -> GoldStep:
        added_ids = {s.id for s in self.added}
        added_rel_ids = {r.id for r in self.added_rel}
        return GoldStep(self.state.report_id,
                        tuple(s for k, s in self.removed.items() if k not in added_ids),
                        tuple(r for k, r in self.removed_rel.items() if k not in added_rel_ids),
                        tuple(s for s in self.added if s.id in self.gold),
                        tuple(r for r in self.added_rel if r.id in self.relations),
                        tuple(self.before), tuple(self.after), op, target[:64])


def _source_spans(state_sets: dict[str, Sequence[Span]], annotator: str) -> dict[str, Span]:
    return {s.id: s for s in state_sets.get(annotator, ())}


def decision_step(state: CurationState, key: str, choice: str, *, next_key: int, actor: str, now: str,
                  spans: dict[str, Sequence[Span]] | None = None,
                  edited: Sequence[Span] | None = None) -> tuple[GoldStep, int]:
    """The step deciding one group: ``choice`` is an annotator of the report (their version goes
    into gold), ``none`` (gold holds nothing there) or ``edited`` (``edited`` spans go in). ``spans``
    are the annotators' whole sets (a relation's endpoints). Returns the step and the next free key."""
    group = state.group(key)
    plan = _Planner(state, next_key, actor, now)
    if choice == EDITED and group.item == "span":
        plan.span_decision(group, EDITED, tuple(edited or ()))
    elif choice == NONE:
        if group.item == "span":
            plan.span_decision(group, NONE, ())
        else:
            plan.relation_decision(group, NONE, (), {})
    elif choice in group.versions:
        if group.item == "span":
            plan.span_decision(group, choice, group.versions[choice])
        elif not plan.relation_decision(group, choice, group.versions[choice],
                                        _source_spans(spans or {}, choice)):
            raise ValidationError("this relation's spans are not in gold yet: decide its head and tail first")
    else:
        raise ValidationError(f"'{choice}' has no version here (choose one of {', '.join(group.versions)} or none)")
    return plan.step("decide", key), plan.next_key


def rule_step(state: CurationState, rule: tuple[str, int], *, next_key: int, actor: str, now: str,
              spans: dict[str, Sequence[Span]]) -> tuple[GoldStep, int, int]:
    """One step accepting what ``rule`` accepts among the undecided groups of one report (spans
    first, then relations whose spans are then in gold). Returns the step, the next free key and how
    many groups are left undecided."""
    plan = _Planner(state, next_key, actor, now)
    name = rule_name(rule)
    decided: set[str] = set()
    for group in state.spans:
        if group.decided:
            continue
        who = group.chosen_by(rule)
        if who is not None:
            plan.span_decision(group, who, group.versions[who], name)
            decided.add(group.key)
    for group in state.relations:
        if group.decided:
            continue
        who = group.chosen_by(rule)
        if who is not None and plan.relation_decision(group, who, group.versions[who],
                                                      _source_spans(spans, who), name):
            decided.add(group.key)
    left = sum(1 for g in state.groups if not g.decided and g.key not in decided)
    return plan.step("curate_rule", name), plan.next_key, left
