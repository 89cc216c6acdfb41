"""Label colours that stay readable on light and dark palettes: the schema's colour for bars and
outlines, a translucent tint of it for fills (so text keeps the palette's own contrast)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from annotator.core.schema import Schema

FALLBACK = "#888888"


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


class SpanColors:
    def __init__(self, schema: Schema, palette: QPalette) -> None:
        self.schema = schema
        self.dark = is_dark(palette)
        self.page = palette.color(QPalette.ColorRole.Base)

    def base(self, label: str) -> QColor:
        try:
            color = QColor(self.schema.label(label).color)
        except Exception:  # noqa: BLE001 - unknown label (from a loaded file): grey
            color = QColor(FALLBACK)
        return color.lighter(135) if self.dark else color

    def fill(self, label: str, *, mine: bool = True) -> QColor:
        c = QColor(self.base(label))
        c.setAlpha((70 if self.dark else 52) if mine else 0)
        return c

    def bar(self, label: str, *, mine: bool = True) -> QColor:
        c = QColor(self.base(label))
        c.setAlpha(255 if mine else 150)
        return c

    def tag(self, label: str) -> QColor:
        """A label tag's background: the label's colour blended into the page, opaque, so the
        tag's text keeps the palette's own contrast."""
        c, page = self.base(label), self.page
        t = 0.32 if self.dark else 0.22
        return QColor(round(page.red() + (c.red() - page.red()) * t),
                      round(page.green() + (c.green() - page.green()) * t),
                      round(page.blue() + (c.blue() - page.blue()) * t))
