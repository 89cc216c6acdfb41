"""doccano JSONL (formats.md §2): offsets in UTF-16 units by default, metadata flattened.

doccano's browser component counts JavaScript string units, so its exports are UTF-16 offsets (or
grapheme clusters when the project counts them); the ``offsets`` option picks the unit. The file name
is the only annotator identity, so a zip holds one ``<annotator>.jsonl`` per annotator.
"""

from __future__ import annotations

import json
import os
import zipfile
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from annotator.core.annotation_set import Document
from annotator.core.errors import ValidationError
from annotator.core.offsets import cluster_boundaries
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.core.storable import json_kind
from annotator.core.units import Utf16Map
from annotator.files.atomic import scratch_dir
from annotator.files.containers import SafeZip, ZipLimits, is_zip
from annotator.files.json_input import JsonInputError, parse_json
from annotator.files.lines import ByteStream
from annotator.formats.base import (
    Options,
    ReadContext,
    WriteSummary,
    atomic_file,
    check_cancel,
    iter_json_lines,
    json_line,
    json_shape,
    make_report,
    need_int,
    report_meta,
    safe_name,
)

OFFSET_UNITS = ("utf16", "codepoints", "graphemes")
_NOT_META = {"id", "text", "data", "label", "labels", "entities", "relations", "annotations", "meta",
             "Comments", "comments", "annotation_approver", "annotator"}
ZIP_LIMITS = ZipLimits(max_members=10_000)


class Offsets:
    """Converts between code points and the file's unit for one text."""

    def __init__(self, text: str, unit: str) -> None:
        if unit not in OFFSET_UNITS:
            raise ValidationError(f"offsets must be one of {', '.join(OFFSET_UNITS)}, not '{unit}'")
        self.unit, self.text = unit, text
        self._u16 = Utf16Map(text) if unit == "utf16" else None
        self._bounds: list[int] | None = cluster_boundaries(text) if unit == "graphemes" else None

    def to_cp(self, value: int) -> int:
        if self._u16 is not None:
            return self._u16.to_codepoint(value)
        if self._bounds is not None:
            if not 0 <= value < len(self._bounds):
                raise ValidationError(f"grapheme offset {value} is outside the text (0..{len(self._bounds) - 1})")
            return self._bounds[value]
        return value

    def from_cp(self, cp: int) -> int:
        if self._u16 is not None:
            return self._u16.to_utf16(cp)
        if self._bounds is not None:
            k = bisect_left(self._bounds, cp)
            if k == len(self._bounds) or self._bounds[k] != cp:
                raise ValidationError(f"offset {cp} falls inside a grapheme cluster")
            return k
        return cp


class DoccanoFormat:
    NAME = "doccano"
    EXTENSIONS = (".jsonl", ".zip")
    CAN_READ = True
    CAN_WRITE = True
    EXTRA = None
    CARRIES_TEXT = True
    NESTING = ("overlaps written as-is (import needs 'Allow overlapping spans'); UTF-16 offsets by "
               "default; no per-span attributes")

    def sniff(self, head: bytes) -> int:
        first = head.split(b"\n", 1)[0]
        if b'"start_offset"' in first or b'"label":[[' in first or b'"label": [[' in first:
            return 80
        return 0

    # -- reading ---------------------------------------------------------------------------------
    def read(self, path: Path, *, options: Options | None = None) -> Iterator[Document]:
        path = Path(path)
        ctx = ReadContext(path, options)
        unit = str(ctx.options.get("offsets", "utf16"))
        if unit not in OFFSET_UNITS:
            raise ctx.error(None, f"offsets must be one of {', '.join(OFFSET_UNITS)}, not '{unit}'")
        if is_zip(path):  # checked by files.containers; members streamed line by line
            with SafeZip(path, ZIP_LIMITS, lambda detail: ctx.error(None, detail), what="doccano zip") as zf:
                members = [m for m in zf.members() if m.filename.endswith(".jsonl") and not m.is_dir()]
                for member in sorted(members, key=lambda m: m.filename):
                    name = Path(member.filename).stem
                    mctx = ReadContext(Path(f"{path}!{member.filename}"), options)
                    with zf.open(member) as raw:
                        yield from self._read_lines(mctx, raw, name, unit)
        else:
            yield from self._read_lines(ctx, None, path.stem, unit)

    def _read_lines(self, ctx: ReadContext, fh: ByteStream | None, file_annotator: str, unit: str
                    ) -> Iterator[Document]:
        for line, obj in iter_json_lines(ctx.path, ctx, fh):
            yield self._document(ctx, line, obj, file_annotator, unit)

    def _document(self, ctx: ReadContext, line: int, obj: dict[str, Any], file_annotator: str,
                  unit: str) -> Document:
        text = obj.get("text", obj.get("data"))
        if not isinstance(text, str):
            raise ctx.error(line, "has no 'text' (or 'data') string")
        meta: dict[str, Any] = {k: v for k, v in obj.items() if k not in _NOT_META}
        if isinstance(obj.get("meta"), str):  # doccano 1.0-1.2: meta is a JSON string
            try:
                meta.update(json_shape(ctx, parse_json(obj["meta"]) or {}, dict, "'meta'", line))
            except JsonInputError:
                raise ctx.error(line, "'meta' is not valid JSON") from None
        elif isinstance(obj.get("meta"), dict):
            meta.update(obj["meta"])
        comments = json_shape(ctx, obj.get("Comments", obj.get("comments")) or [], list, "'Comments'", line)
        notes = [c.get("comment", "") if isinstance(c, dict) else str(c) for c in comments]
        if notes:
            meta["comments"] = notes
        warnings: list[str] = []
        report = make_report(text, meta, warnings=warnings)
        conv = Offsets(text, unit)
        spans: list[Span] = []
        by_doccano_id: dict[Any, str] = {}
        raw_spans = json_shape(ctx, obj.get("entities", obj.get("label", obj.get("labels", obj.get("annotations"))))
                               or [], list, "the span list", line)
        for raw in raw_spans:
            sid = f"T{len(spans) + 1}"
            if isinstance(raw, (list, tuple)) and len(raw) == 3:
                start, end, label = raw
            elif isinstance(raw, dict):
                start, end, label = raw.get("start_offset"), raw.get("end_offset"), raw.get("label")
                if "id" in raw:
                    by_doccano_id[_entity_id(ctx, line, raw["id"], f"span {sid}: its id")] = sid
            else:
                raise ctx.error(line, f"span {raw!r} is neither [start, end, label] nor an object")
            start = need_int(ctx, line, start, f"span {sid} start")
            end = need_int(ctx, line, end, f"span {sid} end")
            try:
                cs, ce = conv.to_cp(start), conv.to_cp(end)
            except ValidationError as exc:
                raise ctx.error(line, f"span {sid} ({label} {start}-{end}): {exc}") from None
            spans.append(Span(sid, cs, ce, ctx.label(label, line, f"span {sid}")))
        relations: list[Relation] = []
        for raw in json_shape(ctx, obj.get("relations") or [], list, "'relations'", line):
            if not isinstance(raw, dict):
                raise ctx.error(line, f"relation {raw!r} is not an object")
            where = f"relation {raw.get('id', len(relations) + 1)}"
            head = by_doccano_id.get(_entity_id(ctx, line, raw.get("from_id"), f"{where}: its from_id"))
            tail = by_doccano_id.get(_entity_id(ctx, line, raw.get("to_id"), f"{where}: its to_id"))
            if head is None or tail is None:
                raise ctx.error(line, f"relation {raw.get('id', len(relations) + 1)} names entity "
                                      f"{raw.get('from_id') if head is None else raw.get('to_id')}, "
                                      "which is not in the line")
            rid = f"R{len(relations) + 1}"
            relations.append(Relation(rid, head, tail, ctx.text(raw.get("type"), line, f"relation {rid}: its type")))
        annotator = obj.get("annotator") if isinstance(obj.get("annotator"), str) else file_annotator
        if annotator == "all":  # collaborative mode: no per-annotator identity in the file
            annotator = None
        doc = Document(report, ctx.annotator(annotator), tuple(spans), tuple(relations), tuple(warnings))
        return ctx.finish(doc, line)

    # -- writing ---------------------------------------------------------------------------------
    def write(self, documents: Iterable[Document], path: Path, *, options: Options | None = None,
              progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> WriteSummary:
        """Every line carries the same keys (``null`` where a report has no such metadata): doccano reads
        an upload into a pandas DataFrame, which fills a key missing from some lines with NaN, and its
        database then refuses the whole upload. The records go to a spool first, so the key set is known
        before the file is written, with memory flat. Files start with a UTF-8 byte-order mark (option
        ``bom``, default on): doccano guesses an upload's encoding with chardet, which the mark settles
        (``UTF-8-SIG``); without it a mostly-ASCII file with a few accented letters can be read as
        Windows-1252 and every later offset moves."""
        path = Path(path)
        opts = options or {}
        unit = str(opts.get("offsets", "utf16"))
        with_relations = bool(opts.get("relations", True))
        bom = "\ufeff" if opts.get("bom", True) else ""
        summary = WriteSummary(self.NAME, str(path), files=[str(path)])
        zipped = path.suffix.lower() == ".zip"
        keys: dict[str, None] = {}
        with scratch_dir(path) as tmp:
            members: dict[str, IO[str]] = {}  # spooled records per output file (one file unless zipped)
            try:
                for n, doc in enumerate(documents, 1):
                    check_cancel(cancel)
                    member = safe_name(doc.annotator or "all", "all") if zipped else ""
                    if member not in members:
                        members[member] = open(  # noqa: SIM115 - one spool per member, all closed in finally
                            os.path.join(tmp, f"spool-{len(members)}"), "w+", encoding="utf-8", newline="")
                    record = self._record(doc, n, unit, with_relations, summary, not zipped)
                    keys.update(dict.fromkeys(record))
                    members[member].write(json_line(record))
                    progress(n, None, doc.report.title)
                if zipped:
                    with atomic_file(path, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
                        for member in sorted(members):
                            final = os.path.join(tmp, member + ".jsonl")
                            with open(final, "w", encoding="utf-8", newline="") as out:
                                _rewrite(members[member], out, keys, bom, cancel)
                            zf.write(final, member + ".jsonl")
                else:
                    with atomic_file(path) as out:
                        if members:
                            _rewrite(members[""], out, keys, bom, cancel)
            finally:
                for fh in members.values():
                    fh.close()
        if bom and summary.documents:
            summary.warn_once("written as UTF-8 with a byte-order mark, which makes doccano's encoding guess "
                              "(chardet) UTF-8; every line has the same keys, null where a report has no value")
        return summary

    def _record(self, doc: Document, n: int, unit: str, with_relations: bool, summary: WriteSummary,
                name_annotator: bool) -> dict[str, Any]:
        text = doc.report.text
        conv = Offsets(text, unit)
        record: dict[str, Any] = {"id": n, "text": text}
        meta = report_meta(doc.report)
        comments = meta.pop("comments", None)
        record.update(meta)
        if name_annotator and doc.annotator is not None:
            record["annotator"] = doc.annotator  # one file, several annotators: keep who wrote what
        written: dict[str, int] = {}
        entities, tupled = [], []
        for k, s in enumerate(doc.spans, 1):
            try:
                start, end = conv.from_cp(s.start), conv.from_cp(s.end)
            except ValidationError as exc:
                summary.drop("unaligned", doc, s.id, str(exc))
                continue
            written[s.id] = k
            entities.append({"id": k, "label": s.label, "start_offset": start, "end_offset": end})
            tupled.append([start, end, s.label])
            for key in s.attrs:
                summary.drop("attribute", doc, f"{s.id}.{key}", "doccano has no per-span attributes")
            for kind in ("value", "entity", "resolution"):
                if getattr(s, kind) is not None:
                    summary.drop(kind, doc, s.id, f"doccano has no slot for a span's {kind}")
        summary.spans += len(written)
        relations = []
        for k, r in enumerate(doc.relations, 1):
            if not with_relations:
                summary.drop("relation", doc, r.id, "written without relations (label variant)")
            elif r.head in written and r.tail in written:
                relations.append({"id": k, "from_id": written[r.head], "to_id": written[r.tail], "type": r.label})
                if r.attrs:
                    summary.drop("attribute", doc, r.id, "doccano relations have no attributes")
            else:
                summary.drop("relation", doc, r.id, "an endpoint span could not be written")
        summary.relations += len(relations)
        if with_relations:
            record["entities"], record["relations"] = entities, relations
        else:
            record["label"] = sorted(tupled)
        record["Comments"] = [{"id": i, "comment": c} for i, c in enumerate(comments or (), 1)] \
            if with_relations else list(comments or ())
        summary.documents += 1
        return record


def _rewrite(spool: IO[str], out: IO[str], keys: dict[str, None], bom: str, cancel: CancelToken | None) -> None:
    """Copy spooled records to ``out`` with every key of the export on every line, in one order."""
    spool.flush()
    spool.seek(0)
    out.write(bom)
    for line in spool:
        check_cancel(cancel)
        record = json.loads(line)
        out.write(json_line({k: record.get(k) for k in keys}))


FORMAT = DoccanoFormat()


def _entity_id(ctx: ReadContext, line: int, value: Any, what: str) -> int | str | None:
    """A doccano entity id (a number, or text in older exports); a list or an object is refused naming
    ``what`` (it failed as Python's "unhashable type: 'list'")."""
    if value is None or (isinstance(value, (int, str)) and not isinstance(value, bool)):
        return value
    raise ctx.error(line, f"{what} is {json_kind(value)}, not an entity id (a number)")
