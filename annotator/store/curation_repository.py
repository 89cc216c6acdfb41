"""Curation decisions and gold steps, in bulk: a decision, its undo, or a rule over 1,000 reports is a
handful of multi-row statements. Never commits: the caller's unit of work decides."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from annotator.core.curation import Decision
from annotator.core.events import event_to_dict
from annotator.core.gold_steps import GoldStep
from annotator.store.event_repository import EventRepository
from annotator.store.mapping import relation_to_dict, span_to_dict
from annotator.store.models import AnnotationSetRow, CurationDecisionRow, EditRow, RelationRow, SpanRow, utcnow
from annotator.store.workflow_repository import iso, parse_iso

BATCH = 400


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class CurationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def decisions(self, report_ids: Sequence[str]) -> dict[str, dict[str, Decision]]:
        """Report id → item → the decision recorded for it."""
        out: dict[str, dict[str, Decision]] = {rid: {} for rid in report_ids}
        for chunk in _chunks(list(report_ids)):
            for r in self.session.scalars(select(CurationDecisionRow)
                                          .where(CurationDecisionRow.report_id.in_(chunk))):
                out.setdefault(r.report_id, {})[r.item] = Decision(
                    r.item, r.kind, r.choice, r.decided_by, iso(r.decided_at), r.rule, tuple(r.gold_keys or ()))
        return out

    def all_decisions(self) -> list[tuple[str, Decision]]:
        rows = self.session.scalars(select(CurationDecisionRow).order_by(CurationDecisionRow.report_id,
                                                                         CurationDecisionRow.item))
        return [(r.report_id, Decision(r.item, r.kind, r.choice, r.decided_by, iso(r.decided_at), r.rule,
                                       tuple(r.gold_keys or ()))) for r in rows]

    def put_decisions(self, report_id: str, remove: Iterable[str], add: Iterable[Decision]) -> None:
        self.replace_decisions({report_id: (list(remove), list(add))})

    def replace_decisions(self, changes: dict[str, tuple[list[str], list[Decision]]]) -> None:
        """Per report: the decisions of these items taken out, these put in (a handful of statements
        for any number of reports)."""
        for rid, (remove, add) in changes.items():
            items = sorted(set(remove) | {d.item for d in add})
            if not remove and not items:
                continue
            if remove or self._any_held(rid, items):
                for chunk in _chunks(items):
                    self.session.execute(delete(CurationDecisionRow).where(CurationDecisionRow.report_id == rid,
                                                                           CurationDecisionRow.item.in_(chunk)))
        values = [_decision_values(rid, d) for rid, (_r, add) in changes.items() for d in add]
        for chunk in _chunks(values):
            self.session.execute(insert(CurationDecisionRow.__table__), list(chunk))

    def _any_held(self, report_id: str, items: Sequence[str]) -> bool:
        return any(self.session.scalar(select(CurationDecisionRow.id).where(
            CurationDecisionRow.report_id == report_id, CurationDecisionRow.item.in_(chunk)).limit(1)) is not None
            for chunk in _chunks(items))

    def gold_sets(self, report_ids: Sequence[str], gold_id: int) -> dict[str, tuple[int, int, int]]:
        """Report id → (set id, version, next key) of gold on these reports, created where missing and
        locked (on PostgreSQL) until the transaction ends."""
        table = AnnotationSetRow.__table__
        found: dict[str, tuple[int, int, int]] = {}
        for chunk in _chunks(list(report_ids)):
            q = (select(table.c.report_id, table.c.id, table.c.version, table.c.next_key)
                 .where(table.c.annotator_id == gold_id, table.c.report_id.in_(chunk)).with_for_update())
            found.update((rid, (sid, v, nk)) for rid, sid, v, nk in self.session.execute(q))
        missing = [rid for rid in report_ids if rid not in found]
        now = utcnow()
        for chunk in _chunks(missing):
            stmt = insert(table).returning(table.c.report_id, table.c.id, sort_by_parameter_order=True)
            rows = self.session.execute(stmt, [{"report_id": rid, "annotator_id": gold_id, "version": 0, "next_key": 1,
                                                "status": "in progress", "updated_at": now} for rid in chunk])
            found.update((rid, (sid, 0, 1)) for rid, sid in rows)
        return found

    def apply_steps(self, gold_sets: dict[str, tuple[int, int]], steps: Sequence[GoldStep], actor: str,
                    next_keys: dict[str, int]) -> dict[str, int]:
        """Apply each report's step to its gold set (``gold_sets``: report id → (set id, version)), bump
        each version by one, log one edit per step; returns report id → new version."""
        steps = [s for s in steps if not s.empty]
        if not steps:
            return {}
        self.session.flush()
        now = utcnow()
        set_of = {s.report_id: gold_sets[s.report_id][0] for s in steps}
        events = EventRepository(self.session)
        for step in steps:
            sid = set_of[step.report_id]
            for e in step.remove_events:
                events.delete_event(events.event_row(sid, e.id))
            for keys in _chunks([r.id for r in step.remove_relations]):
                self.session.execute(delete(RelationRow.__table__).where(RelationRow.set_id == sid,
                                                                         RelationRow.key.in_(keys)))
            for keys in _chunks([s.id for s in step.remove_spans]):
                self.session.execute(delete(RelationRow.__table__).where(
                    RelationRow.set_id == sid, or_(RelationRow.head_id.in_(
                        select(SpanRow.id).where(SpanRow.set_id == sid, SpanRow.key.in_(keys))),
                        RelationRow.tail_id.in_(
                            select(SpanRow.id).where(SpanRow.set_id == sid, SpanRow.key.in_(keys))))))
                self.session.execute(delete(SpanRow.__table__).where(SpanRow.set_id == sid, SpanRow.key.in_(keys)))
        span_values = [{"set_id": set_of[st.report_id], "key": s.id, "start": s.start, "end": s.end, "label": s.label,
                        "attrs": dict(s.attrs), "value": s.value, "entity_id": s.entity, "resolution": s.resolution}
                       for st in steps for s in st.add_spans]
        row_ids: dict[tuple[int, str], int] = {}
        for chunk in _chunks(span_values):
            table = SpanRow.__table__
            stmt = insert(table).returning(table.c.id, table.c.set_id, table.c.key, sort_by_parameter_order=True)
            row_ids.update({(set_id, key): rid for rid, set_id, key in self.session.execute(stmt, list(chunk))})
        needed = {(set_of[st.report_id], k) for st in steps for r in st.add_relations for k in (r.head, r.tail)}
        missing = sorted(needed - set(row_ids))
        for chunk in _chunks(missing):
            cond = or_(*(and_(SpanRow.set_id == s, SpanRow.key == k) for s, k in chunk))
            row_ids.update({(s, k): i for i, s, k in self.session.execute(
                select(SpanRow.id, SpanRow.set_id, SpanRow.key).where(cond))})
        rel_values = [{"set_id": set_of[st.report_id], "key": r.id, "label": r.label, "attrs": dict(r.attrs),
                       "head_id": row_ids[(set_of[st.report_id], r.head)],
                       "tail_id": row_ids[(set_of[st.report_id], r.tail)]} for st in steps for r in st.add_relations]
        for chunk in _chunks(rel_values):
            self.session.execute(insert(RelationRow.__table__), list(chunk))
        for st in steps:  # events name spans by key: after the spans are in
            for e in st.add_events:
                events.add_event(set_of[st.report_id], e)
        self.replace_decisions({st.report_id: ([d.item for d in st.decisions_before], list(st.decisions_after))
                                for st in steps if st.decisions_before or st.decisions_after})
        versions = {st.report_id: gold_sets[st.report_id][1] + 1 for st in steps}
        table = AnnotationSetRow.__table__
        self.session.execute(
            update(table).where(table.c.id == bindparam("sid"))
            .values(version=bindparam("v"), next_key=bindparam("nk"), updated_at=bindparam("at")),
            [{"sid": set_of[st.report_id], "v": versions[st.report_id], "nk": next_keys[st.report_id], "at": now}
             for st in steps])
        self.session.execute(insert(EditRow.__table__), [
            {"set_id": set_of[st.report_id], "version": versions[st.report_id], "annotator": actor, "at": now,
             "op": st.op, "target": st.target or None,
             "before": _dump(st.remove_spans, st.remove_relations, st.decisions_before, st.remove_events),
             "after": _dump(st.add_spans, st.add_relations, st.decisions_after, st.add_events)} for st in steps])
        self.session.expire_all()  # ORM objects loaded earlier must not shadow what was written
        return versions


def _decision_values(report_id: str, d: Decision) -> dict[str, Any]:
    return {"report_id": report_id, "item": d.item, "kind": d.kind, "choice": d.choice, "rule": d.rule,
            "gold_keys": list(d.gold_keys), "decided_by": d.decided_by, "decided_at": parse_iso(d.decided_at)}


def _dump(spans: Sequence[Any], relations: Sequence[Any], decisions: Sequence[Decision],
          events: Sequence[Any] = ()) -> dict[str, Any]:
    out = {"spans": [span_to_dict(s) for s in spans], "relations": [relation_to_dict(r) for r in relations],
           "decisions": [d.to_json() for d in decisions]}
    if events:
        out["events"] = [event_to_dict(e) for e in events]
    return out
