"""``annotator agreement`` (cli.md): ``--json`` prints the report's JSON — the same text the dashboard's JSON
export writes — and the plain output is one line per label and pair, read from the typed report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from annotator.services.adjudicate import accept_set
from annotator.services.agreement import compute_agreement, write_report
from annotator.services.database import open_database
from annotator.services.reports import list_reports
from annotator.services.samples import load_samples

from cli_helpers import cli


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples, with alice's set of one report accepted into gold (so ``vs_gold`` has rows)."""
    path = tmp_path_factory.mktemp("cli-agreement") / "samples.sqlite3"
    ctx = open_database(path)
    load_samples(ctx)
    accept_set(ctx, list_reports(ctx)[0].id, "alice")
    ctx.close()
    return path


def test_json_is_the_exported_json(db: Path, tmp_path: Path) -> None:
    printed = cli("agreement", "--json", db=db, check=True).stdout
    ctx = open_database(db)
    try:
        report = compute_agreement(ctx)
    finally:
        ctx.close()
    write_report(report, tmp_path / "a.json", "json")
    assert printed == (tmp_path / "a.json").read_text(encoding="utf-8") + "\n"
    data = json.loads(printed)
    assert list(data) == ["overall", "by_label", "by_pair", "by_report", "vs_gold", "token_kappa", "parameters"]
    assert [(p["a"], p["b"]) for p in data["by_pair"]] == [("alice", "bob")]
    assert {row["annotator"] for row in data["vs_gold"]} == {"alice", "bob"}


def test_plain_output_reads_the_figures(db: Path) -> None:
    ctx = open_database(db)
    try:
        report = compute_agreement(ctx, labels=["actor", "place"])
    finally:
        ctx.close()
    lines = cli("agreement", "--labels", "actor,place", db=db, check=True).stdout.splitlines()
    o = report.overall
    assert lines[0].startswith("overall") and f"F1 overlap {o.f1_overlap:5.3f}" in lines[0]
    assert lines[0].endswith(f"spans {o.n_spans}")
    assert [line.split()[0] for line in lines[1:3]] == ["actor", "place"]
    assert lines[3].startswith("alice × bob: F1 exact")
    assert lines[4].startswith("token kappa: ") and report.token_kappa.explanation in lines[4]


def test_plain_output_says_why_token_kappa_is_missing(db: Path) -> None:
    """It printed ``token kappa: None`` (a Python value) and the general explanation, not the reason."""
    last = cli("agreement", "--annotators", "alice", db=db, check=True).stdout.splitlines()[-1]
    assert last == "token kappa: n/a  (no report with text has two annotators)"
