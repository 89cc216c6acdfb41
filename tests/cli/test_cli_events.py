"""``annotator export --format acled|ucdp-ged|plover|stix`` and ``agreement --events``: the contract."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from annotator.services.database import open_database
from annotator.services.samples import load_samples

from cli_helpers import cli


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-events") / "samples.sqlite3"
    ctx = open_database(path)
    load_samples(ctx)
    ctx.close()
    return path


def test_event_exports_report_what_they_could_not_write(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "alice.acled.csv"
    proc = cli("export", "--format", "acled", "--out", str(out), "--annotator", "alice", "--json", db=db)
    assert proc.returncode == 1, proc.stderr  # some events lack a required field: the user must act
    data = json.loads(proc.stdout)
    assert data["format"] == "acled" and data["written"] == 2 and data["events"] == 18
    everyone = tmp_path / "all.acled.csv"  # every annotator's: an incident's events in one row
    said = cli("export", "--format", "acled", "--out", str(everyone), db=db).stdout
    assert said.startswith(f"wrote {everyone} (acled): 10 of 35 events, in 3 rows (an incident's events share one "
                           "row)\n")
    assert all(s["missing"] and s["report"] and s["event"] for s in data["skipped"])
    assert any("actor1 (no actor" in m for s in data["skipped"] for m in s["missing"])
    with open(out, encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 2
    text = cli("export", "--format", "stix", "--out", str(tmp_path / "b.json"), "--annotator", "alice",
               "--tlp", "red", db=db)
    assert text.returncode == 0 and "wrote" in text.stdout and "18 of 18 events" in text.stdout
    bundle = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert any(o.get("name") == "TLP:RED" for o in bundle["objects"])
    agreement = cli("agreement", "--events", "--json", db=db)
    assert agreement.returncode == 0, agreement.stderr
    report = json.loads(agreement.stdout)
    assert report["by_pair"][0]["a"] == "alice" and "type" in report["by_field"]
    assert 0 < report["overall"]["f1"] <= 1


def test_record_json_carries_events_and_grades(db: Path) -> None:
    proc = cli("record", "--json", "--annotator", "alice", db=db)
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)["records"]
    events = [e for r in records for e in r["events"]]
    assert len(events) == 18 and all(c["grade"]["code"] for e in events for c in e["claims"])
    assert {e["incident"]["id"] for e in events if e["incident"]} >= {"I-beirut-meeting", "I-raqqa-drone-strike"}


def test_labels_on_an_event_export_is_refused_not_ignored(db: Path, tmp_path: Path) -> None:
    """--labels chooses spans for a corpus format: an event export dropped it without a word and wrote
    every event."""
    out = tmp_path / "l.acled.csv"
    proc = cli("export", "--format", "acled", "--labels", "actor", "--out", str(out), db=db)
    assert (proc.returncode, proc.stderr.strip()) == (
        2, "error: --labels chooses spans for a corpus format; acled writes events, every one in scope (choose "
           "reports with --report, annotators with --annotator).")
    assert not out.exists()
