"""The command line as scripts use it: exit codes, JSON shapes, one-sentence errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from annotator import __version__
from annotator.core.report import Report
from annotator.services.annotate import create_span
from annotator.services.bundles import export_bundle
from annotator.services.database import open_database
from annotator.services.reports import store_report

from cli_helpers import cli


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.sqlite3"


def test_version_and_help() -> None:
    assert cli("--version", check=True, process=True).stdout.strip() == f"annotator {__version__}"
    out = cli("--help", check=True, process=True).stdout
    for command in ("import", "reports", "load", "export", "formats", "record", "agreement", "bundle"):
        assert command in out


def test_import_then_reports_json(tmp_path: Path, db: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("Deirezzor24 reported that IRGC officers met in Deir ez-Zor on April 7.", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_bytes("\ufeffDeirezzor24 reported that IRGC officers met in Deir ez-Zor on April 7.".encode("utf-8"))
    # ``python -m annotator`` as a user runs it (the other tests call its ``main`` in this process)
    first = json.loads(cli("import", str(a), "--json", "--published", "2024-04-09", db=db, check=True,
                           process=True).stdout)
    assert set(first) == {"reports", "errors"} and first["errors"] == []
    (rep,) = first["reports"]
    assert rep["status"] == "new" and len(rep["id"]) == 64 and rep["path"] == str(a)
    second = json.loads(cli("--json", "import", str(b), "--db", str(db), check=True).stdout)
    assert second["reports"][0] == {**rep, "path": str(b)} | {"status": "existing"}
    listing = json.loads(cli("reports", "--json", db=db, check=True).stdout)
    assert listing == {"reports": [{"id": rep["id"], "title": rep["title"], "published": "2024-04-09",
                                    "chars": 70, "annotators": {}}]}


def test_bad_files_in_a_folder_are_one_sentence_each_and_the_good_one_is_kept(tmp_path: Path, db: Path) -> None:
    good = tmp_path / "folder" / "good.txt"
    good.parent.mkdir()
    good.write_text("A short report about Raqqa.", encoding="utf-8")
    bad = tmp_path / "folder" / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a pdf")
    empty = tmp_path / "folder" / "empty.txt"
    empty.write_bytes(b"")
    proc = cli("import", str(good.parent), "--json", db=db, process=True)  # the exit status a shell sees
    assert proc.returncode == 1  # the good file is stored: a problem to act on, said (cli.md), not bad usage
    assert "Traceback" not in proc.stderr
    lines = [lbl for lbl in proc.stderr.splitlines() if lbl]
    assert len(lines) == 3 and all(lbl.startswith("error: ") for lbl in lines)
    assert lines[-1].startswith("error: stored 1 new report(s) and refused 2 file(s)")
    assert any("broken.pdf" in lbl for lbl in lines) and any("empty.txt" in lbl for lbl in lines)
    out = json.loads(proc.stdout)
    assert [r["title"] for r in out["reports"]] == ["A short report about Raqqa."]
    assert len(out["errors"]) == 2
    listing = json.loads(cli("reports", "--json", db=db, check=True).stdout)
    assert len(listing["reports"]) == 1


def test_missing_file_and_bad_date(tmp_path: Path, db: Path) -> None:
    proc = cli("import", str(tmp_path / "nope.txt"), db=db)
    assert proc.returncode == 2 and "nope.txt" in proc.stderr and "does not exist" in proc.stderr
    f = tmp_path / "r.txt"
    f.write_text("text", encoding="utf-8")
    for bad in ("9 April", "20240409", "2024-02-30"):  # the compact ISO form is not what reports store
        proc = cli("import", str(f), "--published", bad, db=db)
        assert proc.returncode == 2 and f"--published '{bad}' is not a date in the form YYYY-MM-DD" in proc.stderr
    assert json.loads(cli("reports", "--json", db=db, check=True).stdout) == {"reports": []}


def test_what_another_command_reads_is_not_imported_as_a_report(tmp_path: Path, db: Path) -> None:
    """A corpus, a table or a bundle named to ``import`` was sniffed as text and stored as one long
    "report" (or refused as "not a Word document"): each now gets the sentence naming the command that
    reads it, and the database stays empty."""
    corpus = tmp_path / "alice.jsonl"
    corpus.write_text(json.dumps({"text": "Fighters entered Homs.", "meta": {}, "annotator": "alice", "spans": []})
                      + "\n", encoding="utf-8")
    table = tmp_path / "data.csv"
    table.write_text("id,name\n1,Homs\n", encoding="utf-8")
    home = open_database(tmp_path / "home.sqlite3")
    bundle = tmp_path / "alice.zip"  # a bundle saved under another name
    try:
        report = Report.of("Fighters entered Homs on Monday, a monitor said.\n", title="Homs")
        store_report(home, report)
        create_span(home, report.id, 17, 21, "place", annotator="alice")
        export_bundle(home, "alice", bundle)
    finally:
        home.close()
    broken = tmp_path / "export.zip"
    broken.write_text("not a zip archive", encoding="utf-8")
    said = {
        broken: "is not a report: .zip files are annotations, which annotator load reads (--format doccano or xmi; "
                "File → Import annotations… in the window)",
        corpus: "holds annotations (jsonl, by the look of it), not a report: load it with annotator load FILE "
                "--format jsonl (File → Import annotations… in the window)",
        table: "is a table, not a report (report files: .txt, .md, .html, .htm, .pdf, .docx)",
        bundle: "is an exchange bundle, not a report: import it with annotator bundle import (File → Import "
                "exchange bundle… in the window)",
    }
    for path, sentence in said.items():
        proc = cli("import", str(path), db=db)
        assert proc.returncode == 2 and proc.stderr.strip() == f"error: {path}: {sentence}.", proc.stderr
    assert json.loads(cli("reports", "--json", db=db, check=True).stdout) == {"reports": []}


def test_an_output_in_a_folder_that_does_not_exist_is_refused(tmp_path: Path, db: Path) -> None:
    """A mistyped --out made every folder on its way (a corpus written into new folders at the root,
    "wrote …" and exit 0): the folder must exist; nothing is made or written."""
    page = tmp_path / "r.txt"
    page.write_text("Fighters entered Homs on Monday, a monitor said.\n", encoding="utf-8")
    cli("import", str(page), db=db, check=True)
    missing = tmp_path / "typo" / "dir"
    for args in (["export", "--format", "jsonl", "--out", str(missing / "x.jsonl")],
                 ["record", "--out", str(missing / "records.json")],
                 ["schema", "export", "--out", str(missing / "schema.json")],
                 ["backup", "--out", str(missing / "copy.sqlite3")]):
        proc = cli(*args, db=db)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.strip() == (f"error: --out {missing}/{Path(args[-1]).name}: the folder {missing} does "
                                       "not exist (create it first; nothing was written).")
    assert not (tmp_path / "typo").exists()
    shown = cli("export", "--format", "jsonl", "--out", str(tmp_path / "x.jsonl"), db=db, check=True)  # it exists
    assert (tmp_path / "x.jsonl").is_file() and shown.returncode == 0


def test_bad_database_target(tmp_path: Path) -> None:
    proc = cli("reports", "--db", str(tmp_path))
    assert proc.returncode == 2 and "folder" in proc.stderr and "Traceback" not in proc.stderr


def test_check_and_backup(tmp_path: Path, db: Path) -> None:
    f = tmp_path / "r.txt"
    f.write_text("Report text.", encoding="utf-8")
    cli("import", str(f), db=db, check=True)
    out = json.loads(cli("check", "--json", db=db, check=True).stdout)
    assert out["ok"] and out["reports"] == 1 and out["search_index"] == "search index: FTS5 trigram"
    copy = tmp_path / "copy.sqlite3"
    cli("backup", "--out", str(copy), db=db, check=True)
    assert json.loads(cli("reports", "--json", "--db", str(copy), check=True).stdout)["reports"][0]["chars"] == 12


def test_ctrl_c_while_a_command_loads_is_one_sentence(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C in the first half second, while the command's modules were imported, printed a Python
    traceback (cli.md: none without --debug); it is the sentence and status of any other interruption."""
    from annotator.cli import main as cli_main  # noqa: PLC0415 (the entry point itself, in this process)

    def interrupted(name: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_main.importlib, "import_module", interrupted)
    assert cli_main.main(["reports"]) == 130
    said = capsys.readouterr().err
    assert said == "error: Interrupted.\n"


def test_sentences_a_new_user_met_on_an_empty_database(tmp_path: Path, db: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Each said what went wrong in words a user has: "Device or resource busy" for the current folder as
    --out, an internal class name for an empty database's agreement, "no annotator chosen" to
    --annotator gold."""
    monkeypatch.chdir(tmp_path)
    proc = cli("export", "--format", "jsonl", "--out", ".", db=db)
    assert (proc.returncode, proc.stderr.strip()) == (1, "error: cannot write .: it is a folder; nothing was written "
                                                         "to .")
    said = cli("agreement", db=db, check=True).stdout
    assert "(no report has two annotators yet)" in said and "DocumentSpans" not in said
    page = tmp_path / "r.txt"
    page.write_text("Fighters entered Homs on Monday, a monitor said.\n", encoding="utf-8")
    cli("import", str(page), db=db, check=True)
    rid = json.loads(cli("reports", "--json", db=db, check=True).stdout)["reports"][0]["id"]
    gold = cli("suggest", "--report", rid[:12], "--annotator", "gold", db=db)
    assert (gold.returncode, gold.stderr.strip()) == (
        2, "error: suggestions are for a person's own set: gold is written in curation (annotator curate, or Compare "
           "annotators in the window).")
