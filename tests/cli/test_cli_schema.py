"""``annotator load --add-labels``, relation types in ``--label-map`` and ``annotator schema`` (cli.md).

Other tools' corpora use their own labels (doccano's and Label Studio's examples: PER/LOC/ORG, domain
relation types, labels in other scripts); users of those tools expect an import to create them."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.schema import Schema
from annotator.services.database import open_database, save_schema

from cli_helpers import cli

TEXT = "Colonel Abu Ali met the منظمة delegation in Homs."
LINE = {"text": TEXT, "title": "Homs meeting",
        "entities": [{"id": 1, "label": "PER", "start_offset": 0, "end_offset": 15},
                     {"id": 2, "label": "منظمة", "start_offset": 24, "end_offset": 29},
                     {"id": 3, "label": "LOC", "start_offset": 44, "end_offset": 48}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 3, "type": "located_in"}]}


def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "alice.jsonl"
    path.write_text(json.dumps(LINE, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def schema_of(db: Path) -> dict:
    return json.loads(cli("schema", "show", "--json", db=db, check=True).stdout)


def test_unknown_labels_are_refused_naming_the_option(tmp_path: Path) -> None:
    db, path = tmp_path / "p.sqlite3", corpus(tmp_path)
    before = schema_of(db)
    refused = cli("load", str(path), "--format", "doccano", db=db)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "unknown labels LOC, PER, منظمة" in refused.stderr and "--add-labels" in refused.stderr
    mapped = cli("load", str(path), "--format", "doccano", "--label-map", "PER=actor,LOC=place,منظمة=actor", db=db)
    assert mapped.returncode == 2 and "unknown relation types located_in" in mapped.stderr
    assert "relation:OLD=NEW" in mapped.stderr and "--add-labels" in mapped.stderr
    reports = json.loads(cli("reports", "--json", db=db, check=True).stdout)["reports"]
    assert reports == [] and schema_of(db) == before  # nothing was stored


def test_label_map_renames_relation_types(tmp_path: Path) -> None:
    db, path = tmp_path / "p.sqlite3", corpus(tmp_path)
    # located_in (actor → place) becomes 'place', which the default schema allows from a claim only
    refused = cli("load", str(path), "--format", "doccano", "--label-map",
                  "PER=actor, LOC=place, منظمة=actor, relation:located_in=place", db=db)
    assert refused.returncode == 2
    assert ("the file's relation R1 ('place', from actor span T1 to place span T3) breaks the schema's rule: "
            "a 'place' relation must start at a claim, not an actor") in refused.stderr
    again = cli("load", str(path), "--format", "doccano", "--json", "--label-map",
                "PER=claim,LOC=place,منظمة=actor,rel:located_in=place", db=db)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["relations"] == 1 and json.loads(again.stdout)["added"] == {}


def test_add_labels_extends_the_schema(tmp_path: Path) -> None:
    db, path = tmp_path / "p.sqlite3", corpus(tmp_path)
    loaded = json.loads(cli("load", str(path), "--format", "doccano", "--add-labels", "--json", db=db,
                            check=True).stdout)
    assert loaded["spans"] == 3 and loaded["relations"] == 1
    assert [lbl["name"] for lbl in loaded["added"]["labels"]] == ["PER", "منظمة", "LOC"]
    assert loaded["added"]["relations"] == [{"name": "located_in", "heads": ["PER"], "tails": ["LOC"]}]
    schema = schema_of(db)
    added = {lbl["name"]: lbl for lbl in schema["labels"]}
    assert added["PER"]["key"] == "" and added["منظمة"]["color"].startswith("#")
    assert len({lbl["color"] for lbl in schema["labels"]}) == len(schema["labels"])  # generated colours differ
    text = cli("load", str(path), "--format", "doccano", "--add-labels", db=db, check=True).stdout
    assert "unchanged" in text and "added labels" not in text  # nothing new the second time


def test_schema_export_and_import(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    out = tmp_path / "schema.json"
    cli("schema", "export", "--out", str(out), db=db, check=True)
    data = json.loads(out.read_text(encoding="utf-8"))
    data["labels"].append({"name": "weapon", "key": "5", "color": "#444444", "description": "arms"})
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    imported = cli("schema", "import", str(edited), "--json", db=db, check=True)
    assert "weapon" in {lbl["name"] for lbl in json.loads(imported.stdout)["labels"]}
    assert "weapon" in {lbl["name"] for lbl in schema_of(db)["labels"]}
    bad = tmp_path / "bad.json"
    bad.write_text('{"labels": []}', encoding="utf-8")
    refused = cli("schema", "import", str(bad), db=db)
    assert refused.returncode == 1 and "bad.json" in refused.stderr and "defines no labels" in refused.stderr


def test_schema_import_is_refused_while_stored_relations_break_its_relation_rules(tmp_path: Path) -> None:
    """Trial 2026-12-06 (command line) item 9: a schema narrowing a relation's ends, or dropping the
    type, was accepted while stored relations used them; the project's own export then no longer loaded."""
    db, path = tmp_path / "p.sqlite3", corpus(tmp_path)
    cli("load", str(path), "--format", "doccano", "--annotator", "alice",
        "--label-map", "PER=claim,LOC=place,منظمة=actor,rel:located_in=place", db=db, check=True)
    before = schema_of(db)
    narrowed, dropped = json.loads(json.dumps(before)), json.loads(json.dumps(before))
    next(r for r in narrowed["relations"] if r["name"] == "place")["tails"] = ["date"]
    dropped["relations"] = [r for r in dropped["relations"] if r["name"] != "place"]
    del dropped["events"]  # its roles are named after the relation types
    for name, data, rule in (("narrowed", narrowed, "its 'place' relations go from claim to date"),
                             ("dropped", dropped, "it has no relation type 'place'")):
        file = tmp_path / f"{name}.json"
        file.write_text(json.dumps(data), encoding="utf-8")
        refused = cli("schema", "import", str(file), db=db)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert refused.stderr.count("\n") == 1, refused.stderr  # one sentence
        assert (f"{name}.json: 1 stored relation breaks the schema's relation rules: {rule}, but relation R1 of "
                "alice in 'Homs meeting' is a 'place' from a claim to a place") in refused.stderr
        assert schema_of(db) == before  # nothing changed


def test_check_reports_stored_relations_the_schema_refuses(tmp_path: Path) -> None:
    """Trial item 9: `check` passed on a database whose schema its relations broke (one imported before
    `schema import` checked relations). Not damage: no backup is offered."""
    db, path = tmp_path / "p.sqlite3", corpus(tmp_path)
    cli("load", str(path), "--format", "doccano", "--annotator", "alice",
        "--label-map", "PER=claim,LOC=place,منظمة=actor,rel:located_in=place", db=db, check=True)
    assert cli("check", db=db).returncode == 0
    narrowed = schema_of(db)
    next(r for r in narrowed["relations"] if r["name"] == "place")["tails"] = ["date"]
    ctx = open_database(db)
    try:
        save_schema(ctx, Schema.from_dict(narrowed))  # as `schema import` stored it before the fix
    finally:
        ctx.close()
    checked = cli("check", "--json", db=db)
    assert checked.returncode == 1 and "--restore" not in checked.stderr and "backup" not in checked.stderr
    out = json.loads(checked.stdout)
    assert not out["ok"] and out["problems"] == []
    assert out["schema_problems"] == [
        "1 stored relation breaks the schema's relation rules: its 'place' relations go from claim to date, but "
        "relation R1 of alice in 'Homs meeting' is a 'place' from a claim to a place; change or delete those "
        "relations, or import a schema that allows them"]
