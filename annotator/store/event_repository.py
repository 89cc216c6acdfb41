"""Events and incidents in core types. Single edits and bulk paths (loads, bundles, exports) both live
here, so every caller reads and writes events the same way. Never commits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from annotator.core.errors import NotFound
from annotator.core.events import Event, Incident
from annotator.core.ids import highest_key_number
from annotator.store.mapping import event_argument_values, event_from_row, event_values
from annotator.store.models import AnnotationSetRow, AnnotatorRow, EventArgumentRow, EventRow, IncidentRow, utcnow

BATCH = 500


def _chunks(items: Sequence[int] | Sequence[str], size: int = BATCH) -> Iterator[Sequence]:  # type: ignore[type-arg]
    for i in range(0, len(items), size):
        yield items[i:i + size]


class EventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reading -------------------------------------------------------------------------------
    def type_counts(self) -> dict[str, int]:
        """Stored event types with their counts."""
        return {t: n for t, n in self.session.execute(select(EventRow.type, func.count(EventRow.id))
                                                      .group_by(EventRow.type))}

    def events_of(self, set_id: int) -> list[Event]:
        return self.events_of_sets([set_id]).get(set_id, [])

    def events_of_sets(self, set_ids: Sequence[int]) -> dict[int, list[Event]]:
        """The events of many sets, a batch of sets per query pair, in creation order within each set
        (plain rows, not ORM instances: exports read tens of thousands)."""
        out: dict[int, list[Event]] = {}
        events, arguments = EventRow.__table__, EventArgumentRow.__table__
        for chunk in _chunks(list(set_ids)):
            rows = list(self.session.execute(select(events).where(events.c.set_id.in_(chunk))
                                             .order_by(events.c.set_id, events.c.id)))
            if not rows:
                continue
            args: dict[int, list[Any]] = {}
            for ids in _chunks([r.id for r in rows]):
                for a in self.session.execute(select(arguments).where(arguments.c.event_id.in_(ids))):
                    args.setdefault(a.event_id, []).append(a)
            for r in rows:
                out.setdefault(r.set_id, []).append(event_from_row(r, args.get(r.id, [])))
        return out

    def event_row(self, set_id: int, key: str) -> EventRow:
        row = self.session.scalar(select(EventRow).where(EventRow.set_id == set_id, EventRow.key == key))
        if row is None:
            raise NotFound(f"event {key} does not exist (it may have been deleted)")
        return row

    def event(self, row: EventRow) -> Event:
        return event_from_row(row, row.arguments)

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(EventRow)) or 0

    def has_events(self) -> bool:
        """Whether any set holds an event: one indexed row read, so bulk paths skip event queries
        (and event deletes) on a database without events."""
        return self.session.scalar(select(EventRow.id).limit(1)) is not None

    # -- single edits --------------------------------------------------------------------------
    def add_event(self, set_id: int, event: Event) -> int:
        event_id = self.session.execute(insert(EventRow).values(set_id=set_id, **event_values(event))
                                        .returning(EventRow.id)).scalar_one()
        self._add_arguments({event_id: event})
        return event_id

    def replace_event(self, row: EventRow, event: Event) -> None:
        """Store ``event`` (same key) in place of what ``row`` holds."""
        for name, value in event_values(event).items():
            setattr(row, name, value)
        self.session.execute(delete(EventArgumentRow).where(EventArgumentRow.event_id == row.id))
        self.session.flush()
        self._add_arguments({row.id: event})
        self.session.expire(row, ["arguments"])

    def delete_event(self, row: EventRow) -> None:
        self.session.execute(delete(EventArgumentRow).where(EventArgumentRow.event_id == row.id))
        self.session.execute(delete(EventRow).where(EventRow.id == row.id))

    def take_key(self, set_row: AnnotationSetRow) -> str:
        """A fresh ``E<n>`` from the set's counter (shared with spans and relations; never reused)."""
        n = set_row.next_key
        keys = [k for k in self.session.scalars(select(EventRow.key).where(EventRow.set_id == set_row.id))]
        highest = highest_key_number(keys)
        if highest >= n:
            n = highest + 1
        set_row.next_key = n + 1
        return f"E{n}"

    # -- bulk ----------------------------------------------------------------------------------
    def replace_set_events(self, events_by_set: dict[int, Sequence[Event]]) -> None:
        """Drop the events of these sets and store these instead (loads, bundle imports), with a
        handful of multi-row statements per batch."""
        set_ids = list(events_by_set)
        for chunk in _chunks(set_ids):
            ids = list(self.session.scalars(select(EventRow.id).where(EventRow.set_id.in_(chunk))))
            for sub in _chunks(ids):
                self.session.execute(delete(EventArgumentRow).where(EventArgumentRow.event_id.in_(sub)))
            self.session.execute(delete(EventRow).where(EventRow.set_id.in_(chunk)))
        values = [{"set_id": sid, **event_values(e)} for sid, events in events_by_set.items() for e in events]
        if not values:
            return
        self._ensure_incidents({e.incident for events in events_by_set.values() for e in events if e.incident})
        table = EventRow.__table__
        stmt = insert(table).returning(table.c.id, table.c.set_id, table.c.key, sort_by_parameter_order=True)
        new_ids = {(sid, key): eid for eid, sid, key in self.session.execute(stmt, values)}
        self._add_arguments({new_ids[(sid, e.id)]: e for sid, events in events_by_set.items() for e in events})

    def _add_arguments(self, events: dict[int, Event]) -> None:
        values = [{"event_id": eid, **a} for eid, event in events.items() for a in event_argument_values(event)]
        if values:
            self.session.execute(insert(EventArgumentRow.__table__), values)

    # -- incidents -----------------------------------------------------------------------------
    def incident(self, incident_id: str) -> Incident:
        row = self.session.get(IncidentRow, incident_id)
        if row is None:
            raise NotFound(f"incident {incident_id} does not exist")
        return Incident(row.id, row.title, row.notes)

    def incidents(self, ids: Iterable[str] | None = None) -> dict[str, Incident]:
        q = select(IncidentRow).order_by(IncidentRow.id)
        if ids is not None:
            wanted = sorted(set(ids))
            found: dict[str, Incident] = {}
            for chunk in _chunks(wanted):
                found.update((r.id, Incident(r.id, r.title, r.notes))
                             for r in self.session.scalars(q.where(IncidentRow.id.in_(chunk))))
            return found
        return {r.id: Incident(r.id, r.title, r.notes) for r in self.session.scalars(q)}

    def save_incident(self, incident: Incident) -> None:
        row = self.session.get(IncidentRow, incident.id)
        if row is None:
            self.session.add(IncidentRow(id=incident.id, title=incident.title, notes=incident.notes,
                                         updated_at=utcnow()))
        else:
            row.title, row.notes, row.updated_at = incident.title, incident.notes, utcnow()
        self.session.flush()

    def delete_incident(self, incident_id: str) -> None:
        """Delete an incident; its events stay, no longer grouped (the foreign key sets them to null)."""
        self.session.execute(delete(IncidentRow).where(IncidentRow.id == incident_id))

    def _ensure_incidents(self, ids: set[str]) -> None:
        missing = sorted(ids - set(self.incidents(ids)))
        if missing:
            now = utcnow()
            self.session.execute(insert(IncidentRow.__table__),
                                 [{"id": i, "title": "", "notes": "", "updated_at": now} for i in missing])

    def members(self, incident_id: str) -> list[tuple[str, str, int, Event]]:
        """(report id, annotator, set id, event) of every event grouped in the incident."""
        rows = self.session.execute(
            select(EventRow, AnnotationSetRow.report_id, AnnotatorRow.name)
            .join(AnnotationSetRow, AnnotationSetRow.id == EventRow.set_id)
            .join(AnnotatorRow, AnnotatorRow.id == AnnotationSetRow.annotator_id)
            .where(EventRow.incident_id == incident_id)
            .order_by(AnnotationSetRow.report_id, AnnotatorRow.name, EventRow.id)).all()
        return [(rid, who, row.set_id, self.event(row)) for row, rid, who in rows]

    def incident_sizes(self) -> dict[str, int]:
        q = select(EventRow.incident_id, func.count()).where(EventRow.incident_id.is_not(None)) \
            .group_by(EventRow.incident_id)
        return {iid: n for iid, n in self.session.execute(q) if iid is not None}  # the query has none: for the type
