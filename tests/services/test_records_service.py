"""Records over stored sets: resolution to the seeded registry, dates, the record document."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from annotator.core.errors import ValidationError
from annotator.core.report import Report
from annotator.services import annotate, entities, records
from annotator.services.database import open_database
from annotator.services.reports import store_report

ROOT = Path(__file__).resolve().parents[2]
TEXT = ("Deirezzor24 said on April 9 that IRGC officers met in Deir Al-Zour on April 5. The Islamic "
        "Revolutionary Guard Corps denied it; Dayr az-Zawr residents and the Islamic Revolutionary Guards "
        "Corps were quoted, as were people in Deir ez-Zor and دير الزور and الحرس الثوري.")


def _span(ctx, rid, surface, label, occurrence=0):  # type: ignore[no-untyped-def]
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(surface, start + 1)
    span, _ = annotate.create_span(ctx, rid, start, start + len(surface), label, annotator="alice")
    return span


def test_mentions_resolve_across_scripts_and_dates_anchor_on_publication(ctx) -> None:
    r = Report.of(TEXT, title="t", published="2024-04-09")
    store_report(ctx, r)
    places = [_span(ctx, r.id, s, "place") for s in ("Deir Al-Zour", "Dayr az-Zawr", "Deir ez-Zor", "دير الزور")]
    actors = [_span(ctx, r.id, s, "actor") for s in ("IRGC", "Islamic Revolutionary Guard Corps",
                                                      "Islamic Revolutionary Guards Corps", "الحرس الثوري")]
    date = _span(ctx, r.id, "April 5", "date")
    claim = _span(ctx, r.id, "IRGC officers met in Deir Al-Zour on April 5", "claim")
    source = _span(ctx, r.id, "Deirezzor24", "actor")
    annotate.create_relation(ctx, r.id, claim.id, source.id, "source", annotator="alice")
    records.auto_annotate_values(ctx, r.id, annotator="alice")
    s = annotate.get_set(ctx, r.id, "alice")
    assert {s.span(p.id).entity for p in places} == {"place:geonames:170794"}
    assert {s.span(a.id).entity for a in actors} == {"actor:irgc"}
    assert all(s.span(x.id).resolution == "automatic" for x in places + actors)
    assert s.span(date.id).value == "2024-04-05"

    (rec,) = records.build_records(ctx, annotator="alice")
    (c,) = rec["claims"]
    assert c["source"]["entity"]["id"] == "actor:deirezzor24" and c["status"] == "reported"
    assert [p["entity"]["id"] for p in c["places"]] == ["place:geonames:170794"]
    assert c["places"][0]["entity"]["lat"] == pytest.approx(35.336, abs=0.01)
    assert [d["value"] for d in c["dates"]] == ["2024-04-05"]
    schema = json.loads((ROOT / "docs" / "record.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(rec, schema)


def test_confirming_correcting_and_merging(ctx) -> None:
    r = Report.of(TEXT, published="2024-04-09")
    store_report(ctx, r)
    actor = _span(ctx, r.id, "IRGC", "actor")
    date = _span(ctx, r.id, "April 9", "date")
    candidates = records.entity_candidates(ctx, r.id, actor)
    assert candidates[0]["id"] == "actor:irgc" and candidates[0]["score"] >= 90
    records.link_entity(ctx, r.id, actor.id, "actor:irgc", annotator="alice")
    records.set_date_value(ctx, r.id, date.id, "2024-04-09", annotator="alice")
    with pytest.raises(ValidationError):
        records.set_date_value(ctx, r.id, date.id, "9 April", annotator="alice")
    s = annotate.get_set(ctx, r.id, "alice")
    assert (s.span(actor.id).entity, s.span(actor.id).resolution) == ("actor:irgc", "confirmed")
    local = entities.save_entity(ctx, {"id": entities.new_entity_id("actor", "Guards"), "kind": "actor",
                                       "name": "Guards", "aliases": [{"name": "the Guards", "lang": "en"}]})
    records.link_entity(ctx, r.id, actor.id, local["id"], annotator="alice")
    moved = entities.merge_entities(ctx, "actor:irgc", local["id"])
    assert moved == 1
    assert annotate.get_set(ctx, r.id, "alice").span(actor.id).entity == "actor:irgc"
    merged = entities.get_entity(ctx, "actor:irgc")
    assert "the Guards" in {a["name"] for a in merged["aliases"]}


def test_a_registry_import_stores_what_entity_by_entity_upserts_store(ctx, tmp_path: Path) -> None:
    """``upsert_many`` (one read per 500 ids, new entities inserted together) leaves the registry as
    ``upsert`` one entity at a time does, with the same statuses: unchanged, changed, new, an id met
    twice, aliases repeated or cut at 300 characters."""
    entities.ensure_registry(ctx)
    with ctx.uow() as uow:
        kept, changed = (uow.entities.get(e) for e in ("actor:irgc", "actor:deirezzor24"))
    long = "ا" * 310
    entries = [kept, {**changed, "name": "Deir Ezzor 24", "aliases": [{"name": "DZ24", "lang": "en"}]},
               {"id": "actor:new-one", "kind": "actor", "name": "New One", "aliases": [
                   {"name": "N1", "lang": None}, {"name": " N1 ", "lang": "en"}, {"name": long + "x", "lang": "ar"},
                   {"name": long + "y", "lang": None}]},
               {"id": "place:new-two", "kind": "place", "name": "New Two", "lat": 35.5, "lon": 38.1, "aliases": []},
               {"id": "actor:new-one", "kind": "actor", "name": "New One, renamed", "aliases": []}]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    result = entities.import_registry(ctx, path)
    assert (result.added, result.updated, result.unchanged) == (2, 2, 1)
    other = open_database(tmp_path / "one-by-one.sqlite3")
    try:
        entities.ensure_registry(other)
        with other.uow() as uow:
            assert [uow.entities.upsert(dict(e)) for e in entries] == ["unchanged", "updated", "added", "added",
                                                                        "updated"]
            one_by_one = list(uow.entities.iter_all())
    finally:
        other.close()
    with ctx.uow() as uow:
        assert list(uow.entities.iter_all()) == one_by_one
    with ctx.uow() as uow:
        assert uow.entities.get("actor:new-one")["name"] == "New One, renamed"
        assert uow.entities.get("actor:deirezzor24")["aliases"] == [{"name": "DZ24", "lang": "en"}]


def test_the_starter_registry_passes_the_import_checks(tmp_path: Path) -> None:
    """The shipped registry is seeded unchecked (``entities._seed``): it must pass every check an imported
    registry file passes, and seed what importing it adds."""
    imported = open_database(tmp_path / "imported.sqlite3")
    seeded = open_database(tmp_path / "seeded.sqlite3")
    try:
        added = sum(entities.import_registry(imported, path).added for path in entities.starter_files())
        assert added > 2000 and entities.ensure_registry(seeded) == added
        with imported.uow() as a, seeded.uow() as b:
            assert list(a.entities.iter_all()) == list(b.entities.iter_all())
    finally:
        imported.close()
        seeded.close()


def test_registry_export_import_round_trip(ctx, tmp_path: Path) -> None:
    entities.ensure_registry(ctx)
    for suffix in (".json", ".csv"):
        out = tmp_path / f"registry{suffix}"
        n = entities.export_registry(ctx, out)
        assert n > 2000
        result = entities.import_registry(ctx, out)
        assert (result.added, result.updated, result.unchanged) == (0, 0, n)
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "place:x", "kind": "planet", "name": "X"}]', encoding="utf-8")
    with pytest.raises(Exception, match="kind must be actor or place"):
        entities.import_registry(ctx, bad)
