"""The registry and the shared tokenizer; optional extras are imported lazily and named when absent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import annotator.formats as formats
import pytest
from annotator.core.errors import MissingExtraError
from annotator.core.tokenize import force_splits, tokenize

from .conftest import PEERS, TEXT_A, TEXT_B


def test_registry() -> None:
    assert formats.names() == ("jsonl", "doccano", "prodigy", "labelstudio", "brat", "conll", "spacy", "xmi", "w3c")
    assert formats.get("brat").NAME == "brat"
    with pytest.raises(KeyError):
        formats.get("csv")
    assert {f.NAME for f in formats.for_suffix(".jsonl")} == {"jsonl", "doccano", "prodigy"}
    assert [f.EXTRA for f in formats.FORMATS if f.EXTRA] == ["spacy", "xmi"]


@pytest.mark.parametrize("path,name", [
    ("doccano/relation/alice.jsonl", "doccano"), ("prodigy/reports.jsonl", "prodigy"),
    ("labelstudio/project-3-at-2024-04-10-09-30-6b1d0f2e.json", "labelstudio"), ("brat", "brat"),
    ("conll/reports.conll", "conll"), ("spacy/reports.spacy", "spacy"), ("xmi", "xmi"),
    ("w3c/doc-b.jsonld", "w3c")])
def test_detect(path: str, name: str) -> None:
    assert name == formats.detect(PEERS / path).NAME


def test_import_does_not_load_extras() -> None:
    code = "import sys, annotator.formats; print('spacy' in sys.modules, 'cassis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize("name,module", [("spacy", "spacy"), ("xmi", "cassis")])
def test_missing_extra_is_named(name: str, module: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                peer_docs) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingExtraError) as err:
        formats.get(name).write(peer_docs, tmp_path / "x")
    assert f"annotator[{name}]" in str(err.value)


def test_tokenizer_matches_spacy_blank_on_peer_texts() -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    for text in (TEXT_A, TEXT_B, "a  b\n c \r\n d\u00a0e"):
        assert [(t.idx, t.idx + len(t), bool(t.whitespace_)) for t in nlp(text)] == \
            [tuple(t) for t in tokenize(text)]


def test_forced_splits() -> None:
    text = "deirezzor24 reported"
    toks = force_splits(tokenize(text), [9], [9, 12])  # a span 9-12 ends after the absorbed space
    assert [text[t.start:t.end] for t in toks] == ["deirezzor", "24", " ", "reported"]
    assert "".join(text[t.start:t.end] + (" " if t.ws else "") for t in toks) == text
