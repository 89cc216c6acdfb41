"""What a set read from a file keeps of the stored set it replaces (``core.set_replacement``), in memory."""

from __future__ import annotations

from annotator.core.annotation_set import Document
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.set_replacement import removed_by, replace_set
from annotator.core.spans import Span

REPORT = Report.of("Alpha said Beta met Gamma in Delta.")


def test_matched_spans_take_their_stored_ids_and_an_unmatched_one_never_takes_a_kept_id() -> None:
    stored = [Span("T1", 0, 5, "actor", {"reliability": "B"}), Span("T2", 11, 15, "actor"),
              Span("T3", 29, 34, "place")]
    relations = [Relation("R1", "T1", "T2", "source"), Relation("R2", "T1", "T3", "place")]
    # a file (ids of its own) with Alpha and Beta unchanged, Delta left out, Gamma new and numbered T1
    incoming = Document(REPORT, "alice", (Span("T1", 20, 25, "actor"), Span("T2", 0, 5, "actor"),
                                          Span("T3", 11, 15, "actor")))
    out = replace_set(incoming, stored, relations, ())
    assert [(s.id, s.start, s.attrs) for s in out.document.spans] == [
        ("T4", 20, {}), ("T1", 0, {"reliability": "B"}), ("T2", 11, {})]
    assert out.document.relations == (relations[0],)
    assert out.sentence("r", "alice", "conll") == (
        "r: alice's set keeps 1 relation and the attributes of 1 span that the conll file does not carry and "
        "loses 1 relation with the spans the file changes or leaves out (the replaced set is kept in the edit log)")


def test_a_new_set_and_a_set_without_extras_need_no_sentence() -> None:
    incoming = Document(REPORT, "alice", (Span("T1", 0, 5, "actor"),))
    assert replace_set(incoming, (), (), ()).document is incoming
    assert replace_set(incoming, [Span("T9", 11, 15, "actor")], (), ()).sentence("r", "alice", "conll") is None


def test_attributes_count_by_name_the_file_decides_the_names_it_uses() -> None:
    stored = [Span("T1", 0, 5, "actor", {"reliability": "B", "note": "old"}),
              Span("T2", 11, 15, "actor", {"note": "x"})]
    incoming = Document(REPORT, "alice", (Span("T1", 0, 5, "actor", {"note": "new"}), Span("T2", 11, 15, "actor")))
    out = replace_set(incoming, stored, (), ())
    assert [s.attrs for s in out.document.spans] == [{"reliability": "B", "note": "new"}, {}]
    assert (out.kept.attributes, out.lost.attributes) == (1, 0)


def test_removed_by_names_what_the_new_set_no_longer_holds() -> None:
    """A moved span is removed (and another added); a relation renumbered by the file stays; an attribute
    changed is no removal but touches what is stored; a set that only grows touches nothing."""
    stored = [Span("T1", 0, 5, "actor"), Span("T2", 11, 15, "actor", {"note": "x"}), Span("T3", 29, 34, "place")]
    relations = [Relation("R1", "T1", "T2", "source"), Relation("R2", "T1", "T3", "place")]
    new = [Span("T1", 0, 5, "actor"), Span("T2", 11, 15, "actor", {"note": "y"}), Span("T3", 20, 25, "place")]
    removed = removed_by(stored, relations, (), new, [Relation("R7", "T1", "T2", "source")], ())
    assert (removed.spans, removed.relations, removed.events, removed.altered) == (("T3",), ("R2",), (), 1)
    assert removed.phrase() == "1 span and 1 relation" and removed.touches_stored
    grown = removed_by(stored, relations, (), [*stored, Span("T4", 20, 25, "actor")], relations, ())
    assert not grown and not grown.touches_stored
    retagged = removed_by(stored, (), (), [stored[0], stored[1].with_(attrs={}), stored[2]], (), ())
    assert not retagged and retagged.touches_stored
