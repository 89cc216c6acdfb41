"""On a PostgreSQL team server, a login works as the annotator it is mapped to. Acting under another
name with ``--annotator`` is refused up front with the sentence ``load`` gives for a file naming another
annotator (exit 1, cli.md: an action the user's role does not allow), and anything the server's
row-level security still refuses is one sentence with exit 1, never a raw database error with exit 2.
Runs the real command line against the real test server; logins are made for the test and dropped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from annotator.services import annotate, roles, workflow
from annotator.services.bundles import export_bundle
from annotator.services.database import open_database

from cli_helpers import cli
from pg_databases import team_logins
from workflow_helpers import TEXT, at, staff, store

pytestmark = pytest.mark.postgres

REFUSED = ("alice's login may not act as bob: on a team server each login works only as the annotator it is "
           "mapped to")


@pytest.fixture
def team(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A fresh database with sam (supervisor), alice and bob, each mapped to a login of their own; the
    URLs the owner and each login connect with."""
    with team_logins() as (url, logins):
        yield _team(tmp_path, url, logins)


def _team(tmp_path: Path, url: str, logins: dict[str, str]) -> dict[str, str]:
    owner = open_database(url)
    try:
        staff(owner)
        rid = store(owner)
        for name, login in logins.items():
            roles.add_person(owner, name, "supervisor" if name == "sam" else "annotator", login=login)
    finally:
        owner.close()
    bobs = open_database(tmp_path / "bob.sqlite3")  # bob's own workstation: his work, as a bundle
    try:
        staff(bobs)
        store(bobs)
        bobs.actor = "bob"
        annotate.create_span(bobs, rid, *at("IRGC"), "actor", annotator="bob")
        export_bundle(bobs, "bob", tmp_path / "bob.bundle")
    finally:
        bobs.close()
    urls = {name: sa.engine.make_url(url).set(username=login).render_as_string(hide_password=False)
            for name, login in logins.items()}
    return {"owner": url, "report": rid, **urls}


def _doccano(tmp_path: Path) -> Path:
    start, end = at("Damascus")
    path = tmp_path / "spans.jsonl"
    path.write_text(json.dumps({"text": TEXT, "label": [[start, end, "place"]]}) + "\n", encoding="utf-8")
    return path


def _schema(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "schema.json"
    cli("--db", url, "schema", "export", "--out", str(path), check=True)
    return path


@pytest.mark.slow
def test_a_login_acting_under_another_name_is_refused_up_front(team: dict[str, str], tmp_path: Path) -> None:
    alice, rid = team["alice"], team["report"]
    attempts = {
        "load": ["load", str(_doccano(tmp_path)), "--format", "doccano", "--annotator", "bob"],
        "assign": ["--annotator", "bob", "assign", "--report", rid, "--annotators", "alice"],
        "schema import": ["--annotator", "bob", "schema", "import", str(_schema(tmp_path, team["owner"]))],
        "bundle import": ["--annotator", "bob", "bundle", "import", str(tmp_path / "bob.bundle")],
        "status set": ["--annotator", "bob", "status", "set", "in_progress", "--report", rid],
        "comment add": ["--annotator", "bob", "comment", "add", "--report", rid, "a note"],
    }
    for what, argv in attempts.items():
        proc = cli("--db", alice, *argv)
        assert proc.returncode == 1, (what, proc.stderr)
        assert proc.stderr.strip() == f"error: {REFUSED}.", (what, proc.stderr)
        assert "Traceback" not in proc.stderr
    # gold is nobody's name: alice acts, and only a supervisor writes gold (it was the server's raw refusal,
    # the row for gold being made before the services looked)
    gold = cli("--db", alice, "load", str(_doccano(tmp_path)), "--format", "doccano", "--annotator", "gold")
    assert gold.returncode == 1, gold.stderr
    assert gold.stderr.strip() == "error: alice is an annotator in this database: only a supervisor writes the gold " \
                                  "set (curation)."
    # nothing was written: bob has no set, the assignment and status rows are not there
    spans = json.loads(cli("--db", team["owner"], "reports", "--json", check=True).stdout)["reports"][0]
    assert spans["annotators"] == {}
    assert json.loads(cli("--db", team["owner"], "status", "--json", check=True).stdout)["statuses"] == []


def test_reading_under_another_name_still_works(team: dict[str, str]) -> None:
    """``--annotator`` on a read names whose set is read: every login may read everything."""
    proc = cli("--db", team["alice"], "record", "--annotator", "bob", "--json", check=True)
    assert json.loads(proc.stdout) == {"records": []}


def test_an_annotators_login_finds_the_starter_registry(team: dict[str, str]) -> None:
    """The registry is seeded when the logins are mapped: an annotator's login may not write it, so
    before, alice's suggestions and entity links found no registry until a supervisor's first record
    or window seeded it."""
    proc = cli("--db", team["alice"], "suggest", "--report", team["report"], "--json", check=True)
    found = {(s["text"], s["source"], s.get("entity")) for s in json.loads(proc.stdout)["suggestions"]}
    assert ("Deir ez-Zor", "registry", "place:geonames:170794") in found


def test_an_annotators_login_imports_a_report(team: dict[str, str], tmp_path: Path) -> None:
    """Reports are everyone's: the search index's upsert needed UPDATE, which an annotator's login lacks,
    so the import was refused by the server."""
    page = tmp_path / "report.txt"
    page.write_text("Two drones struck a fuel depot outside the town at dawn.\n", encoding="utf-8")
    proc = cli("--db", team["alice"], "import", str(page))
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(cli("--db", team["bob"], "search", "fuel depot", "--json", check=True).stdout)["hits"]
    assert [h["text"] for h in hits] == ["fuel depot"]


def test_what_the_server_still_refuses_is_one_sentence_with_exit_1(team: dict[str, str], tmp_path: Path) -> None:
    """alice's login acting as herself, importing bob's bundle: the services let it through (the bundle
    is bob's work, alice is who acts), the server's row-level security refuses it."""
    proc = cli("--db", team["alice"], "bundle", "import", str(tmp_path / "bob.bundle"))
    assert proc.returncode == 1, proc.stderr
    assert "row-level security" not in proc.stderr and "permission denied" not in proc.stderr
    assert proc.stderr.startswith("error: the server's rules do not let this login")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_refused_status_change_is_the_workflows_own_sentence(team: dict[str, str]) -> None:
    """Row-level security leaves out of a ``SELECT … FOR UPDATE`` the rows a login may not update: alice's
    accepted set looked unassigned, and changing its status was a bug (exit 3, StaleDataError) or a
    wrong sentence ("not assigned"). The workflow's rules now refuse it as they do on a SQLite file."""
    rid = team["report"]
    owner = open_database(team["owner"])
    try:
        for name in ("alice", "bob"):
            owner.actor = name
            annotate.create_span(owner, rid, *at("IRGC"), "actor", annotator=name)
            workflow.mark_done(owner, rid, annotator=name)
        owner.actor = "sam"
        workflow.set_status(owner, rid, "accepted", annotator="alice")
    finally:
        owner.close()
    read_only = ("alice's work on this report was accepted by a supervisor: it is read-only until a supervisor "
                 "returns it")
    for args, sentence in (
            (["status", "set", "in_progress", "--report", rid], read_only),
            (["status", "set", "done", "--report", rid], read_only),
            (["status", "set", "returned", "--for", "bob", "--reason", "x", "--report", rid],
             "only a supervisor may return bob's work on this report (bob marked this report done)")):
        proc = cli("--db", team["alice"], *args)
        assert (proc.returncode, proc.stderr) == (1, f"error: {sentence}.\n"), args
