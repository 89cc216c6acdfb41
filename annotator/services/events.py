"""Editing events: create (blank or from a claim), update, delete, restore; proposals from a claim.

Like ``services.annotate``, each edit is one transaction committed before the function returns, with
one edit-log entry and a version bump of the set, and returns the result and a ``Change`` (its
``events`` names the event). Undo is the inverse edit: ``update_event`` with the old event, or
``restore_event`` after ``delete_event``. The project schema's ``events`` section decides which types
and roles exist and which labels may fill a role; nothing here names a label."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.changes import Change
from annotator.core.errors import NotFound, StaleEdit, ValidationError
from annotator.core.event_schema import EventSchema
from annotator.core.events import Estimate, Event, event_to_dict
from annotator.services.annotate import check_writer, locked_set
from annotator.services.context import ServiceContext
from annotator.store.uow import UnitOfWork

if TYPE_CHECKING:
    from annotator.store.models import AnnotationSetRow

_UNSET: Any = object()


def event_schema(ctx: ServiceContext) -> EventSchema:
    """The project's event schema, or one sentence saying there is none."""
    if ctx.schema.events is None:
        raise ValidationError(f"the project schema '{ctx.schema.name}' defines no event types; import a schema "
                              "with an 'events' section (annotator schema import FILE)")
    return ctx.schema.events


def get_events(ctx: ServiceContext, report_id: str, annotator: str) -> list[Event]:
    """The events of one set, in creation order (the GUI's Events panel)."""
    with ctx.uow() as uow:
        uow.repo.report_chars(report_id)
        row = uow.repo.set_row(report_id, annotator)
        return [] if row is None else uow.events.events_of(row.id)


@dataclass(frozen=True)
class Proposal:
    """What an event created from a claim would start with: shown before the annotator confirms."""

    claim: str
    roles: dict[str, tuple[str, ...]]
    claims: tuple[str, ...]
    trigger: str | None
    types: tuple[str, ...] = field(default_factory=tuple)  # every event type, for the type picker


def propose_event(ctx: ServiceContext, report_id: str, claim_id: str, *, annotator: str) -> Proposal:
    """The roles an event reported by ``claim_id`` starts with, from the claim's relations (nothing is
    stored: the GUI shows it, the annotator picks a type and confirms with ``create_event_from_claim``)."""
    schema = event_schema(ctx)
    with ctx.uow() as uow:
        uow.repo.report_chars(report_id)
        aset = uow.repo.annotation_set(report_id, annotator)
    claim = aset.by_id().get(claim_id)
    if claim is None:
        raise NotFound(f"span {claim_id} is not in {annotator}'s set")
    if not schema.is_claim(claim):
        raise ValidationError(f"{claim_id} is a {claim.label}; an event is created from a "
                              f"{'/'.join(schema.claim_labels)}")
    roles = schema.prefill_roles(claim, aset.spans, aset.relations)
    return Proposal(claim.id, roles, (claim.id,), claim.id, tuple(t.name for t in schema.types))


def create_event_from_claim(ctx: ServiceContext, report_id: str, claim_id: str, event_type: str, *,
                            annotator: str, **fields: Any) -> tuple[Event, Change]:
    """One action: an event of ``event_type`` reported by the claim, its roles prefilled from the claim's
    relations (``fields`` — counts, qualifiers, attrs, roles — override the proposal)."""
    proposal = propose_event(ctx, report_id, claim_id, annotator=annotator)
    fields.setdefault("roles", proposal.roles)
    fields.setdefault("claims", proposal.claims)
    fields.setdefault("trigger", proposal.trigger)
    return create_event(ctx, report_id, event_type, annotator=annotator, **fields)


def create_event(ctx: ServiceContext, report_id: str, event_type: str, *, annotator: str,
                 roles: Mapping[str, Sequence[str]] | None = None, claims: Sequence[str] = (),
                 trigger: str | None = None, counts: Mapping[str, Any] | None = None,
                 qualifiers: Sequence[str] = (), attrs: Mapping[str, Any] | None = None,
                 incident: str | None = None, key: str | None = None, expect_version: int | None = None,
                 adjudicating: bool = False) -> tuple[Event, Change]:
    """Create an event; ``key`` re-uses an id (redo after undo keeps the event's identity).
    ``expect_version`` is the set's version the caller showed: another one refuses the edit."""
    who = check_writer(annotator, adjudicating=adjudicating)
    event = _build("?", event_type, roles, claims, trigger, counts, qualifiers, attrs, incident)
    with ctx.uow() as uow:
        uow.repo.report_chars(report_id)
        row = locked_set(uow, report_id, who, expect_version)
        event = event.with_(id=key or uow.events.take_key(row))
        _check(ctx, uow, row, event)
        uow.events.add_event(row.id, event)
        uow.repo.log_edit(row, who, "create_event", event.id, None, event_to_dict(event))
        uow.commit()
        return event, _change(row, report_id, who, "create_event", event.id)


def update_event(ctx: ServiceContext, report_id: str, event_id: str, *, annotator: str,
                 type: Any = _UNSET, roles: Any = _UNSET, claims: Any = _UNSET, trigger: Any = _UNSET,
                 counts: Any = _UNSET, qualifiers: Any = _UNSET, attrs: Any = _UNSET, incident: Any = _UNSET,
                 op: str = "update_event", expect_version: int | None = None, expect: Event | None = None,
                 adjudicating: bool = False) -> tuple[Event, Change]:
    """Change any field of an event in one edit (a role, a count, the type, ...). ``expect`` is the event
    as the caller showed it: a different stored event refuses the edit, as a stale version does."""
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, who, expect_version)
        erow = uow.events.event_row(row.id, event_id)
        before = _shown(uow.events.event(erow), expect)
        after = _build(event_id, before.type if type is _UNSET else type,
                       before.roles if roles is _UNSET else roles,
                       before.claims if claims is _UNSET else claims,
                       before.trigger if trigger is _UNSET else trigger,
                       before.counts if counts is _UNSET else counts,
                       before.qualifiers if qualifiers is _UNSET else qualifiers,
                       before.attrs if attrs is _UNSET else attrs,
                       before.incident if incident is _UNSET else incident)
        _check(ctx, uow, row, after)
        uow.events.replace_event(erow, after)
        uow.repo.log_edit(row, who, op, event_id, event_to_dict(before), event_to_dict(after))
        uow.commit()
        return after, _change(row, report_id, who, op, event_id)


def set_role(ctx: ServiceContext, report_id: str, event_id: str, role: str, span_ids: Sequence[str], *,
             annotator: str) -> tuple[Event, Change]:
    """Fill (or with ``()`` empty) one role of an event."""
    current = _event(ctx, report_id, event_id, annotator)
    roles = dict(current.roles)
    roles[role] = tuple(span_ids)
    return update_event(ctx, report_id, event_id, annotator=annotator, roles=roles, op="set_event_role")


def set_count(ctx: ServiceContext, report_id: str, event_id: str, kind: str, value: Any, *,
              annotator: str) -> tuple[Event, Change]:
    """Set one count (``2``, ``{"best": 2, "low": 1, "high": 4}``, or ``None`` to clear it)."""
    current = _event(ctx, report_id, event_id, annotator)
    counts = dict(current.counts)
    counts[kind] = Estimate.of(value, what=kind)
    return update_event(ctx, report_id, event_id, annotator=annotator, counts=counts, op="set_event_count")


def toggle_qualifier(ctx: ServiceContext, report_id: str, event_id: str, qualifier: str, *,
                     annotator: str) -> tuple[Event, Change]:
    """Switch a qualifier (negated, hypothetical, future, historical) on or off: one key, one edit."""
    current = _event(ctx, report_id, event_id, annotator)
    qs = [q for q in current.qualifiers if q != qualifier]
    if qualifier not in current.qualifiers:
        qs.append(qualifier)
    return update_event(ctx, report_id, event_id, annotator=annotator, qualifiers=qs, op="set_event_qualifier")


def delete_event(ctx: ServiceContext, report_id: str, event_id: str, *, annotator: str,
                 expect_version: int | None = None, expect: Event | None = None,
                 adjudicating: bool = False) -> tuple[Event, Change]:
    """Delete an event (returned, so ``restore_event`` can undo it exactly)."""
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, who, expect_version)
        erow = uow.events.event_row(row.id, event_id)
        event = _shown(uow.events.event(erow), expect)
        uow.events.delete_event(erow)
        uow.repo.log_edit(row, who, "delete_event", event_id, event_to_dict(event), None)
        uow.commit()
        return event, _change(row, report_id, who, "delete_event", event_id)


def restore_event(ctx: ServiceContext, report_id: str, event: Event, *, annotator: str,
                  expect_version: int | None = None, adjudicating: bool = False) -> Change:
    """Undo of a deletion: the same event (same id) again, as one edit."""
    who = check_writer(annotator, adjudicating=adjudicating)
    with ctx.uow() as uow:
        row = locked_set(uow, report_id, who, expect_version)
        _check(ctx, uow, row, event)
        uow.events.add_event(row.id, event)
        uow.repo.log_edit(row, who, "restore_event", event.id, None, event_to_dict(event))
        uow.commit()
        return _change(row, report_id, who, "restore_event", event.id)


# -- helpers ----------------------------------------------------------------------------------------
def _event(ctx: ServiceContext, report_id: str, event_id: str, annotator: str) -> Event:
    for e in get_events(ctx, report_id, annotator):
        if e.id == event_id:
            return e
    raise NotFound(f"event {event_id} does not exist (it may have been deleted)")


def _build(eid: str, event_type: str, roles: Mapping[str, Sequence[str]] | None, claims: Sequence[str],
           trigger: str | None, counts: Mapping[str, Any] | None, qualifiers: Sequence[str],
           attrs: Mapping[str, Any] | None, incident: str | None) -> Event:
    return Event(eid, str(event_type), {str(r): tuple(ids) for r, ids in (roles or {}).items()},
                 tuple(claims), trigger,
                 {str(k): Estimate.of(v, what=str(k)) for k, v in (counts or {}).items()},
                 tuple(qualifiers), dict(attrs or {}), incident or None).normalised()


def _check(ctx: ServiceContext, uow: UnitOfWork, row: AnnotationSetRow, event: Event) -> None:
    spans = {s.id: s for s in uow.repo.spans_of(row)}
    event_schema(ctx).check_event(event, spans)
    if event.incident:
        uow.events.incident(event.incident)  # NotFound for an unknown incident


def _shown(stored: Event, expect: Event | None) -> Event:
    """Refuse an edit of an event that is not what the caller showed."""
    if expect is not None and stored != expect:
        raise StaleEdit(f"event {stored.id} is not the one shown (it was changed since); nothing was written")
    return stored


def _change(row: AnnotationSetRow, report_id: str, annotator: str, op: str, event_id: str) -> Change:
    return Change(report_id, annotator, row.version, op, events=(event_id,))
