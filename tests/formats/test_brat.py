"""brat: CR counted, discontinuous spans as covering spans, fragments at line breaks, conf written."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from annotator.core.annotation_set import Document
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.formats import get

from .common import CommonTests
from .conftest import PEERS, TEXT_A, TEXT_B, sp


class TestBrat(CommonTests.FormatTest):
    NAME = "brat"
    FILENAME = "collection"
    HOLDS = {"relations", "attrs", "entity", "annotator"}


def _peer() -> tuple[Document, Document]:
    docs = {d.report.text: d for d in get("brat").read(PEERS / "brat")}
    return docs[TEXT_A], docs[TEXT_B]


def test_peer_collection() -> None:
    a, b = _peer()
    docs = [a, b]
    assert all(d.annotator is None for d in docs) and all(d.report.title == "" for d in docs)
    assert Counter(s.label for d in docs for s in d.spans) == {"actor": 7, "claim": 2, "date": 1, "place": 3}
    assert sum(len(d.relations) for d in docs) == 5
    t8 = sp(a, "T8")
    assert (t8.start, t8.end, t8.label) == (47, 75, "actor") and TEXT_A[47:75] == "Russian and Iranian officers"
    assert t8.attrs == {"brat_fragments": "47 54;67 75"}
    assert any("discontinuous" in w for w in a.warnings)
    assert sp(a, "T7").attrs == {"note": "Also spelled Abu Ali."}
    assert sp(a, "T6").entity == "Gazetteer:deir-al-zour"
    assert sp(b, "T2").attrs == {"status": "unconfirmed"}
    assert (sp(b, "T5").start, sp(b, "T5").end) == (82, 93) and TEXT_B[82:93] == "Syrian army"
    assert (sp(a, "T7").start, sp(a, "T7").end) == (108, 123)
    assert {(r.head, r.tail, r.label) for r in a.relations} == {("T3", "T2", "source"), ("T3", "T1", "date"),
                                                                 ("T3", "T5", "place")}


def test_discontinuous_span_is_restored_on_write(tmp_path: Path) -> None:
    a, _ = _peer()
    get("brat").write([a], tmp_path / "out")
    ann = next((tmp_path / "out").glob("*.ann")).read_text(encoding="utf-8")
    assert "T8\tactor 47 54;67 75\tRussian officers" in ann
    assert "#1\tAnnotatorNotes T7\tAlso spelled Abu Ali." in ann
    assert "Reference T6 Gazetteer:deir-al-zour" in ann


def test_span_across_crlf_becomes_fragments(tmp_path: Path) -> None:
    report = Report.of(TEXT_B)
    doc = Document(report, "alice", (Span("T1", 66, 86, "claim"), Span("T2", 2, 16, "actor")),
                   (Relation("R1", "T1", "T2", "source"),))
    get("brat").write([doc], tmp_path / "out")
    folder = tmp_path / "out" / "alice"
    ann = next(folder.glob("*.ann")).read_text(encoding="utf-8")
    assert "T1\tclaim 66 76;78 86\tحقل العمر. The" in ann
    assert "R1\tSource Arg1:T1 Arg2:T2" in ann
    assert next(folder.glob("*.txt")).read_bytes() == TEXT_B.encode("utf-8")
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]" in conf and "Source\tArg1:claim, Arg2:actor" in conf and "<OVERLAP>" in conf
    back = list(get("brat").read(tmp_path / "out"))
    assert [(s.start, s.end, s.attrs) for s in back[0].spans] == [(66, 86, {}), (2, 16, {})]
    assert back[0].annotator == "alice"


def test_wrong_recorded_text_warns(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_bytes("🔴 abc def".encode())
    (tmp_path / "d.ann").write_text("T1\tactor 3 6\tabc\n", encoding="utf-8")
    doc = next(get("brat").read(tmp_path / "d.ann"))
    assert any("#1115" in w for w in doc.warnings)


def test_titles_with_dots_keep_every_document(tmp_path: Path) -> None:
    """A title's dot ("U.S. strike", "Report 1.5") was read as a file suffix: the id after it was cut off,
    two reports wrote one pair of files, and the summary still counted both."""
    titles = ("U.S. strike near Al-Bukamal", "U.S. raid on a convoy", "Report 1.5 update", "Report 1.6 update")
    docs = [Document(Report.of(f"{title}: forces of the SDF moved.", title=title), "z",
                     (Span("T1", len(title) + 12, len(title) + 15, "actor"),)) for title in titles]
    summary = get("brat").write(docs, tmp_path / "out")
    assert summary.documents == 4 and all(Path(f).is_file() for f in summary.files)
    back = {d.report.text: [(s.start, s.end, s.label) for s in d.spans] for d in get("brat").read(tmp_path / "out")}
    assert back == {d.report.text: [(s.start, s.end, s.label) for s in d.spans] for d in docs}
