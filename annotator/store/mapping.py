"""Row ↔ core conversion: the one place where SQLAlchemy rows and domain objects meet."""

from __future__ import annotations

from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.store.models import RelationRow, ReportRow, SpanRow


def report_from_row(row: ReportRow) -> Report:
    return Report(id=row.id, text=row.text, title=row.title, source=row.source,  # type: ignore[arg-type]
                  published=row.published, url=row.url, language=row.language,
                  direction=row.direction, meta=dict(row.meta or {}))


def span_from_row(row: SpanRow) -> Span:
    return Span(id=row.key, start=row.start, end=row.end, label=row.label, attrs=dict(row.attrs or {}),
                value=row.value, entity=row.entity_id, resolution=row.resolution)


def relation_from_row(row: RelationRow, keys: dict[int, str]) -> Relation:
    return Relation(id=row.key, head=keys[row.head_id], tail=keys[row.tail_id], label=row.label,
                    attrs=dict(row.attrs or {}))


def span_to_dict(span: Span) -> dict[str, object]:
    """The JSON form of a span in the edit log (before/after)."""
    return {"id": span.id, "start": span.start, "end": span.end, "label": span.label,
            "attrs": dict(span.attrs), "value": span.value, "entity": span.entity,
            "resolution": span.resolution}


def relation_to_dict(rel: Relation) -> dict[str, object]:
    return {"id": rel.id, "head": rel.head, "tail": rel.tail, "label": rel.label, "attrs": dict(rel.attrs)}
