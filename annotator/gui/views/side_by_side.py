"""One report, every annotator's spans next to each other. A span every other annotator also marked
(same boundaries and label) is drawn plainly; one they did not is underlined in bold red, and its tooltip
says who has what instead — the place to start adjudicating."""

from __future__ import annotations

import html
from typing import Sequence

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from annotator.core.changes import Change
from annotator.core.ids import GOLD
from annotator.core.report import Report
from annotator.core.schema import Schema
from annotator.core.spans import Span
from annotator.gui.bidi import isolate
from annotator.gui.session import EditSession


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
    """The text with each span's range coloured (innermost wins), disagreeing spans boxed."""
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    parts: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [s for s in spans if s.start <= a and b <= s.end]
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
            seen = [f"{who}: " + (", ".join(f"{o.label} [{o.start}–{o.end}]" for o in ospans
                                             if o.start < b and a < o.end) or "nothing")
                    for who, ospans in others.items()]
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


class SideBySideView(QDialog):
    """Adjudication starts here: click a span to copy it into gold, or accept an annotator's whole
    set as the starting point (one transaction); the gold column shows the result. Writes go
    through the session's database lane and name the gold set's version this view loaded; the view
    reloads whenever any set of its report changes, so it never shows a stale comparison."""

    def __init__(self, report: Report, schema: Schema, parent: QWidget | None = None,
                 session: EditSession | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Side by side — {isolate(report.title or report.id[:12])}")
        self.report, self.schema, self.session = report, schema, session
        self.gold = session.open_set(report.id, GOLD) if session is not None else None
        self.split = QSplitter(self)
        self.status = QLabel("Click a span to accept it into gold; click a gold span to take it out."
                             if session else "", self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.status)
        self.browsers: dict[str, QTextBrowser] = {}
        self.headers: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.sets: dict[str, Sequence[Span]] = {}
        self.marked: dict[str, set[str]] = {}
        self.loaded = False
        if session is not None:
            session.bus.changed.connect(self._changed)
        self.resize(1200, 700)

    def show_sets(self, sets: dict[str, Sequence[Span]]) -> None:
        self.sets = dict(sets)
        self.loaded = True
        compared = {w: s for w, s in sets.items() if w != GOLD}
        self.marked = disagreements(compared) if compared else {}
        for who in sorted(sets, key=lambda w: (w == GOLD, w)):
            if who not in self.browsers:
                self._add_column(who)
            others = {w: s for w, s in compared.items() if w != who}
            marked = self.marked.get(who, set())
            body = spans_html(self.report.text, sets[who], marked, self.schema, others)
            direction = "rtl" if self.report.direction == "rtl" else "ltr"
            self.browsers[who].setHtml(f"<div dir='{direction}' style='line-height:150%'>{body}</div>")
            self.headers[who].setText(f"<b>{html.escape(who)}</b> — {len(sets[who])} spans"
                                      + (f", {len(marked)} not agreed" if who != GOLD else ""))

    def _add_column(self, who: str) -> None:
        box = QWidget(self)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        header = QLabel(box)
        lay.addWidget(header)
        browser = QTextBrowser(box)
        browser.setOpenLinks(False)
        browser.anchorClicked.connect(lambda url, w=who: self.accept_span(w, url.toString().split(":", 1)[-1]))
        lay.addWidget(browser)
        if self.session is not None and who != GOLD:
            button = QPushButton(f"Accept all of {who} into gold", box)
            button.clicked.connect(lambda _=False, w=who: self.accept_set(w))
            lay.addWidget(button)
            self.buttons[who] = button
        self.split.addWidget(box)
        self.browsers[who] = browser
        self.headers[who] = header

    # -- loading ------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Every set of the report, read on the database lane (the gold version edits are made against)."""
        if self.session is None or self.gold is None:
            return
        ctx, gold, rid = self.session.ctx, self.gold, self.report.id

        def work() -> dict[str, Sequence[Span]]:
            from annotator.services.annotate import get_sets

            sets = get_sets(ctx, rid)
            gold.version = sets[GOLD].version if GOLD in sets else 0
            return {w: list(s.spans) for w, s in sets.items()}

        self.session.read(work, self.show_sets)

    def _changed(self, change: Change, _initiator: object) -> None:
        if change.report_id == self.report.id and self.isVisible():
            self.reload()

    # -- adjudicating --------------------------------------------------------------------------------
    def accept_span(self, who: str, span_id: str) -> None:
        """A click: an annotator's span is copied into gold; a gold span is taken out of gold."""
        if self.session is None or self.gold is None:
            return
        if who == GOLD:
            self.reject_gold(span_id)
            return
        from annotator.services.adjudicate import accept_spans

        span = next((s for s in self.sets.get(who, ()) if s.id == span_id), None)
        if span is None:
            return
        text = span.text_in(self.report.text)[:50]
        self.session.edit(self.gold, accept_spans, [span],
                          done=lambda _r: self.status.setText(f"Accepted {who}'s {span.label} “{isolate(text)}” "
                                                              "into gold."))

    def reject_gold(self, span_id: str) -> None:
        from annotator.services.adjudicate import reject_gold_span

        assert self.session is not None and self.gold is not None
        span = next((s for s in self.sets.get(GOLD, ()) if s.id == span_id), None)
        if span is None:
            return
        text = span.text_in(self.report.text)[:50]
        self.session.edit(self.gold, reject_gold_span, span_id,
                          done=lambda _r: self.status.setText(f"Removed {span.label} “{isolate(text)}” from gold."))

    def accept_set(self, who: str) -> None:
        """Gold starts from one annotator's whole set: one transaction, all or nothing."""
        from annotator.services.adjudicate import accept_set

        assert self.session is not None and self.gold is not None
        self.session.edit(self.gold, accept_set, who,
                          done=lambda r: self.status.setText(f"Gold now holds {who}'s set: {r[0]} span(s) added."))
