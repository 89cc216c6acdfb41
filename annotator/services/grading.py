"""Admiralty grading of sources and claims (``core.grading``): one committed edit per grade, so the
inspector's one-key entry ("B", then "2") is two undoable edits. The schema's attributes say which
labels carry ``reliability`` and ``credibility``; a span whose label does not is refused."""

from __future__ import annotations

from typing import Any

from annotator.core.changes import Change
from annotator.core.errors import NotFound, ValidationError
from annotator.core.grading import CREDIBILITY_ATTR, RELIABILITY_ATTR, credibility, reliability
from annotator.core.spans import Span
from annotator.services import annotate
from annotator.services.context import ServiceContext

_UNSET: Any = object()


def set_grade(ctx: ServiceContext, report_id: str, span_id: str, *, annotator: str, reliability_value: Any = _UNSET,
              credibility_value: Any = _UNSET, **target: Any) -> tuple[Span, Change]:
    """Set (or with ``None`` clear) a span's source reliability (A–F) and/or information credibility (1–6)."""
    current = annotate.get_set(ctx, report_id, annotator)
    span = current.by_id().get(span_id)
    if span is None:
        raise NotFound(f"span {span_id} does not exist (it may have been deleted)")
    attrs = dict(span.attrs)
    for name, raw, check in ((RELIABILITY_ATTR, reliability_value, reliability),
                             (CREDIBILITY_ATTR, credibility_value, credibility)):
        if raw is _UNSET:
            continue
        carried = {a.name for a in ctx.schema.attributes_for(span.label)}
        if name not in carried:
            raise ValidationError(f"a {span.label} carries no {name} in schema '{ctx.schema.name}'")
        value = check(raw)
        if value is None:
            attrs.pop(name, None)
        else:
            attrs[name] = value
    return annotate.update_span(ctx, report_id, span_id, annotator=annotator, attrs=attrs, op="grade", **target)


def grade_key(ctx: ServiceContext, report_id: str, span_id: str, key: str, *, annotator: str,
              **target: Any) -> tuple[Span, Change]:
    """One key of the inspector: a letter A–F sets reliability, a digit 1–6 sets credibility."""
    if key.upper() in "ABCDEF" and len(key) == 1:
        return set_grade(ctx, report_id, span_id, annotator=annotator, reliability_value=key, **target)
    if key in "123456" and len(key) == 1:
        return set_grade(ctx, report_id, span_id, annotator=annotator, credibility_value=key, **target)
    raise ValidationError(f"'{key}' is not a grade key (A–F for source reliability, 1–6 for information credibility)")


