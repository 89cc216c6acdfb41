"""Fixtures of the format tests: the two peer reports and their canonical annotation (SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from annotator.core.annotation_set import Document
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span

PEERS = Path(__file__).parent.parent / "data" / "peers"
TEXT_A = (PEERS / "brat" / "doc-a.txt").read_bytes().decode("utf-8")
TEXT_B = (PEERS / "brat" / "doc-b.txt").read_bytes().decode("utf-8")
REPORT_A = Report.of(TEXT_A, title="Officers meet at Deir al-Zour airfield", published="2024-04-09")
REPORT_B = Report.of(TEXT_B, title="Kata'eb Ja'far claims a capture", published="2024-04-09")
SPANS_A = [("T1", 3, 10, "date"), ("T2", 21, 32, "actor"), ("T3", 47, 79, "claim"), ("T4", 59, 75, "actor"),
           ("T5", 83, 104, "place"), ("T6", 83, 95, "place"), ("T7", 108, 123, "actor")]
SPANS_B = [("T1", 2, 16, "actor"), ("T2", 30, 75, "claim"), ("T3", 30, 40, "actor"), ("T4", 66, 75, "place"),
           ("T5", 82, 93, "actor")]
RELS_A = [("R1", "T3", "T2", "source"), ("R2", "T3", "T1", "date"), ("R3", "T3", "T5", "place")]
RELS_B = [("R1", "T2", "T1", "source"), ("R2", "T2", "T4", "place")]


def canonical_docs() -> list[Document]:
    a = Document(REPORT_A, "alice",
                 tuple(Span(i, s, e, lab, {"note": "Also spelled Abu Ali."} if i == "T7" else {})
                       for i, s, e, lab in SPANS_A),
                 tuple(Relation(*r) for r in RELS_A))
    b = Document(REPORT_B, "alice",
                 tuple(Span(i, s, e, lab, {"status": "unconfirmed"} if i == "T2" else {}) for i, s, e, lab in SPANS_B),
                 tuple(Relation(*r) for r in RELS_B))
    return [a, b]


def extents(doc: Document) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in doc.spans)


def relation_extents(doc: Document) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    by = doc.report and {s.id: (s.start, s.end) for s in doc.spans}
    return sorted((by[r.head], by[r.tail], r.label) for r in doc.relations)


@pytest.fixture
def peer_docs() -> list[Document]:
    return canonical_docs()


def sp(doc: Document, span_id: str) -> Span:
    """The span of ``doc`` with id ``span_id``."""
    return next(s for s in doc.spans if s.id == span_id)
