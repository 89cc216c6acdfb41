"""Label Studio: per-region choices become attributes, meta.text the note, predictions ignored."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from annotator.formats import get

from .common import CommonTests
from .conftest import PEERS, relation_extents

FILE = PEERS / "labelstudio" / "project-3-at-2024-04-10-09-30-6b1d0f2e.json"


class TestLabelStudio(CommonTests.FormatTest):
    NAME = "labelstudio"
    FILENAME = "project.json"
    HOLDS = {"relations", "attrs", "meta", "annotator"}


def test_peer_export() -> None:
    docs = list(get("labelstudio").read(FILE))
    assert len(docs) == 2 and {d.annotator for d in docs} == {"1"}
    assert Counter(s.label for d in docs for s in d.spans) == {"actor": 6, "claim": 2, "date": 1, "place": 3}
    assert sum(len(d.relations) for d in docs) == 5
    a, b = docs
    assert next(s for s in b.spans if s.label == "claim").attrs == {"status": "unconfirmed"}
    assert next(s for s in a.spans if (s.start, s.end) == (108, 123)).attrs == {"note": "Also spelled Abu Ali."}
    assert {(47, 79, "claim"), (83, 95, "place")} <= {(s.start, s.end, s.label) for s in a.spans}
    assert (82, 93, "actor") in {(s.start, s.end, s.label) for s in b.spans}
    assert ((47, 79), (21, 32), "source") in relation_extents(a)


def test_predictions_only_on_request() -> None:
    docs = list(get("labelstudio").read(FILE, options={"predictions_as": "ner-v1", "annotator": None}))
    pred = [d for d in docs if d.annotator == "ner-v1"]
    assert len(docs) == 3 and len(pred) == 1
    assert [(s.start, s.end, s.label) for s in pred[0].spans] == [(2, 16, "actor")]


def test_annotator_option_names_numeric_users() -> None:
    assert {d.annotator for d in get("labelstudio").read(FILE, options={"annotator": "alice"})} == {"alice"}


def test_writes_value_text_slices(tmp_path: Path, peer_docs) -> None:
    get("labelstudio").write(peer_docs, tmp_path / "p.json")
    tasks = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    for task in tasks:
        for res in task["annotations"][0]["result"]:
            if res["type"] == "labels":
                v = res["value"]
                assert task["data"]["text"][v["start"]:v["end"]] == v["text"]
