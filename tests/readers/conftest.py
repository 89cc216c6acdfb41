"""Shared fixtures for the reader tests: the fixture folder, a socket guard and file builders.

PDFs and DOCX files are made here rather than committed, so the tests show exactly what they
contain; the PDF is written by hand (pypdf cannot lay out text, reportlab is not a dependency).
"""

from __future__ import annotations

import socket
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "readers"
SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Make every way of opening a connection fail loudly and record attempts."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise AssertionError(f"a reader tried to open a network connection: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == []


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(lines: list[str], *, title: str | None = None, created: str | None = None) -> bytes:
    """A minimal valid one-page PDF showing ``lines`` in Helvetica, with a correct xref table."""
    ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        ops += [f"{_pdf_string(line)} Tj", "T*"]
    ops.append("ET")
    content = "\n".join(ops).encode("latin-1")
    info = []
    if title:
        info.append(f"/Title {_pdf_string(title)}")
    if created:
        info.append(f"/CreationDate ({created})")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ("<< " + " ".join(info) + " >>").encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def make_docx(path: Path, paragraphs: list[str], *, title: str | None = None,
              created: datetime | None = None, table: list[list[str]] | None = None) -> Path:
    import docx  # noqa: PLC0415 (python-docx, 0.2 s to import, only for the .docx fixtures)

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    if title:
        document.core_properties.title = title
    if created:
        document.core_properties.created = created
    document.save(str(path))
    return path


def rewrite_zip(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None],
                extra: dict[str, bytes] | None = None) -> Path:
    """Copy a zip, passing each member through ``change`` (None drops it), adding ``extra``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


@pytest.fixture
def pdf_bytes() -> Callable[..., bytes]:
    return make_pdf


@pytest.fixture
def docx_file() -> Callable[..., Path]:
    return make_docx


@pytest.fixture
def zip_rewriter() -> Callable[..., Path]:
    return rewrite_zip
