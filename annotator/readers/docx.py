"""Word ``.docx`` reports through python-docx (optional extra ``docx``), imported only when needed.

A .docx is a zip of XML, so it is checked before python-docx opens it (design.md, "Untrusted
input"): the container by ``files.containers`` (member count, sizes, compression ratio, paths),
then each XML part streamed through defusedxml (no DTD, no entities, well-formed). Only then is it
parsed.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from annotator.core.errors import MissingExtraError, ReaderError
from annotator.core.report import guess_language
from annotator.files.containers import SafeZip, ZipLimits
from annotator.files.xml_input import XmlInputError, check_xml
from annotator.readers.base import MAX_REPORT_BYTES, ReaderResult
from annotator.readers.text import first_line_title, read_file_bytes

log = logging.getLogger(__name__)

DOCX_LIMITS = ZipLimits(max_file_size=MAX_REPORT_BYTES, max_members=2000, max_member_size=256 << 20,
                        max_total_size=256 << 20, max_ratio=100)  # real documents stay far below
MAX_XML_PART = 32 << 20  # python-docx holds the parsed XML in memory
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEMPLATE_CREATED = datetime(2013, 12, 23, 23, 15)


class DocxReader:
    """``.docx``: paragraph and table text in document order, title and date from core properties."""

    NAME = "docx"
    SUFFIXES: tuple[str, ...] = (".docx",)
    EXTRA: str | None = "docx"

    def sniff(self, head: bytes) -> int:
        if not head.startswith(b"PK\x03\x04"):
            return 0
        return 80 if b"word/" in head or b"[Content_Types].xml" in head else 20

    def read(self, path: Path) -> ReaderResult:
        try:
            import docx  # noqa: PLC0415 (slow import, 0.2 s, only for .docx)
        except ImportError:
            raise MissingExtraError(path, "Word .docx files", "docx") from None
        data = read_file_bytes(path)
        check_container(data, path)
        try:
            document = docx.Document(io.BytesIO(data))
            text = _body_text(document)
            props = _core_properties(document)
        except Exception as exc:  # python-docx and lxml raise many unrelated types
            log.debug("python-docx failed on %s", path, exc_info=True)
            raise ReaderError(path, f"is damaged or not a readable Word document ({type(exc).__name__})") \
                from None
        if not text.strip():
            raise ReaderError(path, "contains no text")
        meta: dict[str, Any] = {"format": "docx"}
        if props.get("author"):
            meta["author"] = props["author"]
        return ReaderResult(text=text, title=props.get("title") or first_line_title(text),
                            published=props.get("created"),
                            language=props.get("language") or guess_language(text), meta=meta)


def check_container(data: bytes, path: Path) -> None:
    """Refuse anything that is not a sane .docx zip, with a sentence saying what is wrong: the
    container through ``files.containers`` (count, sizes, ratio, paths), then every XML part
    parsed as a stream by defusedxml, which refuses a DTD or an entity wherever it appears (Word
    never writes one; a DTD is how entity-expansion bombs arrive)."""
    if data.startswith(_OLE_MAGIC):
        raise ReaderError(path, "is an old binary Word .doc file; save it as .docx and import it again")
    if not data.startswith(b"PK"):
        raise ReaderError(path, "is not a .docx file (it is not a zip container)")
    fail = lambda detail: ReaderError(path, detail)  # noqa: E731
    with SafeZip(path, DOCX_LIMITS, fail, what="Word document", data=data,
                 not_zip="is damaged: not a readable .docx (zip) file") as zf:
        if "word/document.xml" not in zf.names():
            raise ReaderError(path, "is a zip file but not a Word document (no word/document.xml)")
        for info in zf.members():
            if info.filename.endswith((".xml", ".rels")):
                if info.file_size > MAX_XML_PART:
                    raise ReaderError(path, f"has an XML part {info.filename} of {info.file_size // (1 << 20)} MB, "
                                            "more than a Word document plausibly has")
                try:
                    with zf.open(info) as stream:
                        check_xml(stream)
                except XmlInputError as exc:
                    if exc.unsafe:
                        raise ReaderError(path, f"contains an XML DTD or entity in {info.filename}, which Word "
                                                "never writes; refusing it") from None
                    raise ReaderError(path, f"is damaged: part {info.filename} {exc.detail}") from None


def _body_text(document: Any) -> str:
    """Paragraphs one per line and table rows with tab-separated cells, in document order."""
    from docx.table import Table  # noqa: PLC0415 (slow import, 0.2 s, only for .docx)

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend("\t".join(cell.text for cell in row.cells) for row in block.rows)
        else:
            lines.append(block.text)
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def _core_properties(document: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        props = document.core_properties
    except Exception:
        return out
    for key in ("title", "author", "language"):
        try:
            value = getattr(props, key)
        except Exception:
            value = None
        if key == "author" and value == "python-docx":  # the blank template's author
            continue
        if isinstance(value, str) and value.strip():
            out[key] = " ".join(value.split())[:200]
    if "language" in out:
        out["language"] = out["language"].split("-")[0].lower()
    try:
        created = props.created
    except Exception:
        created = None
    # python-docx's blank template carries its own authoring date: that is not the report's
    if isinstance(created, datetime) and created.replace(tzinfo=None) != _TEMPLATE_CREATED:
        out["created"] = created.date().isoformat()
    return out
