"""One report, every annotator's spans next to each other. A span every other annotator also marked
(same boundaries and label) is drawn plainly; one they did not is underlined in bold red, and its tooltip
says who has what instead — the place to start adjudicating."""

from __future__ import annotations

import html
from typing import Sequence

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QSplitter, QTextBrowser, QVBoxLayout, QWidget

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
        parts.append(f"<span style='{style}' title='{html.escape(tip, quote=True)}'>{chunk}</span>")
    return "".join(parts)


def _tint(color: str, strength: float) -> str:
    """The label colour mixed into white (rich text has no alpha), stronger where spans nest."""
    c = color.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    mix = [round(255 - (255 - v) * strength) for v in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


class SideBySideView(QDialog):
    def __init__(self, report: Report, sets: dict[str, Sequence[Span]], schema: Schema,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Side by side — {report.title or report.id[:12]}")
        marked = disagreements(sets)
        self.browsers: dict[str, QTextBrowser] = {}
        split = QSplitter(self)
        for who in sorted(sets):
            box = QWidget(self)
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            n_bad = len(marked[who])
            lay.addWidget(QLabel(f"<b>{html.escape(who)}</b> — {len(sets[who])} spans, {n_bad} not agreed", box))
            browser = QTextBrowser(box)
            browser.setOpenLinks(False)
            others = {w: s for w, s in sets.items() if w != who}
            body = spans_html(report.text, sets[who], marked[who], schema, others)
            direction = "rtl" if report.direction == "rtl" else "ltr"
            browser.setHtml(f"<div dir='{direction}' style='line-height:150%'>{body}</div>")
            lay.addWidget(browser)
            split.addWidget(box)
            self.browsers[who] = browser
        self.marked = marked
        layout = QHBoxLayout(self)
        layout.addWidget(split)
        self.resize(1200, 700)
