"""The entity registry: search, edit (name, type, aliases in any script, coordinates), create,
merge duplicates (their mentions follow), and import/export as JSON or CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.schema import ENTITY_KINDS
from annotator.gui.models.entity_table_model import EntityTableModel
from annotator.gui.session import EditSession
from annotator.gui.tasks import error_text
from annotator.services import entities


class RegistryDialog(QDialog):
    """Every read and write runs on the session's database lane; the dialog stays responsive while
    a large registry file is imported, and its results arrive in order."""

    def __init__(self, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ctx = session.ctx
        self.setWindowTitle("Entity registry")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search names and aliases (any script)")
        self.kind = QComboBox(self)
        self.kind.addItem(" and ".join(f"{k}s" for k in ENTITY_KINDS), None)  # the registry's kinds (core.schema)
        for kind in ENTITY_KINDS:
            self.kind.addItem(f"{kind}s", kind)
        self.model = EntityTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 220)
        self.name = QLineEdit(self)
        self.type = QLineEdit(self)
        self.aliases = QPlainTextEdit(self)
        self.aliases.setPlaceholderText("one alias per line; optional language after a tab, e.g. دير الزور\tar")
        self.lat, self.lon = QDoubleSpinBox(self), QDoubleSpinBox(self)
        for spin, bound in ((self.lat, 90.0), (self.lon, 180.0)):
            spin.setRange(-bound - 1, bound)  # the lowest value means "no coordinate"
            spin.setDecimals(5)
            spin.setSpecialValueText("—")
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        save = QPushButton("Save", self)
        save.clicked.connect(self.save)
        new = QPushButton("New", self)
        new.clicked.connect(self.new)
        merge = QPushButton("Merge selected into the first", self)
        merge.clicked.connect(self.merge_selected)
        import_button = QPushButton("Import…", self)
        import_button.clicked.connect(self.choose_import)
        export_button = QPushButton("Export…", self)
        export_button.clicked.connect(self.choose_export)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.kind)
        form_box = QWidget(self)
        form = QFormLayout(form_box)
        form.addRow("Name", self.name)
        form.addRow("Type", self.type)
        form.addRow("Aliases", self.aliases)
        form.addRow("Latitude", self.lat)
        form.addRow("Longitude", self.lon)
        edit_buttons = QHBoxLayout()
        edit_buttons.addWidget(save)
        edit_buttons.addWidget(new)
        form.addRow(edit_buttons)
        split = QSplitter(self)
        split.addWidget(self.table)
        split.addWidget(form_box)
        split.setSizes([560, 340])
        bottom = QHBoxLayout()
        for b in (merge, import_button, export_button):
            bottom.addWidget(b)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur.row()))
        self.current: dict[str, Any] | None = None
        self.resize(980, 600)
        self.session.read(lambda: entities.ensure_registry(self.ctx), lambda _n: None, self._failed)
        self.refresh()

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.session.read(work, done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc))

    def refresh(self) -> None:
        ctx, text, kind = self.ctx, self.search.text().strip(), self.kind.currentData()
        self._run(lambda: entities.search_entities(ctx, text, kind), self.model.set_entities)

    def _show(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            return
        e = self.model.entity_at(row)
        self.current = e
        self.name.setText(e["name"])
        self.type.setText(e.get("type") or "")
        self.aliases.setPlainText("\n".join(a["name"] + (f"\t{a['lang']}" if a.get("lang") else "")
                                            for a in e.get("aliases") or []))
        self.lat.setValue(e["lat"] if e.get("lat") is not None else self.lat.minimum())
        self.lon.setValue(e["lon"] if e.get("lon") is not None else self.lon.minimum())

    def new(self) -> None:
        self.table.clearSelection()
        kind = self.kind.currentData() or ENTITY_KINDS[0]
        self.current = {"id": None, "kind": kind}
        for w in (self.name, self.type):
            w.clear()
        self.aliases.clear()
        self.lat.setValue(self.lat.minimum())
        self.lon.setValue(self.lon.minimum())
        self.status.setText(f"New {kind}: fill in the name and Save.")

    def save(self) -> dict[str, Any] | None:
        if self.current is None:
            self.status.setText("Select an entity or press New.")
            return None
        data = {k: v for k, v in self.current.items() if k != "mentions"}
        data["name"] = self.name.text().strip()
        data["type"] = self.type.text().strip() or None
        data["aliases"] = [{"name": parts[0].strip(), "lang": parts[1].strip() if len(parts) > 1 else None}
                           for parts in (line.split("\t") for line in self.aliases.toPlainText().splitlines())
                           if parts[0].strip()]
        data["lat"] = None if self.lat.value() == self.lat.minimum() else self.lat.value()
        data["lon"] = None if self.lon.value() == self.lon.minimum() else self.lon.value()
        if not data.get("id"):
            data["id"] = entities.new_entity_id(data["kind"], data["name"] or "entity")

        def saved(entity: dict[str, Any]) -> None:
            self.status.setText(f"Saved {entity['name']} ({entity['id']}).")
            self.current = entity
            self.refresh()

        ctx = self.ctx
        self._run(lambda: entities.save_entity(ctx, data), saved)
        return data

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.entity_at(r)["id"] for r in rows]

    def merge_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) < 2:
            self.status.setText("Select two or more entities; the first one is kept.")
            return
        ctx = self.ctx

        def merged(moved: int) -> None:
            self.status.setText(f"Merged {len(ids) - 1} entit{'y' if len(ids) == 2 else 'ies'} into {ids[0]}; "
                                f"{moved} mention(s) now point to it.")
            self.refresh()

        self._run(lambda: sum(entities.merge_entities(ctx, ids[0], drop) for drop in ids[1:]), merged)

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import entities", str(Path.home()), "Registry (*.json *.csv)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Import on the lane: the dialog stays responsive and says so while it runs."""
        ctx = self.ctx
        self.status.setText(f"Importing {path.name}…")

        def imported(result: Any) -> None:
            self.status.setText(f"{result.added} added, {result.updated} updated, {result.unchanged} unchanged"
                                + (f"; {len(result.errors)} conflict(s): " + "; ".join(result.errors[:3])
                                   if result.errors else "."))
            self.refresh()

        def refused(exc: BaseException) -> None:  # nothing imported
            self.status.setText(error_text(exc))
            QMessageBox.warning(self, "Not imported", error_text(exc))

        self.session.read(lambda: entities.import_registry(ctx, path), imported, refused)

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export entities", str(Path.home() / "entities.json"),
                                              "JSON (*.json);;CSV (*.csv)")
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> None:
        ctx = self.ctx
        self._run(lambda: entities.export_registry(ctx, path),
                  lambda n: self.status.setText(f"Wrote {n} entities to {path}."))
