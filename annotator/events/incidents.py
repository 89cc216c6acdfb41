"""Incidents: events of several reports and sources that describe one happening, read together.

Each event keeps its own figures; an incident lists them side by side with the grade of the source
that gave them (``statements``) and derives what datasets want from a group:

- GED ``best``/``low``/``high``: ``low`` is the lowest low, ``high`` the highest high, ``best`` the best
  estimate of the best-graded statement (Admiralty rank: reliability first, then credibility; ties go
  to the lower median of the tied figures);
- ACLED ``fatalities``: the most conservative (lowest) best estimate, as ACLED's codebook asks;
- ``number_of_sources``: distinct sources across all reporting claims;
- the type is the best-graded event's; actors, place and date come each from the best-graded event
  that has them (a place with coordinates before one without).

An event outside any incident is an incident of one (the same rules give its own figures)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.core.events import Estimate, Incident
from annotator.core.grading import Grade
from annotator.events.resolve import ActorRef, DateRef, PlaceRef, ResolvedEvent


@dataclass(frozen=True)
class Statement:
    """One event's figure for one count, with who gave it and how it is graded."""

    report_id: str
    annotator: str
    event_id: str
    sources: tuple[str, ...]
    grade: Grade
    estimate: Estimate

    def to_dict(self) -> dict[str, Any]:
        return {"report": self.report_id, "annotator": self.annotator, "event": self.event_id,
                "sources": list(self.sources), "grade": self.grade.code, **self.estimate.to_dict()}


@dataclass(frozen=True)
class IncidentSummary:
    incident: Incident | None
    events: tuple[ResolvedEvent, ...]  # best-graded first

    @property
    def lead(self) -> ResolvedEvent:
        """The event whose type, actors, place and date stand for the incident: the best graded."""
        return self.events[0]

    @property
    def key(self) -> str:
        return self.incident.id if self.incident is not None else self.lead.key

    # -- the incident's fields: each from the best-graded event that has it ---------------------
    def crosswalk(self, dataset: str) -> dict[str, Any]:
        """The lead's type codes; dataset attributes from every event, the better graded first."""
        out: dict[str, Any] = {}
        for ev in reversed(self.events):
            out.update({k: v for k, v in ev.crosswalk(dataset).items()})
        out.update(self.lead.crosswalk(dataset))
        return out

    def actors(self, dataset: str, slot: str) -> list[ActorRef]:
        return next((found for ev in self.events if (found := ev.actors(dataset, slot))), [])

    def place(self, dataset: str, slot: str = "location") -> PlaceRef | None:
        places = [p for ev in self.events if (p := ev.place(dataset, slot)) is not None]
        located = [p for p in places if p.lat is not None and p.lon is not None]
        return (located or places)[0] if places else None

    def date(self, dataset: str, slot: str = "date") -> DateRef | None:
        return next((d for ev in self.events if (d := ev.date(dataset, slot)) is not None), None)

    def statements(self, kind: str) -> list[Statement]:
        out = []
        for ev in self.events:
            est = ev.event.count(kind)
            if not est.is_empty:
                out.append(Statement(ev.report.id, ev.annotator, ev.event.id, tuple(ev.sources), ev.best_grade,
                                     est.filled()))
        return out

    def estimate(self, kind: str) -> Estimate:
        stated = self.statements(kind)
        if not stated:
            return Estimate()
        low = min(s.estimate.low for s in stated if s.estimate.low is not None)
        high = max(s.estimate.high for s in stated if s.estimate.high is not None)
        top = min(s.grade.rank() for s in stated)
        tied = sorted(s.estimate.best for s in stated if s.grade.rank() == top and s.estimate.best is not None)
        best = tied[(len(tied) - 1) // 2]
        return Estimate(best, min(low, best), max(high, best))

    def conservative(self, kind: str) -> int | None:
        bests = [s.estimate.best for s in self.statements(kind) if s.estimate.best is not None]
        return min(bests) if bests else None

    @property
    def sources(self) -> list[str]:
        seen: dict[str, None] = {}
        for ev in self.events:
            seen.update(dict.fromkeys(ev.sources))
        return list(seen)

    @property
    def number_of_sources(self) -> int:
        return len(self.sources)

    @property
    def conflicting(self) -> list[str]:
        """Count kinds on which the events disagree."""
        return [k for k in ("fatalities", "injured", "arrested")
                if len({s.estimate.best for s in self.statements(k)}) > 1]

    def to_dict(self) -> dict[str, Any]:
        return {"incident": self.incident.to_dict() if self.incident else None,
                "events": [{"report": e.report.id, "title": e.report.title, "annotator": e.annotator,
                            "event": e.event.id, "type": e.event.type, "grade": e.best_grade.code,
                            "sources": e.sources} for e in self.events],
                "number_of_sources": self.number_of_sources,
                "counts": {k: {**self.estimate(k).to_dict(), "statements": [s.to_dict() for s in self.statements(k)]}
                           for k in ("fatalities", "injured", "arrested") if self.statements(k)},
                "conflicting": self.conflicting}


def _order(ev: ResolvedEvent) -> tuple[Any, ...]:
    return (ev.best_grade.rank(), ev.report.published or "", ev.report.id, ev.annotator, ev.event.id)


def group(events: Sequence[ResolvedEvent]) -> list[IncidentSummary]:
    """Events grouped by incident (in the order incidents first appear), ungrouped events alone."""
    groups: dict[str, list[ResolvedEvent]] = {}
    for ev in events:
        key = f"incident:{ev.event.incident}" if ev.event.incident else f"event:{ev.key}"
        groups.setdefault(key, []).append(ev)
    out = []
    for members in groups.values():
        ordered = tuple(sorted(members, key=_order))
        incident = next((m.incident for m in ordered if m.incident is not None), None)
        if incident is None and ordered[0].event.incident:
            incident = Incident(ordered[0].event.incident)
        out.append(IncidentSummary(incident, ordered))
    return out
