"""Corpus formats, one module per format, listed in an explicit registry tuple.

Importing this package registers nothing at run time and imports no optional dependency: spaCy and
dkpro-cassis are imported inside the ``spacy`` and ``xmi`` modules' functions only.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from annotator.formats import brat, conll, doccano, jsonl, labelstudio, prodigy, spacy, w3c, xmi
from annotator.formats.base import Dropped, Format, Options, WriteSummary

FORMATS: tuple[Format, ...] = (jsonl.FORMAT, doccano.FORMAT, prodigy.FORMAT, labelstudio.FORMAT,
                               brat.FORMAT, conll.FORMAT, spacy.FORMAT, xmi.FORMAT, w3c.FORMAT)

__all__ = ["FORMATS", "Format", "Options", "WriteSummary", "Dropped", "get", "names", "for_suffix",
           "detect"]


def names() -> tuple[str, ...]:
    return tuple(f.NAME for f in FORMATS)


def get(name: str) -> Format:
    """The format called ``name``; a ``KeyError`` with the known names otherwise."""
    for fmt in FORMATS:
        if name == fmt.NAME:
            return fmt
    raise KeyError(f"unknown format '{name}' (known: {', '.join(names())})")


def for_suffix(suffix: str) -> tuple[Format, ...]:
    """Formats whose files may end in ``suffix`` (".jsonl" matches several; ``detect`` decides)."""
    suffix = suffix.lower()
    return tuple(f for f in FORMATS if suffix in f.EXTENSIONS)


def detect(path: Path) -> Format | None:
    """Best guess for ``path``: a folder of .ann files is brat, of .xmi files XMI; otherwise the
    formats matching the suffix are asked to score the first bytes."""
    path = Path(path)
    if path.is_dir():
        if any(path.rglob("*.ann")):
            return brat.FORMAT
        if any(path.rglob("*.xmi")):
            return xmi.FORMAT
        return None
    candidates = for_suffix(path.suffix) or FORMATS
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                members = zf.namelist()
        except (zipfile.BadZipFile, OSError):  # not a zip after all: no guess (its reader says what it is)
            return None
        return xmi.FORMAT if any(m.endswith(".xmi") for m in members) else doccano.FORMAT
    scored = sorted(candidates, key=lambda f: f.sniff(head), reverse=True)
    if scored and scored[0].sniff(head) > 0:
        return scored[0]
    return candidates[0] if len(candidates) == 1 else None
