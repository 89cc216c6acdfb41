"""The optional suggestion source: an installed spaCy pipeline's named entities (extra ``suggest-spacy``).

The pipeline is one the user installed — a package name (``en_core_web_sm``) or the folder of a saved
pipeline — loaded with ``spacy.load``, which never downloads anything. Its entity labels map to the
project's labels (``DEFAULT_LABELS``: PERSON/ORG/NORP → actor, GPE/LOC/FAC → place, DATE → date); a label
the map does not name, or that names a label the project's schema lacks, is dropped. Each suggestion's
source is ``model:<lang>_<name> <version>`` from ``nlp.meta``, so an accepted span says which model and
version proposed it.

Nothing here raises for a missing spaCy or pipeline: ``model_suggestions`` returns one sentence instead
("spaCy pipeline 'x' is not installed: …") and the other sources go on. A loaded pipeline is kept for
the process (loading takes seconds; ``suggest`` runs once per report shown)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from annotator.core.schema import Schema

SETTING = "suggest_model"  # the project's pipeline (package name or folder), stored with the data
DEFAULT_LABELS: Mapping[str, str] = {"PERSON": "actor", "ORG": "actor", "NORP": "actor",
                                     "GPE": "place", "LOC": "place", "FAC": "place", "DATE": "date"}
NO_MODEL = "none"  # what a person types to run without a pipeline (``annotator suggest --model none``)

_loaded: dict[str, Any] = {}
_lock = threading.Lock()


class ModelUnavailable(Exception):
    """The pipeline cannot run here; its message is the one sentence the user sees."""


def load_pipeline(name: str) -> Any:
    """The spaCy ``Language`` for a package name or a folder, loaded once per process."""
    with _lock:
        if name in _loaded:
            return _loaded[name]
        try:
            import spacy  # noqa: PLC0415 (slow optional import (extra 'spacy'), only to run a pipeline)
        except ImportError:
            raise ModelUnavailable(f"spaCy pipeline '{name}' is not installed: spaCy itself is missing "
                                   "(install the extra: pip install 'annotator[suggest-spacy]')") from None
        try:
            nlp = spacy.load(name)
        except OSError:  # spaCy's E050: no package, shortcut link or folder of that name
            raise ModelUnavailable(f"spaCy pipeline '{name}' is not installed: no package or folder of that name "
                                   "(install its package with pip, or give the folder of a saved pipeline); "
                                   "the other suggestions are shown") from None
        except Exception as exc:  # noqa: BLE001 - a broken or incompatible pipeline is the user's to fix
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailable(f"spaCy pipeline '{name}' could not be loaded: {first}") from None
        _loaded[name] = nlp
        return nlp


def source_of(nlp: Any) -> str:
    """``model:<lang>_<name> <version>``, as spaCy names its packages (``model:en_core_web_sm 3.7.1``)."""
    meta = nlp.meta
    source = f"model:{meta.get('lang', nlp.lang)}_{meta.get('name', 'pipeline')} {meta.get('version', '0.0.0')}"
    return source[:64]  # a rejection stores it in 64 characters


def label_map(schema: Schema, mapping: Mapping[str, str] = DEFAULT_LABELS) -> dict[str, str]:
    """spaCy label → project label, for the project labels the schema has."""
    names = set(schema.label_names)
    return {ent: label for ent, label in mapping.items() if label in names}


def entities(name: str, text: str, schema: Schema) -> tuple[list[tuple[int, int, str]], str]:
    """(start, end, project label) of each entity the pipeline finds (code points, as spaCy's
    ``start_char``/``end_char``), and the source string; raises ``ModelUnavailable``."""
    nlp = load_pipeline(name)
    mapping = label_map(schema)
    nlp.max_length = max(nlp.max_length, len(text) + 1)  # a long report is the user's text, not an attack
    doc = nlp(text)
    return [(e.start_char, e.end_char, mapping[e.label_]) for e in doc.ents if e.label_ in mapping], source_of(nlp)
