"""Qt models of the curation view: the candidate groups of one report (one row each, so a span wholly
covered by nested spans is as reachable as any other) and the versions of the chosen group (one row per
annotator, then gold). Names are shown as "Annotator 1…n" in blind mode; keys 1…9 follow that order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from annotator.core.curation import CurationState, Group
from annotator.core.ids import GOLD
from annotator.gui.bidi import isolate
from annotator.gui.models.span_table_model import excerpt
from annotator.gui.models.table_base import Index, RowTableModel

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
UNDECIDED = QColor("#fff3cd")
AGREED = QColor("#e6f4ea")


def shown_names(annotators: Sequence[str], blind: bool) -> dict[str, str]:
    """How annotators are named in the view: themselves, or "Annotator i" in blind mode."""
    return {a: (f"Annotator {i}" if blind else a) for i, a in enumerate(annotators, 1)}


def describe(group: Group, text: str, names: dict[str, str], version: tuple[Any, ...] | None = None) -> str:
    """One version of a group in words: spans as label “text”, relations as their labels."""
    items = group.gold if version is None else version
    if not items:
        return "—"
    if group.item == "span":
        return "; ".join(f"{s.label} “{isolate(excerpt(text[s.start:s.end], 40))}”" for s in items)
    if group.item == "event":
        return "; ".join(e.type + (f" [{', '.join(e.qualifiers)}]" if e.qualifiers else "")
                         + (f" ({', '.join(f'{k} {v.best}' for k, v in e.counts.items())})" if e.counts else "")
                         + (f" — {', '.join(f'{r}: {len(ids)}' for r, ids in e.roles.items())}" if e.roles else "")
                         for e in items)
    return "; ".join(r.label for r in items)


def decision_text(group: Group, names: dict[str, str]) -> str:
    d = group.decision
    if d is None:
        return "in gold" if group.gold else ""
    who = "none" if d.choice == "none" else "edited" if d.choice == "edited" else names.get(d.choice, d.choice)
    return f"{who} · {d.rule}" if d.rule else who


class CandidateModel(RowTableModel):
    headers = ("#", "Where", "Kind", "Agree", "Decision")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.names: dict[str, str] = {}
        self.preview: dict[str, str] = {}  # group key -> who a previewed rule would choose

    def set_state(self, state: CurationState | None, text: str, names: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(state.groups) if state is not None else []
        self.text, self.names, self.preview = text, names, {}
        self.endResetModel()

    def set_preview(self, chosen: dict[str, str]) -> None:
        self.preview = chosen
        if self._rows:
            self.dataChanged.emit(self.index(0, 4), self.index(len(self._rows) - 1, 4))

    def group(self, row: int) -> Group:
        return self._rows[row]

    def groups(self) -> list[Group]:
        return list(self._rows)

    def row_of(self, key: str) -> int | None:
        return next((i for i, g in enumerate(self._rows) if g.key == key), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        g: Group = self._rows[index.row()]
        col = index.column()
        if role == KEY_ROLE:
            return g.key
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return index.row() + 1
            if col == 1:
                where = isolate(excerpt(self.text[g.start:g.end], 50))
                return {"relation": f"→ {where}", "event": f"⚑ {where}"}.get(g.item, where)
            if col == 2:
                if g.item == "relation":
                    return "relation: " + g.kind.replace("span", "relation")
                if g.item == "event":
                    return "event: " + g.kind.replace("span", "event").replace("label", "type")
                return g.kind
            if col == 3:
                # the most annotators sharing one version; those who marked nothing there agree on nothing
                best = max((c for sig, c in g.support.items() if sig != ()), default=0)
                return f"{best}/{len(g.versions)}" if g.marked else ""
            if g.key in self.preview and not g.decided:
                return f"→ {self.names.get(self.preview[g.key], self.preview[g.key])} (preview)"
            return decision_text(g, self.names)
        if role == Qt.ItemDataRole.BackgroundRole:
            return AGREED if g.decided else UNDECIDED
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(f"{self.names.get(a, a)}: {describe(g, self.text, self.names, v)}"
                             for a, v in g.versions.items()) + f"\ngold: {describe(g, self.text, self.names)}"
        return None


class VersionModel(RowTableModel):
    """The chosen group: one row per annotator (key 1…9 accepts it) and a last row for gold."""

    headers = ("Key", "Annotator", "Version", "Value", "Entity", "Attributes", "Agree")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.group: Group | None = None
        self.text = ""
        self.names: dict[str, str] = {}

    def set_group(self, group: Group | None, text: str, names: dict[str, str]) -> None:
        self.beginResetModel()
        self.group, self.text, self.names = group, text, names
        self._rows = ([*group.versions, GOLD] if group is not None else [])
        self.endResetModel()

    def annotator(self, row: int) -> str:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.group is None:
            return None
        who, g, col = self._rows[index.row()], self.group, index.column()
        version = g.gold if who == GOLD else g.versions[who]
        spans = version if g.item == "span" else ()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(index.row() + 1) if who != GOLD and index.row() < 9 else "",
                    GOLD if who == GOLD else self.names.get(who, who),
                    describe(g, self.text, self.names, version),
                    ", ".join(s.value or "—" for s in spans) if spans else "",
                    ", ".join(s.entity or "—" for s in spans) if spans else "",
                    "; ".join(", ".join(f"{k}={v}" for k, v in sorted(s.attrs.items())) or "—" for s in spans)
                    if spans else "; ".join(", ".join(f"{k}={v}" for k, v in r.attrs.items()) for r in version),
                    "" if who == GOLD else str(len(g.agreeing(who)) if version else ""))[col]
        if role == Qt.ItemDataRole.BackgroundRole and who == GOLD:
            return QColor("#eef3fb")
        if role == Qt.ItemDataRole.FontRole and who != GOLD and version and g.decision is not None \
                and g.decision.choice == who:
            font = QFont()
            font.setBold(True)
            return font
        return None

