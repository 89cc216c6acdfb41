"""The entity registry in the GUI: search across scripts, edit, create, merge, import/export."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.services import entities


def test_search_edit_merge_and_export(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    dialog = window.show_registry()
    dialog.search.setText("دير الزور")
    ids = [dialog.model.entity_at(r)["id"] for r in range(dialog.model.rowCount())]
    assert "place:geonames:170794" in ids  # Deir ez-Zor found by its Arabic name
    dialog.kind.setCurrentIndex(dialog.kind.findData("actor"))
    dialog.search.setText("")
    dialog.new()
    dialog.name.setText("Liwa al-Baqir")
    dialog.type.setText("armed group")
    dialog.aliases.setPlainText("لواء الباقر\tar\nal-Baqir Brigade")
    first = dialog.save()
    assert first is not None and first["id"] == "actor:local:liwa-al-baqir"
    dialog.new()
    dialog.name.setText("Baqir Brigade")
    second = dialog.save()
    assert second is not None
    stored = entities.get_entity(window.session.ctx, first["id"])
    assert {a["name"] for a in stored["aliases"]} == {"لواء الباقر", "al-Baqir Brigade"}
    dialog.search.setText("Baqir")
    rows = {dialog.model.entity_at(r)["id"]: r for r in range(dialog.model.rowCount())}
    sel = dialog.table.selectionModel()
    from PySide6.QtCore import QItemSelectionModel

    for eid in (first["id"], second["id"]):
        sel.select(dialog.model.index(rows[eid], 0),
                   QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    keep, drop = dialog.selected_ids()
    dialog.merge_selected()
    merged = entities.get_entity(window.session.ctx, keep)
    names = {a["name"] for a in merged["aliases"]} | {merged["name"]}
    assert {"Liwa al-Baqir", "Baqir Brigade", "لواء الباقر"} <= names
    assert entities.search_entities(window.session.ctx, "") and all(
        e["id"] != drop for e in entities.search_entities(window.session.ctx, "Baqir"))
    assert "Merged 1 entity" in dialog.status.text()
    out = tmp_path / "registry.json"
    n = dialog.export_file(out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert n == len(data) and any(e["id"] == keep for e in data)


def test_bad_registry_file_is_one_sentence(open_window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    window = open_window()
    dialog = window.show_registry()
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "x", "kind": "planet", "name": "Mars"}]', encoding="utf-8")
    dialog.import_file(bad)
    assert "bad.json" in dialog.status.text()
    assert all(e["name"] != "Mars" for e in entities.search_entities(window.session.ctx, "Mars"))
