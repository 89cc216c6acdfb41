"""Undoable steps that create many spans in one report at once: annotating ticked search matches, and
accepting suggestions (one, or every one of a label). Each is ONE service call in ONE transaction, and
one step in that report's undo history: undo removes exactly the spans it created, redo puts exactly
those back (same ids, values, entities)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.gui.commands.span_commands import EditCommand, ServiceCall
from annotator.gui.models.document_model import DocumentModel
from annotator.gui.session import EditSession, OpenSet
from annotator.services import search, suggest


class CreateMany(EditCommand):
    """Spans of one label on extents of one report (ticked concordance rows)."""

    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet,
                 extents: Sequence[tuple[int, int]], label: str) -> None:
        super().__init__(session, document, target, f"Annotate {len(extents)} × {label}")
        self.extents = list(extents)
        self.label = label
        self.done: search.Annotated | None = None

    def _first_call(self) -> ServiceCall:
        return search.annotate_in_report, (self.extents, self.label), {}

    def _redo_call(self, first: bool) -> ServiceCall:
        if first:
            return self._first_call()
        assert self.done is not None
        return search.restore_in_report, (self.done,), {}

    def _redone(self, result: Any) -> None:
        self.done = result[0]
        for span in self.created:
            self._show(span)

    def _undo_call(self) -> ServiceCall:
        assert self.done is not None
        return search.remove_in_report, (self.done,), {}

    def _undone(self, _result: Any) -> None:
        for span in self.created:
            self._hide(span.id)

    @property
    def created(self) -> tuple[Any, ...]:
        return self.done.spans.get(self.report_id, ()) if self.done is not None else ()


class AcceptSuggestions(CreateMany):
    """Suggestions accepted as spans (their value or entity and ``attrs["source"]`` included)."""

    def __init__(self, session: EditSession, document: DocumentModel, target: OpenSet,
                 suggestions: Sequence[suggest.Suggestion]) -> None:
        labels = sorted({s.label for s in suggestions})
        super().__init__(session, document, target, [(s.start, s.end) for s in suggestions], ", ".join(labels))
        self.setText(f"Accept {len(suggestions)} suggestion{'s' if len(suggestions) != 1 else ''}")
        self.suggestions = list(suggestions)

    def _first_call(self) -> ServiceCall:
        return suggest.accept_suggestions, (self.suggestions,), {}
