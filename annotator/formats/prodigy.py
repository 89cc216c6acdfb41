"""Prodigy ``db-out`` JSONL (formats.md §4): code points plus inclusive token indices.

Prodigy needs tokens consistent with every span, so the writer tokenizes like spaCy's blank pipeline
(our ``tokenize`` module) and forces splits at span edges. Relations point at the *last token* of
each span; we also write ``head_span``/``child_span`` so the reader never has to guess.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.annotation_set import Document
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.core.tokenize import force_splits, span_tokens, tokenize
from annotator.formats.base import (
    Options,
    ReadContext,
    WriteSummary,
    atomic_file,
    check_cancel,
    check_span_text,
    iter_json_lines,
    json_line,
    json_shape,
    make_report,
    need_int,
    report_meta,
)


def stable_hash(*parts: str) -> int:
    """A signed 32-bit int like Prodigy's hashes (opaque to Prodigy; stable across exports)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


class ProdigyFormat:
    NAME = "prodigy"
    EXTENSIONS = (".jsonl",)
    CAN_READ = True
    CAN_WRITE = True
    EXTRA = None
    CARRIES_TEXT = True
    NESTING = ("all spans in 'spans' (spans.manual view; overlaps allowed), relations by last token; "
               "no attributes")

    def sniff(self, head: bytes) -> int:
        first = head.split(b"\n", 1)[0]
        return 85 if b'"_input_hash"' in first or b'"_view_id"' in first or b'"answer"' in first else 0

    # -- reading ---------------------------------------------------------------------------------
    def read(self, path: Path, *, options: Options | None = None) -> Iterator[Document]:
        ctx = ReadContext(path, options)
        dataset = ctx.options.get("dataset")
        for line, obj in iter_json_lines(Path(path), ctx):
            if obj.get("answer", "accept") != "accept":
                continue  # reject/ignore answers are not annotations
            yield self._document(ctx, line, obj, dataset)

    def _document(self, ctx: ReadContext, line: int, obj: dict[str, Any], dataset: str | None) -> Document:
        text = obj.get("text")
        if not isinstance(text, str):
            raise ctx.error(line, "has no 'text' string")
        tokens = json_shape(ctx, obj.get("tokens") or [], list, "'tokens'", line)
        spans: list[Span] = []
        keys: dict[tuple[int, int, str], str] = {}
        by_id: dict[str, str] = {}

        def add(raw: dict[str, Any]) -> str:
            sid = str(raw.get("id") or f"T{len(spans) + 1}")
            if "start" not in raw and "token_start" in raw:  # derive offsets from the tokens
                try:
                    raw = {**raw, "start": tokens[raw["token_start"]]["start"],
                           "end": tokens[raw["token_end"]]["end"]}
                except (IndexError, KeyError, TypeError):
                    raise ctx.error(line, f"span {sid} names tokens the line does not have") from None
            start = need_int(ctx, line, raw.get("start"), f"span {sid} start")
            end = need_int(ctx, line, raw.get("end"), f"span {sid} end")
            label = ctx.label(raw.get("label"), line, f"span {sid}")
            key = (start, end, label)
            if raw.get("id") is not None and str(raw["id"]) in by_id:
                return by_id[str(raw["id"])]
            if raw.get("id") is None and key in keys:
                return keys[key]
            if sid in by_id:
                sid = f"T{len(spans) + 1}"
            if 0 <= start < end <= len(text):
                check_span_text(ctx, line, text, start, end, raw.get("text"), sid)
            spans.append(Span(sid, start, end, label))
            keys.setdefault(key, sid)
            by_id[sid] = sid
            if raw.get("id") is not None:
                by_id[str(raw["id"])] = sid
            return sid

        for raw in json_shape(ctx, obj.get("spans") or [], list, "'spans'", line):
            if not isinstance(raw, dict):
                raise ctx.error(line, f"span {raw!r} is not an object")
            add(raw)
        relations: list[Relation] = []
        for raw in json_shape(ctx, obj.get("relations") or [], list, "'relations'", line):
            raw = json_shape(ctx, raw, dict, f"relation {len(relations) + 1}", line)
            ends = {}
            for role in ("head", "child"):
                if isinstance(raw.get(f"{role}_span"), dict):
                    ends[role] = add(raw[f"{role}_span"])
                else:  # a bare token index: the span ending on that token, if any
                    tok = raw.get(role)
                    match = [s.id for s in spans if isinstance(tok, int) and 0 <= tok < len(tokens)
                             and isinstance(tokens[tok], dict) and s.end == tokens[tok].get("end")]
                    if not match:
                        raise ctx.error(line, f"relation {len(relations) + 1} {role} token {tok!r} ends no span")
                    ends[role] = match[0]
            rid = str(raw.get("id") or f"R{len(relations) + 1}")
            relations.append(Relation(rid, ends["head"], ends["child"],
                                      ctx.text(raw.get("label"), line, f"relation {rid}: its label")))
        annotator = obj.get("_annotator_id") or obj.get("_session_id")
        if annotator and dataset and str(annotator).startswith(f"{dataset}-"):
            annotator = str(annotator)[len(dataset) + 1:]
        report = make_report(text, obj.get("meta") if isinstance(obj.get("meta"), dict) else {})
        doc = Document(report, ctx.annotator(annotator), tuple(spans), tuple(relations))
        return ctx.finish(doc, line)

    # -- writing ---------------------------------------------------------------------------------
    def write(self, documents: Iterable[Document], path: Path, *, options: Options | None = None,
              progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> WriteSummary:
        opts = options or {}
        dataset = opts.get("dataset")
        summary = WriteSummary(self.NAME, str(path), files=[str(path)])
        with atomic_file(Path(path)) as fh:
            for n, doc in enumerate(documents, 1):
                check_cancel(cancel)
                fh.write(json_line(self.record(doc, dataset, summary)))
                progress(n, None, doc.report.title)
        return summary

    def record(self, doc: Document, dataset: str | None, summary: WriteSummary) -> dict[str, Any]:
        text = doc.report.text
        toks = force_splits(tokenize(text), (s.start for s in doc.spans), (s.end for s in doc.spans))
        by_start, by_end = span_tokens(toks)
        tokens = [{"text": text[t.start:t.end], "start": t.start, "end": t.end, "id": i, "ws": t.ws}
                  for i, t in enumerate(toks)]
        spans: dict[str, dict[str, Any]] = {}
        for s in doc.spans:
            if s.start not in by_start or s.end not in by_end:
                summary.drop("unaligned", doc, s.id, "span edges fall inside a token")
                continue
            spans[s.id] = {"id": s.id, "text": text[s.start:s.end], "start": s.start, "end": s.end,
                           "token_start": by_start[s.start], "token_end": by_end[s.end], "label": s.label}
            for key in s.attrs:
                summary.drop("attribute", doc, f"{s.id}.{key}", "Prodigy spans have no attributes")
            for kind in ("value", "entity", "resolution"):
                if getattr(s, kind) is not None:
                    summary.drop(kind, doc, s.id, f"Prodigy has no slot for a span's {kind}")
        relations = []
        for r in doc.relations:
            if r.head not in spans or r.tail not in spans:
                summary.drop("relation", doc, r.id, "an endpoint span could not be written")
                continue
            head, child = spans[r.head], spans[r.tail]
            relations.append({"id": r.id, "head": head["token_end"], "child": child["token_end"],
                              "head_span": head, "child_span": child, "label": r.label})
            if r.attrs:
                summary.drop("attribute", doc, r.id, "Prodigy relations have no attributes")
        annotator = doc.annotator or "annotator"
        if doc.annotator is None:
            summary.drop("annotator", doc, "", "no annotator named; written as 'annotator'")
        session = f"{dataset}-{annotator}" if dataset else annotator
        record: dict[str, Any] = {"text": text, "meta": report_meta(doc.report),
                                  "_input_hash": stable_hash(text),
                                  "_task_hash": stable_hash(text, annotator, str(len(spans))),
                                  "tokens": tokens, "_view_id": "spans_manual",
                                  "spans": list(spans.values())}
        if relations:
            record["relations"] = relations
        record.update({"answer": "accept", "_annotator_id": session, "_session_id": session})
        summary.documents += 1
        summary.spans += len(spans)
        summary.relations += len(relations)
        return record


FORMAT = ProdigyFormat()
