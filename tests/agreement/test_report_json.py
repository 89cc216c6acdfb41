"""The agreement report's JSON and CSV are a contract (cli.md: ``annotator agreement --json``, the dashboard's
exports): they stay byte-identical while the report's Python shape changes.

The files under ``tests/data/agreement/`` were written by the dict-returning engine at commit 5232f1f (before
the report became typed dataclasses) with ``python tests/agreement/test_report_json.py`` run from the
worktree.  Each case exercises an omission rule: ``reason`` / ``alpha_u_reason`` only when a figure is
undefined, ``alpha_positions`` only with annotators, token κ's short form without tokens, both α_U methods.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from annotator.agreement import DocumentSpans, agreement_report
from annotator.core.spans import Span
from annotator.services.agreement import write_report

DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"

R1 = {"alice": [Span("T1", 0, 10, "actor"), Span("T2", 20, 30, "place"), Span("T3", 40, 50, "date")],
      "bob": [(0, 10, "actor"), (22, 30, "place"), (60, 70, "claim")],
      "gold": [(0, 10, "actor"), (20, 30, "place"), (40, 50, "date")]}
R2 = {"alice": [(5, 15, "place")], "bob": [(5, 15, "actor")], "gold": [(5, 15, "place")]}
R3 = {"alice": [(0, 5, "date")]}
TEXT = ("Rami Haddad met delegates at Homs on the 4th of May. Later that day nothing else happened at all, "
        "and the meeting ended.")
EDITED = {"alice": "2026-11-27T10:00:00+00:00", "bob": "2026-12-03"}


def _corpus(text: bool = True) -> list[DocumentSpans]:
    return [DocumentSpans("r1", 100, R1, title="First", text=TEXT if text else None, edited=dict(EDITED)),
            DocumentSpans("r2", 60, R2, title="Second", edited={"alice": "2026-12-04"}),
            DocumentSpans("r3", 40, R3, title="Third")]


def _partial() -> list[DocumentSpans]:
    """Not every report has the same annotators (α_U: mean of pairs); one pair has no span at all."""
    return [DocumentSpans("a", 50, {"x": [(0, 5, "p")], "y": [(0, 5, "p")]}),
            DocumentSpans("b", 50, {"y": [(3, 9, "p")], "z": [(2, 9, "p")]}),
            DocumentSpans("c", 30, {"x": [], "z": []})]


CASES: dict[str, Any] = {
    "corpus": lambda: agreement_report(_corpus()),
    "corpus_without_text": lambda: agreement_report(_corpus(text=False)),
    "only_alice": lambda: agreement_report(_corpus(), annotators=["alice"]),
    "labels_actor_date": lambda: agreement_report(_corpus(), labels=["actor", "date"]),
    "partial_annotators": lambda: agreement_report(_partial()),
    "gold_only": lambda: agreement_report([DocumentSpans("g", 20, {"gold": [(0, 4, "actor")]}, text="Rami met Ali")]),
    "text_without_spans": lambda: agreement_report([DocumentSpans("t", 12, {"a": [], "b": []}, text="Rami met Ali")]),
    "empty": lambda: agreement_report([]),
}


def _json_text(report: Any) -> str:
    """What ``write_report(..., "json")`` writes (and ``--json`` prints, plus a newline)."""
    data = report.to_dict() if hasattr(report, "to_dict") else report
    return json.dumps(data, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_json_is_unchanged(name: str) -> None:
    expected = (DATA / f"{name}.json").read_text(encoding="utf-8")
    assert _json_text(CASES[name]()) == expected


@pytest.mark.parametrize("name", ["corpus", "partial_annotators"])
def test_written_json_and_csv_are_unchanged(name: str, tmp_path: Path) -> None:
    report = CASES[name]()
    write_report(report, tmp_path / "a.json", "json")
    write_report(report, tmp_path / "a.csv", "csv")
    assert (tmp_path / "a.json").read_bytes() == (DATA / f"{name}.json").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() == (DATA / f"{name}.csv").read_bytes()


if __name__ == "__main__":  # pragma: no cover - writes the pinned files (see the module docstring)
    DATA.mkdir(parents=True, exist_ok=True)
    for case, make in CASES.items():
        (DATA / f"{case}.json").write_text(_json_text(make()), encoding="utf-8")
    for case in ("corpus", "partial_annotators"):
        write_report(CASES[case](), DATA / f"{case}.csv", "csv")
    sys.exit(0)
