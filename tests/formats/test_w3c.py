"""W3C Web Annotation: matched to loaded reports by ni: hash; UTF-16 and quote fallbacks warn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from annotator.core.annotation_set import Document
from annotator.core.errors import FormatError
from annotator.formats import get
from annotator.formats.w3c import ni_name

from .common import CommonTests
from .conftest import PEERS, REPORT_B, TEXT_B, relation_extents

FILE = PEERS / "w3c" / "doc-b.jsonld"


class TestW3c(CommonTests.FormatTest):
    NAME = "w3c"
    FILENAME = "annotations.jsonld"
    HOLDS = {"relations", "attrs", "entity", "annotator"}

    def read_options(self, docs: list[Document]) -> dict:
        return {"reports": [d.report for d in docs]}


def test_peer_file() -> None:
    (doc,) = list(get("w3c").read(FILE, options={"reports": [TEXT_B]}))
    assert doc.annotator == "alice" and doc.report.text == TEXT_B
    assert sorted(s.label for s in doc.spans) == ["actor", "actor", "actor", "claim", "place"]
    assert next(s for s in doc.spans if s.label == "claim").attrs == {"status": "unconfirmed"}
    assert {(s.start, s.end) for s in doc.spans} >= {(2, 16), (66, 75), (82, 93)}
    assert relation_extents(doc) == [((30, 75), (2, 16), "source"), ((30, 75), (66, 75), "place")]
    assert not doc.warnings
    assert ni_name(REPORT_B.id) == "ni:///sha-256;7aPUd-JsRaunz8Vc1vgHdWhjRvFl5MeemniNTsZO6MU"


def test_report_not_loaded() -> None:
    with pytest.raises(FormatError) as err:
        list(get("w3c").read(FILE))
    assert "report not loaded" in str(err.value)


def _single(tmp_path: Path, start: int, end: int, exact: str) -> Path:
    ann = {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:x:1", "type": "Annotation",
           "body": {"type": "TextualBody", "purpose": "tagging", "value": "actor"},
           "target": {"source": ni_name(REPORT_B.id), "selector": [
               {"type": "TextPositionSelector", "start": start, "end": end},
               {"type": "TextQuoteSelector", "exact": exact}]}}
    path = tmp_path / "one.jsonld"
    path.write_text(json.dumps(ann, ensure_ascii=False), encoding="utf-8")
    return path


def test_utf16_positions_fall_back_with_warning(tmp_path: Path) -> None:
    (doc,) = list(get("w3c").read(_single(tmp_path, 3, 17, "Kata'eb Ja'far"), options={"reports": [REPORT_B]}))
    assert (doc.spans[0].start, doc.spans[0].end) == (2, 16)
    assert any("UTF-16" in w for w in doc.warnings)


def test_quote_fallback(tmp_path: Path) -> None:
    (doc,) = list(get("w3c").read(_single(tmp_path, 0, 5, "Syrian army"), options={"reports": [REPORT_B]}))
    assert (doc.spans[0].start, doc.spans[0].end) == (82, 93) and doc.warnings


def test_written_quotes_match(tmp_path: Path, peer_docs) -> None:
    get("w3c").write(peer_docs, tmp_path / "a.jsonld")
    data = json.loads((tmp_path / "a.jsonld").read_text(encoding="utf-8"))
    assert isinstance(data, list) and len(data) == 2
    for coll, doc in zip(data, peer_docs, strict=False):
        for item in coll["first"]["items"]:
            if item["motivation"] == "tagging":
                pos, quote = item["target"]["selector"]
                assert doc.report.text[pos["start"]:pos["end"]] == quote["exact"]
                assert item["target"]["source"] == ni_name(doc.report.id)
