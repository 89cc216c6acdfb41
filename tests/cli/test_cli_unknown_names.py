"""A name this database does not know is refused with one sentence naming it and the known ones (exit 2,
as an unknown --status), in every command that narrows by annotator, label or source: it was an empty
table, file or record that looked like an answer (trial of 2026-12-06, item 16). And the refusals that
named someone wrongly now say who is who."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_helpers import cli
from workflow_helpers import TEXT, at, team_database


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, str]:
    return team_database(tmp_path)


UNKNOWN = {
    "agreement --annotators": (["agreement", "--annotators", "alice,nobody"],
                               "--annotators: this database has no annotator 'nobody' (known: alice, bob, carol"),
    "agreement --labels": (["agreement", "--labels", "nosuch"], "--labels: schema "),
    "record --annotator": (["record", "--annotator", "nobody"], "--annotator: this database has no annotator 'nobody'"),
    "export --annotator": (["export", "--format", "jsonl", "--out", "{out}", "--annotator", "nobody"],
                           "--annotator: this database has no annotator 'nobody'"),
    "export --labels": (["export", "--format", "jsonl", "--out", "{out}", "--labels", "nosuch"],
                        "has no label 'nosuch' (known: "),
    "search --source": (["search", "--source", "bogus"], "--source: no span in this database records the source "
                                                         "'bogus' (sources recorded: manual)"),
    "status --annotator": (["status", "--annotator", "nobody"], "--annotator: this database has no annotator 'nobody'"),
    "status --queue": (["status", "--queue", "nobody"], "--queue: this database has no annotator 'nobody'"),
}


@pytest.mark.parametrize("case", list(UNKNOWN))
def test_an_unknown_name_is_refused_naming_the_known_ones(team: tuple[Path, str], tmp_path: Path, case: str) -> None:
    db, _ = team
    argv, words = UNKNOWN[case]
    out = tmp_path / "out.jsonl"
    proc = cli(*[a.format(out=out) for a in argv], db=db)
    assert proc.returncode == 2, (case, proc.stderr)
    assert proc.stderr.startswith("error: ") and words in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not out.exists()
    if "labels" in case:
        assert "actor" in proc.stderr  # the schema's labels are named


def test_known_names_still_answer(team: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = team
    assert cli("agreement", "--annotators", "alice,bob", "--labels", "actor", db=db).returncode == 0
    assert json.loads(cli("record", "--annotator", "gold", "--json", db=db, check=True).stdout) == {"records": []}
    assert "no matches" not in cli("search", "--source", "manual", db=db, check=True).stdout
    assert cli("status", "--queue", "alice", db=db).returncode == 0
    assert cli("status", "--queue", "supervisor", "--annotator", "sam", db=db).returncode == 0


def test_assign_refuses_someone_not_added_first(team: tuple[Path, str]) -> None:
    """docs/workflow.md: assign gives reports to annotators; it does not make new people ('dave' was
    created and assigned silently)."""
    db, rid = team
    proc = cli("--annotator", "sam", "assign", "--report", rid[:12], "--annotators", "alice,dave", db=db)
    assert proc.returncode == 2, proc.stderr
    assert "this database has no annotator 'dave'" in proc.stderr and "annotators add" in proc.stderr
    people = json.loads(cli("annotators", "--json", db=db, check=True).stdout)["annotators"]
    assert "dave" not in [p["name"] for p in people]
    assert json.loads(cli("status", "--json", db=db, check=True).stdout)["statuses"][0]["status"] != "assigned"
    cli("--annotator", "sam", "annotators", "add", "dave", db=db, check=True)
    cli("--annotator", "sam", "assign", "--report", rid[:12], "--annotators", "alice,dave", db=db, check=True)


def test_refusals_say_who_is_who(team: tuple[Path, str], tmp_path: Path) -> None:
    db, rid = team
    # a name nobody has is not "an annotator in this database"
    proc = cli("--annotator", "nobody", "assign", "--report", rid[:12], "--annotators", "alice", db=db)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: this database has no annotator 'nobody'"), proc.stderr
    assert "is an annotator" not in proc.stderr
    # accepted work: the supervisor accepted it, alice did not "mark it accepted"
    cli("--annotator", "alice", "status", "set", "done", "--report", rid[:12], db=db, check=True)
    cli("--annotator", "sam", "status", "set", "accepted", "--report", rid[:12], "--for", "alice", db=db, check=True)
    start, end = at("Damascus")
    spans = tmp_path / "spans.jsonl"
    spans.write_text(json.dumps({"text": TEXT, "label": [[start, end, "place"]]}) + "\n", encoding="utf-8")
    proc = cli("--annotator", "alice", "load", str(spans), "--format", "doccano", db=db)
    assert proc.returncode == 1, proc.stderr
    assert "alice's work on this report was accepted by a supervisor" in proc.stderr
    assert "marked this report accepted" not in proc.stderr
