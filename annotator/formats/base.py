"""The corpus-format protocol and the helpers every format module shares.

A format turns files into ``Document`` objects and back. It never touches a database or a session:
services decide what is stored. Each module converts its own offset unit (formats.md has the table);
what a format cannot hold is listed in the ``WriteSummary`` so nothing is dropped silently.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from annotator.core.annotation_set import Document
from annotator.core.errors import FormatError, MissingExtraError, ValidationError
from annotator.core.ids import report_id
from annotator.core.iso_dates import is_iso_value, iso_day
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.report import Report
from annotator.core.storable import json_kind
from annotator.core.titles import TITLE_AS_GIVEN, retitled, title_change
from annotator.files import json_input
from annotator.files.atomic import atomic_dir as atomic_dir  # re-exported: THE writers
from annotator.files.atomic import atomic_file as atomic_file
from annotator.files.json_output import compact_json
from annotator.files.lines import ByteStream

Options = Mapping[str, Any]

REPORT_META_KEYS = ("title", "source", "published", "url")


@dataclass(frozen=True)
class Dropped:
    """One thing a writer could not hold. ``kind`` is span, relation, attribute, value, entity,
    resolution, overlap, unaligned, extent (written with changed offsets), metadata or annotator."""

    kind: str
    report_id: str
    annotator: str | None
    item: str  # span/relation id, attribute name, or "" for document-level losses
    reason: str
    written_as: tuple[int, int] | None = None  # kind "extent": the offsets actually written


@dataclass
class WriteSummary:
    """What a writer wrote and, item by item, what it could not hold (shown to the user)."""

    format: str
    path: str
    documents: int = 0
    spans: int = 0
    relations: int = 0
    files: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def drop(self, kind: str, doc: Document, item: str, reason: str,
             written_as: tuple[int, int] | None = None) -> None:
        self.dropped.append(Dropped(kind, doc.report.id, doc.annotator, item, reason, written_as))

    def dropped_groups(self) -> list[tuple[str, int, int]]:
        """What was not held, one line per kind and reason: ("attribute: doccano has no per-span
        attributes", items, documents), most items first. Listed item by item, the first few said
        "T1.kind" with no report or annotator, and the same T1 stood in every document."""
        items: dict[str, int] = {}
        documents: dict[str, set[tuple[str, str | None]]] = {}
        for d in self.dropped:
            key = f"{d.kind}: {d.reason}"
            items[key] = items.get(key, 0) + 1
            documents.setdefault(key, set()).add((d.report_id, d.annotator))
        return sorted(((key, n, len(documents[key])) for key, n in items.items()), key=lambda g: (-g[1], g[0]))

    def warn_once(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def dropped_items(self, doc: Document, *kinds: str) -> set[str]:
        """Ids of the items of ``doc`` dropped with one of ``kinds`` (all kinds when none given)."""
        return {d.item for d in self.dropped if d.report_id == doc.report.id
                and d.annotator == doc.annotator and (not kinds or d.kind in kinds)}

    def adjusted(self, doc: Document) -> dict[str, tuple[int, int]]:
        """Spans of ``doc`` written with other offsets than they have (kind "extent")."""
        return {d.item: d.written_as for d in self.dropped if d.kind == "extent" and d.written_as
                and d.report_id == doc.report.id and d.annotator == doc.annotator}


class Format(Protocol):
    """What every format module exposes (as an instance registered in ``formats.FORMATS``).

    The constants are read-only properties here so that a class attribute of a narrower type (``EXTRA =
    None``, ``EXTENSIONS = (".ann", "")``) satisfies them: a plain protocol attribute would be writable,
    hence invariant, and no format class would conform."""

    @property
    def NAME(self) -> str: ...
    @property
    def EXTENSIONS(self) -> tuple[str, ...]: ...
    @property
    def CAN_READ(self) -> bool: ...
    @property
    def CAN_WRITE(self) -> bool: ...
    @property
    def EXTRA(self) -> str | None:
        """The optional dependency group ("spacy", "xmi") or None."""
    @property
    def CARRIES_TEXT(self) -> bool:
        """The file holds the report text (else reports must be known)."""
    @property
    def NESTING(self) -> str:
        """One-line policy statement shown by ``annotator formats``."""

    def sniff(self, head: bytes) -> int:
        """A score 0-100 of how likely ``head`` (the first bytes of a file) is this format."""

    def read(self, path: Path, *, options: Options | None = None) -> Iterator[Document]:
        """Yield the documents of ``path``; raise ``FormatError`` naming file, line and span. Every
        document has passed ``Document.validate`` (``ReadContext.finish``): loading does not check it
        again."""

    def write(self, documents: Iterable[Document], path: Path, *, options: Options | None = None,
              progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> WriteSummary:
        """Write ``documents`` to ``path`` atomically and say what could not be held."""


# -- reading helpers ------------------------------------------------------------------------------
class ReadContext:
    """Per-file reading state: labels allowed/mapped, the annotator override, known reports."""

    def __init__(self, path: Path, options: Options | None) -> None:
        self.path = Path(path)
        self.options: Options = options or {}
        labels = self.options.get("labels")
        self.labels: frozenset[str] | None = frozenset(labels) if labels is not None else None
        self.label_map: Mapping[str, str] = self.options.get("label_map") or {}
        self.annotator_override: str | None = self.options.get("annotator")

    def error(self, line: int | None, detail: str) -> FormatError:
        return FormatError(self.path, line, detail)

    def label(self, raw: Any, line: int | None = None, span: str = "a span") -> str:
        """A span's label as the file gives it, mapped (``label_map``). A null one is empty (validation
        says so, naming the span); one that is not a string is refused here: ``str()`` of it had made a
        label called ``None`` (added to the schema by ``--add-labels``) or ``[1, 2]``."""
        name = self.text(raw, line, f"{span}: its label")
        return self.label_map.get(name, name)

    def text(self, raw: Any, line: int | None, what: str) -> str:
        """A string field of the file (a label, a relation type): null is empty, and anything but a
        string is refused with one sentence naming ``what``."""
        if isinstance(raw, str):
            return raw
        if raw is None:
            return ""
        raise self.error(line, f"{what} is {json_kind(raw)}, not a string")

    def annotator(self, found: str | None) -> str | None:
        return self.annotator_override or found

    def check_labels(self, doc: Document, line: int | None) -> None:
        """Refuse a document using labels outside the allowed set, listing every unknown one."""
        if self.labels is None:
            return
        unknown = sorted({s.label for s in doc.spans} - self.labels)
        if unknown:
            raise self.error(line, f"unknown label(s) {', '.join(unknown)} (allowed: "
                                   f"{', '.join(sorted(self.labels))}; map them with label_map)")

    def finish(self, doc: Document, line: int | None) -> Document:
        """Validate offsets and relation endpoints, then labels; every problem is a FormatError. A
        publication date that is not one (``dated``) is set aside with a warning; a title is tidied
        (``titled``), and one that is not text is refused."""
        doc = dated(doc)
        try:
            doc = titled(doc)
            doc.validate()
        except ValidationError as exc:
            raise self.error(line, str(exc)) from None
        self.check_labels(doc, line)
        return doc

    def known_reports(self) -> dict[str, Report]:
        """Reports given in options (``reports``: dict id→Report, or a list of Reports or texts)."""
        given = self.options.get("reports") or {}
        if isinstance(given, Mapping):
            values: Iterable[Any] = given.values()
        else:
            values = given
        out: dict[str, Report] = {}
        for item in values:
            rep = item if isinstance(item, Report) else Report.of(str(item))
            out[rep.id] = rep
        return out


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


PUBLISHED_AS_GIVEN = "published_as_given"


def dated(doc: Document) -> Document:
    """``doc`` with a publication date the record can carry (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``): a
    file's timestamp gives its day, anything else (``yesterday``, ``04/09/2024``) none. What the file said
    is kept in the report's metadata (``published_as_given``), with a warning. Stored as given, it broke
    ``record --json`` against docs/record.schema.json."""
    value = doc.report.published
    if value is None or (is_iso_value(value) and "/" not in value):
        return doc
    day = iso_day(value, prefix=True)
    meta = {**doc.report.meta, PUBLISHED_AS_GIVEN: value}
    report = replace(doc.report, published=day.isoformat() if day else None, meta=meta)
    said = (f"report {doc.report.title or doc.report.id[:12]}: published {value!r} is "
            + (f"a time, stored as the day {day.isoformat()}" if day else "not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
            + f"; what the file says is kept in its metadata as {PUBLISHED_AS_GIVEN}")
    return replace(doc, report=report, warnings=(*doc.warnings, said))


def titled(doc: Document) -> Document:
    """``doc`` with its report's title on one line (``core.titles``): controls and text-direction
    overrides removed, what the file said kept in the metadata (``title_as_given``) with a warning. A
    title that is not text (a list, an object, a number) is refused: stored as its Python repr, it was
    neither what the file meant nor anything a person typed."""
    given = doc.report.meta.get(TITLE_AS_GIVEN)
    if given is not None:
        try:
            json_input.expect(given, str, f"report {doc.report.id[:12]}…: its title")
        except json_input.JsonInputError as exc:
            raise ValidationError(exc.detail) from None
    report = retitled(doc.report)
    said = title_change(doc.report, report)
    return doc if said is None else replace(doc, report=report, warnings=(*doc.warnings, said))


def make_report(text: str, meta: Mapping[str, Any] | None = None, *, warnings: list[str] | None = None
                ) -> Report:
    """A Report from a text and a flat metadata mapping; unknown keys go to ``Report.meta``."""
    meta = dict(meta or {})
    given_id = meta.pop("report_id", None)
    if given_id and warnings is not None and given_id != report_id(text):
        warnings.append(f"report_id {given_id} does not match the text (its SHA-256 is used)")
    fields = {k: meta.pop(k) for k in REPORT_META_KEYS if k in meta}
    title = fields.pop("title", None)
    fields = {k: (None if v is None else str(v)) for k, v in fields.items()}
    if title is not None and not isinstance(title, str):
        meta[TITLE_AS_GIVEN] = title  # refused by ReadContext.finish (``titled``), which knows where it is
        title = None
    fields["title"] = title or ""
    for k in ("language", "direction"):
        if meta.get(k) is not None:
            fields[k] = str(meta.pop(k))
        else:
            meta.pop(k, None)
    extra = {k: v for k, v in meta.items() if v is not None}
    return Report.of(text, meta=extra, **fields)


def report_meta(report: Report, *, with_id: bool = True) -> dict[str, Any]:
    """The flat metadata of a report, as formats with a free metadata slot store it."""
    out: dict[str, Any] = {}
    if with_id:
        out["report_id"] = report.id
    out["title"] = report.title
    for k in ("source", "published", "url"):
        if getattr(report, k) is not None:
            out[k] = getattr(report, k)
    out["language"] = report.language
    out["direction"] = report.direction
    for k, v in report.meta.items():
        out.setdefault(k, v)
    return out


def iter_json_lines(path: Path, ctx: ReadContext, fh: ByteStream | None = None
                    ) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream (line number, object) from a JSON Lines file (or the binary stream ``fh``): blank lines
    skipped, lines capped, every parser failure one sentence naming the line (``files.json_input``)."""
    if fh is None:  # the file itself: opened here, closed however the reading ends
        try:
            own = open(path, "rb")  # noqa: SIM115 - closed by the with below (opening's error has its sentence)
        except OSError as exc:
            raise ctx.error(None, f"cannot be read ({exc.strerror or exc})") from None
        with own:
            yield from iter_json_lines(path, ctx, own)
        return
    lines = json_input.iter_json_lines(fh)
    while True:
        try:
            number, obj = next(lines)
        except StopIteration:
            return
        except json_input.JsonInputError as exc:
            raise ctx.error(exc.line, exc.detail) from None
        if not isinstance(obj, dict):
            raise ctx.error(number, "is not a JSON object")
        yield number, obj


def load_json_document(ctx: ReadContext) -> Any:
    """The value of a whole-file JSON export (Label Studio, W3C), with the limits of
    ``files.json_input`` and its failures as one sentence naming the file and line."""
    try:
        return json_input.load_json_file(ctx.path)
    except json_input.JsonInputError as exc:
        raise ctx.error(exc.line, exc.detail) from None


def json_shape(ctx: ReadContext, value: Any, kind: type | tuple[type, ...], what: str,
               line: int | None = None) -> Any:
    """``value`` when it has the JSON type expected, else the reader's one sentence (shapes from
    outside are checked, never trusted: ``"value": "x"`` where an object belongs)."""
    try:
        return json_input.expect(value, kind, what, line)
    except json_input.JsonInputError as exc:
        raise ctx.error(exc.line, exc.detail) from None


def need_int(ctx: ReadContext, line: int | None, value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ctx.error(line, f"{what} is {value!r}, not an integer offset")
    return value


def check_span_text(ctx: ReadContext, line: int | None, text: str, start: int, end: int,
                    expected: str | None, span: str) -> None:
    """Reject offsets whose covered text differs from the text the file records for the span."""
    if expected is not None and text[start:end] != expected:
        raise ctx.error(line, f"span {span} {start}-{end} covers {text[start:end]!r}, but the file "
                              f"says {expected!r} (offsets do not match the text)")


def lazy_import(module: str, extra: str, path: Path, what: str) -> Any:
    """Import an optional dependency inside a function, naming the extra when it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(path, what, extra) from None


# -- writing helpers ------------------------------------------------------------------------------
def check_cancel(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.check()


def json_line(obj: Any, free: Iterable[Any] | None = None) -> str:
    """One JSON Lines line: compact, UTF-8 as it is (Arabic stays readable); ``free`` as ``compact_json``
    takes it (the parts that may hold floats; ``None``: all of ``obj``)."""
    return compact_json(obj, free) + "\n"


def safe_name(name: str, fallback: str) -> str:
    """A file-name-safe form of ``name`` (annotator names exclude slashes already)."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_.@" else "_" for ch in name).strip(".")
    return cleaned or fallback
