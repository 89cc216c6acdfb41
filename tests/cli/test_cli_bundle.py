"""``annotator bundle export`` / ``bundle import``: the contract scripts rely on."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.report import Report
from annotator.services import annotate
from annotator.services.database import open_database
from annotator.services.reports import store_report

from bundle_helpers import TEXTS, replace_in_sets, rezip
from cli_helpers import cli
from workflow_helpers import staff


def _workstation(path: Path) -> None:
    ctx = open_database(path)
    try:
        for text in TEXTS:
            report = Report.of(text, title="t")
            store_report(ctx, report)
            annotate.create_span(ctx, report.id, 0, 5, "actor", annotator="alice")
    finally:
        ctx.close()


def test_bundle_export_and_import_round_trip(tmp_path: Path) -> None:
    a, b, out = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "alice.annbundle"
    _workstation(a)
    exported = json.loads(cli("bundle", "export", "--annotator", "alice", "--out", str(out), "--json",
                              db=a, check=True).stdout)
    assert (exported["annotator"], exported["sets"], exported["spans"]) == ("alice", 2, 2)
    first = json.loads(cli("bundle", "import", str(out), "--json", db=b, check=True).stdout)
    assert first["reports"] == {"new": 2, "existing": 0} and first["sets"]["added"] == 2
    second = cli("bundle", "import", str(out), db=b, check=True).stdout
    assert "nothing changed" in second and "2 unchanged" in second


def test_bundle_refusals_are_one_sentence(tmp_path: Path) -> None:
    a, out = tmp_path / "a.sqlite3", tmp_path / "alice.annbundle"
    _workstation(a)
    missing = cli("bundle", "export", "--out", str(out), db=a)
    assert missing.returncode == 2 and "--annotator" in missing.stderr
    cli("bundle", "export", "--annotator", "alice", "--out", str(out), db=a, check=True)
    bad = rezip(out, tmp_path / "bad.annbundle", replace_in_sets("Colonel", "Colonol"))
    proc = cli("bundle", "import", str(bad), db=tmp_path / "b.sqlite3")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "checksum of sets.jsonl" in proc.stderr


def test_bundle_import_keeps_an_accepted_set_and_says_so(tmp_path: Path) -> None:
    """The tester's case: bob's newer bundle reaches the supervisor after sam accepted bob's work on one
    report. That set stays as accepted (one sentence names it, in text and --json); the other report's
    newer set imports; exit 0, as for the other items a merge keeps out (the rest was written)."""
    sam, bob, one, two = (tmp_path / n for n in ("sam.sqlite3", "bob.sqlite3", "bob-1.annbundle", "bob-2.annbundle"))
    for path in (sam, bob):
        ctx = open_database(path)
        try:
            staff(ctx)
        finally:
            ctx.close()
    ctx = open_database(bob)
    ctx.actor = "bob"
    try:
        reports = [Report.of(text, title="t") for text in TEXTS]
        for report in reports:
            store_report(ctx, report)
            annotate.create_span(ctx, report.id, 0, 5, "actor", annotator="bob")
        cli("bundle", "export", "--annotator", "bob", "--out", str(one), db=bob, check=True)
        for report in reports:
            annotate.create_span(ctx, report.id, 6, 12, "actor", annotator="bob")
        cli("bundle", "export", "--annotator", "bob", "--out", str(two), db=bob, check=True)
    finally:
        ctx.close()
    a, b = (r.id for r in reports)
    cli("bundle", "import", str(one), db=sam, check=True)
    cli("--annotator", "bob", "status", "set", "done", "--report", a[:12], db=sam, check=True)
    cli("--annotator", "sam", "status", "set", "accepted", "--report", a[:12], "--for", "bob", db=sam, check=True)
    refused = cli("--annotator", "sam", "bundle", "import", str(two), db=sam)
    assert refused.returncode == 0, refused.stderr
    text = refused.stdout
    assert "1 replaced by newer" in text and "1 kept local by a decision here" in text
    assert f"kept local: report {a[:12]}… bob's set is accepted here (by sam, " in text
    assert "read-only for bob until a supervisor returns it; the bundle's version 2 was not imported" in text
    assert f"kept local: report {a[:12]}… bob is accepted here (by sam); the bundle's in progress" in text
    again = json.loads(cli("bundle", "import", str(two), "--json", db=sam, check=True).stdout)
    assert [(k["report"], k["annotator"], k["state"], k["decided_by"]) for k in again["kept_by_decision"]] == [
        (a, "bob", "accepted", "sam")]
    assert again["sets"]["unchanged"] == 1 and again["sets"]["kept_by_decision"] == 1
    ctx = open_database(sam)
    try:
        assert [len(annotate.get_set(ctx, rid, "bob").spans) for rid in (a, b)] == [1, 2]
    finally:
        ctx.close()
    quiet = cli("bundle", "import", str(two), db=sam, check=True).stdout
    assert "already holds everything" not in quiet
    assert "nothing changed: 2 item(s) of the bundle were kept out (above); this database already holds the rest" \
        in quiet


def test_bundle_import_says_what_workflow_it_carried_and_what_it_left_out(tmp_path: Path) -> None:
    """sam returns carol's work and sends her own bundle back to her: the return (a supervisor's state)
    travels only in gold's bundle, so it is left out, and the summary now says so, with the statuses and
    comments it did carry (only --json counted them)."""
    sam, carol, out = tmp_path / "sam.sqlite3", tmp_path / "carol.sqlite3", tmp_path / "carol.annbundle"
    ctx = open_database(sam)
    try:
        staff(ctx)
        report = Report.of(TEXTS[0], title="t")
        store_report(ctx, report)
        ctx.actor = "carol"
        annotate.create_span(ctx, report.id, 0, 5, "actor", annotator="carol")
    finally:
        ctx.close()
    rid = report.id[:12]
    cli("--annotator", "carol", "status", "set", "done", "--report", rid, db=sam, check=True)
    cli("--annotator", "sam", "status", "set", "returned", "--for", "carol", "--reason", "add the date",
        "--report", rid, db=sam, check=True)
    cli("--annotator", "sam", "bundle", "export", "--annotator", "carol", "--out", str(out), db=sam, check=True)
    said = cli("bundle", "import", str(out), db=carol, check=True).stdout
    assert "  workflow: statuses 0 added, 0 replaced, 0 unchanged, 0 older, 0 kept local; comments 0 added, " \
           "0 updated\n" in said
    assert "  ignored: 1 status row(s) a supervisor set (a return, an acceptance): a supervisor's decisions " \
           "travel in the gold bundle (bundle export --annotator gold), not in an annotator's\n" in said
