"""Spans: labelled stretches of a report's text in code points, end exclusive."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.core.errors import ValidationError


@dataclass(frozen=True)
class Span:
    """One annotation. ``id`` is unique within its annotation set (e.g. ``T3``)."""

    id: str
    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)
    value: str | None = None  # normalised value (dates: ISO 8601)
    entity: str | None = None  # canonical entity id (actors, places)
    resolution: str | None = None  # confirmed | automatic | None (unresolved)

    def text_in(self, text: str) -> str:
        return text[self.start:self.end]

    def with_(self, **changes: Any) -> Span:
        return replace(self, **changes)

    @property
    def length(self) -> int:
        return self.end - self.start

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


_new = object.__new__


def new_span(id: str, start: int, end: int, label: str, attrs: dict[str, Any], value: str | None = None,
             entity: str | None = None, resolution: str | None = None) -> Span:
    """``Span(...)`` for the bulk paths (a corpus file read, a corpus read from the store: half a
    million spans): the fields are set in one step rather than through the frozen dataclass's
    ``__init__`` (eight ``object.__setattr__`` calls), which halves the cost. The result is the same
    object: ``Span`` has no ``__post_init__`` and checks nothing when built (``Document.validate`` and
    ``core.storable`` do; tests/store/test_bulk_reads.py holds both)."""
    span = _new(Span)
    span.__dict__.update(id=id, start=start, end=end, label=label, attrs=attrs, value=value, entity=entity,
                         resolution=resolution)
    return span


def check_bounds(start: object, end: object, text_length: int, *, what: str = "span") -> None:
    """Raise ``ValidationError`` unless ``0 <= start < end <= text_length`` (offsets read from a file are
    checked here too, hence ``object``: that they are integers is the first check)."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) \
            or isinstance(end, bool):
        raise ValidationError(f"{what} offsets must be integers, got {start!r}..{end!r}")
    if start < 0:
        raise ValidationError(f"{what} starts at {start}, before the start of the text")
    if end <= start:
        raise ValidationError(f"{what} ends at {end}, not after its start {start}")
    if end > text_length:
        raise ValidationError(f"{what} ends at {end} but the text has {text_length} characters")


def sort_key(span: Span) -> tuple[int, int, str, str]:
    """Document order: by start, longer (outer) first, then label and id for stability."""
    return (span.start, -span.end, span.label, span.id)


def sorted_spans(spans: Iterable[Span]) -> list[Span]:
    return sorted(spans, key=sort_key)


def spans_at(spans: Sequence[Span], position: int) -> list[Span]:
    """Spans covering ``position``, outermost first."""
    return sorted((s for s in spans if s.start <= position < s.end), key=lambda s: (-s.length, s.start))


def nesting_depths(spans: Sequence[Span]) -> dict[str, int]:
    """Depth of each span: 0 for spans inside no other, 1 inside one, ... (ties broken by order)."""
    ordered = sorted_spans(spans)
    depths: dict[str, int] = {}
    stack: list[Span] = []
    for span in ordered:
        while stack and stack[-1].end <= span.start:
            stack.pop()
        depths[span.id] = len(stack)
        stack.append(span)
    return depths


def layers(spans: Sequence[Span]) -> list[list[Span]]:
    """Partition spans into non-overlapping layers, outermost first: each span goes to the first layer
    where it overlaps nothing (how CoNLL columns and drawing rows are filled)."""
    result: list[list[Span]] = []
    ends: list[int] = []  # spans arrive by start, so a layer is free from its last end on
    for span in sorted_spans(spans):
        for i, end in enumerate(ends):
            if span.start >= end:
                result[i].append(span)
                ends[i] = span.end
                break
        else:
            result.append([span])
            ends.append(span.end)
    return result
