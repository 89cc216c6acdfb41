"""The structured record of the open report, live: what is claimed, by whom, who, where, when —
readable at a glance. Every mention is a link that selects its span in the text."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from annotator.gui.bidi import isolate

RESOLUTION_MARK = {"confirmed": "✓", "automatic": "≈", "unresolved": "?"}


def _mention(m: dict[str, Any]) -> str:
    text = isolate(html.escape(m.get("text", "")))
    link = f"<a href='span:{html.escape(m['id'])}'>{text}</a>"
    entity = m.get("entity")
    extra = ""
    if entity:
        extra = f" → <b>{isolate(html.escape(entity['name']))}</b>"
        if entity.get("lat") is not None:
            extra += f" <small>({entity['lat']:.3f}, {entity['lon']:.3f})</small>"
    if m.get("value"):
        extra = f" → <b>{html.escape(m['value'])}</b>"
    mark = RESOLUTION_MARK.get(m.get("resolution") or "unresolved", "")
    if m.get("link") == "implicit":
        mark += " <small>(inside)</small>"
    return f"{link}{extra} <small>{mark}</small>"


def record_html(record: dict[str, Any]) -> str:
    """One page: claims first (the point of a report), then everyone, everywhere, every date."""
    parts = [f"<h3>{isolate(html.escape(record['report'].get('title') or ''))}</h3>"]
    claims = record.get("claims", [])
    parts.append(f"<h4>Claims ({len(claims)})</h4>")
    if not claims:
        parts.append("<p><i>No claim marked yet.</i></p>")
    for c in claims:
        status = c.get("status") or "reported"
        negated = " <b>(negated)</b>" if c.get("negated") else ""
        source = _mention(c["source"]) if c.get("source") else "<i>no source linked (press R on the claim)</i>"
        rows = [f"<tr><td><b>by</b></td><td>{source}</td></tr>"]
        for key, title in (("actors", "who"), ("places", "where"), ("dates", "when")):
            if c.get(key):
                rows.append(f"<tr><td><b>{title}</b></td><td>{'<br>'.join(_mention(m) for m in c[key])}</td></tr>")
        parts.append(f"<p><a href='span:{html.escape(c['id'])}'>“{isolate(html.escape(c['text']))}”</a> "
                     f"<small>[{html.escape(status)}]</small>{negated}</p>"
                     f"<table style='margin-left:12px'>{''.join(rows)}</table>")
    for key, title in (("actors", "Actors"), ("places", "Places"), ("dates", "Dates")):
        items = record.get(key, [])
        parts.append(f"<h4>{title} ({len(items)})</h4>")
        parts.append("<br>".join(_mention(m) for m in items) or "<i>none</i>")
    parts.append("<p><small>✓ confirmed · ≈ automatic · ? unresolved</small></p>")
    # the page reads left to right whatever script the report is in; each piece of report text is an
    # isolated run inside it (an Arabic first word would otherwise turn a whole line around)
    return f"<div dir='ltr'>{''.join(parts)}</div>"


class RecordPanel(QTextBrowser):
    span_link = Signal(str)  # a span id was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._clicked)
        self.record: dict[str, Any] | None = None

    def show_record(self, record: dict[str, Any] | None) -> None:
        self.record = record
        self.setHtml(record_html(record) if record else "<p><i>No report open.</i></p>")

    def _clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("span:"):
            self.span_link.emit(text[len("span:"):])
