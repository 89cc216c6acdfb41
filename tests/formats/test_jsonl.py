"""Native JSONL: lossless, so a round trip gives back identical Document objects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from annotator.core.errors import FormatError
from annotator.formats import get
from hypothesis import given

from .common import SETTINGS, CommonTests
from .strategies import documents


class TestJsonl(CommonTests.FormatTest):
    NAME = "jsonl"
    FILENAME = "corpus.jsonl"

    @SETTINGS
    @given(docs=documents())
    def test_exactly_identical(self, docs, tmp_path_factory) -> None:
        path = tmp_path_factory.mktemp("jsonl") / "c.jsonl"
        get("jsonl").write(docs, path)
        assert list(get("jsonl").read(path)) == docs

    def test_span_text_must_match(self, tmp_path: Path, peer_docs) -> None:
        path = tmp_path / "c.jsonl"
        get("jsonl").write(peer_docs, path)
        lines = path.read_text(encoding="utf-8").splitlines()
        obj = json.loads(lines[1])
        obj["spans"][0]["start"] += 1
        path.write_text(lines[0] + "\n" + json.dumps(obj, ensure_ascii=False) + "\n", encoding="utf-8")
        with pytest.raises(FormatError) as err:
            list(get("jsonl").read(path))
        assert err.value.line == 2 and "span T1" in str(err.value)

    def test_malformed_line_names_line(self, tmp_path: Path) -> None:
        path = tmp_path / "c.jsonl"
        path.write_text('{"text": "a"}\n{oops\n', encoding="utf-8")
        with pytest.raises(FormatError) as err:
            list(get("jsonl").read(path))
        assert err.value.line == 2

    def test_streams(self, tmp_path: Path, peer_docs) -> None:
        """The first document comes before a later broken line is even parsed."""
        path = tmp_path / "c.jsonl"
        get("jsonl").write(peer_docs[:1], path)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("{broken\n")
        it = get("jsonl").read(path)
        assert next(it).report.id == peer_docs[0].report.id
        with pytest.raises(FormatError):
            next(it)
