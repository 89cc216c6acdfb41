"""Plain text and Markdown reports, decoded to their exact text whatever the encoding.

The text a reader returns is hashed into the report's id, so decoding must be deterministic and
lossless: bytes are decoded (never read in text mode, which would translate CRLF), a leading BOM is
dropped (formats.md §10) and nothing is normalised. Short Arabic texts defeat statistical detectors
(charset-normalizer calls a three-word windows-1252 sentence ``cp1125``), so the order is: strict
UTF-8, then BOMs, then a small script-aware vote between the legacy code pages analysts actually
meet (windows-1256, ISO-8859-6, windows-1252), and only then charset-normalizer.

``read_file_bytes`` and ``decode_bytes`` are shared with the HTML reader.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from annotator.core.errors import ReaderError
from annotator.core.report import guess_language
from annotator.core.scripts import is_arabic_char
from annotator.readers.base import MAX_REPORT_BYTES, ReaderResult

TITLE_MAX = 200

# Checked longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Legacy single-byte code pages tried by the vote; on a tie the first wins (cp1256 is by far the
# commonest legacy Arabic encoding, and decodes ISO-8859-6's shared letters identically).
_LEGACY: tuple[tuple[str, str], ...] = (("cp1256", "arabic"), ("iso8859_6", "arabic"), ("cp1252", "latin"))
_VOTE_THRESHOLD = 0.9

# Non-ASCII punctuation that is plausible in any of the candidate scripts.
_COMMON_PUNCT = set("\u00a0«»–—…“”‘’•°€×·§©®")
_ARABIC_PUNCT = set("،؛؟ـ٪٫٬")
_ALLOWED_CONTROLS = set("\t\n\r\f\v")


class TextReader:
    """``.txt`` and ``.md``: exact decoded text, title from the first line or Markdown heading."""

    NAME = "text"
    SUFFIXES: tuple[str, ...] = (".txt", ".md")
    EXTRA: str | None = None

    def sniff(self, head: bytes) -> int:
        """Text if it has a BOM or is UTF-8 without NULs; low when it looks like markup or binary."""
        if not head:
            return 0
        if head.startswith(codecs.BOM_UTF8) or any(head.startswith(b) for b, _ in _BOMS):
            return 60
        if b"\x00" in head:
            return 0
        lowered = head.lstrip().lower()
        if lowered.startswith((b"<!doctype", b"<html", b"<?xml")) or b"<body" in lowered:
            return 10
        try:
            head.decode("utf-8")
            return 50
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3 and "end of data" in exc.reason:
                return 50  # the head ends inside a multi-byte character
        controls = sum(1 for b in head if b < 0x20 and b not in (9, 10, 12, 13))
        return 25 if controls == 0 else 0

    def read(self, path: Path) -> ReaderResult:
        data = read_file_bytes(path)
        text, encoding = decode_bytes(data, path)
        is_markdown = path.suffix.lower() == ".md"
        title = markdown_title(text) if is_markdown else None
        return ReaderResult(text=text, title=title or first_line_title(text),
                            language=guess_language(text), encoding=encoding,
                            meta={"format": "markdown" if is_markdown else "text"})


def read_file_bytes(path: Path, limit: int = MAX_REPORT_BYTES) -> bytes:
    """All bytes of ``path``, refusing empty, unreadable and oversized files with one sentence.

    Reads at most ``limit + 1`` bytes so a file that grows after ``stat`` cannot exhaust memory."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except IsADirectoryError:
        raise ReaderError(path, "is a folder, not a report file") from None
    except OSError as exc:
        raise ReaderError(path, f"cannot be opened ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise ReaderError(path, f"is larger than the {limit // (1024 * 1024)} MB a report may have")
    if not data:
        raise ReaderError(path, "is empty")
    return data


def decode_bytes(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` exactly; return the text (without a leading BOM) and the encoding used."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", path, "utf-8-sig")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], encoding, path, encoding)
    if b"\x00" not in data:
        voted = _vote_legacy(data)
        if voted is not None:
            return voted
    return _charset_normalizer(data, path)


def _strict(data: bytes, encoding: str, path: Path | str, name: str) -> tuple[str, str]:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReaderError(path, f"says it is {name} but byte {exc.start} is not valid {name}") from None
    return text.removeprefix("\ufeff"), name


def _plausibility(text: str, script: str) -> float:
    """Share of non-ASCII characters that belong to ``script`` (or are common punctuation).

    A wrong Arabic code page scatters Latin accented letters among Arabic ones (and the reverse),
    which this ratio punishes; control characters make a decoding implausible outright."""
    relevant = expected = 0
    for ch in text:
        if ch < "\x80":
            if ch < " " and ch not in _ALLOWED_CONTROLS:
                return 0.0
            continue
        relevant += 1
        if ch in _COMMON_PUNCT:
            expected += 1
        elif script == "arabic":
            expected += is_arabic_char(ch) or ch in _ARABIC_PUNCT or ch in "\u200c\u200d\u200e\u200f"
        else:
            expected += ch.isalpha() and "LATIN" in unicodedata.name(ch, "")
        if "\x80" <= ch <= "\x9f":
            return 0.0
    return expected / relevant if relevant else 0.0


def _vote_legacy(data: bytes) -> tuple[str, str] | None:
    best: tuple[float, str, str] | None = None
    for encoding, script in _LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text, script)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None or best[0] < _VOTE_THRESHOLD:
        return None
    return best[1], best[2]


def _charset_normalizer(data: bytes, path: Path | str) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # noqa: PLC0415 (70 ms to import, only for text not in UTF-8)

    match = from_bytes(data).best()
    if match is None or match.encoding is None:
        raise ReaderError(path, "is not text in any encoding annotator recognises (is it a binary file?)")
    text = str(match).removeprefix("\ufeff")
    if any(ch < " " and ch not in _ALLOWED_CONTROLS for ch in text[:4096]):
        raise ReaderError(path, "looks like a binary file, not text")
    return text, match.encoding


_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


def markdown_title(text: str) -> str | None:
    """The first Markdown heading (ATX ``# Title`` or setext ``Title`` over ``===``/``---``), or a
    ``title:`` in YAML front matter, if any."""
    lines = text.splitlines()
    i = 0
    if lines and lines[0].strip() == "---":  # front matter: look for a title, then skip it
        for j in range(1, len(lines)):
            if lines[j].strip() in ("---", "..."):
                i = j + 1
                break
            key, _, value = lines[j].partition(":")
            if key.strip().lower() == "title" and value.strip().strip("\"'"):
                return _cap(value.strip().strip("\"'"))
    in_fence = False
    for k in range(i, len(lines)):
        line = lines[k]
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        m = _ATX.match(line)
        if m:
            return _cap(m.group(1).strip())
        if line.strip() and k + 1 < len(lines) and _SETEXT.match(lines[k + 1]):
            return _cap(line.strip())
    return None


def first_line_title(text: str) -> str | None:
    """The first non-empty line, trimmed and capped, or ``None`` for a blank text."""
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if stripped:
            return _cap(stripped)
    return None


def _cap(title: str) -> str:
    return title if len(title) <= TITLE_MAX else title[:TITLE_MAX - 1].rstrip() + "…"
