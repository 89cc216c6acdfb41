"""Incidents: grouping events of several reports and sources that describe one happening.

An incident's title and notes are its own rows; membership is each event's ``incident`` field, so
grouping or ungrouping an event is an edit of that event's set (logged, version bumped, carried by
bundles like any other edit). Each function is one committed transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from annotator.core.changes import Change
from annotator.core.errors import ValidationError
from annotator.core.events import Incident, event_to_dict
from annotator.services.annotate import check_writer
from annotator.services.context import ServiceContext

Member = tuple[str, str, str]  # (report id, annotator, event id)


def new_incident_id() -> str:
    """A fresh id, unique across workstations (bundles merge incidents by id)."""
    return f"I-{uuid.uuid4().hex[:16]}"


def list_incidents(ctx: ServiceContext) -> list[dict[str, Any]]:
    """Every incident with how many events it groups."""
    with ctx.uow() as uow:
        sizes = uow.events.incident_sizes()
        return [{**i.to_dict(), "events": sizes.get(i.id, 0)} for i in uow.events.incidents().values()]


def create_incident(ctx: ServiceContext, title: str, notes: str = "", *, members: Sequence[Member] = (),
                    incident_id: str | None = None) -> tuple[Incident, list[Change]]:
    """A new incident, grouping ``members`` at once (one transaction)."""
    incident = Incident(incident_id or new_incident_id(), title.strip(), notes)
    with ctx.uow() as uow:
        uow.events.save_incident(incident)
        changes = _assign(uow, members, incident.id)
        uow.commit()
    return incident, changes


def group_events(ctx: ServiceContext, incident_id: str, members: Sequence[Member]) -> list[Change]:
    """Put events into an incident (taking them out of any other), as one transaction."""
    with ctx.uow() as uow:
        uow.events.incident(incident_id)
        changes = _assign(uow, members, incident_id)
        uow.commit()
    return changes


def delete_incident(ctx: ServiceContext, incident_id: str) -> list[Change]:
    """Ungroup every member (logged edits of their sets), then delete the incident; one transaction."""
    with ctx.uow() as uow:
        members = [(rid, who, ev.id) for rid, who, _sid, ev in uow.events.members(incident_id)]
        changes = _assign(uow, members, None)
        uow.events.delete_incident(incident_id)
        uow.commit()
    return changes


def incident_members(ctx: ServiceContext, incident_id: str) -> list[Member]:
    with ctx.uow() as uow:
        uow.events.incident(incident_id)
        return [(rid, who, ev.id) for rid, who, _sid, ev in uow.events.members(incident_id)]


def incident_summary(ctx: ServiceContext, incident_id: str) -> dict[str, Any]:
    """The incident's events side by side: each event's figures with its sources' grades, the
    derived best/low/high per count and the number of distinct sources (what GED receives)."""
    from annotator.events.incidents import group  # noqa: PLC0415 (the event exporters, 0.2 s to import, only for a summary)
    from annotator.services.event_export import iter_resolved  # noqa: PLC0415 (the event exporters, 0.2 s to import, only for a summary)
    from annotator.services.export import ExportScope  # noqa: PLC0415 (the event exporters, 0.2 s to import, only for a summary)

    members = incident_members(ctx, incident_id)
    resolved = []
    for rid, who in sorted({(r, w) for r, w, _ in members}):
        resolved += [ev for ev in iter_resolved(ctx, ExportScope((who,), (rid,))) if ev.event.incident == incident_id]
    units = group(resolved)
    if not units:
        with ctx.uow() as uow:
            return {"incident": uow.events.incident(incident_id).to_dict(), "events": [], "number_of_sources": 0,
                    "counts": {}, "conflicting": []}
    return units[0].to_dict()


def _assign(uow: Any, members: Sequence[Member], incident_id: str | None) -> list[Change]:
    changes = []
    for report_id, annotator, event_id in members:
        who = check_writer(annotator, adjudicating=True)
        row = uow.repo.set_row(report_id, who, lock=True)
        if row is None:
            raise ValidationError(f"{who} has no events on report {report_id[:12]}…")
        erow = uow.events.event_row(row.id, event_id)
        before = uow.events.event(erow)
        if before.incident == incident_id:
            continue
        after = before.with_(incident=incident_id)
        uow.events.replace_event(erow, after)
        op = "group_event" if incident_id else "ungroup_event"
        uow.repo.log_edit(row, who, op, event_id, event_to_dict(before), event_to_dict(after))
        changes.append(Change(report_id, who, row.version, op, events=(event_id,)))
    return changes
