"""Issue 17, found items: each reproduced, then held. Bad input gets one sentence and leaves the
database exactly as it was; a folder import stores every good file whatever the bad ones do."""

from __future__ import annotations

import hashlib
import json
import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from annotator.core.errors import AnnotatorError, FormatError, ReaderError, ValidationError, failure_detail
from annotator.core.schema import Schema
from annotator.exchange.bundle_format import SETS
from annotator.exchange.reader import read_bundle
from annotator.readers import html, read_report_file
from annotator.readers.docx import DocxReader
from annotator.services.bundles import import_bundle
from annotator.services.database import load_schema
from annotator.services.load import load_annotations
from annotator.services.reports import import_reports

from bundle_helpers import replace_in_sets, rezip, write_sample
from db_state import fingerprint

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
TEXT = "Colonel Abu Ali met IRGC officers in Deir al-Zour on 7 April."


def _line(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {"id": hashlib.sha256(TEXT.encode()).hexdigest(), "text": TEXT,
                                 "annotator": "alice", "meta": {"title": "t"},
                                 "spans": [{"id": "T1", "start": 0, "end": 17, "label": "actor"}], "relations": []}
    record.update(changes)
    return record


def _refused(ctx, path: Path, fmt: str, words: str, **options: object) -> str:  # type: ignore[no-untyped-def]
    before = fingerprint(ctx.engine)
    with pytest.raises(AnnotatorError, match=words or None) as info:
        load_annotations(ctx, path, fmt, **options)  # type: ignore[arg-type]
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    assert fingerprint(ctx.engine) == before
    return str(info.value)


def test_a_failed_load_commits_nothing_not_even_its_annotator(ctx) -> None:  # type: ignore[no-untyped-def]
    """Was: 'UNIQUE constraint failed', and annotator carol plus an empty set committed by a savepoint."""
    load_annotations(ctx, SAMPLES / "annotations.jsonl", "jsonl")
    before = fingerprint(ctx.engine)
    with pytest.raises(FormatError, match="are both carol's set for report .* load it without --annotator"):
        load_annotations(ctx, SAMPLES / "annotations.jsonl", "jsonl", annotator="carol")
    assert fingerprint(ctx.engine) == before


def test_a_savepoint_never_commits_the_transaction_around_it(ctx) -> None:  # type: ignore[no-untyped-def]
    """The depth the fix lives at: whatever a unit of work began is rolled back, savepoints included."""
    before = fingerprint(ctx.engine)
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        uow.repo.annotator_row("dave")  # created inside a SAVEPOINT
        raise RuntimeError("the load fails later")
    assert fingerprint(ctx.engine) == before


@pytest.mark.parametrize("fmt, suffix", [("jsonl", ".jsonl"), ("doccano", ".jsonl"), ("prodigy", ".jsonl"),
                                         ("labelstudio", ".json"), ("w3c", ".jsonld")])
def test_deeply_nested_json_is_one_sentence(ctx, tmp_path: Path, fmt: str, suffix: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    _refused(ctx, path, fmt, "nest")


@pytest.mark.parametrize("fmt, body", [
    ("labelstudio", [{"data": {"text": TEXT}, "annotations": [{"result": [{"type": "labels", "value": "x"}]}]}]),
    ("labelstudio", [{"data": {"text": TEXT}, "annotations": ["x"]}]),
    ("labelstudio", [{"data": {"text": TEXT}, "annotations": [{"result": [
        {"type": "labels", "id": "r", "value": {"start": 0, "end": 5, "labels": ["actor"]}, "meta": "x"}]}]}]),
    ("w3c", [{"type": "Annotation", "body": [5], "target": {"source": "x"}}]),
    ("prodigy", {"text": TEXT, "relations": ["x"]}),
    ("jsonl", _line(meta="x")),
    ("jsonl", _line(annotator=["x"])),
    ("doccano", {"text": TEXT, "entities": "x"}),
])
def test_wrong_json_types_are_one_sentence(ctx, tmp_path: Path, fmt: str, body: object) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"bad.{fmt}"
    path.write_text(json.dumps(body) + "\n")
    message = _refused(ctx, path, fmt, "")
    assert "unexpected" not in message and "Error" not in message, message


_TWO = [{"id": 1, "start_offset": 0, "end_offset": 17, "label": "actor"},
        {"id": 2, "start_offset": 37, "end_offset": 50, "label": "place"}]


@pytest.mark.parametrize("fmt, body, said", [
    ("jsonl", _line(spans=[{"id": "T1", "start": 0, "end": 17, "label": None}]), "span T1: its label is empty"),
    ("jsonl", _line(spans=[{"id": "T1", "start": 0, "end": 17, "label": ["actor"]}]),
     "span T1: its label is a list, not a string"),
    ("doccano", {"text": TEXT, "label": [[0, 17, None]]}, "span T1: its label is empty"),
    ("doccano", {"text": TEXT, "label": [[0, 17, {"x": 1}]]}, "span T1: its label is an object, not a string"),
    ("prodigy", {"text": TEXT, "spans": [{"start": 0, "end": 17, "label": None}]}, "span T1: its label is empty"),
    ("labelstudio", [{"data": {"text": TEXT}, "annotations": [{"result": [
        {"type": "labels", "id": "r", "value": {"start": 0, "end": 17, "labels": [None]}}]}]}],
     "task 1: span r: its label is empty"),
    ("doccano", {"text": TEXT, "label": _TWO, "relations": [{"id": 1, "from_id": [1], "to_id": 2, "type": "place"}]},
     "relation 1: its from_id is a list, not an entity id (a number)"),
    ("doccano", {"text": TEXT, "label": _TWO, "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": None}]},
     "relation R1: its label is empty"),
    ("jsonl", _line(relations=[{"head": 12, "label": "source"}]), "relation R1 has no tail"),
    ("jsonl", _line(relations=[["T1", "T1"]]), "relation R1 is a list, not an object"),
    ("jsonl", _line(relations=[{"id": "R1", "head": "T1", "tail": "T1", "label": 5}]),
     "relation R1: its label is the number 5, not a string"),
])
@pytest.mark.parametrize("add_labels", [False, True])
def test_a_label_that_is_null_or_not_text_is_refused_in_the_file_s_terms(  # type: ignore[no-untyped-def]
        ctx, tmp_path: Path, fmt: str, body: object, said: str, add_labels: bool) -> None:
    """``"label": null`` became a label called ``None`` (added to the schema by --add-labels, else "unknown
    labels None"); doccano ids given as lists failed as "TypeError: unhashable type: 'list'"; a jsonl
    relation without a tail was quoted as a Python dict. Each is now the sentence a missing label gets."""
    path = tmp_path / f"bad.{fmt}"
    path.write_text(json.dumps(body) + "\n")
    message = _refused(ctx, path, fmt, re.escape(said), add_labels=add_labels)
    assert "None" not in message and "{" not in message and "Error" not in message, message
    assert load_schema(ctx).labels == ctx.schema.labels  # nothing added to the schema


def test_python_s_own_complaints_are_said_in_the_file_s_terms() -> None:
    """``failure_detail`` is where every reader's unexpected parse failure becomes words: Python's
    ``'int' object is not iterable`` or ``unhashable type`` spoke of our code, not of the file."""
    for exc in (TypeError("'int' object is not iterable"), TypeError("unhashable type: 'list'"),
                AttributeError("'int' object has no attribute 'get'"), IndexError("list index out of range")):
        said = failure_detail(exc)
        assert "object" not in said and "Error" not in said and "unhashable" not in said
        assert said.startswith("a value in it has a type that does not belong in its place")
    assert failure_detail(KeyError("name")) == "a field 'name' it needs is missing"
    with pytest.raises(ValidationError, match=r"^the schema is malformed: a value in it has a type"):
        Schema.from_dict({"name": "x", "labels": [{"name": "actor"}], "relations": 5})


@pytest.mark.parametrize("span, words", [({"value": 10 ** 30}, "its value is .* not a string"),
                                         ({"entity": "\ud800x"}, "unpaired surrogate"),
                                         ({"attrs": {"n": 10 ** 30}}, "larger than a database integer"),
                                         ({"attrs": {"deep": json.loads("[" * 200 + "]" * 200)}}, "nested more")])
def test_values_that_cannot_be_stored_are_refused_first(ctx, tmp_path: Path, span: dict[str, object],  # type: ignore[no-untyped-def]
                                                        words: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_line(spans=[{"id": "T1", "start": 0, "end": 17, "label": "actor", **span}])) + "\n")
    _refused(ctx, path, "jsonl", words)


def test_a_correctly_hashed_bundle_with_a_lone_surrogate_is_refused(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = write_sample(tmp_path / "good.annbundle")
    bad = rezip(good, tmp_path / "bad.annbundle", replace_in_sets('"entity":"place:deir-ez-zor"',
                                                                  '"entity":"place:\\ud800"'), reseal=True)
    before = fingerprint(ctx.engine)
    with pytest.raises(AnnotatorError, match=f"{SETS} line 1: .*unpaired surrogate"):
        import_bundle(ctx, bad)
    assert fingerprint(ctx.engine) == before


def test_a_doccano_zip_bomb_of_one_line_is_refused_before_it_is_unpacked(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("alice.jsonl", b'{"text": "' + b"x" * (64 << 20) + b'"}\n')
    assert path.stat().st_size < 200_000
    _refused(ctx, path, "doccano", "decompression bomb")


def test_a_damaged_doccano_zip_is_one_sentence(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "d.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("alice.jsonl", (json.dumps({"text": TEXT, "entities": []}) + "\n") * 2000)
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0xFF
    path.write_bytes(bytes(raw))
    _refused(ctx, path, "doccano", "damaged")


def _docx(path: Path, document_xml: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", document_xml)
    return path


def test_a_doctype_after_a_long_comment_is_still_refused(tmp_path: Path) -> None:
    xml = (b'<?xml version="1.0"?><!--' + b"c" * 5000 + b'--><!DOCTYPE w [<!ENTITY a "aaaa">]>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    with pytest.raises(ReaderError, match="DTD"):
        DocxReader().read(_docx(tmp_path / "late-dtd.docx", xml))


def test_a_folder_import_stores_every_good_file_whatever_the_bad_ones_do(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text("A first good report about Deir ez-Zor.")
    damaged = _docx(folder / "b-damaged.docx", b"<w:document>" * 400)
    raw = bytearray(damaged.read_bytes())
    raw[60:80] = b"\x00" * 20  # inside the deflated data of a member
    damaged.write_bytes(bytes(raw))
    (folder / "c-canonical.html").write_text('<html><head><title>T</title><link rel="canonical" '
                                             'href="http://[oops/"></head><body><p>Homs report text here, long '
                                             'enough to be the main text of the page.</p></body></html>')
    (folder / "d-good.md").write_text("# Second\n\nA second good report.")
    result = import_reports(ctx, [folder])
    stored = {Path(r.path).name for r in result.reports}
    assert {"a-good.txt", "d-good.md"} <= stored
    failed = {Path(e.path).name: e for e in result.errors}
    assert "b-damaged.docx" in failed and not failed["b-damaged.docx"].unexpected
    for failure in result.errors:
        assert "\n" not in failure.error and not failure.unexpected


def test_reader_exceptions_become_the_readers_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise ValueError("Invalid IPv6 URL")

    path = tmp_path / "x.html"
    path.write_text("<html><body><p>text</p></body></html>")
    monkeypatch.setattr(html.HtmlReader, "read", explode)
    with pytest.raises(ReaderError, match=r"x.html: is damaged or not a readable html file \(ValueError"):
        read_report_file(path)


def test_stream_of_blank_lines_in_a_bundle_costs_no_memory(tmp_path: Path) -> None:
    """Was ~10.7x the member's size: the member is now streamed (the RSS figure is in benchmarks)."""
    good = write_sample(tmp_path / "good.annbundle")
    padded = rezip(good, tmp_path / "padded.annbundle",
                   lambda d: d.update({SETS: d[SETS] + b"\n" * (32 << 20)}), method=zipfile.ZIP_STORED, reseal=True)
    tracemalloc.start()
    bundle = read_bundle(padded)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(bundle.sets) == 2 and peak < 16 << 20
