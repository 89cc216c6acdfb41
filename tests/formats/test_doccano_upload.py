"""Our doccano export as doccano's upload reads it, with the libraries its pipeline runs on (chardet 4 and
pandas 2, the versions doccano 1.8 locks).

doccano's upload (backend/data_import/pipeline): ``parsers.detect_encoding`` guesses the encoding with
``chardet.detect`` (``UniversalDetector`` for files over 8 KiB) unless the user picks one; ``LineReader``
opens the file with that encoding and ``JSONLParser`` runs ``json.loads`` on each line; ``readers.Reader.batch``
turns the rows into a ``pandas.DataFrame``; ``makers.ExampleMaker.make`` takes ``to_dict(orient="records")``
and ``data.BaseData.parse`` keeps every key but the text as the example's ``meta``. A key missing from some
lines becomes NaN in the DataFrame, which the database refuses for the whole upload; a wrong encoding guess
changes the text, and every offset after the first wrong character."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import chardet
import pandas as pd
from annotator.core.annotation_set import Document
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.formats import get
from chardet.universaldetector import UniversalDetector

TEXT = "Officials met in Homs on 7 April; the café near the airfield was closed."


def guessed_encoding(path: Path) -> str:
    """The encoding doccano's upload would use for ``path`` (its ``detect_encoding``)."""
    data = path.read_bytes()
    if len(data) < 8192:
        return chardet.detect(data)["encoding"] or "utf-8"
    detector = UniversalDetector()
    for i in range(0, len(data), 8192):
        detector.feed(data[i:i + 8192])
        if detector.done:
            break
    detector.close()
    return detector.result["encoding"] or "utf-8"


def uploaded_rows(path: Path) -> list[dict]:
    """The rows doccano's pipeline would hand to its database for ``path``."""
    with open(path, encoding=guessed_encoding(path)) as fh:
        rows = [{"line_num": n, **json.loads(line.rstrip())} for n, line in enumerate(fh, 1)]
    return pd.DataFrame(rows).to_dict(orient="records")


def nan_keys(rows: list[dict]) -> set[str]:
    return {k for row in rows for k, v in row.items() if isinstance(v, float) and math.isnan(v)}


def corpus() -> list[Document]:
    """Three reports whose metadata differ: a source and URL on one, an extra key on another."""
    a = Report.of(TEXT, title="Homs", source="Monitor", url="https://example.org/a", published="2024-04-07")
    b = Report.of("Kata'eb Ja'far claimed a capture near Deir ez-Zor.", title="Claim",
                  meta={"channel": "telegram"})
    c = Report.of("ISIS cells attacked an outpost.", title="")
    return [Document(a, "alice", (Span("T1", 17, 21, "place"), Span("T2", 38, 42, "place"))),  # Homs, café
            Document(b, "alice", (Span("T1", 0, 14, "actor"),)),
            Document(c, "alice", (Span("T1", 0, 10, "actor"),))]


def test_every_line_has_the_same_keys_so_pandas_fills_no_nan(tmp_path: Path) -> None:
    out = tmp_path / "alice.jsonl"
    get("doccano").write(corpus(), out)
    rows = uploaded_rows(out)
    assert len(rows) == 3 and not nan_keys(rows)
    assert rows[2]["source"] is None and rows[1]["url"] is None and rows[0]["channel"] is None
    # what the fix prevents: drop the nulls (lines with different keys) and pandas fills NaN
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8-sig").splitlines()]
    ragged = tmp_path / "ragged.jsonl"
    ragged.write_text("".join(json.dumps({k: v for k, v in line.items() if v is not None}, ensure_ascii=False)
                              + "\n" for line in lines), encoding="utf-8")
    assert {"source", "url", "channel"} <= nan_keys(uploaded_rows(ragged))


def test_the_encoding_guess_is_utf8_and_offsets_survive(tmp_path: Path) -> None:
    out = tmp_path / "alice.jsonl"
    get("doccano").write(corpus(), out)
    assert guessed_encoding(out).lower() == "utf-8-sig"  # the byte-order mark settles chardet's guess
    first = uploaded_rows(out)[0]
    assert first["text"] == TEXT
    starts = [(e["start_offset"], e["end_offset"]) for e in first["entities"]]
    assert [TEXT[s:e] for s, e in starts] == ["Homs", "café"]  # UTF-16 units: the same here
    # without the mark, chardet 4 reads this mostly-ASCII line as ISO-8859-1 and "café" becomes "cafÃ©"
    plain = tmp_path / "plain.jsonl"
    get("doccano").write(corpus()[:1], plain, options={"bom": False})
    assert guessed_encoding(plain).lower() != "utf-8" and uploaded_rows(plain)[0]["text"] != TEXT
    # and our reader reads the marked file back exactly
    back = list(get("doccano").read(out))
    assert [(s.start, s.end) for s in back[0].spans] == [(17, 21), (38, 42)]


def test_zip_members_carry_the_mark_and_the_same_keys(tmp_path: Path) -> None:
    docs = corpus()
    docs.append(Document(docs[0].report, "bob", (Span("T1", 17, 21, "place"),)))
    out = tmp_path / "export.zip"
    get("doccano").write(docs, out)
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["alice.jsonl", "bob.jsonl"]
        for name in zf.namelist():
            member = tmp_path / name
            member.write_bytes(zf.read(name))
            assert member.read_bytes().startswith(b"\xef\xbb\xbf")
            rows = uploaded_rows(member)
            assert not nan_keys(rows) and len({tuple(sorted(r)) for r in rows}) == 1
