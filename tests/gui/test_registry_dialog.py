"""The entity registry in the GUI: search across scripts, edit, create, merge, import/export."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.gui.views.registry_dialog import RegistryDialog
from annotator.services import entities
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from gui_helpers import click, open_dialog, settle, type_text


def button(dialog, text: str) -> QPushButton:  # type: ignore[no-untyped-def]
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def typed(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    widget.clear()
    type_text(widget, text)
    settle(widget.window())


def test_search_edit_merge_and_export(open_window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    dialog = open_dialog(window, window.registry_action, RegistryDialog)
    typed(dialog.search, "دير الزور")
    ids = [dialog.model.entity_at(r)["id"] for r in range(dialog.model.rowCount())]
    assert "place:geonames:170794" in ids  # Deir ez-Zor found by its Arabic name
    dialog.kind.setCurrentIndex(dialog.kind.findData("actor"))
    typed(dialog.search, "")
    click(button(dialog, "New"))
    typed(dialog.name, "Liwa al-Baqir")
    typed(dialog.type, "armed group")
    dialog.aliases.setPlainText("لواء الباقر\tar\nal-Baqir Brigade")
    click(button(dialog, "Save"))
    first = entities.get_entity(window.session.ctx, "actor:local:liwa-al-baqir")
    assert "Saved Liwa al-Baqir" in dialog.status.text()
    click(button(dialog, "New"))
    typed(dialog.name, "Baqir Brigade")
    click(button(dialog, "Save"))
    second = entities.get_entity(window.session.ctx, "actor:local:baqir-brigade")
    stored = entities.get_entity(window.session.ctx, first["id"])
    assert {a["name"] for a in stored["aliases"]} == {"لواء الباقر", "al-Baqir Brigade"}
    typed(dialog.search, "Baqir")
    rows = {dialog.model.entity_at(r)["id"]: r for r in range(dialog.model.rowCount())}
    sel = dialog.table.selectionModel()
    for eid in (first["id"], second["id"]):
        sel.select(dialog.model.index(rows[eid], 0),
                   QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    keep, drop = dialog.selected_ids()
    click(button(dialog, "Merge selected into the first"))
    merged = entities.get_entity(window.session.ctx, keep)
    names = {a["name"] for a in merged["aliases"]} | {merged["name"]}
    assert {"Liwa al-Baqir", "Baqir Brigade", "لواء الباقر"} <= names
    assert entities.search_entities(window.session.ctx, "") and all(
        e["id"] != drop for e in entities.search_entities(window.session.ctx, "Baqir"))
    assert "Merged 1 entity" in dialog.status.text()
    out = tmp_path / "registry.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "JSON (*.json)"))
    click(button(dialog, "Export…"))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert f"Wrote {len(data)} entities" in dialog.status.text() and any(e["id"] == keep for e in data)


def test_bad_registry_file_is_one_sentence(open_window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    window = open_window()
    dialog = open_dialog(window, window.registry_action, RegistryDialog)
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "x", "kind": "planet", "name": "Mars"}]', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), "Registry (*.json *.csv)"))
    click(button(dialog, "Import…"))
    assert "bad.json" in dialog.status.text()
    assert all(e["name"] != "Mars" for e in entities.search_entities(window.session.ctx, "Mars"))
