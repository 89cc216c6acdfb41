"""brat: CR counted, discontinuous spans as covering spans, fragments at line breaks, conf written."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from annotator.core.annotation_set import Document
from annotator.core.errors import FormatError
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


def test_a_span_shifted_by_brats_emoji_bug_is_stored_where_its_text_is(tmp_path: Path) -> None:
    """Trial 2026-12-06 (command line) item 17: brat's UI counts UTF-16 units after an emoji (brat issue
    #1115); the span was stored at the wrong offsets with a warning only. It is found as the W3C reader
    finds a shifted quote (``formats.relocate``: UTF-16 reading, then the text), with a warning."""
    (tmp_path / "d.txt").write_bytes("🔴 abc def 🔴 abc".encode())
    (tmp_path / "d.ann").write_text("T1\tactor 3 6\tabc\nT2\tactor 12 15\tabc\nT3\tplace 1 4\tdef\n"
                                    "T4\tplace 0 2\tzzz\n", encoding="utf-8")
    doc = next(get("brat").read(tmp_path / "d.ann"))
    assert [(s.id, s.start, s.end) for s in doc.spans] == [("T1", 2, 5), ("T2", 12, 15), ("T3", 6, 9), ("T4", 0, 2)]
    assert doc.warnings == (
        "d.ann: line 1: span T1 records 'abc' but its offsets 3-6 cover 'bc '; corrected to 2-5 by reading it as "
        "UTF-16 units (brat's UI shifts offsets after emoji, brat issue #1115)",
        "d.ann: line 3: span T3 records 'def' but its offsets 1-4 cover ' ab'; corrected to 6-9 by its quote "
        "(brat's UI shifts offsets after emoji, brat issue #1115)",
        "d.ann: line 4: span T4 records 'zzz' but its offsets cover '🔴 ', and that text is not found: kept at its "
        "offsets")


def test_a_tab_inside_a_spans_text_is_part_of_it(tmp_path: Path) -> None:
    """Trial item 17: the text column was split at a TAB, and the span blamed on brat's emoji bug."""
    (tmp_path / "d.txt").write_text("The army\tdenied it.", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tactor 4 15\tarmy\tdenied\n#1\tAnnotatorNotes T1\tsee\tabove\n",
                                    encoding="utf-8")
    doc = next(get("brat").read(tmp_path / "d.ann"))
    assert [(s.start, s.end, s.attrs) for s in doc.spans] == [(4, 15, {"note": "see\tabove"})]
    assert doc.warnings == ()


def test_a_span_whose_text_is_spaced_otherwise_stays_where_it_is(tmp_path: Path) -> None:
    """The same words recorded with other spacing (a tool writing a line break as a space) are the span's
    own: never moved to another place where that spacing occurs, and no warning."""
    (tmp_path / "d.txt").write_text("the army said\nthe army\nsaid", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tactor 14 27\tthe army said\n", encoding="utf-8")
    doc = next(get("brat").read(tmp_path / "d.ann"))
    assert [(s.start, s.end) for s in doc.spans] == [(14, 27)] and doc.warnings == ()


def test_a_span_or_relation_id_used_twice_is_refused_naming_the_file_and_line(tmp_path: Path) -> None:
    """Trial item 17: a second T1 silently replaced the first ("1 spans"); jsonl refuses the same."""
    (tmp_path / "d.txt").write_text("On 3 March the army moved.", encoding="utf-8")
    for ann, said in (("T1\tdate 3 10\t3 March\nT1\tactor 15 19\tarmy\n", "line 2: span id T1 is used twice"),
                      ("T1\tdate 3 10\t3 March\nT2\tactor 15 19\tarmy\nR1\tDate Arg1:T2 Arg2:T1\n"
                       "R1\tDate Arg1:T1 Arg2:T2\n", "line 4: relation id R1 is used twice")):
        (tmp_path / "d.ann").write_text(ann, encoding="utf-8")
        with pytest.raises(FormatError) as refused:
            list(get("brat").read(tmp_path / "d.ann"))
        assert "d.ann" in str(refused.value) and said in str(refused.value)


def test_relation_ids_are_numbered_in_each_ann(tmp_path: Path) -> None:
    """Trial item 17: the second document's relations were R4/R5, so ids changed on a round trip."""
    docs = [Document(Report.of(f"Report {n}: the army said it took the town."), "alice",
                     (Span("T1", 10, 18, "actor"), Span("T2", 10, 41, "claim")),
                     (Relation("R1", "T2", "T1", "source"), Relation("R2", "T2", "T1", "actor"))) for n in (1, 2)]
    get("brat").write(docs, tmp_path / "out")
    for ann in (tmp_path / "out" / "alice").glob("*.ann"):
        assert [line.split("\t")[0] for line in ann.read_text(encoding="utf-8").splitlines()
                if line.startswith("R")] == ["R1", "R2"]
    back = list(get("brat").read(tmp_path / "out"))
    assert [[r.id for r in d.relations] for d in back] == [["R1", "R2"], ["R1", "R2"]]


def test_warnings_of_a_folder_name_their_ann(tmp_path: Path) -> None:
    """Trial item 17: a folder load printed 'warning: line 8: …' without saying which file."""
    for who in ("alice", "bob"):
        (tmp_path / who).mkdir()
        (tmp_path / who / "d.txt").write_text("The army moved.", encoding="utf-8")
        (tmp_path / who / "d.ann").write_text("T1\tactor 4 8\tarmy\nT2\tactor 0 3\tnot there\n", encoding="utf-8")
    warnings = [w for d in get("brat").read(tmp_path) for w in d.warnings]
    assert [w.split(": line")[0] for w in warnings] == ["alice/d.ann", "bob/d.ann"]


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
