"""Comment threads travel in files: native JSONL holds them whole (round trip through a second database);
W3C Web Annotation holds them as commenting/questioning annotations on the span or relation (ids, threads
and resolution come back); brat writes span comments as AnnotatorNotes and says what it drops."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from annotator.core.annotation_set import Document
from annotator.core.comments import Comment
from annotator.formats import get
from annotator.services import comments as comment_service
from annotator.services.database import open_database
from annotator.services.export import export_corpus, export_scope
from annotator.services.load import load_annotations

from .conftest import REPORT_A, canonical_docs

THREAD = (Comment("C-1111111111111111", REPORT_A.id, "bob", "Is Abu Ali the same man as in April?", "span", "alice",
                  "T7", 108, 123, "", True, "2026-12-01T10:00:00+00:00", "sam", "2026-12-02T09:00:00+00:00",
                  "2026-12-02T09:00:00+00:00"),
          Comment("C-2222222222222222", REPORT_A.id, "sam", "Yes, see the 9 April report.", "span", "alice", "T7",
                  108, 123, "C-1111111111111111", False, "2026-12-01T11:00:00+00:00", None, None,
                  "2026-12-01T11:00:00+00:00"),
          Comment("C-3333333333333333", REPORT_A.id, "alice", "Source relation checked.", "relation", "alice", "R1",
                  47, 79, "", False, "2026-12-01T12:00:00+00:00", None, None, "2026-12-01T12:00:00+00:00"),
          Comment("C-4444444444444444", REPORT_A.id, "alice", "Whole report: a translation.", "report", None, None,
                  None, None, "", False, "2026-12-01T13:00:00+00:00", None, None, "2026-12-01T13:00:00+00:00"))


def docs_with_comments() -> list[Document]:
    a, b = canonical_docs()
    return [dataclasses.replace(a, comments=THREAD), b]


def test_native_jsonl_carries_threads_through_a_second_database(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    get("jsonl").write(docs_with_comments(), path)
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert [c["id"] for c in first["comments"]] == [c.id for c in THREAD]
    assert first["comments"][1]["thread"] == "C-1111111111111111" and first["comments"][0]["question"] is True
    assert "comments" not in json.loads(path.read_text(encoding="utf-8").splitlines()[1])
    ctx = open_database(tmp_path / "a.sqlite3")
    try:
        load_annotations(ctx, path, "jsonl")
        load_annotations(ctx, path, "jsonl")  # again: nothing doubles
        stored = comment_service.comments(ctx)
        assert stored == list(THREAD)
        export_corpus(ctx, "jsonl", tmp_path / "again.jsonl", export_scope())
    finally:
        ctx.close()
    again = json.loads((tmp_path / "again.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert again["comments"] == first["comments"]


def test_w3c_comments_are_annotations_on_their_annotations(tmp_path: Path) -> None:
    path = tmp_path / "anno.jsonld"
    get("w3c").write(docs_with_comments(), path)
    items = json.loads(path.read_text(encoding="utf-8"))[0]["first"]["items"]
    notes = [i for i in items if i["motivation"] in ("commenting", "questioning")]
    assert [n["motivation"] for n in notes] == ["questioning", "commenting", "commenting", "commenting"]
    by_id = {i["id"]: i for i in items}
    assert by_id[notes[0]["target"]]["motivation"] == "tagging"  # the span's own annotation
    assert notes[1]["target"] == notes[0]["id"]  # a reply answers the comment
    assert by_id[notes[2]["target"]]["motivation"] == "linking"
    assert notes[3]["target"] == {"source": items[0]["target"]["source"]}
    (doc_a, _doc_b) = list(get("w3c").read(path, options={"reports": [d.report for d in docs_with_comments()]}))
    back = {c.id: c for c in doc_a.comments}
    assert set(back) == {c.id for c in THREAD}
    for want in THREAD:
        got = back[want.id]
        assert (got.author, got.body, got.anchor, got.question, got.thread, got.resolved_by, got.created_at) == (
            want.author, want.body, want.anchor, want.question, want.thread, want.resolved_by, want.created_at)
        assert (got.anchor_start, got.anchor_end) == (want.anchor_start, want.anchor_end)


def test_brat_writes_span_comments_as_annotator_notes(tmp_path: Path) -> None:
    summary = get("brat").write(docs_with_comments(), tmp_path / "brat")
    ann = next((tmp_path / "brat" / "alice").glob("*-" + REPORT_A.id[:8] + ".ann")).read_text(encoding="utf-8")
    notes = [line for line in ann.splitlines() if line.startswith("#")]
    assert any(line.endswith("bob: Is Abu Ali the same man as in April?") for line in notes)
    assert any(line.endswith("sam: Yes, see the 9 April report.") for line in notes)
    dropped = {d.item for d in summary.dropped if d.kind == "comment"}
    assert dropped == {"C-3333333333333333", "C-4444444444444444"}
