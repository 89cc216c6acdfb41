"""Curation into gold for any number of annotators (``core.curation`` holds the rules, ``core.gold_steps``
what decisions do to gold).

Every write is a supervisor's gold edit, committed in one transaction, logged with who decided and
when: one decision (``decide``), one bulk rule on one report (``accept_report_by_rule``; both return the
``GoldStep`` whose inverse ``apply_step`` undoes — spans, relations and events alike), or a rule over
the corpus (``accept_by_rule``, one transaction for every report, with a dry run that writes nothing).
Who takes part in a report: the annotators with a set on it (or who marked it done with nothing to
mark), or those named."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.annotation_set import AnnotationSet
from annotator.core.changes import Change
from annotator.core.curation import CurationState, Decision, curation_state, parse_rule, rule_name
from annotator.core.errors import StaleEdit, ValidationError
from annotator.core.gold_steps import GoldStep, copy_step, decision_step, removal_step, rule_step
from annotator.core.ids import GOLD, highest_key_number
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span, check_bounds
from annotator.core.workflow import CURATED, DONE_EMPTY, is_read_only
from annotator.services import roles
from annotator.services.annotate import locked_set
from annotator.services.context import ServiceContext
from annotator.services.reports import resolve_report_id
from annotator.services.workflow import now_iso
from annotator.store.uow import UnitOfWork


@dataclass(frozen=True)
class CurationView:
    """One report as the curation view shows it: its text, the candidate groups, and every set."""

    report: Report
    state: CurationState
    sets: dict[str, AnnotationSet]
    curated: bool = False


def _participants(sets: dict[str, AnnotationSet], statuses: dict[str, str], named: Sequence[str]) -> list[str]:
    if named:
        return [n for n in named if n != GOLD]
    empty = [a for a, s in statuses.items() if s == DONE_EMPTY and a != GOLD]
    return sorted({a for a in sets if a != GOLD} | set(empty))


def _state(report_id: str, sets: dict[str, AnnotationSet], people: Sequence[str],
           decisions: dict[str, Decision]) -> CurationState:
    gold = sets.get(GOLD) or AnnotationSet(report_id, GOLD)
    ann = {a: sets.get(a) or AnnotationSet(report_id, a) for a in people}
    return curation_state(report_id, {a: (s.spans, s.relations) for a, s in ann.items()},
                          (gold.spans, gold.relations), decisions, gold.version,
                          {a: s.events for a, s in ann.items()}, gold.events)


def _load(uow: UnitOfWork, report_id: str, annotators: Sequence[str]) -> tuple[CurationState, dict[str, AnnotationSet],
                                                                               str | None]:
    sets = uow.repo.sets_of_report(report_id)
    statuses = {s.annotator: s.status for s in uow.workflow.statuses([report_id])}
    people = _participants(sets, statuses, annotators)
    decisions = uow.curation.decisions([report_id]).get(report_id, {})
    return _state(report_id, sets, people, decisions), sets, statuses.get(GOLD)


def open_curation(ctx: ServiceContext, report_id: str, annotators: Sequence[str] = ()) -> CurationView:
    """What the curation view shows (a read: anyone may look)."""
    rid = resolve_report_id(ctx, report_id)
    with ctx.uow() as uow:
        report = uow.repo.report(rid)
        state, sets, gold_status = _load(uow, rid, annotators)
    return CurationView(report, state, sets, gold_status == CURATED)


def _next_key(row_next: int, gold: AnnotationSet | None) -> int:
    if gold is None:
        return row_next
    keys = [s.id for s in gold.spans] + [r.id for r in gold.relations] + [e.id for e in gold.events]
    return max(row_next, highest_key_number(keys) + 1)  # a set's counter starts at 1: no key changes nothing


def _write(uow: UnitOfWork, report_id: str, step: GoldStep, row: Any, next_key: int) -> Change:
    versions = uow.curation.apply_steps({report_id: (row.id, row.version)}, [step], roles.acting(uow),
                                        {report_id: next_key})
    version = versions.get(report_id, row.version)
    return Change(report_id, GOLD, version, step.op, tuple(s.id for s in (*step.remove_spans, *step.add_spans)),
                  tuple(r.id for r in (*step.remove_relations, *step.add_relations)),
                  tuple(e.id for e in (*step.remove_events, *step.add_events)))


def decide(ctx: ServiceContext, report_id: str, item: str, choice: str, *, annotator: str = GOLD,
           expect_version: int | None = None, annotators: Sequence[str] = (),
           edited: Sequence[Span] | None = None) -> tuple[GoldStep, Change]:
    """Decide one candidate group: ``choice`` is an annotator (their version into gold), ``none`` or
    ``edited`` (``edited`` spans into gold). One gold edit; the step returned undoes it exactly."""
    _gold(annotator)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, GOLD, expect_version)
        state, sets, _ = _load(uow, report_id, annotators)
        if edited:
            chars = uow.repo.report_chars(report_id)
            for s in edited:
                check_bounds(s.start, s.end, chars)
                ctx.schema.check_span(s)
        next_key = _next_key(row.next_key, sets.get(GOLD))
        step, next_key = decision_step(state, item, choice, next_key=next_key, actor=roles.acting(uow),
                                       now=now_iso(), spans={a: s.spans for a, s in sets.items()}, edited=edited)
        change = _write(uow, report_id, step, row, next_key)
        uow.commit()
    return step, change


def apply_step(ctx: ServiceContext, report_id: str, step: GoldStep, *, annotator: str = GOLD,
               expect_version: int | None = None) -> tuple[GoldStep, Change]:
    """Apply a recorded step again (redo) or its inverse (undo), after checking gold holds exactly
    what the step takes out and none of what it puts in (``StaleEdit`` otherwise)."""
    _gold(annotator)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, GOLD, expect_version)
        gold = uow.repo.set_from_row(row, GOLD)
        spans, relations = gold.by_id(), {r.id: r for r in gold.relations}
        decisions = uow.curation.decisions([report_id]).get(report_id, {})
        for s in step.remove_spans:
            if spans.get(s.id) != s:
                raise StaleEdit(f"gold span {s.id} is not what this step recorded; nothing was written")
        for r in step.remove_relations:
            if r.id in relations and relations[r.id] != r:
                raise StaleEdit(f"gold relation {r.id} is not what this step recorded; nothing was written")
        for s in step.add_spans:
            if s.id in spans:
                raise StaleEdit(f"gold already holds a span {s.id}; nothing was written")
        held_events = {e.id: e for e in gold.events}
        for e in step.remove_events:
            if held_events.get(e.id) != e:
                raise StaleEdit(f"gold event {e.id} is not what this step recorded; nothing was written")
        for d in step.decisions_before:
            if decisions.get(d.item) != d:
                raise StaleEdit("the decision this step changes was changed elsewhere; nothing was written")
        step = dataclasses.replace(step, remove_relations=tuple(r for r in step.remove_relations if r.id in relations))
        change = _write(uow, report_id, step, row, _next_key(row.next_key, gold))
        uow.commit()
    return step, change


def accept_report_by_rule(ctx: ServiceContext, report_id: str, rule: str, *, annotator: str = GOLD,
                          expect_version: int | None = None,
                          annotators: Sequence[str] = ()) -> tuple[GoldStep, Change]:
    """What ``rule`` accepts on one report, as one undoable gold edit."""
    _gold(annotator)
    parsed = parse_rule(rule)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, GOLD, expect_version)
        state, sets, _ = _load(uow, report_id, annotators)
        step, next_key, _left = rule_step(state, parsed, next_key=_next_key(row.next_key, sets.get(GOLD)),
                                          actor=roles.acting(uow), now=now_iso(),
                                          spans={a: s.spans for a, s in sets.items()})
        change = _write(uow, report_id, step, row, next_key)
        uow.commit()
    return step, change


def copy_into_gold(ctx: ServiceContext, report_id: str, spans: Sequence[Span], relations: Sequence[Relation] = (),
                   *, label: str | None = None, annotator: str = GOLD,
                   expect_version: int | None = None) -> tuple[GoldStep, Change, dict[str, str]]:
    """Copy an annotator's spans (and the relations among them) into gold in one transaction
    (``core.gold_steps.copy_step``): a click in the text lanes, or a whole set. Returns the step
    (``apply_step`` of its inverse undoes it), the change, and each given span's gold id."""
    _gold(annotator)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, GOLD, expect_version)
        gold = uow.repo.set_from_row(row, GOLD)
        chars = uow.repo.report_chars(report_id)
        step, next_key, mapping = copy_step(report_id, gold.spans, gold.relations, spans, relations,
                                            next_key=_next_key(row.next_key, gold), label=label)
        for s in step.add_spans:
            check_bounds(s.start, s.end, chars)
            ctx.schema.check_span(s)
        by_id = {**gold.by_id(), **{s.id: s for s in step.add_spans}}
        for r in step.add_relations:
            ctx.schema.check_relation(r, by_id)
        change = _write(uow, report_id, step, row, next_key)
        uow.commit()
    return step, change, mapping


def take_out_of_gold(ctx: ServiceContext, report_id: str, span_id: str, *, annotator: str = GOLD,
                     expect_version: int | None = None) -> tuple[GoldStep, Change]:
    """Take one span out of gold, with the relations touching it and the events naming it
    (``core.gold_steps.removal_step``); ``apply_step`` of the step's inverse puts them back."""
    _gold(annotator)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, GOLD, expect_version)
        gold = uow.repo.set_from_row(row, GOLD)
        step = removal_step(report_id, gold.spans, gold.relations, gold.events, span_id)
        change = _write(uow, report_id, step, row, _next_key(row.next_key, gold))
        uow.commit()
    return step, change


def _gold(annotator: str) -> None:
    if annotator != GOLD:
        raise ValidationError(f"curation writes the gold set, not {annotator}'s")


# -- the corpus ----------------------------------------------------------------------------------------------
@dataclass
class RuleResult:
    rule: str
    dry_run: bool
    reports: list[dict[str, Any]] = field(default_factory=list)  # report, title, accepted, spans, relations, left
    skipped: list[dict[str, Any]] = field(default_factory=list)  # report, why

    @property
    def totals(self) -> dict[str, int]:
        keys = ("accepted", "spans", "relations", "left")
        return {k: sum(r[k] for r in self.reports) for k in keys}

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "dry_run": self.dry_run, "totals": self.totals, "reports": self.reports,
                "skipped": self.skipped}


def _corpus(uow: UnitOfWork, report_ids: Sequence[str] | None,
            annotators: Sequence[str]
            ) -> tuple[list[str], dict[str, dict[str, AnnotationSet]], dict[str, dict[str, str]]]:
    """Every set of the reports in scope, read in batches per annotator (not per report)."""
    keys = uow.repo.set_keys(report_ids=report_ids or None)
    ids = sorted({r for r, _ in keys} if report_ids is None or not report_ids else set(report_ids))
    by_who: dict[str, list[str]] = {}
    for rid, who in keys:
        by_who.setdefault(who, []).append(rid)
    sets: dict[str, dict[str, AnnotationSet]] = {rid: {} for rid in ids}
    for who, rids in by_who.items():
        if annotators and who not in annotators and who != GOLD:
            continue
        for _report, aset in uow.transfer.iter_sets(who, rids):
            sets.setdefault(aset.report_id, {})[who] = aset
    statuses: dict[str, dict[str, str]] = {}
    for s in uow.workflow.statuses(ids):
        statuses.setdefault(s.report_id, {})[s.annotator] = s.status
    return ids, sets, statuses


def accept_by_rule(ctx: ServiceContext, rule: str, report_ids: Sequence[str] = (), annotators: Sequence[str] = (),
                   *, dry_run: bool = False, progress: ProgressFn = no_progress,
                   cancel: CancelToken | None = None) -> RuleResult:
    """Accept into gold what ``rule`` accepts on every report in scope, in ONE transaction (a failure
    or a cancel leaves gold as it was); ``dry_run`` says what it would do and writes nothing.
    Curated reports are skipped (their gold is read-only until curation is reopened)."""
    parsed = parse_rule(rule)
    ids_in = [resolve_report_id(ctx, r) for r in report_ids]
    result = RuleResult(rule_name(parsed), dry_run)
    with ctx.uow() as uow:
        if not dry_run:
            roles.check_owner_write(uow, GOLD)
        ids, sets, statuses = _corpus(uow, ids_in or None, annotators)
        decisions = uow.curation.decisions(ids)
        gold_id = uow.repo.annotator_row(GOLD).id
        actor, now = roles.acting(uow), now_iso()
        candidates = [rid for rid in ids if len(_participants(sets[rid], statuses.get(rid, {}), annotators)) > 0]
        rows = uow.curation.gold_sets(candidates, gold_id) if not dry_run and candidates else {}
        titles = uow.workflow.report_titles(ids)
        steps: list[GoldStep] = []
        next_keys: dict[str, int] = {}
        for i, rid in enumerate(ids):
            if cancel is not None and i % 50 == 0:
                cancel.check()
            if i % 100 == 0:
                progress(i, len(ids), "curating")
            people = _participants(sets[rid], statuses.get(rid, {}), annotators)
            if not people:
                result.skipped.append({"report": rid, "title": titles.get(rid, ""), "why": "no annotator's set"})
                continue
            if is_read_only(GOLD, statuses.get(rid, {}).get(GOLD)):  # curated: the rule every set write obeys
                result.skipped.append({"report": rid, "title": titles.get(rid, ""), "why": "curated"})
                continue
            state = _state(rid, sets[rid], people, decisions.get(rid, {}))
            row_next = rows[rid][2] if rid in rows else 1
            step, next_key, left = rule_step(state, parsed, next_key=_next_key(row_next, sets[rid].get(GOLD)),
                                             actor=actor, now=now, spans={a: s.spans for a, s in sets[rid].items()})
            result.reports.append({"report": rid, "title": titles.get(rid, ""), "accepted": len(step.decisions_after),
                                   "spans": len(step.add_spans), "relations": len(step.add_relations), "left": left})
            if not step.empty:
                steps.append(step)
                next_keys[rid] = next_key
        if not dry_run and steps:
            # curated reports were skipped above and the role checked: what is left of the guard, in bulk
            uow.workflow.start_many([s.report_id for s in steps], GOLD, gold_id, by=actor, decision=True)
            uow.curation.apply_steps({rid: (sid, v) for rid, (sid, v, _nk) in rows.items()}, steps, actor, next_keys)
            if cancel is not None:
                cancel.check()
            uow.commit()
    progress(len(ids), len(ids), "")
    return result


def corpus_progress(ctx: ServiceContext, report_ids: Sequence[str] = (),
                    annotators: Sequence[str] = ()) -> dict[str, Any]:
    """Decided and all candidate groups per report and over the corpus (curated reports count whole)."""
    ids_in = [resolve_report_id(ctx, r) for r in report_ids]
    with ctx.uow() as uow:
        ids, sets, statuses = _corpus(uow, ids_in or None, annotators)
        decisions = uow.curation.decisions(ids)
    rows: list[dict[str, Any]] = []
    for rid in ids:
        people = _participants(sets[rid], statuses.get(rid, {}), annotators)
        if not people:
            continue
        decided, total = _state(rid, sets[rid], people, decisions.get(rid, {})).progress
        rows.append({"report": rid, "decided": decided, "groups": total,
                     "curated": statuses.get(rid, {}).get(GOLD) == CURATED})
    decided = sum(r["decided"] for r in rows)
    total = sum(r["groups"] for r in rows)
    return {"reports": rows, "decided": decided, "groups": total,
            "curated_reports": sum(1 for r in rows if r["curated"]), "n_reports": len(rows)}


def decisions(ctx: ServiceContext, report_id: str) -> list[Decision]:
    """The decisions recorded on one report (who decided what, when), in the order they were made."""
    rid = resolve_report_id(ctx, report_id)
    with ctx.uow() as uow:
        found = uow.curation.decisions([rid]).get(rid, {})
    return sorted(found.values(), key=lambda d: (d.decided_at, d.item))
