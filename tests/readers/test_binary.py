"""PDF and DOCX: made in the test, read lazily, and every failure is one clear ReaderError."""

from __future__ import annotations

import dataclasses
import io
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from annotator.core.errors import MissingExtraError, ReaderError
from annotator.readers import docx as docx_module
from annotator.readers.docx import DocxReader
from annotator.readers.pdf import PdfReader

LINES = ["Deir ez-Zor, April 5: IRGC officers met tribal elders.", "Source: a local channel (unverified)."]


# -- PDF --------------------------------------------------------------------------------------

def test_pdf_text_and_metadata(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes(LINES, title="Weekly digest", created="D:20240405093000+03'00'"))
    result = PdfReader().read(path)
    for line in LINES:
        assert line in result.text
    assert result.title == "Weekly digest"
    assert result.published == "2024-04-05"
    assert result.meta["pages"] == 1
    assert result.language == "en"


def test_pdf_title_falls_back_to_first_line(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    path = tmp_path / "untitled.pdf"
    path.write_bytes(pdf_bytes(LINES))
    result = PdfReader().read(path)
    assert result.title == LINES[0]
    assert result.published is None


def test_pdf_without_text(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf_bytes([]))
    with pytest.raises(ReaderError, match="no extractable text"):
        PdfReader().read(path)


def test_corrupt_pdf(data_dir: Path) -> None:
    with pytest.raises(ReaderError) as info:
        PdfReader().read(data_dir / "corrupt.pdf")
    assert type(info.value) is ReaderError
    assert "corrupt.pdf" in str(info.value) and "PDF" in str(info.value)


def test_truncated_pdf(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    path = tmp_path / "truncated.pdf"
    path.write_bytes(pdf_bytes(LINES)[:120])
    with pytest.raises(ReaderError, match="PDF"):
        PdfReader().read(path)


def test_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"hello, not a pdf at all")
    with pytest.raises(ReaderError, match="not a PDF"):
        PdfReader().read(path)


def test_empty_pdf(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(ReaderError, match="is empty"):
        PdfReader().read(path)


def test_pdf_missing_extra(tmp_path: Path, pdf_bytes: Callable[..., bytes],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes(LINES))
    monkeypatch.setitem(sys.modules, "pypdf", None)  # makes ``import pypdf`` fail
    with pytest.raises(MissingExtraError) as info:
        PdfReader().read(path)
    assert info.value.extra == "pdf"
    assert "PDF files" in str(info.value) and "annotator[pdf]" in str(info.value)


def test_pdf_sniff() -> None:
    assert PdfReader().sniff(b"%PDF-1.7\n...") == 100
    assert PdfReader().sniff(b"PK\x03\x04") == 0


# -- DOCX -------------------------------------------------------------------------------------

def test_docx_text_and_metadata(tmp_path: Path, docx_file: Callable[..., Path]) -> None:
    path = docx_file(tmp_path / "report.docx",
                     ["تقرير: اجتماع في دير الزور", "On April 5, the IRGC met tribal elders."],
                     title="Weekly digest", created=datetime(2024, 4, 7, 9, 30),
                     table=[["Actor", "Place"], ["IRGC", "Deir ez-Zor"]])
    result = DocxReader().read(path)
    assert result.text == ("تقرير: اجتماع في دير الزور\nOn April 5, the IRGC met tribal elders.\n"
                           "Actor\tPlace\nIRGC\tDeir ez-Zor")
    assert result.title == "Weekly digest"
    assert result.published == "2024-04-07"


def test_docx_without_properties_uses_first_line(tmp_path: Path, docx_file: Callable[..., Path]) -> None:
    path = docx_file(tmp_path / "plain.docx", ["", "First real line", "Second"])
    result = DocxReader().read(path)
    assert result.text == "First real line\nSecond"
    assert result.title == "First real line"
    assert result.published is None  # python-docx's template date is not the report's
    assert "author" not in result.meta


def test_corrupt_docx(data_dir: Path) -> None:
    with pytest.raises(ReaderError, match="damaged") as info:
        DocxReader().read(data_dir / "corrupt.docx")
    assert type(info.value) is ReaderError


def test_old_doc_file(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(ReaderError, match="old binary Word .doc"):
        DocxReader().read(path)


def test_zip_that_is_not_word(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ReaderError, match="not a Word document"):
        DocxReader().read(path)


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:document/>" + b" " * (20 * 1024 * 1024))

    def must_not_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx was reached")

    import docx  # noqa: PLC0415 (python-docx, 0.2 s to import, one test needs it)

    monkeypatch.setattr(docx, "Document", must_not_parse)
    with pytest.raises(ReaderError, match="decompression bomb"):
        DocxReader().read(path)


def test_too_many_members(tmp_path: Path, docx_file: Callable[..., Path],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = docx_file(tmp_path / "many.docx", ["text"])
    monkeypatch.setattr(docx_module, "DOCX_LIMITS", dataclasses.replace(docx_module.DOCX_LIMITS, max_members=3))
    with pytest.raises(ReaderError, match="more than the 3 a Word document may have"):
        DocxReader().read(path)


def test_unsafe_member_path(tmp_path: Path, docx_file: Callable[..., Path],
                            zip_rewriter: Callable[..., Path]) -> None:
    good = docx_file(tmp_path / "good.docx", ["text"])
    bad = zip_rewriter(good, tmp_path / "bad.docx", lambda name, data: data, {"../../evil.txt": b"x"})
    with pytest.raises(ReaderError, match="unsafe path"):
        DocxReader().read(bad)


def test_xml_dtd_is_refused(tmp_path: Path, docx_file: Callable[..., Path],
                            zip_rewriter: Callable[..., Path]) -> None:
    good = docx_file(tmp_path / "good.docx", ["text"])

    def add_dtd(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            return data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>', 1)
        return data

    bad = zip_rewriter(good, tmp_path / "dtd.docx", add_dtd)
    with pytest.raises(ReaderError, match="DTD"):
        DocxReader().read(bad)


def test_broken_document_xml(tmp_path: Path, docx_file: Callable[..., Path],
                             zip_rewriter: Callable[..., Path]) -> None:
    good = docx_file(tmp_path / "good.docx", ["text"])
    bad = zip_rewriter(good, tmp_path / "broken.docx",
                       lambda name, data: b"<not-closed" if name == "word/document.xml" else data)
    with pytest.raises(ReaderError, match="is damaged: part word/document.xml is not well-formed XML"):
        DocxReader().read(bad)


def test_docx_missing_extra(tmp_path: Path, docx_file: Callable[..., Path],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = docx_file(tmp_path / "report.docx", ["text"])
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(MissingExtraError) as info:
        DocxReader().read(path)
    assert info.value.extra == "docx"
    assert "annotator[docx]" in str(info.value)


def test_docx_sniff(tmp_path: Path, docx_file: Callable[..., Path]) -> None:
    head = docx_file(tmp_path / "s.docx", ["x"]).read_bytes()[:2048]
    assert DocxReader().sniff(head) >= 80
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    assert 0 < DocxReader().sniff(buf.getvalue()[:2048]) < 80
    assert DocxReader().sniff(b"%PDF-") == 0
