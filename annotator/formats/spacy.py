"""spaCy v3 DocBin (formats.md §7), needs the optional extra ``spacy``.

All spans go to ``doc.spans["sc"]`` (``id_`` = our span id, ``kb_id_`` = entity), ``doc.ents`` holds
the outermost non-overlapping layer, and ``user_data`` carries what spaCy has no place for. Spans
must sit on token boundaries: we tokenize with ``spacy.blank(lang)`` and force splits at span edges
rather than let ``char_span`` contract or expand a span.
"""

from __future__ import annotations

import functools
import os
import threading
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator.core.annotation_set import Document
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.relations import Relation
from annotator.core.spans import Span, layers
from annotator.core.tokenize import Token, force_splits
from annotator.formats.base import (
    Options,
    ReadContext,
    WriteSummary,
    atomic_file,
    check_cancel,
    lazy_import,
    make_report,
    report_meta,
)

SPANS_KEY = "sc"
MAX_FILE = 1 << 30
MAX_INFLATED = 512 << 20  # what DocBin unpacks in memory
MAX_RATIO = 100  # real DocBins compress 3-10 to 1


def _checked_docbin_bytes(ctx: ReadContext) -> bytes:
    """The file's bytes, once a streamed inflation (nothing kept) shows they unpack to no more than
    ``MAX_INFLATED`` and ``MAX_RATIO`` times their size: a DocBin is one zlib stream that spaCy
    inflates whole, so a 1 MB file inflating to 1 GiB is refused here instead of after using 2 GB."""
    try:
        with open(ctx.path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE:
                raise ctx.error(None, f"is larger than the {MAX_FILE >> 20:,} MB a spaCy file may have")
            data = fh.read(size + 1)
    except OSError as exc:
        raise ctx.error(None, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > size:
        raise ctx.error(None, "grew while it was being read; try again when it is complete")
    cap = min(MAX_INFLATED, MAX_RATIO * max(len(data), 1 << 20))
    inflater = zlib.decompressobj()
    total, pos, step = 0, 0, 1 << 20
    try:
        while not inflater.eof:
            chunk = data[pos:pos + step] if not inflater.unconsumed_tail else inflater.unconsumed_tail
            if not chunk:
                break
            if not inflater.unconsumed_tail:
                pos += step
            total += len(inflater.decompress(chunk, step))
            if total > cap:
                raise ctx.error(None, f"unpacks to more than {cap >> 20:,} MB from {len(data) >> 10:,} KB, which "
                                      "marks a decompression bomb (or a DocBin too large to load)")
    except zlib.error:
        raise ctx.error(None, "is not a spaCy DocBin (it is not zlib-compressed)") from None
    return data


class _MsgpackHooks:
    """srsly's msgpack hooks looked up once while a DocBin is packed or unpacked, not once per value.

    spaCy packs each document's user data and span groups with ``srsly.msgpack_dumps``, and srsly's
    ``Packer`` asks catalogue for its encoders every time it is made: a scan of every installed package's
    entry points, about 1 ms each time on this machine and three times per document, which was a third of
    exporting 1,000 reports (9.4 s → 6.1 s without it, the same bytes; unpacking likewise). The
    hooks cannot change while a file is written or read, so inside ``read_once()`` each registry answers
    from the lookup made on entry; on leaving (the last of nested or concurrent users) srsly asks catalogue
    again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0

    @contextmanager
    def read_once(self) -> Iterator[None]:
        import srsly.msgpack  # noqa: PLC0415 (spaCy's own dependency, there once spaCy imports)

        registries = (srsly.msgpack.msgpack_encoders, srsly.msgpack.msgpack_decoders)
        with self._lock:
            if self._users == 0:
                for registry in registries:  # an attribute of the instance answers before the class's method
                    registry.get_all = functools.partial(dict, registry.get_all())
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    for registry in registries:
                        del registry.get_all


_MSGPACK_HOOKS = _MsgpackHooks()


def plain(value: Any) -> Any:
    """msgpack gives tuples for lists: turn them back, recursively."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def make_doc(nlp: Any, text: str, spans: Iterable[Span]) -> Any:
    """A Doc of ``text`` tokenized by ``nlp`` with extra splits so every span edge is a boundary."""
    return _split_doc(nlp, nlp.make_doc(text), list(spans))


def _split_doc(nlp: Any, doc: Any, spans: list[Span]) -> Any:
    """``doc`` re-tokenized with a split at every span edge the tokenizer did not make (spaCy's ``Doc``
    class is taken from ``doc``: spaCy is imported in one place, by ``lazy_import``)."""
    text = doc.text
    tokens = [Token(t.idx, t.idx + len(t), bool(t.whitespace_)) for t in doc]
    starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
    if all(s.start in starts and s.end in ends for s in spans):
        return doc
    fixed = force_splits(tokens, (s.start for s in spans), (s.end for s in spans))
    return type(doc)(nlp.vocab, words=[text[t.start:t.end] for t in fixed], spaces=[t.ws for t in fixed])


def _on_token_edges(sdoc: Any, spans: Iterable[Span]) -> bool:
    """Whether every span starts where a token starts and ends where one ends: exactly when strict
    ``char_span`` places them all. Asked of the token offsets at once, so spans are placed once (a
    failed placing pass cost as much as a good one, and most reports need a split somewhere)."""
    bounds = sdoc.to_array(["IDX", "LENGTH"]).tolist()
    starts = {start for start, _n in bounds}
    ends = {start + n for start, n in bounds}
    return all(s.start in starts and s.end in ends for s in spans)


def _placed(sdoc: Any, spans: Iterable[Span]) -> list[Any]:
    """spaCy spans for ours (``None`` where an edge is not a token boundary: strict alignment)."""
    return [sdoc.char_span(s.start, s.end, label=s.label, span_id=s.id, kb_id=s.entity or "") for s in spans]


def _split_tokens(sdoc: Any, spans: Iterable[Span]) -> Any:
    """``sdoc`` with its tokens split at every span edge inside one, by spaCy's retokenizer (the common
    case: ``٢٠٢٤.`` is one token to spaCy, and a date span ends before the full stop)."""
    text = sdoc.text
    bounds = sdoc.to_array(["IDX", "LENGTH"]).tolist()
    starts = [b[0] for b in bounds]
    inside: dict[int, list[int]] = {}
    for cut in sorted({p for s in spans for p in (s.start, s.end)}):
        i = bisect_right(starts, cut) - 1
        if i >= 0 and starts[i] < cut < starts[i] + bounds[i][1]:
            inside.setdefault(i, []).append(cut)
    with sdoc.retokenize() as retokenizer:
        for i, cuts in inside.items():
            token = sdoc[i]
            edges = [starts[i], *cuts, starts[i] + bounds[i][1]]
            pieces = [text[a:b] for a, b in zip(edges, edges[1:], strict=False)]
            retokenizer.split(token, pieces, heads=[(token, k) for k in range(len(pieces))])
    return sdoc


class SpacyFormat:
    NAME = "spacy"
    EXTENSIONS = (".spacy",)
    CAN_READ = True
    CAN_WRITE = True
    EXTRA = "spacy"
    CARRIES_TEXT = True
    NESTING = ('all spans in doc.spans["sc"] (any overlap); doc.ents = outermost non-overlapping layer; '
               "relations, attributes and metadata in user_data")

    def sniff(self, head: bytes) -> int:
        return 0  # zlib-compressed msgpack: recognised by suffix only

    def read(self, path: Path, *, options: Options | None = None) -> Iterator[Document]:
        ctx = ReadContext(path, options)
        spacy = lazy_import("spacy", "spacy", path, "spaCy DocBin files")
        key = str(ctx.options.get("spans_key", SPANS_KEY))
        data = _checked_docbin_bytes(ctx)
        try:
            with _MSGPACK_HOOKS.read_once():
                bin_ = spacy.tokens.DocBin().from_bytes(data)
                del data
                docs = list(bin_.get_docs(spacy.blank(str(ctx.options.get("lang", "en"))).vocab))
        except Exception:  # spaCy raises ValueError/KeyError/zlib errors on bad files
            # spaCy's own text (E1014 on spaCy v2's JSON training format, msgpack's errors) names its internals
            raise ctx.error(None, "is not a spaCy v3 DocBin (the .spacy file `DocBin.to_disk` writes), or it is "
                                  "damaged") from None
        for number, sdoc in enumerate(docs, 1):
            yield self._document(ctx, number, sdoc, key)

    def _document(self, ctx: ReadContext, number: int, sdoc: Any, key: str) -> Document:
        data = plain(dict(sdoc.user_data))
        report_data = data.get("report") if isinstance(data.get("report"), dict) else {}
        report = make_report(sdoc.text, {k: v for k, v in report_data.items() if k != "id"})
        source = sdoc.spans.get(key, sdoc.ents)
        span_attrs = data.get("span_attrs") or {}
        span_fields = data.get("span_fields") or {}
        spans: list[Span] = []
        for k, s in enumerate(source, 1):
            sid = s.id_ or f"T{k}"
            fields = span_fields.get(sid) or {}
            spans.append(Span(sid, s.start_char, s.end_char, ctx.label(s.label_),
                              dict(span_attrs.get(sid) or {}), fields.get("value"), s.kb_id_ or None,
                              fields.get("resolution")))
        relations = [Relation(str(r.get("id", f"R{i}")), str(r["head"]), str(r["tail"]), str(r.get("label", "")),
                              dict(r.get("attrs") or {}))
                     for i, r in enumerate(data.get("relations") or [], 1)]
        annotator = data.get("annotator") if isinstance(data.get("annotator"), str) else None
        doc = Document(report, ctx.annotator(annotator), tuple(spans), tuple(relations))
        try:
            return ctx.finish(doc, None)
        except Exception as exc:
            raise ctx.error(None, f"document {number}: {getattr(exc, 'detail', exc)}") from None

    def write(self, documents: Iterable[Document], path: Path, *, options: Options | None = None,
              progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> WriteSummary:
        opts = options or {}
        spacy = lazy_import("spacy", "spacy", path, "spaCy DocBin files")
        nlp = spacy.blank(str(opts.get("lang", "en")))
        summary = WriteSummary(self.NAME, str(path), files=[str(path)])
        bin_ = spacy.tokens.DocBin(store_user_data=True)
        with _MSGPACK_HOOKS.read_once():
            for n, doc in enumerate(documents, 1):
                check_cancel(cancel)
                bin_.add(self.to_spacy(nlp, doc, summary))
                progress(n, None, doc.report.title)
            packed = bin_.to_bytes()
        with atomic_file(Path(path), "wb") as fh:
            fh.write(packed)
        return summary

    def to_spacy(self, nlp: Any, doc: Document, summary: WriteSummary) -> Any:
        """One spaCy Doc for one of our documents (public for the benchmark and tests)."""
        sdoc = nlp.make_doc(doc.report.text)
        if not _on_token_edges(sdoc, doc.spans):  # a span edge inside a token: split there (never let
            sdoc = _split_tokens(sdoc, doc.spans)  # spaCy move the span)
            if not _on_token_edges(sdoc, doc.spans):  # an edge on a space spaCy keeps as whitespace
                sdoc = _split_doc(nlp, sdoc, list(doc.spans))
        placed = _placed(sdoc, doc.spans)
        kept: list[Any] = []
        written: set[str] = set()
        for s, span in zip(doc.spans, placed, strict=False):
            if span is None:
                summary.drop("unaligned", doc, s.id, "spaCy could not place the span on tokens")
                continue
            kept.append(span)
            written.add(s.id)
        sdoc.spans[SPANS_KEY] = kept
        by_id = {s.id: s for s in doc.spans if s.id in written}
        outer = {s.id for s in (layers(list(by_id.values())) or [[]])[0]}
        sdoc.ents = [sp for sp in kept if sp.id_ in outer]
        relations = []
        for r in doc.relations:
            if r.head in written and r.tail in written:
                relations.append({"id": r.id, "head": r.head, "tail": r.tail, "label": r.label,
                                  **({"attrs": r.attrs} if r.attrs else {})})
            else:
                summary.drop("relation", doc, r.id, "an endpoint span could not be written")
        sdoc.user_data.update({
            "annotator": doc.annotator, "report": report_meta(doc.report) | {"id": doc.report.id},
            "relations": relations,
            "span_attrs": {s.id: s.attrs for s in by_id.values() if s.attrs},
            "span_fields": {s.id: {"value": s.value, "resolution": s.resolution} for s in by_id.values()
                            if s.value is not None or s.resolution is not None}})
        summary.documents += 1
        summary.spans += len(kept)
        summary.relations += len(relations)
        return sdoc


FORMAT = SpacyFormat()
