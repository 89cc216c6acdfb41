"""What the import dialog needs for "add the file's labels": the labels and relation types a file would add,
listed before anything is stored, and a load that extends the project schema in the same transaction."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from annotator.core.errors import FormatError, ValidationError
from annotator.core.ids import report_id
from annotator.services.database import import_schema, load_schema, open_database
from annotator.services.load import load_annotations, parse_label_map, schema_additions_of_file

TEXT = "Colonel Abu Ali met IRGC officers in Homs."


def write(tmp_path: Path, labels: tuple[str, str, str], relation: str) -> Path:
    path = tmp_path / "alice.jsonl"
    spans = [{"id": "T1", "start": 0, "end": 15, "label": labels[0], "text": "Colonel Abu Ali"},
             {"id": "T2", "start": 20, "end": 33, "label": labels[1], "text": "IRGC officers"},
             {"id": "T3", "start": 37, "end": 41, "label": labels[2], "text": "Homs"}]
    line = {"text": TEXT, "annotator": "alice", "spans": spans,
            "relations": [{"id": "R1", "head": "T1", "tail": "T3", "label": relation}]}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def test_the_additions_are_listed_before_anything_is_stored(ctx, tmp_path: Path) -> None:
    path = write(tmp_path, ("PER", "ORG", "place"), "based_in")
    before = ctx.schema
    added = schema_additions_of_file(ctx, path, "jsonl")
    assert [lbl.name for lbl in added.labels] == ["PER", "ORG"] and all(lbl.key == "" for lbl in added.labels)
    assert [(r.name, r.heads, r.tails) for r in added.relations] == [("based_in", ("PER",), ("place",))]
    assert ctx.schema == before
    with ctx.uow() as uow:
        assert uow.repo.report_ids() == [] and uow.settings.get("schema") is None
    mapped = schema_additions_of_file(ctx, path, "jsonl", label_map=parse_label_map("PER=actor,ORG=actor"))
    assert not mapped.labels and [r.name for r in mapped.relations] == ["based_in"]


def test_loading_with_add_labels_stores_the_extended_schema(ctx, tmp_path: Path, db_url: str) -> None:
    path = write(tmp_path, ("PER", "ORG", "place"), "based_in")
    with pytest.raises(FormatError, match="--add-labels"):
        load_annotations(ctx, path, "jsonl")
    result = load_annotations(ctx, path, "jsonl", add_labels=True)
    assert result.spans == 3 and result.relations == 1
    assert [lbl["name"] for lbl in result.added["labels"]] == ["PER", "ORG"]
    assert "PER" in ctx.schema.label_names and ctx.schema.allows("based_in", "PER", "place")
    reopened = open_database(db_url)
    try:  # the schema is the database's, not this context's
        assert reopened.schema == ctx.schema
        assert not schema_additions_of_file(reopened, path, "jsonl")
    finally:
        reopened.close()


def test_a_label_that_cannot_be_added_is_one_sentence(ctx, tmp_path: Path) -> None:
    path = write(tmp_path, ("Person Name", "ORG", "place"), "based_in")
    with pytest.raises(FormatError, match="cannot add to the schema: label 'Person Name' must be one word"):
        load_annotations(ctx, path, "jsonl", add_labels=True)
    with ctx.uow() as uow:
        assert uow.repo.report_ids() == [] and uow.settings.get("schema") is None


def test_two_loads_extending_the_schema_at_once_keep_both_additions(ctx, tmp_path: Path, db_url: str) -> None:
    """Two processes (here threads with their own connections) load at once: neither the new report they
    share nor either file's labels is lost."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write(tmp_path / "a", ("PER", "ORG", "place"), "based_in")  # the same report in both files
    second = write(tmp_path / "b", ("WEAPON", "UNIT", "place"), "armed_with")
    errors: list[BaseException] = []

    def load(path: Path) -> None:
        other = open_database(db_url)
        try:
            load_annotations(other, path, "jsonl", annotator="alice" if path == first else "bob", add_labels=True)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            other.close()

    threads = [threading.Thread(target=load, args=(p,)) for p in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = open_database(db_url)
    try:
        assert {"PER", "ORG", "WEAPON", "UNIT"} <= set(final.schema.label_names)
        assert final.schema.allows("based_in", "PER", "place") and final.schema.allows("armed_with", "WEAPON", "place")
    finally:
        final.close()


def test_a_schema_breaking_stored_relations_is_refused_on_every_backend(ctx, tmp_path: Path) -> None:
    """Trial 2026-12-06 (command line) item 9, through the service on SQLite and PostgreSQL: the stored
    relations are grouped by type and end labels in SQL (``relation_uses``) and the first one is named."""
    load_annotations(ctx, write(tmp_path, ("claim", "actor", "place"), "place"), "jsonl")
    data = ctx.schema.to_dict()
    next(r for r in data["relations"] if r["name"] == "place")["heads"] = ["actor"]
    path = tmp_path / "narrowed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = ctx.schema
    with pytest.raises(ValidationError, match="1 stored relation breaks the schema's relation rules: its 'place' "
                                              "relations go from actor to place, but relation R1 of alice in report "
                                              f"{report_id(TEXT)[:12]} is a 'place' from a claim to a place"):
        import_schema(ctx, path)
    assert load_schema(ctx) == before
