"""What an edit changed, so views refresh only that (Anki's OpChanges, without view names)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    """Result of one committed edit: the set it touched, its new version and the affected ids."""

    report_id: str
    annotator: str
    version: int
    op: str  # create_span, delete_span, relabel_span, move_span, set_attrs, create_relation, ...
    spans: tuple[str, ...] = ()  # span ids added, changed or removed
    relations: tuple[str, ...] = ()
    events: tuple[str, ...] = ()  # event ids added, changed or removed
    reports: bool = False  # the report list changed (imports)
    extra: dict[str, object] = field(default_factory=dict)
