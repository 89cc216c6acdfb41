"""brat events: every text-bound annotation loads; an event becomes its trigger span plus a relation per
role where the schema allows it, and what cannot be carried is counted, never a reason to refuse the file.

brat itself (standoff.html, server/src/annotation.py) reads ``E`` lines as a trigger (``TYPE:Tn``) and role
arguments (``ROLE:ID``, a repeated role numbered ``Participant2``, an argument may be another event), and
lets ``A``/``M`` attributes, ``N`` normalizations and ``#`` notes point at an event id. Our reader used to
refuse such a file ("annotation M1 names E1, which is not in the file")."""

from __future__ import annotations

from pathlib import Path

import pytest
from annotator.core.errors import FormatError
from annotator.formats import get
from annotator.services.load import load_annotations, parse_label_map

TEXT = "Russian officers met IRGC commanders in Deir ez-Zor, then attacked the outpost."
ANN = "\n".join([
    "T1\tactor 0 16\tRussian officers",
    "T2\tMeeting 17 20\tmet",
    "T3\tactor 21 37\tIRGC commanders",
    "T4\tplace 41 51\tDeir ez-Zor",
    "T5\tAttack 58 66\tattacked",
    "E1\tMeeting:T2 Participant:T1 Participant2:T3 Place:T4",
    "E2\tAttack:T5 Attacker:T1 Cause:E1",
    "A1\tNegated E2",
    "M1\tStatus E1 unconfirmed",
    "#1\tAnnotatorNotes E1\tSource: one Telegram channel.",
    "R1\tSource Arg1:E1 Arg2:T3",
    "*\tEquiv T1 T3",
]) + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "doc.txt").write_bytes(TEXT.encode("utf-8"))
    (tmp_path / "doc.ann").write_text(ANN, encoding="utf-8")
    return tmp_path


def test_events_become_trigger_spans_and_role_relations(folder: Path) -> None:
    (doc,) = get("brat").read(folder)
    spans = {s.id: s for s in doc.spans}
    assert [(s.id, s.label, TEXT[s.start:s.end]) for s in doc.spans][1] == ("T2", "Meeting", "met")
    assert len(doc.spans) == 5  # every text-bound annotation
    roles = {(r.head, r.label, r.tail) for r in doc.relations if "brat_event" in r.attrs}
    assert roles == {("T2", "participant", "T1"), ("T2", "participant", "T3"), ("T2", "place", "T4"),
                     ("T5", "attacker", "T1"), ("T5", "cause", "T2")}  # an event argument stands for its trigger
    assert ("T2", "source", "T3") in {(r.head, r.label, r.tail) for r in doc.relations}
    assert spans["T2"].attrs == {"status": "unconfirmed", "note": "Source: one Telegram channel."}
    assert spans["T5"].attrs == {"negated": True}
    assert any("2 event(s) carried" in w for w in doc.warnings)
    assert any("equivalence" in w for w in doc.warnings)


def test_the_writer_restores_the_event_lines(folder: Path, tmp_path: Path) -> None:
    (doc,) = get("brat").read(folder)
    out = tmp_path / "out"
    get("brat").write([doc.__class__(doc.report, "alice", doc.spans, doc.relations)], out)
    ann = next(out.rglob("*.ann")).read_text(encoding="utf-8")
    assert "\tMeeting:T2 Participant:T1 Participant2:T3 Place:T4" in ann
    assert "\tAttack:T5 Attacker:T1 Cause:T2" in ann
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "Meeting\tParticipant*:actor, Place*:place" in conf
    entities = conf.split("[entities]")[1].split("[relations]")[0].split()
    assert "Meeting" not in entities and "actor" in entities  # a trigger's type is an event type
    (again,) = get("brat").read(out)
    assert {(r.head, r.label, r.tail) for r in again.relations} == {(r.head, r.label, r.tail) for r in doc.relations}


def test_loading_carries_what_the_schema_allows_and_counts_the_rest(sqlite_ctx, folder: Path) -> None:
    with pytest.raises(FormatError, match="unknown labels Attack, Meeting.*--add-labels"):
        load_annotations(sqlite_ctx, folder, "brat", annotator="carol")
    result = load_annotations(sqlite_ctx, folder, "brat", annotator="carol",
                              label_map=parse_label_map("Meeting=claim,Attack=claim"))
    assert result.spans == 5
    # place (claim → place) and source (claim → actor) are in the default schema; the other roles are not
    assert result.relations == 2
    assert any("2 event role(s) 'participant' not carried" in w for w in result.warnings)
    assert any("'attacker' not carried" in w and "--add-labels" in w for w in result.warnings)


def test_add_labels_carries_every_role(sqlite_ctx, folder: Path) -> None:
    result = load_annotations(sqlite_ctx, folder, "brat", annotator="carol", add_labels=True)
    assert result.spans == 5 and result.relations == 6
    assert {lbl["name"] for lbl in result.added["labels"]} == {"Meeting", "Attack"}
    assert {r["name"] for r in result.added["relations"]} == {"participant", "attacker", "cause"}
    assert {"name": "place", "heads": ["Meeting"], "tails": []} in result.added["widened"]
    assert sqlite_ctx.schema.allows("participant", "Meeting", "actor")


def test_a_missing_target_is_still_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_bytes(TEXT.encode("utf-8"))
    (tmp_path / "doc.ann").write_text("T1\tactor 0 16\tRussian officers\nE1\tMeeting:T9 Participant:T1\n",
                                      encoding="utf-8")
    with pytest.raises(FormatError, match="line 2.*event E1 names trigger T9"):
        list(get("brat").read(tmp_path))
