"""Saved web pages: the article's text and its metadata, without rendering anything.

HTML from the field is untrusted: it is parsed as a string and never rendered, so no script runs
and no ``src``/``href`` is ever fetched (design.md, "Untrusted input"). trafilatura finds the main
text and the metadata (title, site name, canonical URL, publication date, author). It is a dependency,
not an option: if it cannot be imported the page is refused with a sentence saying so, rather than
quietly read by the small stdlib parser, which only takes over when trafilatura finds no text on a page
(the text of ``<article>``/``<main>``/``<body>`` without scripts or styles). The page's ``<html lang>``
is read here: trafilatura does not return it.
"""

from __future__ import annotations

import codecs
import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from annotator.core.errors import ReaderError
from annotator.core.iso_dates import iso_day
from annotator.core.report import guess_language
from annotator.readers.base import ReaderResult
from annotator.readers.text import decode_bytes, first_line_title, read_file_bytes

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SKIP = {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
         "canvas", "select", "button", "form"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
          "section", "article", "main", "header", "footer", "aside", "nav", "blockquote", "pre",
          "figure", "figcaption", "dd", "dt", "dl", "hr", "address", "time"}


class HtmlReader:
    """``.html``/``.htm``: main text via trafilatura, metadata via trafilatura and ``<meta>`` tags."""

    NAME = "html"
    SUFFIXES: tuple[str, ...] = (".html", ".htm")
    EXTRA: str | None = None

    def sniff(self, head: bytes) -> int:
        lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()[:2048]
        if lowered.startswith((b"<!doctype html", b"<html")):
            return 90
        if any(tag in lowered for tag in (b"<html", b"<head", b"<body", b"<article")):
            return 60
        return 0

    def read(self, path: Path) -> ReaderResult:
        markup, encoding = decode_html(read_file_bytes(path), path)
        extracted = _trafilatura(markup, path)
        page = _PageParser.parse(markup)
        text = (extracted.get("text") or "").strip()
        method = "trafilatura"
        own = page.fallback_text()
        if not text or ("".join(text.split()) == "".join(own.split()) and text.count("\n") > own.count("\n")):
            # nothing found, or the page's own text (apart from spacing) broken into more lines than its
            # blocks make: on a short page trafilatura gives a line break at every inline tag ("The
            # channel\nHalab al-Yawm\nclaimed that\n…\nAleppo\n."), and a report's text is never
            # corrected later
            text, method = own, "html.parser"
        url = _first_url(extracted.get("url"))
        meta: dict[str, Any] = {"format": "html", "extracted_by": method}
        for key in ("author", "description"):
            if extracted.get(key):
                meta[key] = extracted[key]
        return ReaderResult(
            text=text,
            title=_clean(extracted.get("title") or first_line_title(text)),
            source=_clean(extracted.get("sitename") or extracted.get("hostname")),
            published=_iso_date(extracted.get("date")),
            url=url,
            language=page.language or extracted.get("language") or guess_language(text),
            encoding=encoding,
            meta=meta,
        )


def decode_html(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a page: BOM or valid UTF-8 first, then a declared ``<meta charset>``, then detection."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            try:
                name = codecs.lookup(declared.group(1).decode("ascii")).name
                return data.decode(name), name
            except (LookupError, UnicodeDecodeError):
                pass
    return decode_bytes(data, path)


_FIELDS = ("text", "title", "author", "url", "hostname", "description", "sitename", "date", "language")


def _trafilatura(markup: str, path: Path) -> dict[str, Any]:
    """trafilatura's text and metadata as a dict (metadata alone when it finds no main text; ``{}`` if
    it fails on this page, which the fallback parser then reads).

    It is given the string (never a URL), so it cannot fetch anything; it is told to leave out
    images, links and comments."""
    try:
        import trafilatura  # noqa: PLC0415 (slow import, 0.5 s, only for HTML)
        from trafilatura.metadata import extract_metadata  # noqa: PLC0415 (slow import, 0.5 s, only for HTML)
    except ImportError as exc:  # a broken install must not pass unnoticed (lxml_html_clean, issue 12)
        raise ReaderError(path, f"cannot be read: the HTML extractor trafilatura does not import ({exc}); "
                                "reinstall annotator with its dependencies") from None
    try:
        doc = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False,
                                          include_images=False, include_links=False,
                                          include_tables=True, favor_recall=True)
        if doc is None:  # no main text found: its metadata is still worth having
            doc = extract_metadata(markup)
    except Exception as exc:  # a parser bug on one hostile page must not stop an import
        log.warning("trafilatura failed, using the fallback parser: %s", exc)
        return {}
    if doc is None:
        return {}
    if isinstance(doc, dict):
        return doc
    return {name: getattr(doc, name, None) for name in _FIELDS}


class _PageParser(HTMLParser):
    """Collects ``<html lang>`` and, for the fallback, the visible text of ``<article>``, ``<main>``
    and ``<body>`` (scripts, styles and ``<head>`` excluded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.language: str | None = None
        self._skip = 0
        self._in_head = False  # <head> may be left unclosed: <body> ends it, as in browsers
        self._regions = {"article": 0, "main": 0}
        self._chunks: list[tuple[str, bool, bool]] = []  # (text, in article, in main)

    @classmethod
    def parse(cls, markup: str) -> _PageParser:
        parser = cls()
        try:
            parser.feed(markup)
            parser.close()
        except Exception as exc:  # html.parser is lenient; this guards against its rare assertions
            log.warning("html.parser stopped early: %s", exc)
        return parser

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.language = a["lang"].split("-")[0].strip().lower() or None
        if tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        if tag in _SKIP or tag == "title":
            self._skip += 1
        elif tag in self._regions:
            self._regions[tag] += 1
        if tag in _BLOCK:
            self._add("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # void elements (<meta/>, <br/>) open nothing: never count them as entering a region
        if tag in _SKIP or tag in self._regions or tag == "title":
            if tag in _BLOCK:
                self._add("\n")
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        if tag in _SKIP or tag == "title":
            self._skip = max(0, self._skip - 1)
        elif tag in self._regions:
            self._regions[tag] = max(0, self._regions[tag] - 1)
        if tag in _BLOCK:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._in_head:
            self._add(data)

    def _add(self, data: str) -> None:
        self._chunks.append((data, self._regions["article"] > 0, self._regions["main"] > 0))

    def fallback_text(self) -> str:
        """Text of the first of article/main/body that has any, one line per block."""
        for pick in (lambda c: c[1], lambda c: c[2], lambda c: True):
            raw = "".join(c[0] for c in self._chunks if pick(c))
            lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in raw.split("\n"))
            text = "\n".join(line for line in lines if line)
            if text:
                return text
        return ""


def _iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` from the start of an ISO date/datetime string, if it is a real date."""
    day = iso_day(value.strip(), prefix=True) if isinstance(value, str) else None
    return day.isoformat() if day is not None else None


def _first_url(*candidates: object) -> str | None:
    """The first absolute http(s) URL among ``candidates``; it is recorded, never fetched."""
    for value in candidates:
        if isinstance(value, str) and urlsplit(value.strip()).scheme in ("http", "https"):
            return value.strip()
    return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value[:200] or None
