"""PDF reports through pypdf (optional extra ``pdf``), imported only when a PDF is read.

pypdf raises a zoo of exceptions on damaged files; every one of them becomes one ``ReaderError``
sentence, so a user never sees a traceback. Arabic PDFs often carry presentation-form glyphs
(U+FB50–U+FDFF, U+FE70–U+FEFF) instead of letters; those, and only those, are mapped back to
letters with NFKC at read time, so the stored text is searchable and still exact from then on.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from annotator.core.errors import MissingExtraError, ReaderError
from annotator.core.report import guess_language
from annotator.readers.base import ReaderResult
from annotator.readers.text import first_line_title, read_file_bytes

log = logging.getLogger(__name__)

_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")


class PdfReader:
    """``.pdf``: the text of every page (pages separated by a blank line), title and creation date."""

    NAME = "pdf"
    SUFFIXES: tuple[str, ...] = (".pdf",)
    EXTRA: str | None = "pdf"

    def sniff(self, head: bytes) -> int:
        return 100 if b"%PDF-" in head[:1024] else 0

    def read(self, path: Path) -> ReaderResult:
        try:
            import pypdf  # noqa: PLC0415 (slow import, 0.3 s, only for PDF)
        except ImportError:
            raise MissingExtraError(path, "PDF files", "pdf") from None
        data = read_file_bytes(path)
        if b"%PDF-" not in data[:1024]:
            raise ReaderError(path, "is not a PDF file (it does not start with %PDF-)")
        quiet = _QuietLogger("pypdf")  # pypdf logs repairs to stderr; our error says it once
        try:
            pdf = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if pdf.is_encrypted and not _try_empty_password(pdf):
                raise ReaderError(path, "is password-protected; remove the password and import it again")
            pages = [page.extract_text() or "" for page in pdf.pages]
            info = _metadata(pdf)
        except ReaderError:
            raise
        except Exception as exc:  # pypdf's errors are many and not all share a base class
            log.debug("pypdf failed on %s", path, exc_info=True)
            raise ReaderError(path, f"is damaged or not a readable PDF ({type(exc).__name__})") from None
        finally:
            quiet.restore()
        text = "\n\n".join(p.strip("\n") for p in pages if p.strip())
        text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
        text = text.replace("\x00", "")
        if not text.strip():
            raise ReaderError(path, "contains no extractable text (it may be a scanned image: "
                                    "run OCR on it first)")
        meta: dict[str, Any] = {"format": "pdf", "pages": len(pages)}
        if info.get("author"):
            meta["author"] = info["author"]
        return ReaderResult(text=text, title=info.get("title") or first_line_title(text),
                            published=info.get("created"), language=guess_language(text),
                            meta=meta)


class _QuietLogger:
    def __init__(self, name: str) -> None:
        self.logger = logging.getLogger(name)
        self.level = self.logger.level
        self.logger.setLevel(logging.CRITICAL)

    def restore(self) -> None:
        self.logger.setLevel(self.level)


def _try_empty_password(pdf: Any) -> bool:
    """Many "encrypted" PDFs only restrict printing and open with an empty password."""
    try:
        return bool(pdf.decrypt(""))
    except Exception:
        return False


def _metadata(pdf: Any) -> dict[str, str]:
    """Title, author and creation date (ISO), each only when present and well-formed."""
    out: dict[str, str] = {}
    try:
        info = pdf.metadata
    except Exception:
        return out
    if info is None:
        return out
    for key, attr in (("title", "title"), ("author", "author")):
        try:
            value = getattr(info, attr)
        except Exception:
            value = None
        if isinstance(value, str) and value.strip():
            out[key] = re.sub(r"\s+", " ", value).strip()[:200]
    try:
        created = info.creation_date
    except Exception:  # malformed /CreationDate strings raise on access
        created = None
    if isinstance(created, datetime):
        out["created"] = created.date().isoformat()
    return out
