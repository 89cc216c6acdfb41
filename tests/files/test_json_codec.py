"""orjson reads and writes our JSON only where its answer is the standard module's.

``files.json_output.compact_json`` must give the bytes of ``json.dumps(obj, ensure_ascii=False,
separators=(",", ":"))`` (or its error) for anything a document can hold, and ``files.json_input.parse_json``
the value (or the sentence) of the standard parser for any line. Hypothesis compares both sides on JSON
values with the cases where the two libraries differ: floats in every spelling, NaN and infinities,
integers beyond 64 bits, lone surrogates, control characters, non-string keys, deep nesting."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from annotator.core.annotation_set import Document
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.files.json_input import JsonInputError, parse_json, standard_parse
from annotator.files.json_output import compact_json, indented_json, same_in_orjson
from annotator.formats.jsonl import FORMAT as JSONL
from annotator.formats.jsonl import document_to_record
from hypothesis import given, settings
from hypothesis import strategies as st

TEXT = st.text(st.characters(codec=None), max_size=12) | st.sampled_from(
    ["", "أبو علي", "a\x00\x1f\x7f\u2028\"\\", "\ud800x", "\udfff"])
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [1e-05, 1e-07, 1e16, 1e22, 5e-324, 1.7976931348623157e308, -0.0, 0.1, 123456789.125, 1e-4])
INTS = st.integers() | st.sampled_from([2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1, 10**30])
SCALARS = st.none() | st.booleans() | INTS | FLOATS | TEXT
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(TEXT | INTS, inner, max_size=4)
                      | st.tuples(inner, inner), max_leaves=12)


def _stdlib(obj: Any) -> str | type[BaseException]:
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    except Exception as exc:  # the error type is the answer to compare
        return type(exc)


def _ours(obj: Any, free: Any = None) -> str | type[BaseException]:
    try:
        return compact_json(obj, free)
    except Exception as exc:
        return type(exc)


@settings(max_examples=600)
@given(VALUES)
def test_compact_json_is_the_standard_modules_text_or_error(value: Any) -> None:
    assert _ours(value) == _stdlib(value)
    assert _ours({"k": [value]}, [value]) == _stdlib({"k": [value]})


@settings(max_examples=600)
@given(VALUES)
def test_indented_json_is_the_standard_modules_text_or_error(value: Any) -> None:
    try:
        theirs: str | type[BaseException] = json.dumps(value, ensure_ascii=False, indent=2)
    except Exception as exc:
        theirs = type(exc)
    try:
        ours: str | type[BaseException] = indented_json(value)
    except Exception as exc:
        ours = type(exc)
    assert ours == theirs


def test_the_floats_orjson_spells_differently_are_written_by_the_standard_module() -> None:
    for value in (1e-05, float("nan"), float("inf"), -float("inf")):
        assert not same_in_orjson(value)
        assert compact_json({"x": value}) == json.dumps({"x": value}, ensure_ascii=False, separators=(",", ":"))
    assert same_in_orjson(0.5) and same_in_orjson({"a": [1, "b", None, True, 2.25]})


def _same(a: Any, b: Any) -> bool:
    """Equal, with -0.0 told from 0.0 and NaN equal to itself (what a file would show)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def _parsed(raw: bytes | str) -> Any:
    try:
        return ("value", parse_json(raw, line=3))
    except JsonInputError as exc:
        return ("error", exc.detail, exc.line)


def _standard(raw: bytes | str) -> Any:
    """What ``parse_json`` answered before orjson: the standard parser alone."""
    try:
        return ("value", standard_parse(raw, 3))
    except JsonInputError as exc:
        return ("error", exc.detail, exc.line)


def _agree(raw: bytes | str) -> None:
    ours, theirs = _parsed(raw), _standard(raw)
    assert ours[0] == theirs[0], (raw, ours, theirs)
    if ours[0] == "value":
        assert _same(ours[1], theirs[1]), (raw, ours, theirs)
    else:
        assert ours == theirs


@settings(max_examples=600)
@given(VALUES)
def test_parse_json_reads_what_the_standard_parser_reads(value: Any) -> None:
    text = _stdlib(value)
    if isinstance(text, str):
        _agree(text.encode("utf-8", "surrogatepass"))
        _agree(text)


@settings(max_examples=400)
@given(st.lists(st.sampled_from(['{', '}', '[', ']', ',', ':', '"a"', '"\\ud800"', '"\\u00e9"', '1', '-0', '1.5e3',
                                 '1e400', '12345678901234567890', 'NaN', 'Infinity', 'true', 'null', ' ', '\t',
                                 '\ufeff', '\x00', '"\x01"', '0.1', '01', '1.', '-']), max_size=12).map("".join))
def test_parse_json_accepts_and_refuses_as_before(raw: str) -> None:
    _agree(raw.encode("utf-8"))
    _agree(raw)


def test_deep_nesting_and_invalid_utf8_keep_their_sentences() -> None:
    deep = b"[" * 5000 + b"]" * 5000
    assert _parsed(deep) == _standard(deep)
    assert _parsed(b'{"a": "\xff"}') == ("error", "is not UTF-8 text (byte 7 cannot be decoded)", 3)


def test_a_native_line_with_floats_is_written_as_before(tmp_path: Path) -> None:
    """Metadata and attributes may hold floats (a file imported from elsewhere); their lines are the
    standard module's bytes, and a line without floats is orjson's (the same bytes)."""
    report = Report.of("Colonel أبو علي met officers.", title="t", meta={"score": 1e-05, "n": 2**70, "ok": 0.5})
    spans = (Span("T1", 0, 7, "actor", {"confidence": 1e-7, "w": [float("nan")]}), Span("T2", 8, 15, "actor"))
    plain = Report.of("Another report.", meta={"k": "v"})
    docs = [Document(report, "alice", spans), Document(plain, "bob", (Span("T1", 0, 7, "actor"),))]
    out = tmp_path / "out.jsonl"
    JSONL.write(docs, out)
    expected = "".join(json.dumps(document_to_record(d), ensure_ascii=False, separators=(",", ":")) + "\n"
                       for d in docs)
    assert out.read_text(encoding="utf-8") == expected
    assert '"score":1e-05' in expected and "NaN" in expected and str(2**70) in expected


@pytest.mark.parametrize("line", [b'{"n": 12345678901234567890123}', b'{"n": -9223372036854775809}'])
def test_integers_beyond_64_bits_are_read_exactly(line: bytes) -> None:
    assert parse_json(line) == json.loads(line)
    assert type(parse_json(line)["n"]) is int
