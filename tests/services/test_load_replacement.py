"""A file loaded over a richer set keeps what its format cannot hold (relations, attributes, date values,
events) on the spans it leaves unchanged, and says in one sentence per set what it keeps and what goes
with the spans it changes or leaves out: through the database, as the CLI and the import dialog call it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from annotator.services import annotate
from annotator.services.load import load_annotations

PEERS = Path(__file__).resolve().parents[1] / "data" / "peers"
A_ID = "3c76ae27242d09762d1df33070a339ea49521bc11037d12fa4de13b2349469f4"
A_TITLE = "Officers meet at Deir al-Zour airfield"


def rich_alice(ctx: Any) -> None:
    """alice's sets from spaCy (12 spans, 5 relations, a note), then an Admiralty grade and a date value."""
    pytest.importorskip("spacy")
    load_annotations(ctx, PEERS / "spacy/reports.spacy", "spacy")
    spans = {s.label + ":" + str(s.start): s for s in annotate.get_set(ctx, A_ID, "alice").spans}
    annotate.update_span(ctx, A_ID, spans["actor:21"].id, annotator="alice", attrs={"reliability": "B"})
    annotate.update_span(ctx, A_ID, spans["date:3"].id, annotator="alice", value="2024-04-07")


def doccano_without(tmp_path: Path, *drop: tuple[int, int, str]) -> Path:
    """alice's doccano file of the same spans (no relations, no attributes), less the spans in ``drop``."""
    out = tmp_path / "alice.jsonl"
    lines = []
    for line in (PEERS / "doccano/spans/alice.jsonl").read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        obj["label"] = [x for x in obj["label"] if tuple(x) not in drop]
        lines.append(json.dumps(obj, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def edits(ctx: Any) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM edits")).scalar_one())


@pytest.mark.parametrize("fmt,path", [("doccano", "doccano/spans/alice.jsonl"), ("conll", "conll/reports.conll")])
def test_a_lossy_export_of_the_same_spans_changes_nothing(ctx: Any, fmt: str, path: str) -> None:
    rich_alice(ctx)
    before = {rid: annotate.get_set(ctx, rid, "alice") for rid in (A_ID,)}
    logged = edits(ctx)
    result = load_annotations(ctx, PEERS / path, fmt, annotator="alice")
    assert (result.sets_changed, result.sets_unchanged, result.warnings) == (0, 2, [])
    after = annotate.get_set(ctx, A_ID, "alice")
    assert after == before[A_ID]  # spans with their ids, attributes, value; relations; version
    assert len(after.relations) == 3 and edits(ctx) == logged


def test_a_changed_lossy_file_keeps_what_it_cannot_hold_and_names_what_goes(ctx: Any, tmp_path: Path) -> None:
    rich_alice(ctx)
    old = annotate.get_set(ctx, A_ID, "alice")
    claim = next(s for s in old.spans if s.label == "claim")  # the head of all three relations
    result = load_annotations(ctx, doccano_without(tmp_path, (47, 79, "claim")), "doccano", annotator="alice")
    assert (result.sets_changed, result.sets_unchanged) == (1, 1)
    assert result.warnings == [
        f"{A_TITLE}: alice's set keeps 1 date value and the attributes of 2 spans that the doccano file does not "
        "carry and loses 3 relations with the spans the file changes or leaves out (the replaced set is kept in "
        "the edit log)"]
    new = annotate.get_set(ctx, A_ID, "alice")
    assert {s.id for s in new.spans} == {s.id for s in old.spans} - {claim.id}  # the stored ids stay
    assert new.relations == ()
    assert {s.id: (s.attrs, s.value) for s in new.spans if s.attrs or s.value} == {
        s.id: (s.attrs, s.value) for s in old.spans if s.attrs or s.value}
    with ctx.engine.connect() as conn:  # the replaced set is in the edit log
        before = conn.execute(sa.text("SELECT before FROM edits WHERE op = 'load' ORDER BY id DESC")).scalars().first()
    before = json.loads(before) if isinstance(before, str) else before
    assert len(before["relations"]) == 3 and len(before["spans"]) == 7


def test_a_file_that_carries_relations_decides_them(ctx: Any, tmp_path: Path) -> None:
    """doccano's relation export holds relations: a relation it leaves out is gone, not carried over (the
    file has no attributes, so those are kept)."""
    rich_alice(ctx)
    path = tmp_path / "alice.jsonl"
    lines = [json.loads(x) for x in (PEERS / "doccano/relation/alice.jsonl").read_text(encoding="utf-8").splitlines()]
    lines[0]["relations"] = lines[0]["relations"][1:]
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    result = load_annotations(ctx, path, "doccano")
    stored = annotate.get_set(ctx, A_ID, "alice")
    assert (result.sets_changed, result.sets_unchanged) == (1, 1)
    assert result.warnings == [f"{A_TITLE}: alice's set keeps 1 date value and the attributes of 2 spans that the "
                               "doccano file does not carry"]
    assert len(stored.relations) == 2
    assert any(s.attrs.get("reliability") == "B" for s in stored.spans)
