"""Hypothesis strategies for documents that stress every format: Arabic with harakat, emoji (flags,
ZWJ sequences, VS16), CRLF, combining marks, NBSP, nested and crossing spans on cluster boundaries."""

from __future__ import annotations

from annotator.core.annotation_set import Document
from annotator.core.offsets import is_cluster_boundary
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from hypothesis import strategies as st

PIECES = ["Colonel", "army", "Deir", "al-Zour", "7", "April", "3.5", "Kata'eb", "أبو", "علي",
          "العُمَر", "كَتَبَ", "حقل", "🔴", "🛬", "🇸🇾", "👨\u200d👩\u200d👧", "❤\ufe0f", "e\u0301", "x\u0301\u0302",
          ".", ",", "-", "(", ")", "«", "»"]
SEPARATORS = [" ", " ", " ", "\r\n", "\n", "\u00a0", "  ", ""]
LABELS = ["actor", "place", "date", "claim"]
RELATION_LABELS = ["source", "place", "date", "actor"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14))
    out = [words[0]]
    for w in words[1:]:
        out.append(draw(st.sampled_from(SEPARATORS)))
        out.append(w)
    if draw(st.booleans()):
        out.append(draw(st.sampled_from([".\r\n", "\n", " ", "🔴"])))
    return "".join(out)


@st.composite
def documents(draw: st.DrawFn, *, attrs: bool = True) -> list[Document]:
    """One report annotated by one or two annotators (distinct names)."""
    text = draw(texts())
    report = Report.of(text, title=draw(st.sampled_from(["Officers meet", "تقرير", ""])),
                       published=draw(st.sampled_from([None, "2024-04-09"])))
    bounds = [i for i in range(len(text) + 1) if is_cluster_boundary(text, i)]
    docs = []
    for annotator in draw(st.sampled_from([["alice"], ["alice", "bob"]])):
        pairs = draw(st.lists(st.tuples(st.sampled_from(bounds), st.sampled_from(bounds))
                              .filter(lambda p: p[0] != p[1]).map(sorted), max_size=6))
        spans: list[Span] = []
        seen = set()
        for a, b in pairs:
            label = draw(st.sampled_from(LABELS))
            if (a, b, label) in seen:
                continue
            seen.add((a, b, label))
            span_attrs = {}
            if attrs and draw(st.booleans()):
                span_attrs["status"] = draw(st.sampled_from(["confirmed", "unconfirmed"]))
            if attrs and draw(st.integers(0, 3)) == 0:
                span_attrs["note"] = draw(st.sampled_from(["Also spelled Abu Ali.", "ملاحظة قصيرة"]))
            entity = draw(st.sampled_from([None, None, "Gazetteer:deir-al-zour"])) if attrs else None
            spans.append(Span(f"T{len(spans) + 1}", a, b, label, span_attrs, entity=entity))
        relations: list[Relation] = []
        rel_seen = set()
        if len(spans) >= 2:
            for _ in range(draw(st.integers(0, 3))):
                h, t = draw(st.sampled_from(spans)), draw(st.sampled_from(spans))
                label = draw(st.sampled_from(RELATION_LABELS))
                if h.id == t.id or (h.id, t.id, label) in rel_seen:
                    continue
                rel_seen.add((h.id, t.id, label))
                relations.append(Relation(f"R{len(relations) + 1}", h.id, t.id, label))
        docs.append(Document(report, annotator, tuple(spans), tuple(relations)))
    return docs
