"""The one container-safety module: every limit, streamed members, damage as one sentence."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from annotator.core.errors import FormatError
from annotator.files.containers import SafeZip, ZipLimits
from annotator.files.json_input import JsonInputError, iter_json_lines, parse_json
from annotator.files.lines import LineTooLong, iter_lines


def _fail(detail: str) -> Exception:
    return FormatError("in.zip", None, detail)


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("limits, members, words", [
    (ZipLimits(max_members=2), {"a": b"", "b": b"", "c": b""}, "holds 3 members, more than the 2"),
    (ZipLimits(max_member_size=10), {"a": b"x" * 11}, "would unpack to 11 bytes, more than the limit of 10"),
    (ZipLimits(max_total_size=15), {"a": b"x" * 10, "b": b"y" * 10}, "would unpack to more than 15 bytes"),
    (ZipLimits(), {"bomb": b"\n" * (8 << 20)}, "which marks a decompression bomb"),
    (ZipLimits(), {"../evil": b"x"}, "unsafe path"),
    (ZipLimits(max_file_size=100), {"a": b"x" * 1000}, "more than the 100 a zip file may have"),
])
def test_every_limit_refuses_before_anything_is_unpacked(tmp_path: Path, limits: ZipLimits,
                                                         members: dict[str, bytes], words: str) -> None:
    path = _zip(tmp_path / "in.zip", members, zipfile.ZIP_STORED if limits.max_file_size == 100 else
                zipfile.ZIP_DEFLATED)
    with pytest.raises(FormatError, match=words), SafeZip(path, limits, _fail):
        pass


def test_damaged_member_data_is_one_sentence(tmp_path: Path) -> None:
    path = _zip(tmp_path / "in.zip", {"a.jsonl": b'{"text": "x"}\n' * 5000})
    raw = bytearray(path.read_bytes())
    raw[200] ^= 0xFF  # inside the deflated data
    path.write_bytes(bytes(raw))
    with pytest.raises(FormatError, match="is damaged: member a.jsonl cannot be read"), \
            SafeZip(path, ZipLimits(), _fail) as zf:
        list(zf.lines(zf.members()[0]))


def test_a_member_never_yields_more_than_it_declares(tmp_path: Path) -> None:
    path = _zip(tmp_path / "in.zip", {"a": b"x" * 100})
    with SafeZip(path, ZipLimits(), _fail) as zf:
        info = zf.members()[0]
        with pytest.raises(FormatError, match="more than the 50 it may have"):
            zf.read(info, cap=50)


def test_lines_are_capped_and_blank_runs_cost_nothing() -> None:
    data = b"\n" * (64 << 20) + b'{"a": 1}\n'
    assert list(iter_lines(io.BytesIO(data))) == [((64 << 20) + 1, b'{"a": 1}')]
    with pytest.raises(LineTooLong):
        list(iter_lines(io.BytesIO(b"x" * 5000), max_line=1000, chunk=256))


@pytest.mark.parametrize("raw, words", [
    ("[" * 100_000 + "]" * 100_000, "nests JSON arrays or objects too deeply"),
    ('{"a": NaN}', "holds NaN"),
    ('"\\ud800"', "unpaired surrogate"),
    (b"\xff\xfe", "is not UTF-8"),
    ('{"a": ', "is not valid JSON"),
    ('{"text": "cut off', r"is not valid JSON \(Unterminated string starting at column 10\)"),  # not "at at"
])
def test_json_parser_failures_are_one_sentence(raw: str | bytes, words: str) -> None:
    with pytest.raises(JsonInputError, match=words):
        parse_json(raw)


def test_json_lines_name_the_line() -> None:
    data = b'{"a": 1}\n\n{"b": \n'
    lines = iter_json_lines(io.BytesIO(data))
    assert next(lines) == (1, {"a": 1})
    with pytest.raises(JsonInputError) as info:
        next(lines)
    assert info.value.line == 3
