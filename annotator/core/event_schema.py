"""The ``events`` section of a project schema: event types, roles and how datasets read them.

It is data (``resources/schema/default.json`` ships one), so which labels play which role, which
relations prefill a role from a claim, which spans count as claims, and which role fills a dataset's
``actor1`` or ``location`` are never written in code:

```json
"events": {
  "roles": [{"name": "actor1", "labels": ["actor"], "max": 1, "prefill": ["actor"],
             "prefill_inside": false, "description": "..."}, ...],
  "types": [{"name": "air_drone_strike", "title": "Air/drone strike", "key": "",
             "description": "...", "acled": {...}, "plover": {...}, "ucdp-ged": {...}}, ...],
  "datasets": {"acled": {"actor1": ["actor1"], "location": ["place"], ...}, ...}
}
```

Which spans report events (``claim_labels``) and which relation names a claim's source
(``source_relations``) are not declared here but on the labels and relation types (``"record": "claim"`` /
``"record": "source"``, ``core.schema``), the same roles the structured record reads; an events section written
before schema version 3 may still list them, and the labels and relation types it names take those roles.

Prefilling from a claim (``prefill_roles``): roles are visited in schema order; a role takes the tails
of the claim's relations whose label it lists in ``prefill`` (in text order, each span once, up to its
``max``), then, with ``prefill_inside``, spans of its labels lying inside the claim. Two ``actor``
relations thus fill ``actor1`` then ``actor2``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.errors import ValidationError
from annotator.core.events import Event
from annotator.core.flags import UNLINKED, flagged
from annotator.core.relations import Relation
from annotator.core.spans import Span, sort_key
from annotator.core.wording import with_article

# the crosswalk keys a type may carry besides its own fields (one per export dataset)
_TYPE_FIELDS = {"name", "title", "key", "description"}


@dataclass(frozen=True)
class RoleDef:
    name: str
    labels: tuple[str, ...]  # labels of spans allowed in the role (empty: any)
    max: int | None = None  # most spans in the role (None: any number)
    prefill: tuple[str, ...] = ()  # relation labels (claim -> span) that fill it
    prefill_inside: bool = False  # also spans of its labels lying inside the claim
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "labels": list(self.labels), "max": self.max, "prefill": list(self.prefill),
                "prefill_inside": self.prefill_inside, "description": self.description}


@dataclass(frozen=True)
class EventType:
    name: str
    title: str
    key: str = ""
    description: str = ""
    crosswalk: dict[str, dict[str, Any]] = field(default_factory=dict)  # dataset -> its codes

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "title": self.title, "key": self.key,
                               "description": self.description}
        out.update({k: dict(v) for k, v in self.crosswalk.items()})
        return out


@dataclass(frozen=True)
class EventSchema:
    roles: tuple[RoleDef, ...]
    types: tuple[EventType, ...]
    claim_labels: tuple[str, ...] = ()
    source_relations: tuple[str, ...] = ()
    datasets: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # dataset -> slot -> roles

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventSchema:
        try:
            roles = tuple(RoleDef(str(d["name"]), tuple(str(x) for x in d.get("labels", ())),
                                  None if d.get("max") is None else int(d["max"]),
                                  tuple(str(x) for x in d.get("prefill", ())), bool(d.get("prefill_inside", False)),
                                  str(d.get("description", ""))) for d in data.get("roles", ()))
            types = tuple(EventType(str(d["name"]), str(d.get("title") or d["name"]), str(d.get("key", "")),
                                    str(d.get("description", "")),
                                    {k: dict(v) for k, v in d.items()
                                      if k not in _TYPE_FIELDS and isinstance(v, Mapping)})
                          for d in data.get("types", ()))
            datasets = {str(name): {str(slot): _names(v) for slot, v in slots.items()}
                        for name, slots in (data.get("datasets") or {}).items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValidationError(f"the schema's events section is malformed ({type(exc).__name__}: {exc})") from None
        return cls(roles, types, tuple(str(x) for x in data.get("claim_labels", ())),
                   tuple(str(x) for x in data.get("source_relations", ())), datasets)

    def to_dict(self) -> dict[str, Any]:
        # claim_labels / source_relations are not written: they are the labels' and relation types' record
        # roles (core.schema), read back when the schema is loaded
        return {"roles": [r.to_dict() for r in self.roles], "types": [t.to_dict() for t in self.types],
                "datasets": {n: {s: list(r) for s, r in slots.items()} for n, slots in self.datasets.items()}}

    def check(self, label_names: Sequence[str], relation_names: Sequence[str]) -> None:
        """Every name the section uses exists in the rest of the schema, and names are unique."""
        for what, names in (("role", [r.name for r in self.roles]), ("event type", [t.name for t in self.types])):
            if len(set(names)) != len(names):
                raise ValidationError(f"the schema defines an {what} twice")
            for n in names:
                if not n or any(c.isspace() for c in n):
                    raise ValidationError(f"{what} '{n}' must be one word")
        keys = [t.key for t in self.types if t.key]
        if len(set(keys)) != len(keys):
            raise ValidationError("two event types of the schema share a key")
        for lab in (*self.claim_labels, *(lab for r in self.roles for lab in r.labels)):
            if lab not in label_names:
                raise ValidationError(f"the schema's events section names unknown label '{lab}'")
        for rel in (*self.source_relations, *(p for r in self.roles for p in r.prefill)):
            if rel not in relation_names:
                raise ValidationError(f"the schema's events section names unknown relation type '{rel}'")
        role_names = {r.name for r in self.roles}
        for dataset, slots in self.datasets.items():
            for slot, roles in slots.items():
                for role in roles:
                    if role not in role_names:
                        raise ValidationError(f"dataset '{dataset}' reads {slot} from unknown role '{role}'")

    # -- queries -------------------------------------------------------------------------------
    def type(self, name: str) -> EventType:
        for t in self.types:
            if t.name == name:
                return t
        raise ValidationError(f"'{name}' is not an event type of the schema "
                              f"(types: {', '.join(t.name for t in self.types)})")

    def role(self, name: str) -> RoleDef:
        for r in self.roles:
            if r.name == name:
                return r
        raise ValidationError(f"'{name}' is not an event role of the schema "
                              f"(roles: {', '.join(r.name for r in self.roles)})")

    def slot(self, dataset: str, slot: str) -> tuple[str, ...]:
        """The roles that fill a dataset's field (``("place",)`` for ACLED ``location``)."""
        return self.datasets.get(dataset, {}).get(slot, ())

    # -- validation ----------------------------------------------------------------------------
    def check_event(self, event: Event, spans: Mapping[str, Span]) -> None:
        """Refuse an event the schema does not allow: unknown type or role, a span of the wrong label
        in a role, too many spans in a role, a claim that is not a claim, a missing span."""
        self.type(event.type)
        for role, ids in event.roles.items():
            rdef = self.role(role)
            if rdef.max is not None and len(ids) > rdef.max:
                raise ValidationError(f"event {event.id}: role {role} takes at most {rdef.max} span(s), "
                                      f"not {len(ids)}")
            if len(set(ids)) != len(ids):
                raise ValidationError(f"event {event.id}: role {role} names a span twice")
            for sid in ids:
                span = _span(spans, event, sid)
                if rdef.labels and span.label not in rdef.labels:
                    raise ValidationError(f"event {event.id}: role {role} is played by "
                                          f"{with_article('/'.join(rdef.labels))}, not {with_article(span.label)} "
                                          f"({sid})")
        for sid in event.claims:
            span = _span(spans, event, sid)
            if self.claim_labels and span.label not in self.claim_labels:
                raise ValidationError(f"event {event.id}: {sid} is {with_article(span.label)}, not "
                                      f"{with_article('/'.join(self.claim_labels))} that can report an event")
        if event.trigger:
            _span(spans, event, event.trigger)

    # -- prefill -------------------------------------------------------------------------------
    def is_claim(self, span: Span) -> bool:
        return not self.claim_labels or span.label in self.claim_labels

    def prefill_roles(self, claim: Span, spans: Iterable[Span],
                      relations: Iterable[Relation]) -> dict[str, tuple[str, ...]]:
        """The roles an event reported by ``claim`` starts with, from the claim's relations (and, for
        roles that ask for it, the spans inside the claim)."""
        by_id = {s.id: s for s in spans}
        relations = list(relations)
        outgoing = [r for r in relations if r.head == claim.id and r.tail in by_id
                    and r.label not in self.source_relations and not flagged(r.attrs, UNLINKED)]
        # the claimant is the claim's source, not a participant
        used: set[str] = {r.tail for r in relations if r.head == claim.id and r.label in self.source_relations}
        roles: dict[str, tuple[str, ...]] = {}
        for rdef in self.roles:
            found: list[Span] = sorted((by_id[r.tail] for r in outgoing if r.label in rdef.prefill), key=sort_key)
            if rdef.prefill_inside:
                found += sorted((s for s in by_id.values() if s.id != claim.id and claim.contains(s)
                                 and (not rdef.labels or s.label in rdef.labels)
                                 and not flagged(s.attrs, UNLINKED)), key=sort_key)
            chosen: list[str] = []
            for span in found:
                if span.id in used or span.id in chosen or (rdef.labels and span.label not in rdef.labels):
                    continue
                if rdef.max is not None and len(chosen) >= rdef.max:
                    break
                chosen.append(span.id)
            used.update(chosen)
            if chosen:
                roles[rdef.name] = tuple(chosen)
        return roles

    def source_of(self, claim: Span, spans: Mapping[str, Span], relations: Iterable[Relation]) -> Span | None:
        """The span that makes ``claim`` (its first source relation), if any."""
        for r in relations:
            if r.head == claim.id and r.label in self.source_relations and r.tail in spans \
                    and not flagged(r.attrs, UNLINKED):
                return spans[r.tail]
        return None


def _span(spans: Mapping[str, Span], event: Event, sid: str) -> Span:
    span = spans.get(sid)
    if span is None:
        raise ValidationError(f"event {event.id} names span {sid}, which does not exist")
    return span


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)

