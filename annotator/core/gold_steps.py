"""What decisions do to gold, exactly: every decision (or one bulk rule on one report) is one
``GoldStep`` — the gold spans, relations and events it takes out and puts in, with their gold ids, and
the decision records before and after — so its inverse undoes it exactly and applying it again redoes
it. Pure: the services build steps on a report's current gold and apply them in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.curation import EDITED, NONE, CurationState, Decision, Group, rule_name, span_group_of, span_sig
from annotator.core.errors import ValidationError
from annotator.core.events import Event
from annotator.core.relations import Relation
from annotator.core.spans import Span


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
    remove_events: tuple[Event, ...] = ()
    add_events: tuple[Event, ...] = ()

    def inverse(self) -> GoldStep:
        return GoldStep(self.report_id, self.add_spans, self.add_relations, self.remove_spans,
                        self.remove_relations, self.decisions_after, self.decisions_before,
                        "undo_" + self.op if not self.op.startswith("undo_") else self.op[5:], self.target,
                        self.add_events, self.remove_events)

    @property
    def empty(self) -> bool:
        return not (self.remove_spans or self.remove_relations or self.add_spans or self.add_relations
                    or self.decisions_before or self.decisions_after or self.remove_events or self.add_events)


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
        self.events = {e.id: e for e in state.gold_events}
        self.removed_events: dict[str, Event] = {}
        self.added_events: list[Event] = []

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
        for e in list(self.events.values()):  # an event never names a span gold no longer holds
            if s.id in e.span_ids():
                self.removed_events[e.id] = self.events.pop(e.id)

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

    def event_decision(self, group: Group, choice: str, events: Sequence[Event], source_spans: dict[str, Span],
                       group_of: dict[str, str], rule: str | None = None) -> bool:
        """False (and nothing changes) when a span the chosen events name is not in gold yet."""
        wanted: list[Event] = []
        for e in events:
            mapping: dict[str, str] = {}
            for sid in e.span_ids():
                end = self._end(group_of.get(sid, ""), source_spans[sid].label if sid in source_spans else "")
                if end is None:
                    return False
                mapping[sid] = end.id
            wanted.append(e.with_(id="?", roles={r: tuple(mapping[i] for i in ids) for r, ids in e.roles.items()},
                                  claims=tuple(mapping[i] for i in e.claims),
                                  trigger=mapping.get(e.trigger) if e.trigger else None))
        keep = [(e.with_(id="?"), e) for e in group.gold if e.id in self.events]  # events are not hashable
        keys: list[str] = []
        for e in wanted:
            have = next((held for probe, held in keep if probe == e), None)
            if have is not None:
                keep = [(p, h) for p, h in keep if h is not have]
                keys.append(have.id)
                continue
            fresh = e.with_(id=self._key("E"))
            self.events[fresh.id] = fresh
            self.added_events.append(fresh)
            keys.append(fresh.id)
        for _probe, e in keep:
            self.removed_events[e.id] = self.events.pop(e.id)
        self._record(group, choice, keys, rule)
        return True

    def step(self, op: str, target: str) -> GoldStep:
        added_ids = {s.id for s in self.added}
        added_rel_ids = {r.id for r in self.added_rel}
        added_event_ids = {e.id for e in self.added_events}
        return GoldStep(self.state.report_id,
                        tuple(s for k, s in self.removed.items() if k not in added_ids),
                        tuple(r for k, r in self.removed_rel.items() if k not in added_rel_ids),
                        tuple(s for s in self.added if s.id in self.gold),
                        tuple(r for r in self.added_rel if r.id in self.relations),
                        tuple(self.before), tuple(self.after), op, target[:64],
                        tuple(e for k, e in self.removed_events.items() if k not in added_event_ids),
                        tuple(e for e in self.added_events if e.id in self.events))


def _source_spans(state_sets: dict[str, Sequence[Span]], annotator: str) -> dict[str, Span]:
    return {s.id: s for s in state_sets.get(annotator, ())}


def _groups_of(state: CurationState, annotator: str) -> dict[str, str]:
    """An annotator's span id → the span group it is in."""
    of, _gold = span_group_of(state.spans)
    return {sid: key for (who, sid), key in of.items() if who == annotator}


def _decide(plan: _Planner, state: CurationState, group: Group, who: str, version: Sequence[object],
            spans: dict[str, Sequence[Span]], rule: str | None) -> bool:
    """One annotator's version of any group (or none, with an empty version) into the plan."""
    if group.item == "span":
        plan.span_decision(group, who, version, rule)  # type: ignore[arg-type]
        return True
    if group.item == "relation":
        return plan.relation_decision(group, who, version, _source_spans(spans, who), rule)  # type: ignore[arg-type]
    return plan.event_decision(group, who, version, _source_spans(spans, who), _groups_of(state, who),  # type: ignore[arg-type]
                               rule)


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
        _decide(plan, state, group, NONE, (), spans or {}, None)
    elif choice in group.versions:
        if not _decide(plan, state, group, choice, group.versions[choice], spans or {}, None):
            raise ValidationError(f"the spans this {group.item} names are not in gold yet: decide them first")
    else:
        raise ValidationError(f"'{choice}' has no version here (choose one of {', '.join(group.versions)} or none)")
    return plan.step("decide", key), plan.next_key


def rule_step(state: CurationState, rule: tuple[str, int], *, next_key: int, actor: str, now: str,
              spans: dict[str, Sequence[Span]]) -> tuple[GoldStep, int, int]:
    """One step accepting what ``rule`` accepts among the undecided groups of one report (spans
    first, then relations and events whose spans are then in gold). Returns the step, the next free key and how
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
    for group in (*state.relations, *state.events):  # after the spans they name
        if group.decided:
            continue
        who = group.chosen_by(rule)
        if who is not None and _decide(plan, state, group, who, group.versions[who], spans, name):
            decided.add(group.key)
    left = sum(1 for g in state.groups if not g.decided and g.key not in decided)
    return plan.step("curate_rule", name), plan.next_key, left


def copy_step(report_id: str, gold_spans: Sequence[Span], gold_relations: Sequence[Relation],
              spans: Sequence[Span], relations: Sequence[Relation] = (), *, next_key: int,
              label: str | None = None) -> tuple[GoldStep, int, dict[str, str]]:
    """Copying an annotator's spans (and the relations among them) into gold, as a click in the curation
    view's text lanes does: a span gold already holds (same extent and label) is reused, not doubled, and
    a relation gold already holds between the same spans is not added again. Returns the step (its
    inverse takes the copies out again), the next free key, and each given span's gold id."""
    held = {(g.start, g.end, g.label): g.id for g in gold_spans}
    mapping: dict[str, str] = {}
    added: list[Span] = []
    for s in spans:
        extent = (s.start, s.end, label or s.label)
        if extent not in held:
            copy = Span(f"T{next_key}", s.start, s.end, extent[2], dict(s.attrs), s.value, s.entity, s.resolution)
            next_key += 1
            held[extent] = copy.id
            added.append(copy)
        mapping[s.id] = held[extent]
    existing = {(r.head, r.tail, r.label) for r in gold_relations}
    added_relations: list[Relation] = []
    for r in relations:
        head, tail = mapping.get(r.head), mapping.get(r.tail)
        if head and tail and (head, tail, r.label) not in existing:
            added_relations.append(Relation(f"R{next_key}", head, tail, r.label, dict(r.attrs)))
            next_key += 1
            existing.add((head, tail, r.label))
    step = GoldStep(report_id, add_spans=tuple(added), add_relations=tuple(added_relations), op="accept_spans")
    return step, next_key, mapping


def removal_step(report_id: str, gold_spans: Sequence[Span], gold_relations: Sequence[Relation],
                 gold_events: Sequence[Event], span_id: str) -> GoldStep:
    """Taking one span out of gold, with the gold relations touching it and the gold events naming it
    (as a decision does: gold never keeps an event naming a span it no longer holds)."""
    span = next((s for s in gold_spans if s.id == span_id), None)
    if span is None:
        raise ValidationError(f"gold holds no span {span_id}")
    return GoldStep(report_id, remove_spans=(span,),
                    remove_relations=tuple(r for r in gold_relations if span_id in (r.head, r.tail)),
                    remove_events=tuple(e for e in gold_events if span_id in e.span_ids()),
                    op="reject_gold_span", target=span_id)
