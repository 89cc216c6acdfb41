"""Prodigy: inclusive token indices, relations on the last token, tokens consistent with spans."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from annotator.formats import get

from .common import CommonTests
from .conftest import PEERS, TEXT_A, TEXT_B, relation_extents


class TestProdigy(CommonTests.FormatTest):
    NAME = "prodigy"
    FILENAME = "reports.jsonl"
    HOLDS = {"relations", "meta", "annotator"}


def test_peer_db_out() -> None:
    docs = list(get("prodigy").read(PEERS / "prodigy" / "reports.jsonl", options={"dataset": "reports"}))
    assert len(docs) == 2 and [d.annotator for d in docs] == ["alice", "alice"]
    assert Counter(s.label for d in docs for s in d.spans) == {"actor": 5, "claim": 2, "date": 1, "place": 2}
    a, b = docs
    assert relation_extents(b) == [((30, 75), (2, 16), "source")] and not a.relations
    assert a.report.title == "Officers meet at Deir al-Zour airfield" and b.report.published == "2024-04-09"
    got = {(s.start, s.end, s.label) for s in a.spans}
    assert {(108, 123, "actor"), (83, 95, "place")} <= got
    assert (82, 93, "actor") in {(s.start, s.end, s.label) for s in b.spans}
    assert TEXT_B[82:93] == "Syrian army" and TEXT_A[108:123] == "Colonel أبو علي"


def test_annotator_keeps_dataset_prefix_without_option() -> None:
    docs = list(get("prodigy").read(PEERS / "prodigy" / "reports.jsonl"))
    assert {d.annotator for d in docs} == {"reports-alice"}


def test_written_tokens_match_spans_and_relations(tmp_path: Path, peer_docs) -> None:
    get("prodigy").write(peer_docs, tmp_path / "p.jsonl", options={"dataset": "reports"})
    lines = [json.loads(x) for x in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    for rec in lines:
        toks = rec["tokens"]
        assert "".join(t["text"] + (" " if t["ws"] else "") for t in toks) == rec["text"]
        for s in rec["spans"]:
            assert toks[s["token_start"]]["start"] == s["start"] and toks[s["token_end"]]["end"] == s["end"]
        for r in rec.get("relations", []):
            assert r["head"] == r["head_span"]["token_end"] and r["child"] == r["child_span"]["token_end"]
        assert rec["_annotator_id"] == "reports-alice" and rec["answer"] == "accept"
    b = lines[1]
    src = next(r for r in b["relations"] if r["label"] == "source")
    assert (src["head"], src["child"]) == (12, 2)  # formats.md: last tokens of claim and actor


def test_rejected_answers_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"text": "a b", "spans": [], "answer": "reject"}) + "\n", encoding="utf-8")
    assert list(get("prodigy").read(path)) == []
