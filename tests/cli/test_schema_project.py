"""A project whose schema is not the default one: labels PER/LOC/DATE/CLAIM (``tests/data/schema/ner.json``,
imported as a user does with ``annotator schema import``), relation types ``said_by`` (the source) and
``involves``. Nothing in the code knows these names: resolution, dates, the record and the exports follow
what the schema declares (``"entity"``, ``"value"``, ``"record"``). One real SQLite file, driven through the
command line and the services."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from annotator.services import annotate, records
from annotator.services.database import open_database

from cli_helpers import cli

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "data" / "schema" / "ner.json"
TEXT = "Deirezzor24 claimed that IRGC officers met in Deir ez-Zor on 7 April 2024."
CLAIM = "IRGC officers met in Deir ez-Zor on 7 April 2024"


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, str]:
    """The report imported, the NER schema imported, alice's set annotated through the services."""
    db = tmp_path / "ner.sqlite3"
    report = tmp_path / "report.txt"
    report.write_text(TEXT, encoding="utf-8")
    imported = json.loads(cli("import", str(report), "--published", "2024-04-09", "--json", db=db,
                              check=True).stdout)
    rid = imported["reports"][0]["id"]
    schema = json.loads(cli("schema", "import", str(SCHEMA), "--json", db=db, check=True).stdout)
    assert [lbl["name"] for lbl in schema["labels"]] == ["PER", "LOC", "DATE", "CLAIM"]
    assert (schema["version"], schema["labels"][3]["record"], schema["relations"][0]["record"]) == \
        (3, "claim", "source")
    ctx = open_database(db)
    try:
        def span(surface: str, label: str):  # type: ignore[no-untyped-def]
            start = TEXT.index(surface)
            return records.create_span_with_values(ctx, rid, start, start + len(surface), label, annotator="alice")[0]

        source, irgc, place, date, claim = (span("Deirezzor24", "PER"), span("IRGC", "PER"),
                                            span("Deir ez-Zor", "LOC"), span("7 April 2024", "DATE"),
                                            span(CLAIM, "CLAIM"))
        assert (source.entity, irgc.entity, place.entity) == ("actor:deirezzor24", "actor:irgc",
                                                              "place:geonames:170794")
        assert (date.value, date.resolution) == ("2024-04-07", "automatic")
        assert claim.entity is None and claim.value is None  # CLAIM declares neither
        annotate.create_relation(ctx, rid, claim.id, source.id, "said_by", annotator="alice")
        annotate.create_relation(ctx, rid, claim.id, irgc.id, "involves", annotator="alice")
    finally:
        ctx.close()
    return db, rid


def test_the_record_reads_who_where_when_and_claims_from_the_schema(project: tuple[Path, str]) -> None:
    db, _ = project
    document = json.loads(cli("record", "--annotator", "alice", db=db, check=True).stdout)
    (rec,) = document["records"]
    jsonschema.validate(rec, json.loads((ROOT / "docs" / "record.schema.json").read_text(encoding="utf-8")))
    assert [a["entity"]["id"] for a in rec["actors"]] == ["actor:deirezzor24", "actor:irgc"]
    assert [p["entity"]["id"] for p in rec["places"]] == ["place:geonames:170794"]
    assert [(d["text"], d["value"], d["resolution"]) for d in rec["dates"]] == [("7 April 2024", "2024-04-07",
                                                                                  "automatic")]
    (claim,) = rec["claims"]
    assert claim["text"] == CLAIM and claim["status"] == "reported"
    assert claim["source"]["entity"]["id"] == "actor:deirezzor24"  # through said_by, the declared source
    assert [(a["entity"]["id"], a["link"]) for a in claim["actors"]] == [("actor:irgc", "explicit")]
    assert [(p["entity"]["id"], p["link"]) for p in claim["places"]] == [("place:geonames:170794", "implicit")]
    assert [d["value"] for d in claim["dates"]] == ["2024-04-07"]

    table = list(csv.DictReader(io.StringIO(cli("record", "--format", "csv", db=db, check=True).stdout)))
    assert [(row["claim_text"], row["actor_entity_ids"], row["place_entity_ids"], row["dates"]) for row in table] == \
        [(CLAIM, "actor:irgc", "place:geonames:170794", "2024-04-07")]


def test_exports_carry_the_labels_and_a_loaded_set_resolves_by_them(project: tuple[Path, str],
                                                                    tmp_path: Path) -> None:
    db, rid = project
    native = tmp_path / "alice.jsonl"
    cli("export", "--format", "jsonl", "--out", str(native), db=db, check=True)
    (line,) = [json.loads(x) for x in native.read_text(encoding="utf-8").splitlines()]
    assert sorted({s["label"] for s in line["spans"]}) == ["CLAIM", "DATE", "LOC", "PER"]
    by_label = {s["label"]: s for s in line["spans"] if s["label"] in ("LOC", "DATE")}
    assert (by_label["LOC"]["entity"], by_label["DATE"]["value"]) == ("place:geonames:170794", "2024-04-07")
    assert sorted(r["label"] for r in line["relations"]) == ["involves", "said_by"]

    doccano = tmp_path / "doccano.jsonl"
    cli("export", "--format", "doccano", "--out", str(doccano), db=db, check=True)
    (peer,) = [json.loads(x) for x in doccano.read_text(encoding="utf-8-sig").splitlines()]
    assert sorted(e["label"] for e in peer["entities"]) == ["CLAIM", "DATE", "LOC", "PER", "PER"]
    assert sorted(r["type"] for r in peer["relations"]) == ["involves", "said_by"]

    # bob's set comes from a file with the same labels and nothing resolved: the record resolves it
    bare = {**line, "annotator": "bob", "spans": [{**s, "entity": None, "value": None} for s in line["spans"]]}
    loaded = tmp_path / "bob.jsonl"
    loaded.write_text(json.dumps(bare, ensure_ascii=False) + "\n", encoding="utf-8")
    cli("load", str(loaded), "--format", "jsonl", db=db, check=True)
    (rec,) = json.loads(cli("record", "--annotator", "bob", "--report", rid, db=db, check=True).stdout)["records"]
    assert [(a["entity"]["id"], a["resolution"]) for a in rec["actors"]] == [("actor:deirezzor24", "automatic"),
                                                                           ("actor:irgc", "automatic")]
    assert [(d["value"], d["resolution"]) for d in rec["dates"]] == [("2024-04-07", "automatic")]
    assert rec["claims"][0]["source"]["text"] == "Deirezzor24"
