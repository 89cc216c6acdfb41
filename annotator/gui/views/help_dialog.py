"""F1: the keyboard sheet, printed from the key table (``gui.keymap``) the actions take their
shortcuts from, so it lists every key, and a project's own labels show their own keys."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from annotator.core.schema import Schema
from annotator.gui import keymap


def sheet_html(schema: Schema) -> str:
    parts = ["<h3>Keyboard shortcuts</h3>"]
    rows = keymap.bindings(schema)
    for context in dict.fromkeys(b.context for b in rows):
        parts.append(f"<h4>{html.escape(context[0].upper() + context[1:])}</h4><table>")
        parts += [f"<tr><td style='padding:3px 14px 3px 0; white-space:nowrap'><b>{html.escape(b.label)}</b></td>"
                  f"<td>{b.what}</td></tr>" for b in rows if b.context == context]
        parts.append("</table>")
    parts.append("<p>Selections snap to whole words and drop surrounding spaces and punctuation (brackets and "
                 "quotes stay when balanced); turn <i>Snap to words</i> off for parts of words. Every edit is "
                 "saved the moment the status bar says <i>Saved</i>; Undo and Redo act on the report shown.</p>")
    return "".join(parts)


class HelpDialog(QDialog):
    def __init__(self, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setHtml(sheet_html(schema))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 620)
