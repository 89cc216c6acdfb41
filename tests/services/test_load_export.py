"""Loading other tools' files into annotators' sets and exporting the corpus, through the database."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import annotator.services.formats as fmts
import pytest
import sqlalchemy as sa
from annotator.core.errors import AnnotatorError, FormatError, MissingExtraError
from annotator.core.ids import report_id
from annotator.services import annotate
from annotator.services.export import ExportScope, export_corpus
from annotator.services.formats import list_formats
from annotator.services.load import BATCH, load_annotations, parse_label_map

PEERS = Path(__file__).resolve().parents[1] / "data" / "peers"
A_ID = "3c76ae27242d09762d1df33070a339ea49521bc11037d12fa4de13b2349469f4"
B_ID = "eda3d477e26c45aba7cfc55cd6f80775686346f165e4c79e9a788d4ec64ee8c5"


def dump(ctx) -> list[tuple]:  # type: ignore[no-untyped-def]
    with ctx.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            'SELECT r.id, a.name, s.key, s.start, s."end", s.label FROM spans s '
            "JOIN annotation_sets x ON x.id = s.set_id JOIN annotators a ON a.id = x.annotator_id "
            "JOIN reports r ON r.id = x.report_id ORDER BY 1, 2, 3"))] + [
            tuple(r) for r in conn.execute(sa.text("SELECT id, chars FROM reports ORDER BY id"))]


def test_doccano_utf16_offsets_land_as_code_points_and_reload_changes_nothing(ctx) -> None:
    result = load_annotations(ctx, PEERS / "doccano/relation/alice.jsonl", "doccano")
    assert (result.documents, result.reports_new, result.spans, result.relations) == (2, 2, 12, 5)
    b = annotate.get_set(ctx, B_ID, "alice")
    with ctx.uow() as uow:
        text = uow.repo.report(B_ID).text
    assert sorted(text[s.start:s.end] for s in b.spans if s.label == "actor") == [
        "ISIS cells", "Kata'eb Ja'far", "Syrian army"]
    before = dump(ctx)
    again = load_annotations(ctx, PEERS / "doccano/relation/alice.jsonl", "doccano")
    assert (again.sets_changed, again.sets_unchanged) == (0, 2)
    assert dump(ctx) == before
    assert annotate.get_set(ctx, B_ID, "alice").version == b.version


def test_w3c_needs_the_report_and_then_matches_it(ctx) -> None:
    with pytest.raises(FormatError, match="report not loaded|needs the reports"):
        load_annotations(ctx, PEERS / "w3c/doc-b.jsonld", "w3c")
    load_annotations(ctx, PEERS / "brat", "brat", annotator="carol")
    result = load_annotations(ctx, PEERS / "w3c/doc-b.jsonld", "w3c")
    assert result.annotators == ["alice"] and result.spans == 5


def test_conll_aligns_to_stored_reports(ctx) -> None:
    load_annotations(ctx, PEERS / "brat", "brat", annotator="carol")
    result = load_annotations(ctx, PEERS / "conll/reports.conll", "conll", annotator="dan")
    assert result.reports_new == 0
    assert len(annotate.get_set(ctx, A_ID, "dan").spans) == 7


def test_conll_with_report_aligns_that_one_and_still_matches_the_others(ctx) -> None:
    """Trial 2026-12-06 (command line) item 19: --report aligned document 1 and rebuilt document 2 as a
    new report, where without it both matched the stored reports."""
    load_annotations(ctx, PEERS / "brat", "brat", annotator="carol")
    result = load_annotations(ctx, PEERS / "conll/reports.conll", "conll", annotator="dan",
                              options={"report": A_ID})
    assert result.reports_new == 0 and result.documents == 2
    assert len(annotate.get_set(ctx, A_ID, "dan").spans) == 7 and annotate.get_set(ctx, B_ID, "dan").spans


def test_label_studio_annotator_names_the_people_and_predictions_keep_their_name(ctx) -> None:
    """Trial 2026-12-06 (command line) item 7: --annotator also renamed the predictions, so a named load
    with --predictions-as always failed; without it the set was named '1' (a user id) without a word."""
    path = PEERS / "labelstudio/project-3-at-2024-04-10-09-30-6b1d0f2e.json"
    named = load_annotations(ctx, path, "labelstudio", annotator="alice", options={"predictions_as": "model"})
    assert sorted(named.annotators) == ["alice", "model"] and named.documents == 3
    assert not any("by the number" in w for w in named.warnings)
    assert [(s.start, s.end, s.label) for s in annotate.get_set(ctx, B_ID, "model").spans] == [(2, 16, "actor")]
    assert len(annotate.get_set(ctx, B_ID, "alice").spans) == 5
    unnamed = load_annotations(ctx, path, "labelstudio", options={"predictions_as": "model"})
    said = [w for w in unnamed.warnings if "by the number" in w]
    assert said == ["document 1 names its annotator by the number 1 only (the user id of the tool that wrote it), "
                    "so its set is stored as annotator '1'; to store it under a person's name, load the file with "
                    "--annotator NAME ('As annotator' when importing in the window) (with --predictions-as model "
                    "the predictions keep that name)"]  # once for the file, not once per document


def test_bad_files_name_the_problem_and_change_nothing(ctx, tmp_path: Path) -> None:
    load_annotations(ctx, PEERS / "doccano/relation/alice.jsonl", "doccano")
    before = dump(ctx)
    text = "Raqqa report."
    good = {"id": report_id(text), "text": text, "annotator": "eve",
            "spans": [{"id": "T1", "start": 0, "end": 5, "label": "place", "text": "Raqqa"}], "relations": []}
    bad = dict(good, spans=[{"id": "T1", "start": 0, "end": 40, "label": "place", "text": "Raqqa"}])
    f = tmp_path / "mixed.jsonl"
    f.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        load_annotations(ctx, f, "jsonl")
    assert "mixed.jsonl" in str(err.value) and "line 2" in str(err.value)
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text(json.dumps(dict(good, spans=[dict(good["spans"][0], label="LOC")])) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match="unknown labels LOC"):
        load_annotations(ctx, unknown, "jsonl")
    nobody = tmp_path / "nobody.jsonl"
    nobody.write_text(json.dumps({k: v for k, v in good.items() if k != "annotator"}) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match="--annotator"):
        load_annotations(ctx, nobody, "jsonl")
    with pytest.raises(AnnotatorError, match="not a known format"):
        load_annotations(ctx, f, "excel")
    assert dump(ctx) == before
    mapped = load_annotations(ctx, unknown, "jsonl", label_map=parse_label_map("LOC=place"))
    assert mapped.spans == 1


def test_export_every_writable_format_and_reload_jsonl_exactly(ctx, tmp_path: Path) -> None:
    load_annotations(ctx, PEERS / "brat", "brat", annotator="carol")
    load_annotations(ctx, PEERS / "doccano/relation/alice.jsonl", "doccano")
    names = {f.name: f for f in list_formats()}
    outs = {"brat": "brat-out", "xmi": "x.zip", "spacy": "c.spacy", "labelstudio": "ls.json", "w3c": "w.json",
            "conll": "c.conll"}
    for name, info in names.items():
        if not info.can_write:
            continue
        out = tmp_path / outs.get(name, f"{name}.jsonl")
        summary = export_corpus(ctx, name, out, ExportScope(annotators=("alice",)))
        assert summary.documents == 2 and out.exists()
        assert not list(tmp_path.glob("*.part"))
    native = tmp_path / "jsonl.jsonl"
    lines = [json.loads(lbl) for lbl in native.read_text(encoding="utf-8").splitlines()]
    assert {lbl["annotator"] for lbl in lines} == {"alice"} and {lbl["id"] for lbl in lines} == {A_ID, B_ID}
    before = annotate.get_set(ctx, A_ID, "alice")
    result = load_annotations(ctx, native, "jsonl", annotator="alice")
    assert result.sets_unchanged == 2
    assert annotate.get_set(ctx, A_ID, "alice") == before


def test_export_scope_by_label_and_report(ctx, tmp_path: Path) -> None:
    load_annotations(ctx, PEERS / "doccano/relation/alice.jsonl", "doccano")
    out = tmp_path / "actors.jsonl"
    export_corpus(ctx, "jsonl", out, ExportScope(report_ids=(B_ID[:10],), labels=("actor",)))
    (line,) = [json.loads(lbl) for lbl in out.read_text(encoding="utf-8").splitlines()]
    assert line["id"] == B_ID and {s["label"] for s in line["spans"]} == {"actor"} and line["relations"] == []


def test_missing_extra_is_named(ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmts, "extra_installed", lambda extra: extra is None)
    with pytest.raises(MissingExtraError, match=r"annotator\[spacy\]"):
        load_annotations(ctx, PEERS / "spacy/reports.spacy", "spacy")


def test_keys_numbered_in_any_script_load_and_new_edits_number_past_them(ctx, tmp_path: Path) -> None:
    """A file's span keys are its own: ``T²`` (a superscript, which is no number) loads as any other
    key, where it once stopped the whole load with a ValueError; ``T٣`` (Arabic-Indic three) is key
    number 3, so the next span drawn gets a number past every one used."""
    text = "Colonel Abu Ali met officers in Homs on Monday."
    line = {"text": text, "meta": {}, "annotator": "alice", "relations": [],
            "spans": [{"id": "T²", "start": 0, "end": 15, "label": "actor"},
                      {"id": "T٣", "start": 32, "end": 36, "label": "place"},
                      {"id": "T2", "start": 37, "end": 46, "label": "date"}]}
    path = tmp_path / "keys.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    assert load_annotations(ctx, path, "jsonl").spans == 3
    span, _change = annotate.create_span(ctx, report_id(text), 20, 28, "actor", annotator="alice")
    assert span.id == "T4"
    assert {s.id for s in annotate.get_set(ctx, report_id(text), "alice").spans} == {"T²", "T٣", "T2", "T4"}


def test_a_long_file_is_read_ahead_while_the_batch_before_is_stored(ctx, tmp_path: Path) -> None:
    """More than one batch: the next documents are read by the read-ahead thread while the spans of the
    batch before go into the database (the path a corpus load takes), and every document lands once.
    Two batches and more: the reader, a batch ahead at most, cannot have read the whole file by then."""
    n = 2 * BATCH + 100
    lines = [{"text": f"Report {k}: Colonel Abu Ali met officers in Homs.", "meta": {}, "annotator": "alice",
              "relations": [], "spans": [{"id": "T1", "start": 11 + len(str(k)), "end": 26 + len(str(k)),
                                          "label": "actor"}]} for k in range(n)]
    path = tmp_path / "long.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    reading_while_storing: list[bool] = []

    def observe(_conn, _cursor, statement: str, *_rest) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith("INSERT INTO spans"):
            reading_while_storing.append(any(t.name == "annotator-read-ahead" for t in threading.enumerate()))

    sa.event.listen(ctx.engine, "before_cursor_execute", observe)
    result = load_annotations(ctx, path, "jsonl")
    assert (result.documents, result.sets_changed, result.spans) == (n, n, n)
    assert reading_while_storing[0] and not reading_while_storing[-1]  # the last batch: the file is read
    assert [s.id for s in annotate.get_set(ctx, report_id(lines[-1]["text"]), "alice").spans] == ["T1"]
