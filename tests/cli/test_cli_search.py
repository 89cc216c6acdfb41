"""CLI contract of ``annotator search`` and ``annotator suggest`` (cli.md shapes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from annotator.services import workflow
from annotator.services.annotate import create_span
from annotator.services.database import open_database
from annotator.services.search import Target, annotate_all

from cli_helpers import cli


@pytest.mark.slow
def test_search_and_suggest_print_the_documented_json(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    report = tmp_path / "r.txt"
    report.write_text("Monitoring note, 8 April 2024\n\nShelling hit دير الزّور and Deir ez-Zor on April 6.\n",
                      encoding="utf-8")
    imported = cli("import", str(report), "--published", "2024-04-08", "--json", db=db, check=True)
    (rid,) = [r["id"] for r in json.loads(imported.stdout)["reports"]]
    hits = json.loads(cli("search", "دير الزور", "--json", db=db, check=True).stdout)["hits"]
    assert [(h["report"], h["text"], h["right"][:4]) for h in hits] == [(rid, "دير الزّور", " and")]
    assert set(hits[0]) >= {"report", "start", "end", "text", "left", "right"}
    text = report.read_text(encoding="utf-8")
    assert text[hits[0]["start"]:hits[0]["end"]] == "دير الزّور"
    out = json.loads(cli("suggest", "--report", rid[:10], "--annotator", "carol", "--json", db=db, check=True).stdout)
    found = {(s["label"], s["source"], text[s["start"]:s["end"]], s.get("value")) for s in out["suggestions"]}
    assert {("date", "date", "8 April 2024", "2024-04-08"), ("date", "date", "April 6", "2024-04-06")} <= found
    assert {("place", "registry", "دير الزّور", None), ("place", "registry", "Deir ez-Zor", None)} <= found
    assert all(s.get("entity") == "place:geonames:170794" for s in out["suggestions"] if s["label"] == "place")
    nothing = cli("search", db=db)
    assert nothing.returncode == 2 and "search needs TEXT" in nothing.stderr
    # a spaCy pipeline that is not installed: one warning, exit 0, the other suggestions still there
    no_model = cli("suggest", "--report", rid, "--annotator", "carol", "--model", "xx_no_such_pipeline", "--json",
                   db=db, check=True)
    assert no_model.stderr.startswith("warning: spaCy pipeline 'xx_no_such_pipeline' is not installed: ")
    assert json.loads(no_model.stdout)["suggestions"] == out["suggestions"]
    assert json.loads(no_model.stdout)["notices"] == [no_model.stderr[len("warning: "):].strip()]
    missing = cli("suggest", "--report", "ffff", "--annotator", "carol", db=db)
    assert missing.returncode == 2 and "no report has an id starting with 'ffff'" in missing.stderr


def test_search_filters_by_status_and_source(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    report = tmp_path / "r.txt"
    report.write_text("Shelling hit Deir ez-Zor and Mayadin on April 6.\n", encoding="utf-8")
    (rid,) = [r["id"] for r in json.loads(cli("import", str(report), "--json", db=db, check=True).stdout)["reports"]]
    ctx = open_database(db)
    try:
        create_span(ctx, rid, 13, 24, "place", annotator="alice")  # by hand
        annotate_all(ctx, [Target(rid, 29, 36)], "place", annotator="bob")  # source: search
        workflow.mark_done(ctx, rid, annotator="bob")
    finally:
        ctx.close()
    out = json.loads(cli("search", "--status", "done", "--source", "search", "--json", db=db, check=True).stdout)
    assert [(h["text"], h["annotator"], h["label"]) for h in out["hits"]] == [("Mayadin", "bob", "place")]
    manual = cli("search", "--source", "manual", db=db, check=True).stdout.splitlines()
    assert len(manual) == 1 and "[Deir ez-Zor]" in manual[0] and manual[0].endswith("place (alice)")
    wrong = cli("search", "--status", "finished", db=db)
    assert wrong.returncode == 2
    assert wrong.stderr.strip().endswith("--status: 'finished' is not a workflow status; search by one of: assigned, "
                                         "in progress, done, done-empty, accepted, returned, curated, not assigned.")
    label = cli("search", "--label", "bogus", db=db)  # a typo in a label: not "no matches" with exit 0
    assert (label.returncode, label.stderr.strip()) == (
        2, "error: --label: schema 'conflict-reports' has no label 'bogus' (known: actor, claim, date, place).")
    linked = cli("search", "--entity", "actor:irgc", db=db, check=True).stdout  # no span stores that link here
    assert linked == ("no matches\n(--entity lists spans that store a link to actor:irgc; annotator record also links "
                      "mentions it matches when it reads them)\n")
