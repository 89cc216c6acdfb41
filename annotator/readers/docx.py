"""Word ``.docx`` reports through python-docx (optional extra ``docx``), imported only when needed.

A .docx is a zip of XML, so it is checked before python-docx opens it (design.md, "Untrusted
input"): member count, total uncompressed size, compression ratio, member paths, and no XML DTD
(Word never writes one; a DTD is how entity-expansion bombs arrive). Only then is it parsed.
"""

from __future__ import annotations

import io
import logging
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from annotator.core.errors import MissingExtraError, ReaderError
from annotator.core.report import guess_language
from annotator.readers.base import ReaderResult
from annotator.readers.text import first_line_title, read_file_bytes

log = logging.getLogger(__name__)

MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 100  # total uncompressed size / file size; real documents stay far below
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
            import docx
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
    """Refuse anything that is not a sane .docx zip, with a sentence saying what is wrong."""
    if data.startswith(_OLE_MAGIC):
        raise ReaderError(path, "is an old binary Word .doc file; save it as .docx and import it again")
    if not data.startswith(b"PK"):
        raise ReaderError(path, "is not a .docx file (it is not a zip container)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ReaderError(path, f"holds {len(infos)} parts, more than the {MAX_MEMBERS} "
                                        "a Word document plausibly has")
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(data), 1):
                raise ReaderError(path, f"would unpack to {total // (1024 * 1024)} MB from "
                                        f"{len(data) // 1024} KB, which looks like a zip bomb")
            for info in infos:
                name = info.filename
                if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") \
                        or ":" in name:
                    raise ReaderError(path, f"contains a part with an unsafe path ({name!r})")
            names = {i.filename for i in infos}
            if "word/document.xml" not in names:
                raise ReaderError(path, "is a zip file but not a Word document (no word/document.xml)")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with zf.open(info) as member:
                        head = member.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise ReaderError(path, f"contains an XML DTD in {info.filename}, which Word "
                                                "never writes; refusing it")
    except ReaderError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        raise ReaderError(path, f"is damaged: not a readable .docx (zip) file ({type(exc).__name__})") \
            from None


def _body_text(document: Any) -> str:
    """Paragraphs one per line and table rows with tab-separated cells, in document order."""
    from docx.table import Table

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
