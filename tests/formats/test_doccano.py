"""doccano: UTF-16 offsets by default, grapheme and code point options, zip per annotator."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from annotator.core.errors import FormatError
from annotator.formats import get
from hypothesis import given

from .common import SETTINGS, CommonTests, canonical
from .conftest import PEERS, SPANS_A, SPANS_B, TEXT_A, TEXT_B, extents, relation_extents
from .strategies import documents

HOLDS = {"relations", "meta", "annotator"}


class TestDoccano(CommonTests.FormatTest):
    NAME = "doccano"
    FILENAME = "alice.jsonl"
    HOLDS = HOLDS


class TestDoccanoZip(CommonTests.FormatTest):
    NAME = "doccano"
    FILENAME = "export.zip"
    HOLDS = HOLDS


class TestDoccanoGraphemes(CommonTests.FormatTest):
    NAME = "doccano"
    FILENAME = "alice.jsonl"
    HOLDS = HOLDS
    READ_OPTIONS = WRITE_OPTIONS = {"offsets": "graphemes"}


@pytest.mark.parametrize("variant", ["relation", "spans"])
def test_peer_export(variant: str) -> None:
    docs = list(get("doccano").read(PEERS / "doccano" / variant / "alice.jsonl"))
    assert len(docs) == 2 and {d.annotator for d in docs} == {"alice"}
    assert Counter(s.label for d in docs for s in d.spans) == {"actor": 6, "claim": 2, "date": 1, "place": 3}
    assert [d.report.text for d in docs] == [TEXT_A, TEXT_B]
    assert extents(docs[0]) == sorted((s, e, lab) for _, s, e, lab in SPANS_A)
    assert extents(docs[1]) == sorted((s, e, lab) for _, s, e, lab in SPANS_B)
    a, b = docs
    assert a.report.title == "Officers meet at Deir al-Zour airfield" and a.report.published == "2024-04-09"
    assert a.report.url == "https://example.org/reports/a"
    assert b.report.meta["comments"] == ["Telegram channel claim; no independent confirmation."]
    assert any(TEXT_A[s.start:s.end] == "Colonel أبو علي" and (s.start, s.end) == (108, 123) for s in a.spans)
    assert any((s.start, s.end) == (2, 16) and TEXT_B[s.start:s.end] == "Kata'eb Ja'far" for s in b.spans)
    assert any((s.start, s.end) == (66, 75) and TEXT_B[s.start:s.end] == "حقل العمر" for s in b.spans)
    if variant == "relation":
        assert sum(len(d.relations) for d in docs) == 5
        assert ((30, 75), (2, 16), "source") in relation_extents(b)
    else:
        assert sum(len(d.relations) for d in docs) == 0
        assert any((s.start, s.end, s.label) == (30, 75, "claim") for s in b.spans)


def test_reading_utf16_as_code_points_is_caught_by_the_text() -> None:
    """The trap SOURCES.md names: raw numbers as code points select the wrong text."""
    docs = list(get("doccano").read(PEERS / "doccano" / "relation" / "alice.jsonl",
                                    options={"offsets": "codepoints"}))
    a = docs[0]
    assert "olonel أبو علي " in [TEXT_A[s.start:s.end] for s in a.spans]


def test_offset_inside_surrogate_pair_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bob.jsonl"
    path.write_text(json.dumps({"text": "🔴 x", "label": [[1, 4, "actor"]]}) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        list(get("doccano").read(path))
    assert err.value.line == 1 and "surrogate" in str(err.value)


def test_writes_utf16_offsets_and_meta(tmp_path: Path, peer_docs) -> None:
    get("doccano").write(peer_docs, tmp_path / "alice.jsonl")
    b = json.loads((tmp_path / "alice.jsonl").read_text(encoding="utf-8-sig").splitlines()[1])
    assert {"label": "actor", "start_offset": 3, "end_offset": 17} in [
        {k: e[k] for k in ("label", "start_offset", "end_offset")} for e in b["entities"]]
    assert b["report_id"] == peer_docs[1].report.id and b["title"] == peer_docs[1].report.title
    assert b["relations"][0].keys() >= {"from_id", "to_id", "type"}


def test_attributes_are_reported_as_dropped(tmp_path: Path, peer_docs) -> None:
    summary = get("doccano").write(peer_docs, tmp_path / "a.jsonl")
    assert {d.item for d in summary.dropped if d.kind == "attribute"} == {"T7.note", "T2.status"}


def test_no_relations_variant(tmp_path: Path, peer_docs) -> None:
    summary = get("doccano").write(peer_docs, tmp_path / "a.jsonl", options={"relations": False})
    first = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8-sig").splitlines()[0])
    assert "label" in first and "entities" not in first
    assert len([d for d in summary.dropped if d.kind == "relation"]) == 5


def test_zip_has_one_member_per_annotator(tmp_path: Path, peer_docs) -> None:
    bob = [d.__class__(d.report, "bob", d.spans, d.relations) for d in peer_docs]
    get("doccano").write([*peer_docs, *bob], tmp_path / "x.zip")
    assert sorted(zipfile.ZipFile(tmp_path / "x.zip").namelist()) == ["alice.jsonl", "bob.jsonl"]
    back = list(get("doccano").read(tmp_path / "x.zip"))
    assert Counter(d.annotator for d in back) == {"alice": 2, "bob": 2}


@SETTINGS
@given(docs=documents())
def test_code_point_option_round_trip(docs, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("dc") / "a.jsonl"
    summary = get("doccano").write(docs, path, options={"offsets": "codepoints"})
    back = list(get("doccano").read(path, options={"offsets": "codepoints"}))
    assert canonical(back, None, HOLDS) == canonical(docs, summary, HOLDS)
