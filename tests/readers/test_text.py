"""Plain-text decoding: exact text from every encoding analysts meet, BOMs stripped, CRLF kept."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from annotator.core.errors import ReaderError
from annotator.core.ids import report_id
from annotator.readers import read_report_file
from annotator.readers import text as text_module
from annotator.readers.text import TextReader, decode_bytes, first_line_title, markdown_title

MIXED = "Report: Deir ez-Zor / دير الزور — IRGC (الحرس الثوري), April 5.\n"
ARABIC = "قالت مصادر محلية إن اجتماعاً عُقد في دير الزور يوم الجمعة بين ضباط من الحرس الثوري وقادة محليين.\n"


def test_utf8_bom_is_stripped(data_dir: Path) -> None:
    raw = (data_dir / "utf8-bom.txt").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    result = TextReader().read(data_dir / "utf8-bom.txt")
    assert result.text == MIXED
    assert not result.text.startswith("\ufeff")
    assert result.encoding == "utf-8-sig"


@pytest.mark.parametrize("name, encoding", [("utf16le-bom.txt", "utf-16-le"),
                                            ("utf16be-bom.txt", "utf-16-be")])
def test_utf16_with_bom(data_dir: Path, name: str, encoding: str) -> None:
    result = TextReader().read(data_dir / name)
    assert result.text == MIXED
    assert result.encoding == encoding
    assert report_id(result.text) == report_id(MIXED)


def test_windows_1256_twin_has_same_text_and_id(data_dir: Path) -> None:
    utf8 = TextReader().read(data_dir / "arabic-utf8.txt")
    legacy = TextReader().read(data_dir / "arabic-cp1256.txt")
    assert (data_dir / "arabic-cp1256.txt").read_bytes() != (data_dir / "arabic-utf8.txt").read_bytes()
    assert legacy.text == utf8.text == ARABIC
    assert report_id(legacy.text) == report_id(utf8.text)
    assert legacy.encoding == "cp1256"
    assert utf8.encoding == "utf-8"
    assert legacy.language == "ar"


def test_iso_8859_6_arabic(data_dir: Path) -> None:
    result = TextReader().read(data_dir / "arabic-iso8859-6.txt")
    assert result.text == ARABIC
    assert result.encoding == "iso8859_6"


def test_windows_1252_latin(data_dir: Path) -> None:
    result = TextReader().read(data_dir / "latin-cp1252.txt")
    assert result.text == "café – naïve\n"
    assert result.encoding == "cp1252"


@pytest.mark.parametrize("text", [
    "دير الزور",
    "الحرس الثوري",
    "اجتماع في حمص يوم الجمعة.",
    "ضباط",
])
def test_very_short_arabic_in_cp1256(text: str) -> None:
    """Two-word texts are where statistical detectors fail; the result must still be exact."""
    decoded, encoding = decode_bytes(text.encode("cp1256"))
    assert decoded == text
    assert encoding in ("cp1256", "iso8859_6")


def test_crlf_is_kept(data_dir: Path) -> None:
    result = TextReader().read(data_dir / "crlf.txt")
    assert result.text == "First line\r\nSecond line, Dayr az-Zawr\r\n\r\nLast line\r\n"
    assert result.title == "First line"


def test_lone_cr_and_nbsp_are_kept(tmp_path: Path) -> None:
    text = "A\rB\u00a0C\u200fD\u064e\n"
    path = tmp_path / "odd.txt"
    path.write_bytes(text.encode("utf-8"))
    assert TextReader().read(path).text == text


def test_markdown_title_from_heading(data_dir: Path) -> None:
    result = TextReader().read(data_dir / "heading.md")
    assert result.title == "Clashes near Deir Al-Zour"
    assert result.text.startswith("Some preface text\n\n# Clashes")


def test_markdown_title_variants() -> None:
    assert markdown_title("Title here\n=====\n\nbody") == "Title here"
    assert markdown_title("---\ntitle: From front matter\n---\n# Heading") == "From front matter"
    assert markdown_title("```\n# not a heading\n```\n## Real one ##\n") == "Real one"
    assert markdown_title("no heading at all") is None


def test_title_is_first_non_empty_line_capped() -> None:
    assert first_line_title("\n\n   Hello there  \nmore") == "Hello there"
    long = first_line_title("x" * 500)
    assert long is not None and len(long) <= 200
    assert first_line_title(" \n\t\n") is None


def test_empty_file_is_an_error(data_dir: Path) -> None:
    with pytest.raises(ReaderError, match="is empty"):
        TextReader().read(data_dir / "empty.txt")


def test_whitespace_only_file_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b"  \r\n\t\n")
    with pytest.raises(ReaderError, match="contains no text"):
        read_report_file(path)


def test_binary_content_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "binary.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ReaderError) as info:
        TextReader().read(path)
    assert str(path) in str(info.value)


def test_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="cannot be opened"):
        TextReader().read(tmp_path / "nope.txt")


def test_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(ReaderError, match="larger than"):
        text_module.read_file_bytes(path, limit=1024)


def test_sniff_scores() -> None:
    reader = TextReader()
    assert reader.sniff("plain words, دير الزور".encode()) >= 50
    assert reader.sniff(codecs.BOM_UTF16_LE + "x".encode("utf-16-le")) >= 50
    assert reader.sniff(b"<!DOCTYPE html><html>") < 50
    assert reader.sniff(b"\x00\x01\x02binary") == 0
    assert reader.sniff(b"") == 0
