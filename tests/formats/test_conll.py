"""CoNLL: one column per depth, IOB2/BIOES, alignment to known reports or a rebuilt text."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
from annotator.core.annotation_set import Document
from annotator.core.errors import FormatError
from annotator.formats import get
from annotator.formats.conll import FORMAT

from .common import CommonTests
from .conftest import PEERS, SPANS_A, SPANS_B, TEXT_A, TEXT_B, extents

FILE = PEERS / "conll" / "reports.conll"
A_REBUILT = ("On 7 April , the site deirezzor24 reported that Russian and Iranian officers met at Deir al - Zour "
             "airfield 🛬 .\nColonel أبو علي attended .")


class TestConll(CommonTests.FormatTest):
    NAME = "conll"
    FILENAME = "reports.conll"
    HOLDS: set[str] = set()

    def read_options(self, docs: list[Document]) -> dict:
        return {"reports": {d.report.id: d.report for d in docs}}


class TestConllBioes(TestConll):
    READ_OPTIONS = WRITE_OPTIONS = {"scheme": "bioes"}

    def read_options(self, docs: list[Document]) -> dict:
        return {**super().read_options(docs), "scheme": "bioes"}


def test_peer_file_rebuilt_text() -> None:
    docs = list(get("conll").read(FILE))
    assert len(docs) == 2 and all(d.annotator is None and not d.relations for d in docs)
    assert Counter(s.label for d in docs for s in d.spans) == {"actor": 6, "claim": 2, "date": 1, "place": 3}
    a, b = docs
    assert a.report.text == A_REBUILT and len(a.report.text) == 138
    assert a.report.id == "91376ae0fc3214fb3dfe1adbd1adb6c355e5fc7f03ddd8a9ee396a4c243cb470"
    assert b.report.id == "7b506e426c1dd947d4926c8018c10faa8a2e536330cd7f84a8f2ea19286cd29d"
    assert hashlib.sha256(b.report.text.encode()).hexdigest() == b.report.id and len(b.report.text) == 114
    got = {(s.start, s.end, s.label, a.report.text[s.start:s.end]) for s in a.spans}
    assert (84, 107, "place", "Deir al - Zour airfield") in got and (112, 127, "actor", "Colonel أبو علي") in got
    assert (66, 75, "place") in {(s.start, s.end, s.label) for s in b.spans}


def test_peer_file_aligned_to_known_reports() -> None:
    docs = list(get("conll").read(FILE, options={"reports": [TEXT_A, TEXT_B]}))
    assert [d.report.text for d in docs] == [TEXT_A, TEXT_B]
    assert extents(docs[0]) == sorted((s, e, lab) for _, s, e, lab in SPANS_A)
    assert extents(docs[1]) == sorted((s, e, lab) for _, s, e, lab in SPANS_B)


def test_writer_reproduces_peer_layout(tmp_path: Path, peer_docs) -> None:
    get("conll").write(peer_docs, tmp_path / "c.conll")
    ours = (tmp_path / "c.conll").read_text(encoding="utf-8")
    peer = FILE.read_text(encoding="utf-8").replace("-DOCSTART- -X- -X- O O", "-DOCSTART- -X- O O")
    assert ours.rstrip("\n") == peer.rstrip("\n")  # same tokens, columns, breaks; spaCy's separator line


def test_bioes_and_outermost_only(tmp_path: Path, peer_docs) -> None:
    get("conll").write(peer_docs, tmp_path / "c.conll", options={"scheme": "bioes"})
    text = (tmp_path / "c.conll").read_text(encoding="utf-8")
    assert "deirezzor24 -X- _ S-actor O" in text and "officers -X- _ I-claim E-actor" in text
    summary = get("conll").write(peer_docs, tmp_path / "o.conll", options={"outermost_only": True})
    assert {d.item for d in summary.dropped if d.kind == "overlap"} == {"T4", "T6", "T3"}
    assert "-DOCSTART- -X- O O\n" in (tmp_path / "o.conll").read_text(encoding="utf-8")


def test_relations_and_attributes_reported(tmp_path: Path, peer_docs) -> None:
    summary = get("conll").write(peer_docs, tmp_path / "c.conll")
    assert len([d for d in summary.dropped if d.kind == "relation"]) == 5
    assert {d.item for d in summary.dropped if d.kind == "attribute"} == {"T7", "T2"}


def test_iob2_rejects_dangling_inside(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("a -X- _ O\nb -X- _ I-actor\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        list(get("conll").read(path, options={"scheme": "iob2"}))
    assert err.value.line == 2 and "'I-actor' continues no span" in str(err.value)
    assert "scheme=" not in str(err.value)  # no advice naming an option the command line does not have
    doc = next(get("conll").read(path, options={"scheme": "iob1"}))
    assert [(s.start, s.end) for s in doc.spans] == [(2, 3)]


def test_iob1_is_detected_and_read_with_a_note(tmp_path: Path) -> None:
    """Trial 2026-12-06 (command line) item 19: an IOB1 file was refused with "try scheme='iob1'", an
    option ``load`` does not have; formats.md §6 says IOB1 must be readable. With no scheme given, an I-
    tag starting a span makes the file IOB1 from that document on (said once)."""
    path = tmp_path / "iob1.conll"
    path.write_text("-DOCSTART- -X- O O\nColonel -X- _ I-actor\nAli -X- _ I-actor\nvisited -X- _ O\n"
                    "Homs -X- _ I-place\nHama -X- _ B-place\n\n-DOCSTART- -X- O O\nThe -X- _ O\n"
                    "army -X- _ I-actor\nleft -X- _ O\n", encoding="utf-8")
    first, second = get("conll").read(path)
    assert extents(first) == [(0, 11, "actor"), (20, 24, "place"), (25, 29, "place")]
    assert extents(second) == [(4, 8, "actor")]
    assert first.warnings == ("tag column 1, line 2: 'I-actor' starts a span, so the file is read as IOB1 (I- tags "
                              "begin spans, B- only separates two spans of one label)",)
    assert second.warnings == ()


def test_germeval_layout(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("# http://example.org\n1\tColonel\tB-PER\tO\n2\tAbu\tI-PER\tB-LOC\n3\tAli\tI-PER\tI-LOC\n"
                    "4\tleft\tO\tO\n\n", encoding="utf-8")
    doc = next(get("conll").read(path))
    assert doc.report.text == "Colonel Abu Ali left"
    assert extents(doc) == [(0, 15, "PER"), (8, 15, "LOC")]


def test_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("a b c\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        list(get("conll").read(path))
    assert err.value.line == 1


def test_overlapping_tokens_are_one_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    multiword = tmp_path / "mw.tsv"
    multiword.write_text("1\tal-Bab\tB-place\tO\n2-3\tdel\tO\tO\n2\tde\tO\tO\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        list(FORMAT.read(multiword))
    assert "mw.tsv" in str(err.value) and "line 2" in str(err.value) and "one row per token" in str(err.value)
    repeated = tmp_path / "rep.tsv"
    repeated.write_text("1\tHoms\tB-place\tO\n2\tcity\tO\tO\n2\tcity\tO\tO\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        list(FORMAT.read(repeated))
    assert "line 3" in str(err.value) and "overlapping or repeated" in str(err.value)
