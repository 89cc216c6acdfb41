import io
import json
from pathlib import Path

import jsonschema
import pytest
from annotator.core.events import Event
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.schema import RecordRoles
from annotator.core.spans import Span
from annotator.records.entities import Entity, index_by_id
from annotator.records.record import build_record, records_document, write_records_json

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path("/work/shared/fixtures/reports/memri-jttm-2024-04-09-deir-al-zour.txt")
SAMPLE = ("On April 7, 2024, the deirezzor24 website published a report claiming that Russian officers met "
          "commanders of the Islamic Revolutionary Guard Corps (IRGC) in Deir Al-Zour. On April 5–7, ISIS cells "
          "attacked outposts near Ma'dan 'Atiq.")


@pytest.fixture(scope="module")
def schema():
    with open(ROOT / "docs" / "record.schema.json", encoding="utf-8") as f:
        return json.load(f)


def span(sid, text, needle, label, nth=0, **kw):
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span(sid, start, start + len(needle), label, **kw)


@pytest.fixture()
def sample():
    report = Report.of(SAMPLE, title="Sample", published="2024-04-09")
    claim_text = "Russian officers met commanders of the Islamic Revolutionary Guard Corps (IRGC) in Deir Al-Zour"
    spans = [
        span("T1", SAMPLE, "April 7, 2024", "date"),
        span("T2", SAMPLE, "deirezzor24", "actor", entity="actor:deirezzor24", resolution="confirmed"),
        span("T3", SAMPLE, claim_text, "claim", attrs={"status": "reported"}),
        span("T4", SAMPLE, "Russian officers", "actor"),
        span("T5", SAMPLE, "Islamic Revolutionary Guard Corps", "actor", entity="actor:irgc",
             resolution="automatic"),
        span("T6", SAMPLE, "IRGC", "actor", nth=0, entity="actor:irgc"),
        span("T7", SAMPLE, "Deir Al-Zour", "place", entity="place:geonames:170794", resolution="confirmed"),
        span("T8", SAMPLE, "April 5–7", "date"),
        span("T9", SAMPLE, "ISIS cells attacked outposts near Ma'dan 'Atiq", "claim"),
        span("T10", SAMPLE, "ISIS", "actor", attrs={"unlinked": "true"}),
        span("T11", SAMPLE, "Ma'dan 'Atiq", "place"),
    ]
    relations = [Relation("R1", "T3", "T2", "source"), Relation("R2", "T3", "T1", "date"),
                 Relation("R3", "T3", "T4", "actor", attrs={"unlinked": True}),
                 Relation("R4", "T9", "T8", "date")]
    return report, spans, relations


def test_record_shape_and_participants(sample, starter_entities, schema):
    report, spans, relations = sample
    record = build_record(report, spans, relations, index_by_id(starter_entities), annotator="alice")
    jsonschema.validate(record, schema)
    document = {"type": "object", "required": ["records"],
                "properties": {"records": {"type": "array", "items": schema}}}
    jsonschema.validate(records_document([record]), document)
    assert record["report"] == {"id": report.id, "title": "Sample", "published": "2024-04-09", "source": None,
                                "url": None, "language": "en"}
    first, second = record["claims"]
    assert first["status"] == "reported" and first["source"]["entity"]["id"] == "actor:deirezzor24"
    assert first["source"]["resolution"] == "confirmed"
    # T4 unlinked by relation attribute; T5, T6 implicit; T7 implicit place with coordinates
    assert [a["id"] for a in first["actors"]] == ["T5", "T6"]
    assert {a["link"] for a in first["actors"]} == {"implicit"}
    assert first["actors"][0]["resolution"] == "automatic" and first["actors"][1]["resolution"] == "confirmed"
    place = first["places"][0]
    assert place["entity"]["id"] == "place:geonames:170794" and place["entity"]["lat"] == pytest.approx(35.34, abs=.01)
    assert [(d["id"], d["value"], d["link"]) for d in first["dates"]] == [("T1", "2024-04-07", "explicit")]
    # second claim: ISIS unlinked by span attribute, interval date by relation
    assert second["actors"] == [] and second["status"] == "reported" and second["source"] is None
    assert second["dates"][0]["value"] == "2024-04-05/2024-04-07"
    assert second["dates"][0]["granularity"] == "interval"
    assert second["places"][0]["resolution"] == "unresolved" and second["places"][0]["entity"] is None
    assert [d["value"] for d in record["dates"]] == ["2024-04-07", "2024-04-05/2024-04-07"]


def test_resolver_fills_automatic_matches(sample, resolver, schema):
    report, spans, relations = sample
    record = build_record(report, spans, relations, {}, resolver=resolver)
    jsonschema.validate(record, schema)
    by_id = {m["id"]: m for m in record["places"]}
    assert by_id["T11"]["entity"]["id"] == "place:site:madan-atiq" and by_id["T11"]["resolution"] == "automatic"
    isis = next(a for a in record["actors"] if a["id"] == "T10")
    assert isis["entity"]["id"] == "actor:isis" and isis["resolution"] == "automatic"
    unknown = next(a for a in record["actors"] if a["id"] == "T2")  # entity id kept though not in the map
    assert unknown["entity"]["id"] == "actor:deirezzor24"


def test_confirmed_date_value_wins_and_unknown_entity(schema):
    text = "Yesterday the SDF said so."
    report = Report.of(text, title="t", published="2024-04-09")
    spans = [Span("T1", 0, 9, "date", value="2024-04-01"), Span("T2", 14, 17, "actor", entity="actor:nope")]
    record = build_record(report, spans)
    jsonschema.validate(record, schema)
    assert record["dates"][0] == {"id": "T1", "text": "Yesterday", "start": 0, "end": 9, "value": "2024-04-01",
                                  "granularity": "day", "resolution": "confirmed"}
    assert record["actors"][0]["entity"] == {"id": "actor:nope", "name": "actor:nope", "type": None}
    assert record["claims"] == []


def test_fixture_report(starter_entities, resolver, schema):
    text = FIXTURE.read_text(encoding="utf-8") if FIXTURE.exists() else SAMPLE
    report = Report.of(text, title="MEMRI", published="2024-04-09")
    spans = []
    for i, (needle, label) in enumerate([("April 7, 2024", "date"), ("deirezzor24", "actor"),
                                         ("Deir Al-Zour", "place"), ("Khmeimim Air Base", "place"),
                                         ("Air Force Intelligence Directorate", "actor"), ("April 5", "date")]):
        if needle in text:
            spans.append(span(f"T{i}", text, needle, label))
    record = build_record(report, spans, (), index_by_id(starter_entities), resolver=resolver)
    jsonschema.validate(record, schema)
    assert all(m["resolution"] == "automatic" for m in record["actors"] + record["places"])
    assert all(d["value"] for d in record["dates"])


def test_written_records_parse_to_the_document(sample, starter_entities):
    """``write_records_json`` writes compact lines through orjson; the file must still be the document
    ``records_document`` describes, also where floats are spelt differently by orjson (``1e-05``) and
    where an event holds floats in its attributes, and each line the standard module's compact text."""
    report, spans, relations = sample
    tiny = Entity("place:tiny", "place", "Tiny", "site", lat=1e-05, lon=-0.1, country="SY")
    entities = {**index_by_id(starter_entities), "place:tiny": tiny}
    spans = [s if s.id != "T11" else Span(s.id, s.start, s.end, s.label, entity="place:tiny") for s in spans]
    event = Event("E1", "attack", roles={"place": ("T11",)}, claims=("T9",), attrs={"weight": 1e-07, "n": 2.5})
    records = [build_record(report, spans, relations, entities, annotator="alice", events=[event]),
               build_record(report, spans[:3], (), entities, annotator="bob")]
    out = io.BytesIO()
    assert write_records_json(iter(records), out) == 2
    assert json.loads(out.getvalue()) == json.loads(json.dumps(records_document(records)))
    lines = out.getvalue().decode("utf-8").splitlines()
    assert lines[0] == '{"records": [' and lines[-1] == "]}" and len(lines) == 4
    for line, record in zip(lines[1:3], records, strict=True):
        assert line.rstrip(",") == json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    assert "1e-05" in lines[1] and "1e-07" in lines[1]  # the standard module's spelling, not orjson's
    empty = io.BytesIO()
    assert write_records_json(iter(()), empty) == 0 and json.loads(empty.getvalue()) == {"records": []}


def test_participants_in_document_order_whatever_their_labels_or_links():
    """A claim's participants come in document order, by id where two share their offsets, though the
    spans are kept by (start, -end, label, id) and explicit ones are gathered first (the builder sorts
    only what can be out of order)."""
    text = "Group A and group B met in Town C on May 1, 2024; a later note named Group D."
    report = Report.of(text, title="t", published="2024-05-09")
    roles = RecordRoles(claims=frozenset({"claim"}), sources=frozenset({"source"}),
                        kinds={"actor": "actor", "group": "actor", "place": "place", "date": "date"})
    spans = [Span("C1", 0, 48, "claim"),
             Span("S9", 0, 7, "group"), Span("S2", 0, 7, "actor"),  # same offsets: by id, not by label
             span("S5", text, "group B", "actor"), span("S4", text, "Town C", "place"),
             span("S3", text, "May 1, 2024", "date"), span("S1", text, "Group D", "group")]
    relations = [Relation("R1", "C1", "S1", "actor"), Relation("R2", "C1", "S5", "actor", attrs={"unlinked": "yes"})]
    claim = build_record(report, spans, relations, roles=roles)["claims"][0]
    assert [(a["id"], a["link"]) for a in claim["actors"]] == [("S2", "implicit"), ("S9", "implicit"),
                                                               ("S1", "explicit")]
    assert [p["id"] for p in claim["places"]] == ["S4"] and [d["id"] for d in claim["dates"]] == ["S3"]


@pytest.mark.parametrize(("relations", "actors", "source"), [
    ([], [("A1", "implicit"), ("A2", "implicit")], None),
    ([("source", "A1", {})], [("A2", "implicit")], "A1"),  # the source inside the claim is not repeated
    ([("actor", "A2", {}), ("source", "A1", {})], [("A2", "explicit")], "A1"),  # explicit wins over implicit
    ([("actor", "A2", {}), ("actor", "A2", {})], [("A1", "implicit"), ("A2", "explicit")], None),
    ([("source", "A1", {"unlinked": True}), ("source", "A2", {})], [], "A2"),  # unlinked: neither source nor actor
    ([("actor", "A3", {})], [("A3", "explicit"), ("A1", "implicit"), ("A2", "implicit")], None),  # outside, first
    ([("actor", "C2", {})], [("A1", "implicit"), ("A2", "implicit")], None),  # a claim is no participant
])
def test_claim_sources_and_participants_table(relations, actors, source):
    text = "Maj. X said Group Y shelled it. Earlier Z spoke."
    report = Report.of(text, title="t")
    spans = [Span("A3", 0, 6, "actor"), span("C1", text, "X said Group Y shelled it", "claim"),
             span("A1", text, "X", "actor"), span("A2", text, "Group Y", "actor"), span("C2", text, "Z spoke", "claim")]
    rels = [Relation(f"R{i}", "C1", tail, label, attrs=attrs) for i, (label, tail, attrs) in enumerate(relations)]
    claim = build_record(report, spans, rels)["claims"][0]
    assert [(a["id"], a["link"]) for a in claim["actors"]] == actors
    assert (claim["source"] or {}).get("id") == source
