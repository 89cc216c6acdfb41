"""Our CoNLL export read by the common readers' own code: spaCy's converter and seqeval.

- ``spacy convert`` (spacy/training/converters/conll_ner_to_docs.py) splits documents only at the exact line
  ``-DOCSTART- -X- O O``; without it, and with the command's default ``-n 1``, every sentence becomes a
  document of its own. Tags are taken from the last column.
- seqeval (used by doccano's CoNLL import and most NER evaluations) decodes tag columns with a strict scheme
  (``seqeval.scheme.Tokens`` with IOB2 or IOBES): a malformed sequence yields no or other entities."""

from __future__ import annotations

from pathlib import Path

from annotator.core.annotation_set import Document
from annotator.core.tokenize import force_splits, tokenize
from annotator.formats import get
from seqeval.scheme import IOB2, IOBES, Tokens
from spacy.training.converters import conll_ner_to_docs

from .conftest import canonical_docs


def columns(text: str) -> list[list[list[str]]]:
    """Per document, the rows (token and tag columns) of our CoNLL text, sentence breaks dropped."""
    docs: list[list[list[str]]] = []
    for line in text.splitlines():
        if line.startswith("-DOCSTART-"):
            docs.append([])
        elif line.strip():
            docs[-1].append(line.split(" "))
    return docs


def token_extents(doc: Document, spans: list) -> set[tuple[int, int, str]]:
    """(first token, last token + 1, label) of ``spans`` on the writer's tokens (whitespace dropped)."""
    text = doc.report.text
    toks = force_splits(tokenize(text), (s.start for s in doc.spans), (s.end for s in doc.spans))
    words = [t for t in toks if not text[t.start:t.end].isspace()]
    first = {t.start: i for i, t in enumerate(words)}
    last = {t.end: i for i, t in enumerate(words)}
    return {(first[s.start], last[s.end] + 1, s.label) for s in spans}


def test_spacy_convert_finds_one_document_per_report(tmp_path: Path) -> None:
    docs = canonical_docs()
    out = tmp_path / "reports.conll"
    get("conll").write(docs, out, options={"outermost_only": True})
    text = out.read_text(encoding="utf-8")
    converted = list(conll_ner_to_docs(text, n_sents=1, no_print=True))  # spacy convert's defaults
    assert len(converted) == 2
    for ours, theirs in zip(docs, converted, strict=False):
        outer = [s for s in ours.spans if not any(o is not s and o.contains(s) for o in ours.spans)]
        assert {(e.start, e.end, e.label_) for e in theirs.ents} == token_extents(ours, outer)
    # the line we wrote before: spaCy finds no document separator and cuts every sentence apart
    old = text.replace("-DOCSTART- -X- O O", "-DOCSTART- -X- -X- O")
    assert len(list(conll_ner_to_docs(old, n_sents=1, no_print=True))) > 2


def test_seqeval_decodes_every_column_in_both_schemes(tmp_path: Path) -> None:
    docs = canonical_docs()
    for scheme, seqeval_scheme in (("iob2", IOB2), ("bioes", IOBES)):
        out = tmp_path / f"{scheme}.conll"
        get("conll").write(docs, out, options={"scheme": scheme})
        for ours, rows in zip(docs, columns(out.read_text(encoding="utf-8")), strict=False):
            found: set[tuple[int, int, str]] = set()
            for col in range(3, len(rows[0])):
                tags = [row[col] for row in rows]
                found |= {(e.start, e.end, e.tag) for e in Tokens(tags, seqeval_scheme).entities}
            assert found == token_extents(ours, list(ours.spans)), scheme
