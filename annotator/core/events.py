"""Events: what happened, built from spans already in a set, and incidents grouping events.

An event belongs to one annotation set (like spans and relations) and names spans of that set by id:
the roles its participants play (which roles exist, and which labels may fill them, is data in the
project schema's ``events`` section), the claims that report it, and optionally the span that triggers
it. It carries a type from the project schema, counts (fatalities, injured, arrested; each a best / low /
high estimate), qualifiers (negated, hypothetical, future, historical) and free attributes for dataset
codes the schema cannot derive (``acled.inter1``, ``plover.mode``, ...).

An incident groups events of several reports, sets and sources that describe the same happening; its
events keep their own counts, so conflicting figures stay side by side.

This module also holds the native JSON form of both (native JSONL lines, exchange bundles and the edit
log all use ``event_to_dict`` / ``event_from_dict``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.core.errors import ValidationError

QUALIFIERS = ("negated", "hypothetical", "future", "historical")
COUNT_KINDS = ("fatalities", "injured", "arrested")
ESTIMATES = ("best", "low", "high")


@dataclass(frozen=True)
class Estimate:
    """A reported number with its range; any part may be unknown. ``low <= best <= high`` when given."""

    best: int | None = None
    low: int | None = None
    high: int | None = None

    @classmethod
    def of(cls, value: Any, *, what: str = "count") -> Estimate:
        """From an int (exact), a dict ``{"best", "low", "high"}`` or an ``Estimate``; validated."""
        if isinstance(value, Estimate):
            est = value
        elif value is None:
            est = cls()
        elif isinstance(value, int) and not isinstance(value, bool):
            est = cls(value, value, value)
        elif isinstance(value, Mapping):
            unknown = set(value) - set(ESTIMATES)
            if unknown:
                raise ValidationError(f"{what} has unknown part(s) {', '.join(sorted(unknown))} "
                                      "(expected best, low, high)")
            est = cls(*(_count(value.get(k), f"{what} {k}") for k in ESTIMATES))
        else:
            raise ValidationError(f"{what} must be a number or {{best, low, high}}, not {value!r:.40}")
        est.check(what)
        return est

    def check(self, what: str = "count") -> None:
        for name in ESTIMATES:
            _count(getattr(self, name), f"{what} {name}")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValidationError(f"{what}: low estimate {self.low} is above the high estimate {self.high}")
        if self.best is not None:
            if self.low is not None and self.best < self.low:
                raise ValidationError(f"{what}: best estimate {self.best} is below the low estimate {self.low}")
            if self.high is not None and self.best > self.high:
                raise ValidationError(f"{what}: best estimate {self.best} is above the high estimate {self.high}")

    @property
    def is_empty(self) -> bool:
        return self.best is None and self.low is None and self.high is None

    def filled(self) -> Estimate:
        """Best, low and high each filled from the others where missing (a single figure is exact)."""
        best = self.best if self.best is not None else (self.low if self.low is not None else self.high)
        low = self.low if self.low is not None else best
        high = self.high if self.high is not None else best
        return Estimate(best, low, high)

    def to_dict(self) -> dict[str, int | None]:
        return {"best": self.best, "low": self.low, "high": self.high}


def _count(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{what} must be a whole number, not {value!r:.30}")
    if value < 0:
        raise ValidationError(f"{what} cannot be negative ({value})")
    return value


@dataclass(frozen=True)
class Event:
    """One event of one annotation set. ``id`` is unique within the set (``E3``)."""

    id: str
    type: str
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # role -> span ids, in order
    claims: tuple[str, ...] = ()  # span ids of the claims reporting the event
    trigger: str | None = None  # the span that names the event (often the claim itself)
    counts: dict[str, Estimate] = field(default_factory=dict)  # kind (COUNT_KINDS) -> estimate
    qualifiers: tuple[str, ...] = ()  # subset of QUALIFIERS, in that order
    attrs: dict[str, Any] = field(default_factory=dict)
    incident: str | None = None  # incident id

    def with_(self, **changes: Any) -> Event:
        return replace(self, **changes)

    def span_ids(self) -> list[str]:
        """Every span the event names (roles, claims, trigger), each once, in that order."""
        seen: dict[str, None] = {}
        for ids in self.roles.values():
            seen.update(dict.fromkeys(ids))
        seen.update(dict.fromkeys(self.claims))
        if self.trigger:
            seen[self.trigger] = None
        return list(seen)

    def count(self, kind: str) -> Estimate:
        return self.counts.get(kind, Estimate())

    def normalised(self) -> Event:
        """Qualifiers in canonical order, empty roles and counts dropped; checks kinds and qualifiers."""
        unknown_q = [q for q in self.qualifiers if q not in QUALIFIERS]
        if unknown_q:
            raise ValidationError(f"event {self.id}: unknown qualifier(s) {', '.join(unknown_q)} "
                                  f"(qualifiers: {', '.join(QUALIFIERS)})")
        unknown_c = [k for k in self.counts if k not in COUNT_KINDS]
        if unknown_c:
            raise ValidationError(f"event {self.id}: unknown count(s) {', '.join(unknown_c)} "
                                  f"(counts: {', '.join(COUNT_KINDS)})")
        counts = {k: Estimate.of(self.counts[k], what=f"event {self.id} {k}") for k in COUNT_KINDS
                  if k in self.counts and not Estimate.of(self.counts[k]).is_empty}
        roles = {r: tuple(ids) for r, ids in self.roles.items() if ids}
        qualifiers = tuple(q for q in QUALIFIERS if q in self.qualifiers)
        return replace(self, roles=roles, counts=counts, qualifiers=qualifiers,
                       claims=tuple(dict.fromkeys(self.claims)))


@dataclass(frozen=True)
class Incident:
    """A group of events (any reports, any sets) that describe one happening. ``id`` is global."""

    id: str
    title: str = ""
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "notes": self.notes}


# -- native JSON --------------------------------------------------------------------------------------
def event_to_dict(event: Event, span_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """The JSON object of an event. With ``span_ids`` (the set's spans), references to spans that no
    longer exist (deleted since; undo would bring them back) are left out, so the object is whole."""
    known = set(span_ids) if span_ids is not None else None

    def keep(ids: Iterable[str]) -> list[str]:
        return [i for i in ids if known is None or i in known]

    out: dict[str, Any] = {"id": event.id, "type": event.type,
                           "roles": {r: keep(ids) for r, ids in event.roles.items() if keep(ids)},
                           "claims": keep(event.claims)}
    if event.trigger and (known is None or event.trigger in known):
        out["trigger"] = event.trigger
    if event.counts:
        out["counts"] = {k: e.to_dict() for k, e in event.counts.items()}
    if event.qualifiers:
        out["qualifiers"] = list(event.qualifiers)
    if event.attrs:
        out["attrs"] = dict(event.attrs)
    if event.incident:
        out["incident"] = event.incident
    return out


_EVENT_KEYS = {"id", "type", "roles", "claims", "trigger", "counts", "qualifiers", "attrs", "incident"}


def event_from_dict(data: Any) -> Event:
    """An event from its JSON object; every problem is one ``ValidationError`` sentence."""
    if not isinstance(data, Mapping):
        raise ValidationError(f"event {data!r:.40} is not an object")
    eid = data.get("id")
    if not isinstance(eid, str) or not eid:
        raise ValidationError(f"an event has no id ({dict(data)!r:.60})")
    unknown = set(data) - _EVENT_KEYS
    if unknown:
        raise ValidationError(f"event {eid}: unknown key(s) {', '.join(sorted(unknown))}")
    etype = data.get("type")
    if not isinstance(etype, str) or not etype:
        raise ValidationError(f"event {eid} has no type")
    roles_raw = data.get("roles") or {}
    if not isinstance(roles_raw, Mapping):
        raise ValidationError(f"event {eid}: 'roles' is not an object")
    roles = {}
    for role, ids in roles_raw.items():
        roles[str(role)] = _ids(ids, f"event {eid} role {role}")
    counts_raw = data.get("counts") or {}
    if not isinstance(counts_raw, Mapping):
        raise ValidationError(f"event {eid}: 'counts' is not an object")
    counts = {str(k): Estimate.of(v, what=f"event {eid} {k}") for k, v in counts_raw.items()}
    trigger = data.get("trigger")
    if trigger is not None and not isinstance(trigger, str):
        raise ValidationError(f"event {eid}: 'trigger' is not a span id")
    attrs = data.get("attrs") or {}
    if not isinstance(attrs, Mapping):
        raise ValidationError(f"event {eid}: 'attrs' is not an object")
    incident = data.get("incident")
    if incident is not None and (not isinstance(incident, str) or not incident):
        raise ValidationError(f"event {eid}: 'incident' is not an incident id")
    qualifiers = data.get("qualifiers") or []
    if not isinstance(qualifiers, list):
        raise ValidationError(f"event {eid}: 'qualifiers' is not a list")
    return Event(eid, etype, roles, _ids(data.get("claims") or [], f"event {eid} claims"), trigger,
                 counts, tuple(str(q) for q in qualifiers), dict(attrs), incident).normalised()


def incident_from_dict(data: Any) -> Incident:
    if not isinstance(data, Mapping) or not isinstance(data.get("id"), str) or not data["id"]:
        raise ValidationError(f"incident {data!r:.60} has no id")
    for key in ("title", "notes"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ValidationError(f"incident {data['id']}: '{key}' is not text")
    return Incident(data["id"], data.get("title") or "", data.get("notes") or "")


def _ids(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValidationError(f"{what} must be a list of span ids")
    return tuple(value)


def check_event_spans(event: Event, span_ids: Iterable[str]) -> None:
    """Refuse an event naming a span that is not in its set."""
    known = set(span_ids)
    for sid in event.span_ids():
        if sid not in known:
            raise ValidationError(f"event {event.id} names span {sid}, which does not exist")


def events_of_line(obj: Mapping[str, Any], span_ids: Iterable[str]) -> tuple[tuple[Event, ...], tuple[Incident, ...]]:
    """The ``events`` and ``incidents`` of a native JSONL line (or bundle set line), fully checked:
    ids unique, every span named exists, every incident named is described at most once."""
    raw_events = obj.get("events") or []
    raw_incidents = obj.get("incidents") or []
    if not isinstance(raw_events, list) or not isinstance(raw_incidents, list):
        raise ValidationError("'events' and 'incidents' must be lists")
    known = list(span_ids)
    events = tuple(event_from_dict(d) for d in raw_events)
    ids = [e.id for e in events]
    if len(set(ids)) != len(ids):
        raise ValidationError("uses an event id twice")
    for e in events:
        check_event_spans(e, known)
    incidents = tuple(incident_from_dict(d) for d in raw_incidents)
    if len({i.id for i in incidents}) != len(incidents):
        raise ValidationError("describes an incident twice")
    return events, incidents
