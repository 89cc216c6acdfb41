"""Row ↔ core conversion: the one place where SQLAlchemy rows and domain objects meet."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Row

from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.store.models import RelationRow, ReportRow, SpanRow


def report_from_row(row: ReportRow | Row[Any], text: str | None = None) -> Report:
    """A report from its row; ``text`` stands in for a text the query did not fetch."""
    return Report(id=row.id, text=row.text if text is None else text, title=row.title, source=row.source,  # type: ignore[arg-type]
                  published=row.published, url=row.url, language=row.language,
                  direction=row.direction, meta=dict(row.meta or {}))


def span_from_row(row: SpanRow | Row[Any]) -> Span:
    """A span from its ORM row or from a Core row with the same column names (bulk reads)."""
    return Span(id=row.key, start=row.start, end=row.end, label=row.label, attrs=dict(row.attrs or {}),
                value=row.value, entity=row.entity_id, resolution=row.resolution)


def span_from_values(key: str, start: int, end: int, label: str, attrs: Any, value: str | None,
                     entity: str | None, resolution: str | None) -> Span:
    """A span from the column values of a bulk read (``attrs`` as the JSON text or object the driver
    returned: most spans have none, and decoding ``{}`` half a million times was a measurable cost).

    The fields are set in one step rather than through the frozen dataclass's ``__init__`` (eight
    ``object.__setattr__`` calls): the values were checked when stored, ``Span`` has no
    ``__post_init__`` (tests/store/test_bulk_reads.py holds that), and reading a corpus makes half a
    million spans, for which this halves the cost."""
    span = _new(Span)
    span.__dict__.update(id=key, start=start, end=end, label=label, attrs=json_object(attrs), value=value,
                         entity=entity, resolution=resolution)
    return span


_new = object.__new__


def json_object(raw: Any) -> dict[str, Any]:
    """A JSON column read without SQLAlchemy's JSON processing: text (SQLite) or an object (psycopg)."""
    if not raw or raw == "{}":
        return {}
    return dict(json.loads(raw) if isinstance(raw, str) else raw)


def relation_from_row(row: RelationRow | Row[Any], keys: dict[int, str]) -> Relation:
    """A relation from its row; ``keys`` maps the set's span row ids to span keys."""
    return Relation(id=row.key, head=keys[row.head_id], tail=keys[row.tail_id], label=row.label,
                    attrs=dict(row.attrs or {}))


def span_to_dict(span: Span) -> dict[str, object]:
    """The JSON form of a span in the edit log (before/after)."""
    return {"id": span.id, "start": span.start, "end": span.end, "label": span.label,
            "attrs": dict(span.attrs), "value": span.value, "entity": span.entity,
            "resolution": span.resolution}


def relation_to_dict(rel: Relation) -> dict[str, object]:
    return {"id": rel.id, "head": rel.head, "tail": rel.tail, "label": rel.label, "attrs": dict(rel.attrs)}
