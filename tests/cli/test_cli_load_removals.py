"""``annotator load`` of a file that omits stored spans (the tester's case C: Prodigy over the spaCy set):
each line names what a set loses, ``--json`` counts it, the backup taken first is named and restores the
set; a re-load that changes nothing takes no backup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_helpers import cli

PEERS = Path(__file__).resolve().parents[1] / "data" / "peers"
B_TITLE = "Kata'eb Ja'far claims a capture"


def span_counts(db: Path) -> dict[str, int]:
    out = json.loads(cli("reports", "--json", db=db, check=True).stdout)
    return {r["title"]: r["annotators"].get("alice", 0) for r in out["reports"]}


@pytest.mark.slow
def test_load_names_what_it_removes_and_the_backup_that_brings_it_back(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    db = tmp_path / "keep.sqlite3"
    cli("load", str(PEERS / "spacy/reports.spacy"), "--format", "spacy", db=db, check=True)
    before = span_counts(db)
    assert before[B_TITLE] == 5
    loaded = cli("load", str(PEERS / "prodigy/reports.jsonl"), "--format", "prodigy", "--dataset", "reports",
                 db=db, check=True)
    lines = loaded.stdout.splitlines()
    assert (f"removed: alice's set on {B_TITLE}: 2 spans and 1 relation removed (the prodigy file omits them)"
            in lines)
    (backup_line,) = [x for x in lines if x.startswith("backup: ")]
    assert "`annotator backup --list`" in backup_line and "File → Backups…" in backup_line
    assert span_counts(db)[B_TITLE] == 3
    listed = cli("backup", "--list", db=db, check=True).stdout
    (made,) = [w for w in listed.split() if w.endswith("-before-load.sqlite3")]
    assert made in backup_line

    again = json.loads(cli("load", str(PEERS / "prodigy/reports.jsonl"), "--format", "prodigy", "--dataset",
                           "reports", "--json", db=db, check=True).stdout)
    assert (again["sets_unchanged"], again["removed"], again["backup"]) == (2, [], None)
    assert cli("backup", "--list", db=db, check=True).stdout == listed  # an unchanged re-load: no new backup

    cli("backup", "--restore", made, db=db, check=True)
    assert span_counts(db) == before


def test_load_json_counts_what_each_set_loses(tmp_path: Path) -> None:
    db = tmp_path / "native.sqlite3"
    text = "Shelling near al-Busayrah was reported by the Syrian Observatory on 7 April."
    spans = [{"id": f"T{i + 1}", "start": text.index(w), "end": text.index(w) + len(w), "label": label}
             for i, (w, label) in enumerate((("al-Busayrah", "place"), ("Syrian Observatory", "actor"),
                                             ("7 April", "date")))]
    full = tmp_path / "full.jsonl"
    full.write_text(json.dumps({"text": text, "title": "Busayrah", "annotator": "tester", "spans": spans}) + "\n",
                    encoding="utf-8")
    first = json.loads(cli("load", str(full), "--format", "jsonl", "--json", db=db, check=True).stdout)
    assert (first["removed"], first["backup"]) == ([], None)  # a new set only adds
    part = tmp_path / "part.jsonl"
    part.write_text(json.dumps({"text": text, "title": "Busayrah", "annotator": "tester", "spans": spans[:1]})
                    + "\n", encoding="utf-8")
    out = json.loads(cli("load", str(part), "--format", "jsonl", "--json", db=db, check=True).stdout)
    (removed,) = out["removed"]
    assert {k: removed[k] for k in ("title", "annotator", "spans", "relations", "events", "comments")} == {
        "title": "Busayrah", "annotator": "tester", "spans": 2, "relations": 0, "events": 0, "comments": 0}
    assert out["sets_changed"] == 1 and out["backup"].endswith("-before-load.sqlite3")
    assert Path(out["backup"]).is_file()
