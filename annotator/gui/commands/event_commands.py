"""Undoable event edits, on the same path as span edits (``EditCommand``): each step is one service
call on the database lane naming the set, its version and the event as shown; redo after undo puts
back exactly the event undo removed (same id, roles, counts, qualifiers)."""

from __future__ import annotations

from typing import Any

from annotator.core.events import Event
from annotator.gui.commands.span_commands import EditCommand, ServiceCall
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.session import EditSession, OpenSet
from annotator.services import events as event_service


class CreateEventFromClaim(EditCommand):
    """An event of a type, reported by a claim, its roles prefilled from the claim's relations."""

    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet, claim_id: str,
                 event_type: str, title: str) -> None:
        super().__init__(session, document, target, f"Create event {title}")
        self.claim_id, self.event_type = claim_id, event_type
        self.event: Event | None = None

    def _redo_call(self, first: bool) -> ServiceCall:
        if first:
            return event_service.create_event_from_claim, (self.claim_id, self.event_type), {}
        assert self.event is not None
        return event_service.restore_event, (self.event,), {}

    def _redone(self, result: Any) -> None:
        if isinstance(result, tuple):
            self.event = result[0]
        assert self.event is not None
        if self.shown:
            self.document.upsert_event(self.event)

    def _undo_call(self) -> ServiceCall:
        assert self.event is not None
        return event_service.delete_event, (self.event.id,), {"expect": self.event}

    def _undone(self, _result: Any) -> None:
        assert self.event is not None
        if self.shown:
            self.document.remove_event(self.event.id)


def _fields(event: Event) -> dict[str, Any]:
    """Every field of an event, as ``update_event`` takes them (undo and redo put them all back)."""
    return {"type": event.type, "roles": {r: list(ids) for r, ids in event.roles.items()},
            "claims": list(event.claims), "trigger": event.trigger,
            "counts": {k: v.to_dict() for k, v in event.counts.items()}, "qualifiers": list(event.qualifiers),
            "attrs": dict(event.attrs), "incident": event.incident}


class UpdateEvent(EditCommand):
    """One change of an event (type, a role, a count, a qualifier)."""

    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet, before: Event, text: str,
                 op: str = "update_event", **fields: Any) -> None:
        super().__init__(session, document, target, text)
        self.before = before
        self.fields = fields
        self.after: Event | None = None
        self.op = op

    def _redo_call(self, first: bool) -> ServiceCall:
        fields = self.fields if first else _fields(self.after) if self.after else self.fields
        return event_service.update_event, (self.before.id,), {**fields, "op": self.op, "expect": self.before}

    def _redone(self, result: Any) -> None:
        self.after = result[0]
        if self.shown and self.after is not None:
            self.document.upsert_event(self.after)

    def _undo_call(self) -> ServiceCall:
        return event_service.update_event, (self.before.id,), {**_fields(self.before), "op": self.op,
                                                                 "expect": self.after}

    def _undone(self, result: Any) -> None:
        if self.shown:
            self.document.upsert_event(result[0])


class DeleteEvent(EditCommand):
    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet, event: Event,
                 title: str) -> None:
        super().__init__(session, document, target, f"Delete event {title}")
        self.event = event

    def _redo_call(self, first: bool) -> ServiceCall:
        return event_service.delete_event, (self.event.id,), {"expect": self.event}

    def _redone(self, _result: Any) -> None:
        if self.shown:
            self.document.remove_event(self.event.id)

    def _undo_call(self) -> ServiceCall:
        return event_service.restore_event, (self.event,), {}

    def _undone(self, _result: Any) -> None:
        if self.shown:
            self.document.upsert_event(self.event)
