"""Annotated documents: a report with one annotator's spans and relations.

This is what formats read and write (one line of our JSONL) and what services return to shells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.comments import Comment
from annotator.core.errors import ValidationError
from annotator.core.events import Event, Incident, check_event_spans
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span, check_bounds, sorted_spans
from annotator.core.storable import relation_problem, report_problem, span_problem, storable_at_once


@dataclass(frozen=True)
class AnnotationSet:
    """One annotator's work on one report. ``version`` is the set's edit counter."""

    report_id: str
    annotator: str
    spans: tuple[Span, ...] = ()
    relations: tuple[Relation, ...] = ()
    version: int = 0
    events: tuple[Event, ...] = ()

    def span(self, span_id: str) -> Span:
        for s in self.spans:
            if s.id == span_id:
                return s
        raise ValidationError(f"span {span_id} is not in {self.annotator}'s set")

    def by_id(self) -> dict[str, Span]:
        return {s.id: s for s in self.spans}


@dataclass(frozen=True)
class Document:
    """A report plus one annotator's set on it: the unit every corpus format reads and writes.

    ``annotator`` may be ``None`` when the file names nobody (brat, CoNLL); the caller decides."""

    report: Report
    annotator: str | None
    spans: tuple[Span, ...] = ()
    relations: tuple[Relation, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)
    events: tuple[Event, ...] = ()
    incidents: tuple[Incident, ...] = ()  # the incidents its events name (title, notes)
    comments: tuple[Comment, ...] = ()  # threads on its spans and relations, and on the whole report

    def validate(self) -> None:
        """Check every offset against the text, every relation endpoint, and that everything can be
        stored (``core.storable``); raise on the first problem.

        What can be stored is screened for all spans and relations at once (``storable_at_once``);
        only when that is not certain is each asked in turn, so the first problem named is the same."""
        text = self.report.text
        problem = report_problem(self.report)
        if problem:
            raise ValidationError(problem)
        storable = storable_at_once(self.spans, self.relations)
        length = len(text)
        ids: set[str] = set()
        for s in self.spans:
            if s.id in ids:
                raise ValidationError(f"span id {s.id} is used twice")
            ids.add(s.id)
            start, end = s.start, s.end
            if type(start) is not int or type(end) is not int or not 0 <= start < end <= length:
                check_bounds(start, end, length, what=f"span {s.id}")
            if not storable:
                problem = span_problem(s)
                if problem:
                    raise ValidationError(problem)
        for r in self.relations:
            if not storable:
                problem = relation_problem(r)
                if problem:
                    raise ValidationError(problem)
            if r.head not in ids or r.tail not in ids:
                missing = r.head if r.head not in ids else r.tail
                raise ValidationError(f"relation {r.id} names span {missing}, which does not exist")
        event_ids: set[str] = set()
        for e in self.events:
            if e.id in event_ids:
                raise ValidationError(f"event id {e.id} is used twice")
            event_ids.add(e.id)
            check_event_spans(e, ids)

    def sorted(self) -> Document:
        return Document(self.report, self.annotator, tuple(sorted_spans(self.spans)), self.relations,
                        self.warnings, self.events, self.incidents, self.comments)
