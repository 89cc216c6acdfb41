"""annotator's own JSON Lines (shared/docs/native-jsonl.md): the lossless format.

One object per (report, annotator) line, offsets in code points. Every other format is a view of this
one, so reading and writing must round-trip exactly; the reader streams line by line.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.annotation_set import Document
from annotator.core.comments import comment_from_dict
from annotator.core.errors import ValidationError
from annotator.core.events import events_of_line
from annotator.core.ids import report_id
from annotator.core.native import native_record
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.relations import Relation, new_relation
from annotator.core.spans import Span, new_span
from annotator.files.json_output import compact_json_bytes
from annotator.formats.base import (
    Options,
    ReadContext,
    WriteSummary,
    atomic_file,
    check_cancel,
    check_span_text,
    iter_json_lines,
    json_shape,
    make_report,
    need_int,
)

_COUNTS = struct.Struct("<II")  # spans, relations: before each line ``encoded_line`` makes
_LINE_KEYS = {"id", "text", "meta", "annotator", "spans", "relations", "events", "incidents", "comments"}
_SPAN_KEYS = {"id", "start", "end", "label", "text", "attrs", "value", "entity", "resolution"}


def document_to_record(doc: Document) -> dict[str, Any]:
    """The JSON object of one document (shared with the benchmark and other writers)."""
    return native_record(doc.report, doc.annotator, doc.spans, doc.relations, doc.events, doc.incidents,
                         doc.comments)


class JsonlFormat:
    NAME = "jsonl"
    EXTENSIONS = (".jsonl",)
    CAN_READ = True
    CAN_WRITE = True
    EXTRA = None
    CARRIES_TEXT = True
    NESTING = "lossless: any nesting and overlap, relations, attributes, metadata, annotator"

    def sniff(self, head: bytes) -> int:
        first = head.split(b"\n", 1)[0]
        return 90 if b'"spans"' in first and b'"annotator"' in first and b'"meta"' in first else 0

    def read(self, path: Path, *, options: Options | None = None) -> Iterator[Document]:
        ctx = ReadContext(path, options)
        for line, obj in iter_json_lines(Path(path), ctx):
            yield self._document(ctx, line, obj)

    def _document(self, ctx: ReadContext, line: int, obj: dict[str, Any]) -> Document:
        text = obj.get("text")
        if not isinstance(text, str):
            raise ctx.error(line, "has no 'text' string")
        warnings: list[str] = []
        if obj.get("id") is not None and obj["id"] != report_id(text):
            raise ctx.error(line, f"id {obj['id']} is not the SHA-256 of the line's text")
        unknown = sorted(set(obj) - _LINE_KEYS)
        meta = dict(json_shape(ctx, obj.get("meta") or {}, dict, "'meta'", line))
        for key in unknown:  # the model has room for them in the report's metadata
            meta.setdefault(key, obj[key])
        report = make_report(text, meta)
        spans: list[Span] = []
        length = len(text)
        label, mapped = ctx.label, bool(ctx.label_map)
        for raw in json_shape(ctx, obj.get("spans") or [], list, "'spans'", line):
            # the common case is tested in line (a corpus holds half a million spans); anything unusual
            # takes the general checks, which name the problem
            if type(raw) is not dict:
                raise ctx.error(line, f"span {raw!r} is not an object")
            get = raw.get
            sid = get("id")
            if type(sid) is not str:
                sid = str(get("id", f"T{len(spans) + 1}"))
            start, end = get("start"), get("end")
            if type(start) is not int:
                start = need_int(ctx, line, start, f"span {sid} start")
            if type(end) is not int:
                end = need_int(ctx, line, end, f"span {sid} end")
            if 0 <= start < end <= length:
                expected = get("text")
                if expected is not None and text[start:end] != expected:
                    check_span_text(ctx, line, text, start, end, expected, sid)
            if not _SPAN_KEYS.issuperset(raw):
                warnings.append(f"span {sid}: ignored key(s) {', '.join(sorted(set(raw) - _SPAN_KEYS))}")
            attrs = get("attrs")
            if not attrs:
                attrs = {}
            else:
                attrs = dict(attrs if type(attrs) is dict else
                             json_shape(ctx, attrs, dict, f"span {sid} 'attrs'", line))
            name = get("label", "")
            if mapped or type(name) is not str:  # a plain label as it is: a call less per span
                name = label(name, line, f"span {sid}")
            spans.append(new_span(sid, start, end, name, attrs, get("value"), get("entity"), get("resolution")))
        relations: list[Relation] = []
        for raw in json_shape(ctx, obj.get("relations") or [], list, "'relations'", line):
            rid = str(raw.get("id", f"R{len(relations) + 1}")) if isinstance(raw, dict) else f"R{len(relations) + 1}"
            raw = json_shape(ctx, raw, dict, f"relation {rid}", line)
            if "head" not in raw or "tail" not in raw:
                raise ctx.error(line, f"relation {rid} has no {'head' if 'head' not in raw else 'tail'}")
            attrs = raw.get("attrs")
            relations.append(new_relation(rid, str(raw["head"]), str(raw["tail"]),
                                          ctx.text(raw.get("label"), line, f"relation {rid}: its label"),
                                          dict(json_shape(ctx, attrs, dict, "relation 'attrs'", line))
                                          if attrs else {}))
        try:
            events, incidents = events_of_line(obj, [s.id for s in spans])
            notes = json_shape(ctx, obj.get("comments") or [], list, "'comments'", line)
            comments = tuple(comment_from_dict(c, report.id, len(text)) for c in notes)
        except ValidationError as exc:
            raise ctx.error(line, str(exc)) from None
        who = json_shape(ctx, obj.get("annotator"), (str, type(None)), "'annotator'", line)
        doc = Document(report, ctx.annotator(who), tuple(spans), tuple(relations),
                       tuple(warnings), events, incidents, comments)
        return ctx.finish(doc, line)

    def write(self, documents: Iterable[Document], path: Path, *, options: Options | None = None,
              progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> WriteSummary:
        return self.write_encoded(map(encoded_line, documents), path, progress=progress, cancel=cancel)

    def write_encoded(self, lines: Iterable[bytes], path: Path, *, progress: ProgressFn = no_progress,
                      cancel: CancelToken | None = None) -> WriteSummary:
        """The file of documents already encoded by ``encoded_line`` (``write``; or built in two
        processes by ``services.halves``, which pass bytes between them)."""
        summary = WriteSummary(self.NAME, str(path), files=[str(path)])
        with atomic_file(Path(path), "wb") as fh:  # orjson's UTF-8 bytes as they are (``compact_json_bytes``)
            for line in lines:
                check_cancel(cancel)
                spans, relations = _COUNTS.unpack_from(line)
                fh.write(memoryview(line)[_COUNTS.size:])
                summary.documents += 1
                summary.spans += spans
                summary.relations += relations
                progress(summary.documents, None, "")
        return summary


def encoded_line(doc: Document) -> bytes:
    """The document's line (with its newline), after the counts of its spans and relations that the
    write summary adds up (``_COUNTS``; ``write_encoded`` writes the line without them)."""
    record = document_to_record(doc)
    return (_COUNTS.pack(len(doc.spans), len(doc.relations)) + compact_json_bytes(record, _free_parts(doc, record))
            + b"\n")


def _free_parts(doc: Document, record: dict[str, Any]) -> list[Any]:
    """The parts of a document's line that may hold floats (``json_output.compact_json``): metadata,
    attributes, events, incidents and comments. The rest are the typed fields of reports, spans and
    relations (strings, integers, null), which would cost a check per span of half a million."""
    free: list[Any] = [record["meta"]]
    free += [s.attrs for s in doc.spans if s.attrs]
    free += [r.attrs for r in doc.relations if r.attrs]
    free += [record[key] for key in ("events", "incidents", "comments") if key in record]
    return free


FORMAT = JsonlFormat()
