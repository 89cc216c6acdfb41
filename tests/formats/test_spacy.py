"""spaCy DocBin: spaCy itself loads our file; doc.spans["sc"] equal ours; forced token splits."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from annotator.core.annotation_set import Document
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.formats import get
from hypothesis import given

from .common import SETTINGS, CommonTests
from .conftest import PEERS, TEXT_A, TEXT_B, sp
from .strategies import documents

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402


class TestSpacy(CommonTests.FormatTest):
    NAME = "spacy"
    FILENAME = "reports.spacy"


def test_peer_docbin() -> None:
    docs = list(get("spacy").read(PEERS / "spacy" / "reports.spacy"))
    assert [d.report.text for d in docs] == [TEXT_A, TEXT_B]
    assert Counter(s.label for d in docs for s in d.spans) == {"actor": 6, "claim": 2, "date": 1, "place": 3}
    assert sum(len(d.relations) for d in docs) == 5 and {d.annotator for d in docs} == {"alice"}
    a, b = docs
    assert sp(b, "T2").attrs == {"status": "unconfirmed"} and sp(a, "T7").attrs == {"note": "Also spelled Abu Ali."}
    assert [(s.id, s.start, s.end) for s in b.spans][0] == ("T1", 2, 16)
    assert (sp(a, "T4").start, sp(a, "T4").end) == (59, 75) and (sp(b, "T4").start, sp(b, "T4").end) == (66, 75)
    assert a.report.title == "Officers meet at Deir al-Zour airfield" and a.report.published == "2024-04-09"


def _load(path: Path) -> list:
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


@SETTINGS
@given(docs=documents())
def test_spacy_loads_our_file_with_equal_spans(docs, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("sp") / "x.spacy"
    summary = get("spacy").write(docs, path)
    assert not summary.dropped  # every span aligns: nothing contracted, nothing lost
    loaded = _load(path)
    for ours, theirs in zip(docs, loaded, strict=False):
        assert theirs.text == ours.report.text
        assert sorted((s.start_char, s.end_char, s.label_, s.id_) for s in theirs.spans["sc"]) == \
            sorted((s.start, s.end, s.label, s.id) for s in ours.spans)
        ents = [(e.start_char, e.end_char) for e in theirs.ents]
        assert all(a[1] <= b[0] for a, b in zip(ents, ents[1:], strict=False))  # non-overlapping


def test_forced_splits_never_contract(tmp_path: Path) -> None:
    text = "deirezzor24 reported x"
    doc = Document(Report.of(text), "alice", (Span("T1", 0, 9, "actor"), Span("T2", 9, 11, "date"),
                                             Span("T3", 11, 12, "place")))
    get("spacy").write([doc], tmp_path / "x.spacy")
    sdoc = _load(tmp_path / "x.spacy")[0]
    assert [(s.start_char, s.end_char) for s in sdoc.spans["sc"]] == [(0, 9), (9, 11), (11, 12)]
    assert sdoc.text == text
