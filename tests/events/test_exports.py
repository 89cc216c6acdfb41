"""The sample reports' events exported to ACLED, UCDP GED, PLOVER and STIX 2.1: each file is checked
against the dataset's own definition (column lists and code lists copied here from the codebooks, the
PLOVER JSON Schema, the STIX 2.1 validator), and every event that could not be written is reported
with the missing field, never written half-filled."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from annotator.core.errors import UsageError, ValidationError
from annotator.events.stix import validate_references
from annotator.services.database import open_database
from annotator.services.event_export import events_dir, export_events
from annotator.services.export import export_corpus, export_scope
from annotator.services.load import load_annotations
from annotator.services.reports import get_report, list_reports
from annotator.services.samples import load_samples

STAMP = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)

# ACLED's 31 columns since 20 March 2023 (acledR's acled_old_dummy; ACLED "Guide to 2023 column changes")
ACLED_COLUMNS = ("event_id_cnty event_date year time_precision disorder_type event_type sub_event_type actor1 "
                 "assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting iso region country "
                 "admin1 admin2 admin3 location latitude longitude geo_precision source source_scale notes "
                 "fatalities tags timestamp").split()
# acledR's acled_event_categories
ACLED_TYPES = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {"Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"},
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {"Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"},
}
# the 49 columns of UCDP GED (codebook 23.1/24.1)
GED_COLUMNS = ("id relid year active_year code_status type_of_violence conflict_dset_id conflict_new_id conflict_name "
               "dyad_dset_id dyad_new_id dyad_name side_a_dset_id side_a_new_id side_a side_b_dset_id side_b_new_id "
               "side_b number_of_sources source_article source_office source_date source_headline source_original "
               "where_prec where_coordinates where_description adm_1 adm_2 latitude longitude geom_wkt priogrid_gid "
               "country country_id region event_clarity date_prec date_start date_end deaths_a deaths_b "
               "deaths_civilians deaths_unknown best high low gwnoa gwnob").split()


def _export(ctx, fmt: str, out: Path, **kw):  # type: ignore[no-untyped-def]
    return export_events(ctx, fmt, out, export_scope("alice"), stamp=STAMP, **kw)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        assert reader.fieldnames is not None
        return [dict(r, _header=",".join(reader.fieldnames)) for r in rows]  # type: ignore[arg-type]


def test_acled_csv_has_acleds_columns_and_codes(samples_ctx, export_dir: Path) -> None:
    out = export_dir / "events.acled.csv"
    summary = _export(samples_ctx, "acled", out)
    rows = _rows(out)
    assert rows and summary.written == len(rows)
    assert rows[0]["_header"] == ",".join(ACLED_COLUMNS)
    for row in rows:
        assert row["sub_event_type"] in ACLED_TYPES[row["event_type"]]
        assert row["time_precision"] in {"1", "2", "3"} and row["geo_precision"] in {"1", "2", "3"}
        inter1, inter2 = row["inter1"], row["inter2"]
        assert inter1 in set("12345678") and inter2 in set("012345678")
        codes = sorted((int(inter1), int(inter2)))
        assert row["interaction"] == (f"{codes[1]}0" if codes[0] == 0 else f"{codes[0]}{codes[1]}")
        assert row["event_date"].startswith(row["year"]) and int(row["fatalities"]) >= 0
        assert -90 <= float(row["latitude"]) <= 90 and row["actor1"] and row["source"]
    by_type = {r["sub_event_type"]: r for r in rows}
    arrests = by_type["Arrests"]  # Homs: Air Force Intelligence (intelligence → state forces) at Homs
    assert (arrests["actor1"], arrests["inter1"], arrests["interaction"], arrests["country"], arrests["iso"]) == \
        ("Air Force Intelligence Directorate", "1", "10", "Syria", "760")
    assert (arrests["location"], arrests["geo_precision"], arrests["time_precision"]) == ("Homs", "1", "1")
    strike = by_type["Air/drone strike"]  # the Raqqa incident: four claims, one row
    assert (strike["actor1"], strike["actor2"], strike["interaction"], strike["geo_precision"]) == \
        ("Turkey", "Raqqa Revolutionaries", "12", "2")
    assert strike["fatalities"] == "2" and strike["event_id_cnty"] == "SYR-I-raqqa-drone-strike"


def test_ged_csv_has_geds_columns_codes_and_incident_figures(samples_ctx, export_dir: Path) -> None:
    out = export_dir / "events.ged.csv"
    summary = _export(samples_ctx, "ucdp-ged", out)
    rows = _rows(out)
    assert rows and summary.written == len(rows)
    assert rows[0]["_header"] == ",".join(GED_COLUMNS)
    for row in rows:
        assert row["type_of_violence"] in {"1", "2", "3"}
        assert row["where_prec"] in set("1234567") and row["date_prec"] in set("12345")
        assert int(row["low"]) <= int(row["best"]) <= int(row["high"]) and int(row["best"]) >= 1
        assert int(row["number_of_sources"]) >= 1 and row["side_a"] and row["side_b"]
        assert row["date_start"] <= row["date_end"]
        assert row["geom_wkt"] == f"POINT ({row['longitude']} {row['latitude']})"
    raqqa = next(r for r in rows if r["id"] == "I-raqqa-drone-strike")
    # state-based: Turkey's government against a faction; three distinct sources report the strike
    assert (raqqa["type_of_violence"], raqqa["side_a"], raqqa["side_b"], raqqa["gwnoa"]) == \
        ("1", "Turkey", "Raqqa Revolutionaries", "640")
    assert (raqqa["number_of_sources"], raqqa["best"], raqqa["where_prec"], raqqa["date_prec"]) == ("3", "2", "2", "1")
    assert raqqa["country_id"] == "652" and raqqa["region"] == "Middle East"


def test_plover_jsonl_validates_against_the_plover_json_schema(samples_ctx, export_dir: Path) -> None:
    import jsonschema  # noqa: PLC0415 (slow import, one test needs it)

    out = export_dir / "events.plover.jsonl"
    summary = _export(samples_ctx, "plover", out)
    schema = json.loads((events_dir() / "plover.schema.json").read_text(encoding="utf-8"))
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records and summary.written == len(records)
    for record in records:
        jsonschema.validate(record, schema)
    arrests = next(r for r in records if r["event"] == ["COERCE"])
    assert arrests["mode"] == ["arrest"] and arrests["context"] == ["repression"] and arrests["size"] == {"arrested": 6}
    assert arrests["actor"][0]["sector"] == "SPY" and arrests["actor"][0]["code"] == "SYR"
    # text_info: code-point offsets of the reporting claim in the stored report text
    text = get_report(samples_ctx, arrests["cite_info"]["citation"]).text
    info = arrests["text_info"]
    assert text[info["start"]:info["end"]] == arrests["event_text"][0]
    convoys = [r for r in records if r["event"] == ["MOBILIZE"]]
    assert {r["link"] for r in convoys} == {"I-abu-kamal-convoy"} and len(convoys) == 2
    interval = next(r for r in convoys if "enddate" in r)
    assert (interval["date"], interval["enddate"]) == ("2024-04-05", "2024-04-07")


def test_stix_bundle_validates_with_the_oasis_validator(samples_ctx, export_dir: Path) -> None:
    import stix2  # noqa: PLC0415 (slow import, one test needs it)
    from stix2validator import ValidationOptions, validate_instance  # noqa: PLC0415 (slow import, one test needs it)

    out = export_dir / "events.stix.json"
    summary = _export(samples_ctx, "stix", out, tlp="amber")
    bundle = json.loads(out.read_text(encoding="utf-8"))
    result = validate_instance(bundle, ValidationOptions(strict=True))
    assert result.is_valid, [str(e) for e in result.errors]
    parsed = stix2.parse(bundle, allow_custom=False)
    kinds = {o["type"] for o in bundle["objects"]}
    assert {"report", "identity", "location", "note", "opinion", "incident", "relationship",
            "marking-definition"} <= kinds
    marking = next(o for o in bundle["objects"] if o["type"] == "marking-definition")
    assert json.loads(stix2.TLP_AMBER.serialize()) == marking
    assert all(o.get("object_marking_refs") == [marking["id"]] for o in bundle["objects"] if o is not marking)
    assert validate_references(bundle) == [] and len(parsed.objects) == summary.objects
    notes = [o for o in bundle["objects"] if o["type"] == "note"]
    assert len(notes) == summary.written == summary.events  # STIX needs only a known type
    # deterministic: the same events give the same ids
    again = export_dir / "again.stix.json"
    _export(samples_ctx, "stix", again, tlp="amber")
    assert sorted(o["id"] for o in json.loads(again.read_text(encoding="utf-8"))["objects"]) == \
        sorted(o["id"] for o in bundle["objects"])


def test_events_missing_a_required_field_are_reported_not_written(samples_ctx, export_dir: Path) -> None:
    summary = _export(samples_ctx, "acled", export_dir / "r.acled.csv")
    rows = _rows(export_dir / "r.acled.csv")
    reasons = {(s.event, s.report_id[:8]): " ".join(s.reasons) for s in summary.skipped}
    assert len(summary.skipped) + sum(1 + 0 for _ in rows) <= summary.events
    assert any("actor1 (no actor" in r for r in reasons.values())
    assert any("has no ACLED type" in r for r in reasons.values())  # meetings are not ACLED events
    assert any("negated" in r for r in reasons.values())  # "no Iranian delegation visited Beirut"
    written_ids = {r["event_id_cnty"] for r in rows}
    assert not any(s.event in written_ids for s in summary.skipped)
    ged = _export(samples_ctx, "ucdp-ged", export_dir / "r.ged.csv")
    assert any("at least one death" in " ".join(s.reasons) for s in ged.skipped)


def test_unknown_tlp_and_format_are_one_sentence(samples_ctx, export_dir: Path) -> None:
    with pytest.raises(ValidationError, match="TLP 'purple'"):
        _export(samples_ctx, "stix", export_dir / "x.json", tlp="purple")
    with pytest.raises(ValidationError, match="not an event format"):
        _export(samples_ctx, "gdelt", export_dir / "x.csv")
    assert not (export_dir / "x.json").exists()
    # a misspelt name on the corpus side lists the event formats too, as an option, not as a file
    with pytest.raises(UsageError) as said:
        export_corpus(samples_ctx, "acledd", export_dir / "x.out", export_scope("alice"))
    assert str(said.value) == ("--format acledd is not a known format (corpus formats: jsonl, doccano, prodigy, "
                               "labelstudio, brat, conll, spacy, xmi, w3c; conflict-event formats, export only: "
                               "acled, ucdp-ged, plover, stix)")


def test_an_event_every_claim_of_which_is_denied_is_not_exported_as_one_that_happened(samples_ctx,
                                                                                     export_dir: Path) -> None:
    """alice marks the Baghdad claim ("they had sent about 300 fighters") denied: it was exported as a
    PLOVER MOBILIZE with no negation and a STIX note "Reported by …", as if it happened. The claims'
    status now qualifies the event: negated in PLOVER and STIX, and left out of ACLED and GED with a
    sentence that says why."""
    plover = export_dir / "denied.plover.jsonl"
    _export(samples_ctx, "plover", plover)
    baghdad = next(r.id for r in list_reports(samples_ctx) if r.title.startswith("Baghdad"))
    (mobilize,) = [r for r in map(json.loads, plover.read_text(encoding="utf-8").splitlines())
                   if r["event"] == ["MOBILIZE"] and r["id"].startswith(baghdad[:16])]
    assert "negation" in mobilize["context"]
    stix = export_dir / "denied.stix.json"
    _export(samples_ctx, "stix", stix)
    notes = [o for o in json.loads(stix.read_text(encoding="utf-8"))["objects"] if o["type"] == "note"
             and "300" in o.get("content", "")]
    assert notes and all("qualifier:negated" in o["labels"] for o in notes)
    assert all("Qualifiers: negated" in o["content"] for o in notes)


def test_acled_leaves_out_an_event_its_analyst_marked_denied_and_says_why(tmp_path: Path) -> None:
    """The Homs arrests, an ACLED event, with alice's claim marked denied: not an ACLED row any more,
    and the sentence names the claims' status (it was a row, "Arrests", as if it had happened)."""
    ctx = open_database(tmp_path / "a.sqlite3")
    try:
        load_samples(ctx)
        homs = next(r.id for r in list_reports(ctx) if r.title.startswith("حمص"))
        before = export_events(ctx, "acled", tmp_path / "before.csv", export_scope("alice", [homs]), stamp=STAMP)
        assert before.written == 1
        mine = tmp_path / "alice.jsonl"
        export_corpus(ctx, "jsonl", mine, export_scope("alice", [homs]))
        doc = json.loads(mine.read_text(encoding="utf-8"))
        for span in doc["spans"]:
            if span["label"] == "claim":
                span.setdefault("attrs", {})["status"] = "denied"
        mine.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
        load_annotations(ctx, mine, "jsonl")
        after = export_events(ctx, "acled", tmp_path / "after.csv", export_scope("alice", [homs]), stamp=STAMP)
    finally:
        ctx.close()
    (row,) = _rows(tmp_path / "before.csv")
    event = row["event_id_cnty"].rsplit("-", 1)[-1]
    assert after.written == 0
    assert [" ".join(s.reasons) for s in after.skipped if s.event == event] == [
        "the event is negated (every claim reporting it is marked denied or speculative): ACLED records only "
        "events that took place"]
