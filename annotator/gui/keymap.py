"""Every key the window answers to, in one table: the actions take their shortcuts from here, the
document view's own keys are declared here, and the F1 sheet is printed from it, so the sheet is
complete by construction and a test can prove no key does two things in one place."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.schema import Schema

WINDOW = "anywhere in the window"
DOCUMENT = "in the text"
SPANS = "in the Spans tab"
RELATIONS = "in the Relations tab"
EVENTS = "in the Events tab"
REPORTS = "in the report list"
SIDE_BY_SIDE = "in the curation view (View → Compare annotators)"
COMMENTS = "in the Comments tab"
SEARCH = "in the Search tab"
SUGGESTIONS = "in the Suggestions tab"
SEPARATE_WINDOWS = frozenset({SIDE_BY_SIDE})  # windows of their own: the main window's keys do not reach them


@dataclass(frozen=True)
class Binding:
    name: str  # the action's id (actions with a shortcut), or a gesture's id
    keys: tuple[str, ...]  # portable QKeySequence strings; empty for mouse gestures
    what: str
    context: str
    shown: str = ""  # how the sheet writes it when not the keys themselves (arrows, mouse)

    @property
    def label(self) -> str:
        return self.shown or " / ".join(self.keys)


def bindings(schema: Schema) -> list[Binding]:
    rows = [Binding(f"label:{lab.name}", (lab.key,), f"label the selection (or relabel the selected span) as "
                    f"<b>{lab.name}</b>", DOCUMENT) for lab in schema.labels if lab.key]
    rows += [
        Binding("select", ("Shift+Left", "Shift+Right", "Shift+Ctrl+Left", "Shift+Ctrl+Right"),
                "select text by character, by word", DOCUMENT, "Shift+arrows, Shift+Ctrl+arrows"),
        Binding("click", (), "select the innermost span under the mouse; a drag selects text", DOCUMENT,
                "Click / drag"),
        Binding("cycle", ("Tab", "Shift+Tab"), "next / previous span (walks nested spans one by one); "
                "while relating: the other span", DOCUMENT),
        Binding("delete", ("Del", "Backspace"), "delete the selected span (and its relations)", DOCUMENT),
        Binding("move-end", ("Alt+Shift+Left", "Alt+Shift+Right"),
                "move the selected span's end by a word (by a character with snapping off)", DOCUMENT,
                "Alt+Shift+←/→"),
        Binding("move-start", ("Ctrl+Alt+Shift+Left", "Ctrl+Alt+Shift+Right"), "move the selected span's start",
                DOCUMENT, "Ctrl+Alt+Shift+←/→"),
        Binding("drag-edge", (), "drag the selected span's edge (the cursor shows ↔) to move that boundary",
                DOCUMENT, "Drag an edge"),
        Binding("relate", ("R",), "start a relation from the selected span (e.g. a claim to its source)",
                DOCUMENT),
        Binding("relate-confirm", ("Return", "Enter"), "finish the relation at the span reached with Tab "
                "(or click the other span)", DOCUMENT, "Enter"),
        Binding("escape", ("Esc",), "cancel a relation; clear the selection", DOCUMENT),
        Binding("event", ("E",), "make an event of the selected claim: type to choose its kind, Enter; its roles "
                "come from the claim's relations", DOCUMENT),
        Binding("undo", ("Ctrl+Z",), "undo the last edit of the report shown (each step is saved at once); in the "
                "curation view, the last decision", WINDOW),
        Binding("redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "redo", WINDOW),
        Binding("mark-done", ("Ctrl+D",), "mark your work on the report shown done (read-only for you until a "
                "supervisor returns it)", WINDOW),
        Binding("comment", ("Ctrl+M",), "comment on the selected span (or on the report): the Comments tab",
                WINDOW),
        Binding("show-labels", ("Ctrl+L",), "show each span's label in a small tag at its start", WINDOW),
        Binding("filter-reports", ("Ctrl+F",), "filter the report list", WINDOW),
        Binding("refresh", ("F5",), "refresh the report list and the report shown (what others changed: a "
                "return, an assignment)", WINDOW),
        Binding("import-reports", ("Ctrl+O",), "import reports", WINDOW),
        Binding("import-annotations", ("Ctrl+Shift+O",), "import annotations from a corpus file", WINDOW),
        Binding("export", ("Ctrl+E",), "export the corpus", WINDOW),
        Binding("agreement", ("Ctrl+Shift+A",), "agreement dashboard", WINDOW),
        Binding("help", ("F1",), "this sheet", WINDOW),
        Binding("quit", ("Ctrl+Q",), "quit (every edit is already saved)", WINDOW),
        Binding("delete-span", ("Del",), "delete the chosen span (and its relations), as Del in the text does",
                SPANS),
        Binding("delete-relation", ("Del",), "delete the chosen relation", RELATIONS),
        Binding("delete-event", ("Del",), "delete the chosen event", EVENTS),
        Binding("open-report", (), "open a report (arrows move through the list, opening each)", REPORTS,
                "arrows / click"),
        Binding("go-to-text", ("Return", "Enter"), "go to the text of the report shown, to select and label",
                REPORTS, "Enter"),
        Binding("comment-send", ("Ctrl+Return",), "send the comment being written", COMMENTS),
        Binding("search-corpus", ("Ctrl+Shift+F",), "search the corpus (Arabic-normalised, any case and accents): "
                "the Search tab", WINDOW),
        Binding("search-enter", ("Return",), "in the query box: search; on a row: show that match in the text "
                "(a double-click too)", SEARCH, "Enter"),
        Binding("search-tick", ("Space",), "tick / untick the row", SEARCH),
        Binding("search-annotate", ("Ctrl+Return",), "annotate every ticked match with the chosen label (one "
                "undo step in each report)", SEARCH),
        Binding("suggestions", ("Ctrl+Shift+S",), "suggestions for the report shown (drawn dashed in the text): "
                "the Suggestions tab", WINDOW),
        Binding("suggest-next", ("Down", "Up"), "next / previous suggestion (shown in the text)", SUGGESTIONS,
                "↓ / ↑"),
        Binding("suggest-accept", ("Return",), "accept the suggestion: a span, one undo step", SUGGESTIONS,
                "Enter"),
        Binding("suggest-reject", ("Backspace", "Del"), "reject the suggestion (it does not come back)",
                SUGGESTIONS),
        Binding("suggest-accept-label", ("Ctrl+Return",), "accept every suggestion of this one's label in the "
                "report (one undo step)", SUGGESTIONS),
        Binding("adjudicate-open", (), "in the dashboard's report list: open the report in the curation view",
                WINDOW, "Double-click / Enter"),
        Binding("curate-next", ("N",), "next candidate still to decide (arrows move through every candidate)",
                SIDE_BY_SIDE),
        Binding("curate-previous", ("P",), "previous candidate still to decide", SIDE_BY_SIDE),
        Binding("curate-accept", tuple(str(i) for i in range(1, 10)), "accept annotator <i>i</i>'s version of the "
                "candidate into gold (1 = the first annotator listed)", SIDE_BY_SIDE, "1 … 9"),
        Binding("curate-none", ("0",), "accept none: gold holds nothing there", SIDE_BY_SIDE),
        Binding("curate-edit", ("E",), "edit the version going into gold (label, value, entity, bounds)",
                SIDE_BY_SIDE),
        Binding("curate-undo", ("Ctrl+Z",), "undo the last decision on this report", SIDE_BY_SIDE),
        Binding("curate-redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "redo the decision undone", SIDE_BY_SIDE),
        Binding("adjudicate-accept", (), "in the Text lanes tab: click an annotator's span to copy it into gold",
                SIDE_BY_SIDE, "Click"),
        Binding("adjudicate-reject", (), "in the Text lanes tab: click a gold span to take it out of gold",
                SIDE_BY_SIDE, "Click in gold"),
        Binding("adjudicate-close", ("Esc",), "close the curation view (every decision is saved)", SIDE_BY_SIDE),
    ]
    return rows


def keys(schema: Schema, name: str) -> tuple[str, ...]:
    """The key sequences of one action, from the table."""
    return next(b.keys for b in bindings(schema) if b.name == name)


def shown(schema: Schema, name: str) -> str:
    """How the F1 sheet writes one binding's keys ("Enter"), for a sentence that names them."""
    return next(b.label for b in bindings(schema) if b.name == name)


def conflicts(rows: list[Binding]) -> list[str]:
    """Key sequences bound twice where both could fire: in the same place, or once for the whole
    window (active everywhere) and once anywhere else. Empty when the table is sound."""
    found: list[str] = []
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            apart = bool(SEPARATE_WINDOWS & {a.context, b.context})  # another window: the main one's keys stay out
            overlap = a.context == b.context or (WINDOW in (a.context, b.context) and not apart)
            for k in {_norm(k) for k in a.keys} & {_norm(k) for k in b.keys}:
                if overlap:
                    found.append(f"{k}: '{a.name}' and '{b.name}' ({a.context} / {b.context})")
    return found


def _norm(key: str) -> str:
    return key.lower().replace(" ", "")
