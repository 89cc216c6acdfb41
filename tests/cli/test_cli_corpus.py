"""CLI contract for corpus and record commands (shapes scripts rely on)."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import jsonschema
import pytest

from cli_helpers import cli

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / "tests" / "data" / "peers"


def test_formats_lists_every_format_with_extras() -> None:
    out = json.loads(cli("formats", "--json", check=True).stdout)
    names = [f["name"] for f in out["formats"]]
    assert names == ["jsonl", "doccano", "prodigy", "labelstudio", "brat", "conll", "spacy", "xmi", "w3c"]
    by = {f["name"]: f for f in out["formats"]}
    assert by["spacy"]["extra"] == "spacy" and by["xmi"]["extra"] == "xmi"
    assert by["w3c"]["carries_text"] is False and by["conll"]["nesting"]
    assert out["event_formats"] == ["acled", "ucdp-ged", "plover", "stix"]  # export only, listed too


@pytest.mark.slow
def test_load_export_record_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    loaded = json.loads(cli("load", str(PEERS / "brat"), "--format", "brat", "--annotator", "alice", "--json",
                            db=db, check=True).stdout)
    assert loaded["spans"] == 13 and loaded["relations"] == 5 and loaded["warnings"]
    bad = cli("load", str(PEERS / "brat"), "--format", "brat", db=db)
    assert bad.returncode == 2 and "--annotator" in bad.stderr and "Traceback" not in bad.stderr
    out = tmp_path / "out.conll"
    exported = json.loads(cli("export", "--format", "conll", "--out", str(out), "--json", db=db, check=True).stdout)
    assert exported["documents"] == 2 and any(d["kind"] == "relation" for d in exported["dropped"])
    relations = sum(1 for d in exported["dropped"] if d["kind"] == "relation")
    said = cli("export", "--format", "conll", "--out", str(tmp_path / "again.conll"), db=db, check=True).stdout
    assert f"  not held by conll: {relations} × relation: CoNLL has no relations (in 2 documents)\n" in said
    record = json.loads(cli("record", "--json", "--annotator", "alice", db=db, check=True).stdout)
    schema = json.loads((ROOT / "docs" / "record.schema.json").read_text(encoding="utf-8"))
    assert len(record["records"]) == 2
    for rec in record["records"]:
        jsonschema.validate(rec, schema)
    claims = [c for r in record["records"] for c in r["claims"]]
    assert any(c["source"] and c["source"]["text"] == "deirezzor24" for c in claims)
    csv_out = tmp_path / "claims.csv"
    cli("record", "--format", "csv", "--out", str(csv_out), db=db, check=True)
    assert csv_out.read_text(encoding="utf-8").count("\n") == 1 + len(claims)
    for shape in ((), ("--json",), ("--format", "csv")):  # a report not found: the sentence, nothing on stdout
        missing = cli("record", "--report", "ffff", *shape, db=db)
        assert missing.returncode == 2 and "no report has an id starting with 'ffff'" in missing.stderr
        assert missing.stdout == ""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_record_and_export_write_into_a_pipe_given_as_out(tmp_path: Path) -> None:
    """``--out`` naming a stream (a pipe here; ``/dev/null`` and ``/dev/stdout`` are the same case) gets the
    output and stays what it was."""
    db = tmp_path / "c.sqlite3"
    cli("load", str(PEERS / "brat"), "--format", "brat", "--annotator", "alice", db=db, check=True)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    for command in (("record", "--annotator", "alice"), ("export", "--format", "jsonl")):
        reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
        reader.start()
        cli(*command, "--out", str(fifo), db=db, check=True)
        reader.join(30)
        assert got[-1].strip() and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert len(got) == 2 and b'"records"' in got[0] and got[1].count(b"\n") == 2
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".pipe.")]  # no temporary beside it


def test_load_of_a_lossy_export_over_a_richer_set_keeps_its_relations(tmp_path: Path) -> None:
    """The tester's case: spaCy (relations, attributes) then alice's doccano file of the same spans. The
    set is unchanged; a doccano file without one claim keeps the rest and says, per set, what goes."""
    pytest.importorskip("spacy")
    db = tmp_path / "r3.sqlite3"
    cli("load", str(PEERS / "spacy/reports.spacy"), "--format", "spacy", db=db, check=True)
    before = tmp_path / "before.jsonl"
    cli("export", "--format", "jsonl", "--out", str(before), db=db, check=True)
    same = cli("load", str(PEERS / "doccano/spans/alice.jsonl"), "--format", "doccano", db=db, check=True)
    assert "0 sets stored, 2 unchanged" in same.stdout and "warning" not in same.stdout + same.stderr
    after = tmp_path / "after.jsonl"
    cli("export", "--format", "jsonl", "--out", str(after), db=db, check=True)
    assert after.read_bytes() == before.read_bytes()
    edited = tmp_path / "alice.jsonl"
    lines = [json.loads(x) for x in (PEERS / "doccano/spans/alice.jsonl").read_text(encoding="utf-8").splitlines()]
    lines[0]["label"] = [x for x in lines[0]["label"] if x != [47, 79, "claim"]]
    edited.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    out = json.loads(cli("load", str(edited), "--format", "doccano", "--json", db=db, check=True).stdout)
    assert (out["sets_changed"], out["sets_unchanged"]) == (1, 1)
    assert out["warnings"] == ["Officers meet at Deir al-Zour airfield: alice's set keeps the attributes of 1 span "
                               "that the doccano file does not carry and loses 3 relations with the spans the file "
                               "changes or leaves out (the replaced set is kept in the edit log)"]


def test_load_refuses_a_report_without_text_as_import_does(tmp_path: Path) -> None:
    """``import`` refuses an empty file ("contains no text"); ``load`` stored a report of no text (or only
    spaces) and every format then exported it."""
    db = tmp_path / "e.sqlite3"
    for text, said in (("", "the report text is empty"), ("  \n", "the report text holds only spaces")):
        path = tmp_path / "e.jsonl"
        path.write_text(json.dumps({"text": text, "meta": {}, "annotator": "z", "spans": []}) + "\n", encoding="utf-8")
        out = cli("load", str(path), "--format", "jsonl", db=db)
        assert out.returncode == 2 and said in out.stderr and "Traceback" not in out.stderr
    assert json.loads(cli("reports", "--json", db=db, check=True).stdout)["reports"] == []


def test_load_of_a_file_holding_no_document_of_its_format_is_refused(tmp_path: Path) -> None:
    """A spaCy file given as XMI, random bytes given as XMI, an empty JSONL file: each printed "0 documents"
    and exited 0, so a script saw success."""
    db = tmp_path / "g.sqlite3"
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(bytes(range(256)) * 64)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    for path, fmt in ((PEERS / "spacy" / "reports.spacy", "xmi"), (garbage, "xmi"), (empty, "jsonl")):
        out = cli("load", str(path), "--format", fmt, "--annotator", "z", db=db)
        assert out.returncode == 2, (fmt, out.stdout, out.stderr)
        assert f"holds no document a {fmt} reader can load" in out.stderr and "Traceback" not in out.stderr
    assert json.loads(cli("reports", "--json", db=db, check=True).stdout)["reports"] == []


def test_load_sets_aside_a_publication_date_that_is_not_one(tmp_path: Path) -> None:
    """A file's "published" was stored as given ("yesterday", "04/09/2024"), and record --json then broke
    the project's own schema. A timestamp gives its day; anything else none; what the file said is kept
    in the report's metadata, with a warning."""
    db = tmp_path / "p.sqlite3"
    path = tmp_path / "p.jsonl"
    lines = [{"text": f"Report {n}: the SDF moved.", "meta": {"title": f"R{n}", "published": value}, "annotator": "z",
              "spans": [{"id": "T1", "start": 10 + len(str(n)), "end": 13 + len(str(n)), "label": "actor"}]}
             for n, value in enumerate(("yesterday", "04/09/2024", "2024-04-09T10:30:00+03:00", "2024-04"))]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out = json.loads(cli("load", str(path), "--format", "jsonl", "--json", db=db, check=True).stdout)
    assert sum("published_as_given" in w for w in out["warnings"]) == 3
    record = json.loads(cli("record", "--json", db=db, check=True).stdout)
    schema = json.loads((ROOT / "docs" / "record.schema.json").read_text(encoding="utf-8"))
    for rec in record["records"]:
        jsonschema.validate(rec, schema)
    assert sorted(str(r["report"]["published"]) for r in record["records"]) == ["2024-04", "2024-04-09", "None",
                                                                                  "None"]
    exported = tmp_path / "back.jsonl"
    cli("export", "--format", "jsonl", "--out", str(exported), db=db, check=True)
    lines_back = exported.read_text(encoding="utf-8").splitlines()
    kept = {json.loads(line)["meta"].get("published_as_given") for line in lines_back}
    assert kept == {"yesterday", "04/09/2024", "2024-04-09T10:30:00+03:00", None}


def test_load_and_import_tidy_a_title_and_refuse_one_that_is_not_text(tmp_path: Path) -> None:
    """A title was stored as given: a list or an object as its Python repr, a newline, TAB or U+202E as such,
    which split the `reports` table across lines and reversed the rest of the terminal line."""
    db = tmp_path / "t.sqlite3"
    for fmt, title in (("jsonl", ["a", "b"]), ("doccano", {"x": 1})):
        path = tmp_path / f"bad.{fmt}.jsonl"
        line = {"text": "The SDF moved.", "meta": {"title": title}, "annotator": "z", "spans": []} \
            if fmt == "jsonl" else {"text": "The SDF moved.", "title": title, "label": []}
        path.write_text(json.dumps(line) + "\n", encoding="utf-8")
        out = cli("load", str(path), "--format", fmt, "--annotator", "z", db=db)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        kind = "a list" if isinstance(title, list) else "an object"
        assert out.stderr.startswith(f"error: {path} line 1: report ") and \
            out.stderr.endswith(f": its title is {kind}, not a string.\n")
    assert json.loads(cli("reports", "--json", db=db, check=True).stdout)["reports"] == []
    given = "Officers\nmeet\tat \u202eDeir al-Zour\u202c \u2067الميادين\u2069\u200f "
    path = tmp_path / "title.doccano.jsonl"
    path.write_text(json.dumps({"text": "Officers meet at Deir al-Zour airfield.", "title": given, "label": []}) + "\n",
                    encoding="utf-8")
    out = json.loads(cli("load", str(path), "--format", "doccano", "--annotator", "z", "--json", db=db,
                         check=True).stdout)
    assert [w for w in out["warnings"] if "title" in w] == [
        "report Officers meet at Deir al-Zour \u2067الميادين\u2069\u200f: its title held line breaks, tabs or other "
        "control characters, text-direction overrides and spaces at its ends, removed; what was given is kept in its "
        "metadata as title_as_given"]
    listed = cli("reports", db=db, check=True).stdout
    assert len(listed.splitlines()) == 1 and "\u202e" not in listed
    assert "Officers meet at Deir al-Zour \u2067الميادين\u2069\u200f" in listed  # closed isolate and RLM kept
    exported = tmp_path / "back.jsonl"
    cli("export", "--format", "jsonl", "--out", str(exported), db=db, check=True)
    assert json.loads(exported.read_text(encoding="utf-8"))["meta"]["title_as_given"] == given
    text = tmp_path / "r.txt"
    text.write_text("Another report on Raqqa.", encoding="utf-8")
    imported = json.loads(cli("import", str(text), "--title", "Raqqa\n\u2066update", "--json", db=db,
                              check=True).stdout)
    assert imported["reports"][0]["title"] == "Raqqa update"  # an isolate left open is removed
