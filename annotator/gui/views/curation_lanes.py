"""The Text lanes of the curation view: the report's text once per annotator (and gold), next to each
other. A span every other annotator also marked (same boundaries and label) is drawn plainly; one they
did not is underlined in bold red, its tooltip saying who has what instead. A click on a span copies it
into gold; a click on a gold span takes it out. Blind mode names the lanes "Annotator 1…n"."""

from __future__ import annotations

import html
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from annotator.core.ids import GOLD
from annotator.core.report import Report
from annotator.core.schema import Schema
from annotator.core.spans import Span


def disagreements(sets: dict[str, Sequence[Span]]) -> dict[str, set[str]]:
    """Per annotator, the ids of spans not found identically in every other annotator's set."""
    keys = {who: {(s.start, s.end, s.label) for s in spans} for who, spans in sets.items()}
    out: dict[str, set[str]] = {}
    for who, spans in sets.items():
        others = [k for w, k in keys.items() if w != who]
        out[who] = {s.id for s in spans if any((s.start, s.end, s.label) not in k for k in others)}
    return out


def spans_html(text: str, spans: Sequence[Span], marked: set[str], schema: Schema,
               others: dict[str, Sequence[Span]]) -> str:
    """The text with each span's range coloured (innermost wins), disagreeing spans boxed. One sweep
    over the cuts (spans enter and leave an active list), so 2,000 spans cost milliseconds, not seconds."""
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    by_start = sorted(spans, key=lambda s: s.start)
    other_sorted = {who: (sorted(o, key=lambda s: s.start), sorted(s.start for s in o)) for who, o in others.items()}
    widest = {who: max((s.length for s in o), default=0) for who, o in others.items()}
    active: list[Span] = []
    nxt = 0
    parts: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        active = [s for s in active if s.end > a]
        while nxt < len(by_start) and by_start[nxt].start <= a:
            if by_start[nxt].end > a:
                active.append(by_start[nxt])
            nxt += 1
        covering = [s for s in active if b <= s.end]
        chunk = html.escape(text[a:b]).replace("\n", "<br>")
        if not covering:
            parts.append(chunk)
            continue
        inner = min(covering, key=lambda s: s.length)
        try:
            color = schema.label(inner.label).color
        except Exception:  # noqa: BLE001
            color = "#888888"
        bad = any(s.id in marked for s in covering)
        style = f"background-color:{_tint(color, 0.3 if len(covering) == 1 else 0.45)};"
        if bad:
            style += "text-decoration:underline; color:#b00000; font-weight:bold;"
        tip = "; ".join(f"{s.label} [{s.start}–{s.end}]" + (" — not agreed" if s.id in marked else "")
                        for s in covering)
        if bad:
            seen = []
            for who, (ordered, starts) in other_sorted.items():
                lo, hi = bisect_left(starts, a - widest[who]), bisect_left(starts, b)
                near = [o for o in ordered[lo:hi] if a < o.end]
                seen.append(f"{who}: " + (", ".join(f"{o.label} [{o.start}–{o.end}]" for o in near) or "nothing"))
            tip += " | " + " | ".join(seen)
        link = f"span:{html.escape(inner.id)}"
        parts.append(f"<a href='{link}' style='{style} text-decoration:none; color:inherit;'>"
                     f"<span style='{style}' title='{html.escape(tip, quote=True)}'>{chunk}</span></a>")
    return "".join(parts)


def _tint(color: str, strength: float) -> str:
    """The label colour mixed into white (rich text has no alpha), stronger where spans nest."""
    c = color.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    mix = [round(255 - (255 - v) * strength) for v in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


class TextLanes(QSplitter):
    """One column per annotator and one for gold; ``clicked(who, span id)`` and ``accept_all(who)``
    are the view's to act on."""

    def __init__(self, report: Report, schema: Schema, clicked: Callable[[str, str], None],
                 accept_all: Callable[[str], None] | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report, self.schema = report, schema
        self._clicked, self._accept_all = clicked, accept_all
        self.browsers: dict[str, QTextBrowser] = {}
        self.headers: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.marked: dict[str, set[str]] = {}

    def show_sets(self, sets: Mapping[str, Sequence[Span]], names: dict[str, str]) -> None:
        compared = {w: s for w, s in sets.items() if w != GOLD}
        self.marked = disagreements(compared) if compared else {}
        for who in sorted(sets, key=lambda w: (w == GOLD, w)):
            if who not in self.browsers:
                self._add_column(who)
            others = {names.get(w, w): s for w, s in compared.items() if w != who}
            marked = self.marked.get(who, set())
            body = spans_html(self.report.text, sets[who], marked, self.schema, others)
            direction = "rtl" if self.report.direction == "rtl" else "ltr"
            self.browsers[who].setHtml(f"<div dir='{direction}' style='line-height:150%'>{body}</div>")
            shown = html.escape(names.get(who, who))
            self.headers[who].setText(f"<b>{shown}</b> — {len(sets[who])} spans"
                                      + (f", {len(marked)} not agreed" if who != GOLD else ""))
            if who in self.buttons:
                self.buttons[who].setText(f"Accept all of {names.get(who, who)} into gold")

    def _add_column(self, who: str) -> None:
        box = QWidget(self)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        header = QLabel(box)
        lay.addWidget(header)
        browser = QTextBrowser(box)
        browser.setOpenLinks(False)
        browser.anchorClicked.connect(lambda url, w=who: self._clicked(w, url.toString().split(":", 1)[-1]))
        lay.addWidget(browser)
        if self._accept_all is not None and who != GOLD:
            button = QPushButton(f"Accept all of {who} into gold", box)
            button.clicked.connect(lambda _=False, w=who: self._accept_all(w))
            lay.addWidget(button)
            self.buttons[who] = button
        self.addWidget(box)
        self.browsers[who] = browser
        self.headers[who] = header
