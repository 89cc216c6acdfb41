"""CoNLL columns (formats.md §6): one token per line, one tag column per nesting depth.

CoNLL keeps only tokens and tags, so the reader aligns tokens to a known report text when one matches
(option ``reports``) and otherwise rebuilds a text (tokens joined by a space, sentences by ``\\n``).
The writer prints ``TOKEN -X- _ L1 L2 …`` with L1 the outermost spans, each document after a
``-DOCSTART- -X- O O`` line (the one spaCy's converter splits documents at); GermEval-style
``IDX TOKEN OUTER INNER`` (TAB) files are read too. Tags are IOB2 or BIOES; a file in IOB1 (the original
CoNLL-2003 data: an I- tag starts a span) is recognised by that and read as IOB1 with a note, since
``load`` has no scheme option (the ``scheme`` read option still fixes one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from annotator.core.annotation_set import Document
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.report import Report
from annotator.core.spans import Span, layers
from annotator.core.tokenize import LINE_BREAKS, force_splits, tokenize
from annotator.formats.base import Options, ReadContext, WriteSummary, atomic_file, check_cancel, make_report, strip_bom

SCHEMES = ("iob2", "bioes", "iob1")
DOCSTART = "-DOCSTART-"
# The document separator we write: spaCy's converter (``spacy convert``, conll_ner_to_docs) splits documents
# only at this exact line; readers that look at the first column alone (ours, flair, Hugging Face's
# conll2003) accept it too.
DOCSTART_LINE = "-DOCSTART- -X- O O"


def _key(text: str, limit: int = 200) -> str:
    """Whitespace-free prefix used to find candidate reports for a token sequence."""
    out: list[str] = []
    for ch in text:
        if not ch.isspace():
            out.append(ch)
            if len(out) >= limit:
                break
    return "".join(out)


def _is_tag(value: str) -> bool:
    return value == "O" or (len(value) > 2 and value[1] == "-" and value[0] in "BIESLU")


def decode(tags: Sequence[str], scheme: str) -> list[tuple[int, int, str]] | tuple[int, str]:
    """Spans ``(first token, last token + 1, label)`` of one tag column, or (token index, error)."""
    spans: list[tuple[int, int, str]] = []
    open_: tuple[int, str] | None = None

    def close(at: int) -> None:
        nonlocal open_
        if open_ is not None:
            spans.append((open_[0], at, open_[1]))
            open_ = None

    for i, tag in enumerate(tags):
        if tag == "O" or tag == "_" or tag == "":
            close(i)
            continue
        prefix, sep, label = tag.partition("-")
        if not sep or prefix not in ("B", "I", "E", "S", "L", "U"):
            return i, f"tag {tag!r} is not O or PREFIX-LABEL"
        prefix = {"L": "E", "U": "S"}.get(prefix, prefix)
        continues = open_ is not None and open_[1] == label
        if prefix == "I":
            if not continues:
                if scheme != "iob1":
                    return i, f"tag {tag!r} continues no span (in {scheme.upper()} an I- tag follows a B- or I- tag " \
                              "of its label)"
                close(i)
                open_ = (i, label)
        elif prefix == "B":
            close(i)
            open_ = (i, label)
        elif prefix == "E":
            if not continues:
                return i, f"tag {tag!r} ends no span"
            close(i + 1)
        else:  # S
            close(i)
            spans.append((i, i + 1, label))
    close(len(tags))
    return spans


def encode(spans: Iterable[tuple[int, int, str]], n: int, scheme: str) -> list[str]:
    tags = ["O"] * n
    for a, b, label in spans:
        if scheme == "bioes" and b - a == 1:
            tags[a] = f"S-{label}"
            continue
        tags[a] = f"B-{label}"
        for k in range(a + 1, b):
            tags[k] = f"I-{label}"
        if scheme == "bioes":
            tags[b - 1] = f"E-{label}"
    return tags


_RANGE = re.compile(r"^\d+-\d+$")  # a CoNLL-U multiword token row


class ConllFormat:
    NAME = "conll"
    EXTENSIONS = (".conll", ".txt", ".tsv", ".bio", ".iob")
    CAN_READ = True
    CAN_WRITE = True
    EXTRA = None
    CARRIES_TEXT = False
    NESTING = ("one tag column per nesting depth (outermost first), IOB2 or BIOES; token-aligned spans "
               "only; no relations, attributes, metadata or exact text")

    def sniff(self, head: bytes) -> int:
        return 80 if head.lstrip().startswith(b"-DOCSTART-") else 0

    # -- reading ---------------------------------------------------------------------------------
    def read(self, path: Path, *, options: Options | None = None) -> Iterator[Document]:
        ctx = ReadContext(path, options)
        # no scheme given: IOB2, or IOB1 once a document shows it (an I- tag starting a span, formats.md §6)
        detect = "scheme" not in ctx.options
        scheme = str(ctx.options.get("scheme", "iob2")).lower()
        if scheme not in SCHEMES:
            raise ctx.error(None, f"scheme must be one of {', '.join(SCHEMES)}, not '{scheme}'")
        known: dict[str, list[Report]] = {}
        for rep in ctx.known_reports().values():
            known.setdefault(_key(rep.text), []).append(rep)
        sentences: list[list[tuple[str, list[str], int, int | None]]] = [[]]
        first_line: int | None = None
        with open(path, encoding="utf-8", newline=None) as fh:
            for number, raw in enumerate(fh, 1):
                line = strip_bom(raw) if number == 1 else raw
                line = line.rstrip("\n")
                if not line.strip():
                    if sentences[-1]:
                        sentences.append([])
                    continue
                cols = line.split("\t") if "\t" in line else line.split()
                if line.startswith("#") and not _is_tag(cols[-1]):
                    continue  # GermEval comment line ("#\tsource …"); a "#" token row ends in a tag
                if cols[0] == DOCSTART:
                    if any(sentences):
                        doc, scheme = self._document(ctx, sentences, scheme, known, first_line, detect)
                        yield doc
                    sentences, first_line = [[]], None
                    continue
                if "\t" in line and _RANGE.match(cols[0]) and len(cols) >= 3:
                    raise ctx.error(number, f"token '{cols[1]}' spans rows {cols[0]}, overlapping the tokens that "
                                            "follow; CoNLL spans need exactly one row per token")
                if "\t" in line and cols[0].isdecimal() and len(cols) >= 3:
                    index = int(cols[0])
                    previous = sentences[-1][-1][3] if sentences[-1] else None
                    if previous is not None and index <= previous:
                        raise ctx.error(number, f"token index {index} after {previous}: overlapping or repeated "
                                                "tokens (each token must have its own, increasing index)")
                    token, tags = cols[1], cols[2:]  # GermEval: IDX TOKEN OUTER INNER
                elif len(cols) >= 4:
                    token, tags = cols[0], cols[3:]  # CoNLL-2003 / ours: TOKEN POS CHUNK TAG...
                elif len(cols) == 2:
                    token, tags = cols[0], cols[1:]
                else:
                    raise ctx.error(number, f"has {len(cols)} columns; expected TOKEN … TAG")
                first_line = first_line or number
                index_value = int(cols[0]) if "\t" in line and cols[0].isdecimal() and len(cols) >= 3 else None
                sentences[-1].append((token, tags, number, index_value))
        if any(sentences):
            yield self._document(ctx, sentences, scheme, known, first_line, detect)[0]

    def _document(self, ctx: ReadContext, sentences: list[list[tuple[str, list[str], int, int | None]]], scheme: str,
                  known: dict[str, list[Report]], line: int | None, detect: bool = False) -> tuple[Document, str]:
        """One document, and the scheme its file is read in from now on (``detect``: IOB2 turns into IOB1
        when an I- tag starts a span, with a note)."""
        rows = [row for sent in sentences for row in sent]
        tokens = [r[0] for r in rows]
        offsets: list[tuple[int, int]] | None = None
        report: Report | None = None
        warnings: list[str] = []
        candidates = known.get(_key("".join(tokens)), [])
        for rep in candidates:
            offsets = _align(rep.text, tokens)
            if offsets is not None:
                report = rep
                break
        if report is None:
            if known:
                warnings.append(f"tokens from line {line} match no known report: text rebuilt")
            parts, offsets, pos = [], [], 0
            for k, sent in enumerate(s for s in sentences if s):
                if k:
                    parts.append("\n")
                    pos += 1
                for j, (token, _, _, _) in enumerate(sent):
                    if j:
                        parts.append(" ")
                        pos += 1
                    parts.append(token)
                    offsets.append((pos, pos + len(token)))
                    pos += len(token)
            report = make_report("".join(parts))
        assert offsets is not None
        depth = max((len(r[1]) for r in rows), default=0)
        columns = [[r[1][col] if col < len(r[1]) else "O" for r in rows] for col in range(depth)]
        decoded = [decode(column, scheme) for column in columns]
        failed = next(((col, found) for col, found in enumerate(decoded) if isinstance(found, tuple)), None)
        if failed is not None and detect and scheme == "iob2" and columns[failed[0]][failed[1][0]].startswith("I-"):
            col, (at, _why) = failed
            warnings.append(f"tag column {col + 1}, line {rows[at][2]}: {columns[col][at]!r} starts a span, so the "
                            "file is read as IOB1 (I- tags begin spans, B- only separates two spans of one label)")
            scheme = "iob1"
            decoded = [decode(column, scheme) for column in columns]
        spans: list[Span] = []
        for col, found in enumerate(decoded):
            if isinstance(found, tuple):
                raise ctx.error(rows[found[0]][2], f"tag column {col + 1}: {found[1]}")
            for a, b, label in found:
                spans.append(Span(f"T{len(spans) + 1}", offsets[a][0], offsets[b - 1][1], ctx.label(label)))
        doc = Document(report, ctx.annotator(None), tuple(spans), (), tuple(warnings))
        return ctx.finish(doc, line), scheme

    # -- writing ---------------------------------------------------------------------------------
    def write(self, documents: Iterable[Document], path: Path, *, options: Options | None = None,
              progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> WriteSummary:
        opts = options or {}
        scheme = str(opts.get("scheme", "iob2")).lower()
        if scheme not in ("iob2", "bioes"):
            raise ValueError(f"the CoNLL writer writes iob2 or bioes, not '{scheme}'")
        outermost = bool(opts.get("outermost_only", False))
        summary = WriteSummary(self.NAME, str(path), files=[str(path)])
        with atomic_file(Path(path)) as fh:
            for n, doc in enumerate(documents, 1):
                check_cancel(cancel)
                fh.write(self._document_lines(doc, scheme, outermost, summary))
                progress(n, None, doc.report.title)
        summary.warn_once("CoNLL holds no exact text, relations, attributes, metadata or annotator")
        return summary

    def _document_lines(self, doc: Document, scheme: str, outermost: bool, summary: WriteSummary) -> str:
        text = doc.report.text
        toks = force_splits(tokenize(text), (s.start for s in doc.spans), (s.end for s in doc.spans))
        words = [t for t in toks if not text[t.start:t.end].isspace()]
        by_start = {t.start: i for i, t in enumerate(words)}
        by_end = {t.end: i for i, t in enumerate(words)}
        placed: list[tuple[int, int, str, str]] = []
        for s in doc.spans:
            if s.start not in by_start or s.end not in by_end or any(c.isspace() for c in s.label):
                summary.drop("unaligned", doc, s.id, "starts or ends on whitespace, or the label has spaces")
            else:
                placed.append((by_start[s.start], by_end[s.end] + 1, s.label, s.id))
        token_spans = [Span(sid, a, b, label) for a, b, label, sid in placed]
        columns = layers(token_spans) or [[]]
        if outermost:
            for layer in columns[1:]:
                for s in layer:
                    summary.drop("overlap", doc, s.id, "nested in another span (outermost_only)")
            columns = columns[:1]
        summary.spans += sum(len(c) for c in columns)
        for r in doc.relations:
            summary.drop("relation", doc, r.id, "CoNLL has no relations")
        for s in doc.spans:
            if s.attrs or s.value or s.entity or s.resolution:
                summary.drop("attribute", doc, s.id, "CoNLL has no span attributes")
        tags = [encode(((s.start, s.end, s.label) for s in col), len(words), scheme) for col in columns]
        covered = [False] * (len(words) + 1)
        for s in token_spans:
            for k in range(s.start + 1, s.end):
                covered[k] = True  # no sentence break inside a span
        out = [DOCSTART_LINE, ""]
        k = 0
        for tok in toks:
            chunk = text[tok.start:tok.end]
            if chunk.isspace():
                if any(c in LINE_BREAKS for c in chunk) and 0 < k < len(words) and not covered[k] \
                        and out[-1] != "":
                    out.append("")
                continue
            out.append(f"{chunk} -X- _ " + " ".join(col[k] for col in tags))
            k += 1
        if out[-1] != "":
            out.append("")
        summary.documents += 1
        return "\n".join(out) + "\n"


def _align(text: str, tokens: Sequence[str]) -> list[tuple[int, int]] | None:
    """Offsets of ``tokens`` in ``text`` in order, skipping whitespace only; None if they differ."""
    out, pos, n = [], 0, len(text)
    for token in tokens:
        while pos < n and text[pos].isspace():
            pos += 1
        if not text.startswith(token, pos):
            return None
        out.append((pos, pos + len(token)))
        pos += len(token)
    while pos < n and text[pos].isspace():
        pos += 1
    return out if pos == n else None


FORMAT = ConllFormat()
