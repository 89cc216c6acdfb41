"""The supervisor's workflow on the command line: who acts and with which role, assignment, status,
curation by rule (with a dry run), comments — JSON shapes, one-sentence refusals and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_helpers import cli
from workflow_helpers import team_database


@pytest.mark.slow
def test_assign_status_curate_and_comment(tmp_path: Path) -> None:
    db, rid = team_database(tmp_path)

    def run(*args: str, code: int = 0) -> dict:  # type: ignore[type-arg]
        proc = cli(*args, "--json", db=db)
        assert proc.returncode == code, proc.stderr
        return json.loads(proc.stdout) if code == 0 else {"error": proc.stderr}

    assert run("whoami", "--annotator", "sam") == {"annotator": "sam", "role": "supervisor", "roles_active": True}
    assert {p["name"]: p["role"] for p in run("annotators")["annotators"]} == {
        "alice": "annotator", "bob": "annotator", "carol": "annotator", "sam": "supervisor"}
    refused = run("--annotator", "alice", "assign", "--report", rid[:12], "--annotators", "bob", code=1)
    assert refused["error"] == "error: alice is an annotator in this database: only a supervisor may assign reports.\n"
    made = run("--annotator", "sam", "assign", "--report", rid[:12], "--annotators", "alice,bob,carol")
    assert [a["status"] for a in made["assigned"]] == []  # they have all started: in progress already
    run("--annotator", "alice", "status", "set", "done", "--report", rid[:12])
    listed = run("status", "--report", rid[:12])
    assert {(s["annotator"], s["status"]) for s in listed["statuses"]} == {
        ("alice", "done"), ("bob", "in_progress"), ("carol", "in_progress")}
    assert run("status", "--queue", "supervisor")["queue"][0]["why"] == "done by alice"
    run("--annotator", "sam", "status", "set", "returned", "--report", rid[:12], "--for", "alice",
        "--reason", "also the spokesman")
    dry = run("--annotator", "sam", "curate", "--rule", "majority", "--dry-run")
    assert (dry["dry_run"], dry["totals"]) == (True, {"accepted": 5, "spans": 4, "relations": 1, "left": 2})
    assert run("reports")["reports"][0]["annotators"].get("gold") is None  # nothing written
    refused = run("--annotator", "bob", "curate", "--rule", "majority", code=1)
    assert "only a supervisor writes the gold set" in refused["error"]
    done = run("--annotator", "sam", "curate", "--rule", "majority", "--report", rid[:12])
    assert done["totals"]["accepted"] == 5 and done["reports"][0]["left"] == 2
    note = run("--annotator", "bob", "comment", "add", "--report", rid[:12], "--span", "T2", "--question",
               "Place", "or", "actor?")["comment"]
    assert (note["anchor"], note["set"], note["key"], note["question"], note["body"]) == (
        "span", "bob", "T2", True, "Place or actor?")
    assert [c["id"] for c in run("comments", "--open")["comments"]] == [note["id"]]
    run("--annotator", "sam", "comment", "resolve", note["id"])
    assert run("comments", "--open")["comments"] == []
    bad = cli("--annotator", "sam", "status", "set", "finished", "--report", rid[:12], db=db)
    assert bad.returncode == 2 and "'finished' is not a status" in bad.stderr and "Traceback" not in bad.stderr
    assert ", or unassigned)" in bad.stderr  # taking an assignment back is a state one may type


def test_with_nobody_named_the_log_credits_the_owner(tmp_path: Path) -> None:
    """The tester's case: a supervisor exists, whoami is null; assign, status set and curate with no
    --annotator act as the file's owner, and the log says so instead of naming the assignee or gold."""
    import sqlite3  # noqa: PLC0415 (only this test reads the file's log directly)

    db, rid = team_database(tmp_path)
    assert json.loads(cli("whoami", "--json", db=db, check=True).stdout)["annotator"] is None
    cli("assign", "--report", rid[:12], "--annotators", "sam", db=db, check=True)
    cli("status", "set", "done", "--report", rid[:12], "--for", "alice", db=db, check=True)
    cli("curate", "--rule", "majority", db=db, check=True)
    with sqlite3.connect(db) as conn:
        moves = conn.execute("SELECT annotator, after, by FROM status_changes WHERE by NOT IN "
                             "('alice', 'bob', 'carol') ORDER BY id").fetchall()
        deciders = {r[0] for r in conn.execute("SELECT decided_by FROM curation_decisions")}
    assert moves == [("sam", "assigned", "(owner)"), ("alice", "done", "(owner)"), ("gold", "in_progress", "(owner)")]
    assert deciders == {"(owner)"}
    history = cli("status", "--report", rid[:12], "--history", db=db, check=True).stdout
    assert "done  ((owner)," in history


def test_status_history_is_printed_oldest_first_and_keyed_by_the_full_id(tmp_path: Path) -> None:
    """``status --report ID --history`` printed only the current rows unless --json was given, and the
    JSON keyed the history by the prefix typed."""
    db, rid = team_database(tmp_path)
    cli("--annotator", "alice", "status", "set", "done", "--report", rid[:8], db=db, check=True)
    cli("--annotator", "sam", "status", "set", "returned", "--report", rid[:8], "--for", "alice",
        "--reason", "the date is missing", db=db, check=True)
    text = cli("status", "--report", rid[:8], "--history", db=db, check=True).stdout
    assert f"history of {rid[:12]}…:" in text
    moves = [line.split("  ", 2)[2] for line in text.splitlines() if line.startswith("  ")]
    assert moves == ["alice: not assigned → in progress", "bob: not assigned → in progress",
                     "carol: not assigned → in progress", "alice: in progress → done",
                     "sam: alice's row done → returned — the date is missing"]
    assert all(line[2:6].isdigit() for line in text.splitlines() if line.startswith("  "))  # when comes first
    data = json.loads(cli("status", "--report", rid[:8], "--history", "--json", db=db, check=True).stdout)
    assert list(data["history"]) == [rid]
    assert [m["after"] for m in data["history"][rid]][-2:] == ["done", "returned"]
