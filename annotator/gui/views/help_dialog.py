"""F1: the keyboard cheat sheet, built from the schema so a project's own labels show their keys."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from annotator.core.schema import Schema


def shortcuts(schema: Schema) -> list[tuple[str, str]]:
    rows = [(lab.key, f"label the selection (or relabel the selected span) as <b>{lab.name}</b>")
            for lab in schema.labels]
    rows += [
        ("Shift+arrows, Shift+Ctrl+arrows", "select text by character, by word"),
        ("Tab / Shift+Tab", "next / previous span (walks nested spans one by one)"),
        ("Click", "select the innermost span under the mouse"),
        ("Del", "delete the selected span"),
        ("Alt+Shift+←/→", "move the selected span's end by a word (by a character with snapping off)"),
        ("Ctrl+Alt+Shift+←/→", "move the selected span's start"),
        ("Drag a span's edge", "move that boundary with the mouse"),
        ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo (each step is saved at once)"),
        ("Esc", "clear the selection"),
        ("Ctrl+F", "filter the report list"),
        ("F1", "this sheet"),
    ]
    return rows


class HelpDialog(QDialog):
    def __init__(self, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        body = "".join(f"<tr><td style='padding:3px 14px 3px 0; white-space:nowrap'><b>{k}</b></td><td>{v}</td></tr>"
                       for k, v in shortcuts(schema))
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setHtml("<h3>Keyboard shortcuts</h3><table>" + body + "</table>"
                             "<p>Selections snap to whole words and drop surrounding spaces and punctuation; "
                             "turn <i>Snap to words</i> off for parts of words. Every edit is saved the moment "
                             "the status bar says <i>Saved</i>.</p>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 560)
