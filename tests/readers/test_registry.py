"""The registry: suffix first, then sniffing; unsupported and oversized files are refused."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from annotator.core.errors import ReaderError
from annotator.readers import read_report_file, reader_for, readers, supported_suffixes
from annotator.readers.docx import DocxReader
from annotator.readers.html import HtmlReader
from annotator.readers.pdf import PdfReader
from annotator.readers.text import TextReader


def test_every_reader_satisfies_the_protocol() -> None:
    for reader in readers():
        assert isinstance(reader.NAME, str) and reader.NAME
        assert all(s.startswith(".") and s == s.lower() for s in reader.SUFFIXES)
        assert reader.EXTRA in (None, "pdf", "docx")
        assert isinstance(reader.sniff(b""), int)
    assert {".txt", ".md", ".html", ".htm", ".pdf", ".docx"} <= set(supported_suffixes())
    assert {s for r in readers() for s in r.SUFFIXES} <= set(supported_suffixes())


def test_suffix_wins_case_insensitively(tmp_path: Path) -> None:
    assert isinstance(reader_for(tmp_path / "A.TXT"), TextReader)
    assert isinstance(reader_for(tmp_path / "a.Htm"), HtmlReader)
    assert isinstance(reader_for(tmp_path / "a.PDF"), PdfReader)
    assert isinstance(reader_for(tmp_path / "a.docx"), DocxReader)


def test_sniffing_unknown_suffixes(tmp_path: Path, data_dir: Path, pdf_bytes: Callable[..., bytes],
                                   docx_file: Callable[..., Path]) -> None:
    (tmp_path / "a.dat").write_bytes(pdf_bytes(["hello"]))
    shutil.copy(data_dir / "hostile.html", tmp_path / "b.dat")
    (tmp_path / "c.dat").write_bytes("plain report, دير الزور\n".encode())
    docx_file(tmp_path / "d.docx", ["word text"]).rename(tmp_path / "d.dat")
    assert isinstance(reader_for(tmp_path / "a.dat"), PdfReader)
    assert isinstance(reader_for(tmp_path / "b.dat"), HtmlReader)
    assert isinstance(reader_for(tmp_path / "c.dat"), TextReader)
    assert isinstance(reader_for(tmp_path / "d.dat"), DocxReader)
    assert read_report_file(tmp_path / "c.dat").text == "plain report, دير الزور\n"
    assert read_report_file(tmp_path / "d.dat").text == "word text"


def test_unsupported_type(data_dir: Path) -> None:
    with pytest.raises(ReaderError, match="not a supported report type"):
        read_report_file(data_dir / "unsupported.xyz")


@pytest.mark.parametrize("name", ["empty.txt"])
def test_empty_file(data_dir: Path, name: str) -> None:
    with pytest.raises(ReaderError, match="empty"):
        read_report_file(data_dir / name)


def test_oversized_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 4096)
    monkeypatch.setattr("annotator.readers.MAX_REPORT_BYTES", 1024)
    with pytest.raises(ReaderError, match="more than"):
        read_report_file(path)


def test_errors_name_the_file(data_dir: Path) -> None:
    for name in ("corrupt.pdf", "corrupt.docx", "empty.txt", "unsupported.xyz"):
        with pytest.raises(ReaderError) as info:
            read_report_file(data_dir / name)
        assert name in str(info.value)
        assert "\n" not in str(info.value)
