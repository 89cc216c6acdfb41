"""Exit statuses follow cli.md, by error class and never per command: 2 for what cannot be understood as
asked (an option's syntax, a value outside its choices, a missing file), 1 for a problem the command found
in the data, the disk or the user's role. The cases are the tester's table (trial of 2026-12-06, item 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_helpers import cli
from workflow_helpers import TEXT, at, team_database


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """A team's database (sam supervises alice, bob, carol, who annotated one report), the report's id and
    a doccano file of that report."""
    folder = tmp_path_factory.mktemp("team")
    db, rid = team_database(folder)
    start, end = at("Damascus")
    spans = folder / "spans.jsonl"
    spans.write_text(json.dumps({"text": TEXT, "label": [[start, end, "place"]]}) + "\n", encoding="utf-8")
    return db, rid, spans


BAD_USAGE = {
    "a --label-map entry that is not OLD=NEW": (["load", "{spans}", "--format", "doccano", "--annotator", "alice",
                                                "--label-map", "garbage"], "is not OLD=NEW"),
    "a status that is not one": (["--annotator", "sam", "status", "set", "bogus", "--report", "{rid}"],
                                 "'bogus' is not a status"),
    "a curation rule that is not one": (["--annotator", "sam", "curate", "--rule", "atleast:x"], "is not a rule"),
    "more annotators per report than named": (["--annotator", "sam", "assign", "--report", "{rid}", "--annotators",
                                               "alice,bob,carol", "--per-report", "5"], "5 annotators per report"),
    "an overlap outside 0-1": (["--annotator", "sam", "assign", "--all", "--annotators", "alice,bob",
                                "--overlap", "1.5"], "between 0 and 1"),
    "a comment on a span and a relation": (["--annotator", "sam", "comment", "add", "--report", "{rid}", "--span",
                                            "T1", "--relation", "R1", "why?"], "not both"),
    "an annotator name that is not one": (["--annotator", "sam", "annotators", "add", "bad name/x"],
                                          "is not a usable annotator name"),
    "a backup that is not there": (["backup", "--restore", "{folder}/nonexist.sqlite3"], "does not exist"),
    "a screenshot size no screen has": (["gui", "--screenshot", "{folder}/x.png", "--size", "100000x100000"],
                                        "each between 200 and 7680 pixels"),
    "a screenshot of no size": (["gui", "--screenshot", "{folder}/x.png", "--size", "0x0"], "not '0x0'"),
}


@pytest.mark.parametrize("case", list(BAD_USAGE))
def test_bad_usage_exits_2_and_changes_nothing(team: tuple[Path, str, Path], case: str) -> None:
    db, rid, spans = team
    argv, words = BAD_USAGE[case]
    argv = [a.format(spans=spans, rid=rid[:12], folder=db.parent) for a in argv]
    before = db.read_bytes()
    proc = cli(*argv, db=db)
    assert proc.returncode == 2, (case, proc.stderr)
    assert words in proc.stderr and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_a_problem_in_the_data_still_exits_1(team: tuple[Path, str, Path]) -> None:
    """The line between the two: a move the row's state does not allow is a state rule (exit 1), as before."""
    db, rid, _ = team
    proc = cli("--annotator", "alice", "status", "set", "done", "--report", rid[:12], "--for", "bob", db=db)
    assert proc.returncode == 1, proc.stderr
    assert "it cannot become done" in proc.stderr and "Traceback" not in proc.stderr


def test_an_import_that_stored_some_files_and_refused_others_says_so_with_exit_1(tmp_path: Path) -> None:
    """Each file is its own report: the good ones are kept, the command says how many and which were
    refused (exit 1: a problem to act on); importing again after the fix stores only what is missing."""
    db = tmp_path / "db.sqlite3"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Shelling was reported near the river crossing on Tuesday.\n", encoding="utf-8")
    (folder / "b.pdf").write_bytes(b"%PDF-1.4 this is not a PDF at all")
    proc = cli("import", str(folder), db=db)
    assert proc.returncode == 1, proc.stderr
    said = proc.stderr.strip().splitlines()
    assert len(said) == 2 and "b.pdf" in said[0]
    assert said[1].startswith("error: stored 1 new report(s) and refused 1 file(s)")
    reports = json.loads(cli("reports", "--json", db=db, check=True).stdout)["reports"]
    assert len(reports) == 1
    # nothing new stored: the database is as it was, the input could not be read (2)
    again = cli("import", str(folder), db=db)
    assert again.returncode == 2, again.stderr
    assert "existing" in again.stdout and "error: stored" not in again.stderr
