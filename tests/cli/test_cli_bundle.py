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
