"""A real spaCy pipeline for the tests of the model suggestion source: blank English with an
entity_ruler, saved to a folder (loaded by path, as a user's saved pipeline is; nothing downloaded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def save_ruler_pipeline(folder: Path, patterns: list[dict[str, Any]], *, name: str = "test_ruler",
                        version: str = "0.1.0") -> Path:
    import spacy  # noqa: PLC0415 (spaCy, seconds to import, only where a pipeline is built)

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)
    nlp.meta["name"], nlp.meta["version"] = name, version
    path = folder / name
    nlp.to_disk(path)
    return path
