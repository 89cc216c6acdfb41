"""Compact JSON text out: the lines of our JSON Lines files, written by orjson where its bytes are the
standard module's.

``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))`` defines the bytes (shared/docs/native-jsonl.md:
a file written today must equal the one written before). orjson writes the same text for strings, integers,
booleans, null, lists and objects in a fifth of the time (the export of 10,000 reports spent 2.9 s of CPU in
the standard encoder), and differs in two ways: some floats (``1e-05`` is ``0.00001``, NaN is ``null``) and
what it refuses (integers beyond 64 bits, non-string keys, lone surrogates, subclasses of the JSON types).
So a value goes through orjson only when every float in it is written the same by both (checked per float),
and whatever orjson refuses goes to the standard module, whose text, or error, is the answer as before."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import orjson

# refuse (rather than convert) what the standard module would refuse or write differently
_STRICT = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_SCALARS = (str, int, bool, type(None))


def compact_json(obj: Any, free: Iterable[Any] | None = None) -> str:
    """``obj`` as ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))`` writes it.

    ``free``: the parts of ``obj`` that may hold floats, when the caller's types say the rest holds only
    strings, integers, booleans, null, lists and objects (a corpus line: the metadata and attributes, not
    the half million offsets and labels); ``None``: all of ``obj`` is checked."""
    fast = _orjson_bytes(obj, free)
    return fast.decode("utf-8") if fast is not None else json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def compact_json_bytes(obj: Any, free: Iterable[Any] | None = None) -> bytes:
    """``compact_json``'s text in UTF-8, for a writer into a binary file: orjson's bytes as they are,
    not decoded to text for the file to encode back (a tenth of the time ``annotator record`` spent on
    its 170 MB). A lone surrogate, which the text writer would have refused when encoding, is refused
    here (``UnicodeEncodeError``) the same way."""
    fast = _orjson_bytes(obj, free)
    return fast if fast is not None else json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _orjson_bytes(obj: Any, free: Iterable[Any] | None) -> bytes | None:
    """orjson's compact bytes of ``obj`` when they are the standard module's (``None``: ask it)."""
    if same_in_orjson(obj) if free is None else all(map(same_in_orjson, free)):
        try:
            return orjson.dumps(obj, option=_STRICT)
        except orjson.JSONEncodeError:
            pass  # a big integer, a non-string key, a lone surrogate, another type: the standard module decides
    return None


def indented_json(obj: Any) -> str:
    """``obj`` as ``json.dumps(obj, ensure_ascii=False, indent=2)`` writes it (what ``--json`` prints and
    the agreement report's JSON file holds), by orjson where both write the same, as ``compact_json``."""
    if same_in_orjson(obj):
        try:
            return orjson.dumps(obj, option=_STRICT | orjson.OPT_INDENT_2).decode("utf-8")
        except orjson.JSONEncodeError:
            pass  # what orjson refuses: the standard module decides
    return json.dumps(obj, ensure_ascii=False, indent=2)


def same_in_orjson(value: Any) -> bool:
    """True when orjson writes ``value`` as the standard module does, or refuses it (never a different
    text): false for a float whose shortest form the two spell differently, and for a type neither is
    known to agree on."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is dict:
        return all(map(same_in_orjson, value.values()))
    if kind is list or kind is tuple:
        return all(map(same_in_orjson, value))
    if kind is float:
        return orjson.dumps(value) == float.__repr__(value).encode("ascii")
    return False
