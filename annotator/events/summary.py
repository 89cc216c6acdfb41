"""What an event export wrote and, event by event, what it could not write and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Skipped:
    """An event (or an incident's events) not written, with every missing or invalid field."""

    report_id: str
    annotator: str
    event: str
    reasons: tuple[str, ...]
    incident: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"report": self.report_id, "annotator": self.annotator, "event": self.event,
                "incident": self.incident, "missing": list(self.reasons)}

    def sentence(self) -> str:
        where = f"report {self.report_id[:12]}… {self.annotator} event {self.event}"
        return f"{where}: {'; '.join(self.reasons)}"


@dataclass
class EventExport:
    format: str
    path: str
    events: int = 0  # events considered
    written: int = 0  # rows, records or STIX notes written
    events_written: int = 0  # events in them (an incident's events share one ACLED or GED row)
    objects: int = 0  # STIX objects in the bundle
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"format": self.format, "out": self.path, "events": self.events, "written": self.written,
                "events_written": self.events_written,
                "objects": self.objects, "skipped": [s.to_dict() for s in self.skipped],
                "warnings": list(self.warnings)}
