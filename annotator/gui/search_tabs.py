"""The Search and Suggestions tabs of the main window, and how their gestures become edits.

``install(window)`` adds both tabs, the dashed suggestion outlines over the text and the two window
keys (Ctrl+Shift+F, Ctrl+Shift+S from the keymap). Annotating ticked matches pushes one ``CreateMany``
step on the undo history of each report touched; accepting suggestions pushes one
``AcceptSuggestions`` step on the shown report's history; both wait for the edits already on their
way for that set (``session.when_ready``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from annotator.gui import keymap
from annotator.gui.commands.span_commands import EditCommand
from annotator.gui.commands.suggestion_commands import AcceptSuggestions, CreateMany
from annotator.gui.session import OpenSet
from annotator.gui.views.search_panel import SearchPanel
from annotator.gui.views.suggestion_panel import SuggestionOverlay, SuggestionsPanel
from annotator.services.search import Hit
from annotator.services.suggest import Suggestion


def install(window: Any) -> None:
    session = window.session
    window.suggestion_overlay = SuggestionOverlay(window.view)
    window.search_panel = SearchPanel(session, window)
    window.suggestions_panel = SuggestionsPanel(session, window.document, window.suggestion_overlay, window)
    window.tabs.addTab(window.search_panel, "Search")
    window.tabs.addTab(window.suggestions_panel, "Suggestions")
    window.search_panel.show_hit.connect(lambda rid, start, end: show_in_text(window, rid, start, end))
    window.search_panel.annotate.connect(lambda label, hits: annotate_hits(window, label, hits))
    window.inspector.mentions.connect(lambda entity: (window.tabs.setCurrentWidget(window.search_panel),
                                                      window.search_panel.show_mentions(entity)))
    window.suggestions_panel.show_text.connect(lambda start, end: _show_stretch(window, start, end))
    window.suggestions_panel.accept.connect(lambda target, chosen: accept_suggestions(window, target, chosen))
    for name, panel, focus in (("search-corpus", window.search_panel, window.search_panel.query),
                               ("suggestions", window.suggestions_panel, window.suggestions_panel.list)):
        action = QAction(panel)
        action.setShortcuts([QKeySequence(k) for k in keymap.keys(session.schema, name)])
        action.triggered.connect(lambda _checked=False, p=panel, f=focus: (window.tabs.setCurrentWidget(p),
                                                                           f.setFocus()))
        window.addAction(action)


def show_in_text(window: Any, report_id: str, start: int, end: int) -> None:
    """Open the report (if another is shown) and select the stretch once its text is there."""
    if window.document.report_id == report_id:
        _show_stretch(window, start, end)
        return

    def loaded() -> None:
        if window.document.report_id == report_id:
            window.document.reset.disconnect(loaded)
            _show_stretch(window, start, end)

    window.document.reset.connect(loaded)
    if not window.select_report(report_id):
        window.document.reset.disconnect(loaded)


def _show_stretch(window: Any, start: int, end: int) -> None:
    if 0 <= start < end <= len(window.document.text):
        window.view.select_offsets(start, end)
        window.view.ensureCursorVisible()


def annotate_hits(window: Any, label: str, hits: list[Hit]) -> None:
    """One undoable step per report touched, each one transaction creating that report's spans."""
    session = window.session
    by_report: dict[str, list[tuple[int, int]]] = {}
    for h in hits:
        by_report.setdefault(h.report, []).append((h.start, h.end))
    outcome = {"made": 0, "left": len(by_report), "failed": 0}

    def finished(command: EditCommand, ok: bool) -> None:
        """The panel's "Annotating …" is replaced by what happened once every report's step has answered."""
        outcome["left"] -= 1
        if ok:
            outcome["made"] += len(getattr(command, "created", ()))
        else:
            outcome["failed"] += 1
        if outcome["left"] == 0:
            window.search_panel.annotated(label, outcome["made"], len(hits), outcome["failed"])

    for report_id, extents in by_report.items():
        target = session.open_set(report_id)
        command = CreateMany(session, window.document, target, extents, label)
        command.on_done = lambda c: finished(c, True)
        command.on_failed = lambda c: finished(c, False)
        session.when_ready(target, lambda t=target, c=command: t.stack.push(c))


def accept_suggestions(window: Any, target: OpenSet, chosen: list[Suggestion]) -> None:
    command = AcceptSuggestions(window.session, window.document, target, chosen)
    window.session.when_ready(target, lambda: target.stack.push(command))
