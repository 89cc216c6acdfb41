"""What a database can store: checked before a transaction starts, so a value that passes every
other rule cannot fail half-way through storing a file (and leave one unexpected error behind).

Found by fuzzing: a span ``value`` of 10^30 (no SQLite integer holds it), an ``entity`` holding a
lone surrogate (no UTF-8 encoding, no database column), ``Infinity`` in attributes (not JSON; a
PostgreSQL JSON column refuses it), a NUL character (PostgreSQL text cannot hold it) and attribute
values nested thousands deep (the JSON encoder runs out of stack)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

MAX_DEPTH = 32  # attribute and metadata values: objects and lists nested at most this deep
_INT_LIMIT = 1 << 63


def text_problem(text: str, what: str) -> str | None:
    """Why ``text`` cannot be stored, or None."""
    if "\x00" in text:
        return f"{what} holds a NUL character, which a database cannot store"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (f"{what} holds an unpaired surrogate (\\u{ord(text[exc.start]):04x} at {exc.start}), which is not "
                "a character")
    return None


def value_problem(value: Any, what: str) -> str | None:
    """Why a JSON-like value (attributes, metadata) cannot be stored, or None."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"{what} is nested more than {MAX_DEPTH} levels deep"
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, str):
            problem = text_problem(item, what)
            if problem:
                return problem
        elif isinstance(item, int):
            if not -_INT_LIMIT <= item < _INT_LIMIT:
                return f"{what} holds the integer {item:.3g}, larger than a database integer"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"{what} holds {item}, which is not a number a database can store"
        elif isinstance(item, dict):
            for key, v in item.items():
                if not isinstance(key, str):
                    return f"{what} has a key {key!r:.30} that is not a string"
                problem = text_problem(key, what)
                if problem:
                    return problem
                stack.append((v, depth + 1))
        elif isinstance(item, (list, tuple)):
            stack.extend((v, depth + 1) for v in item)
        else:
            return f"{what} holds a {type(item).__name__}, which is not a JSON value"
    return None


def json_kind(value: Any) -> str:
    """What a JSON value is, in words for a sentence (a file's ``"label": [1]`` is "a list", never
    Python's repr)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return f"the string {value[:30]!r}"
    if isinstance(value, (int, float)):
        return f"the number {value!r:.30}"
    return f"a {type(value).__name__}"


def field_problem(value: Any, what: str, *, required: bool = False) -> str | None:
    """Why a string field (an id, a label, a span's value or entity) cannot be stored, or None."""
    if value is None and not required:
        return None
    if not isinstance(value, str):
        return f"{what} is {json_kind(value)}, not a string"
    if required and not value:
        return f"{what} is empty"
    return text_problem(value, what)


def span_problem(span: Any) -> str | None:
    """Why a ``Span`` cannot be stored (beyond its offsets, which ``check_bounds`` covers), or None."""
    where = f"span {str(span.id)[:40]}"
    return (field_problem(span.id, f"{where}: its id", required=True)
            or field_problem(span.label, f"{where}: its label", required=True)
            or field_problem(span.value, f"{where}: its value")
            or field_problem(span.entity, f"{where}: its entity")
            or field_problem(span.resolution, f"{where}: its resolution")
            or _attrs_problem(span.attrs, where))


def relation_problem(relation: Any) -> str | None:
    where = f"relation {str(relation.id)[:40]}"
    return (field_problem(relation.id, f"{where}: its id", required=True)
            or field_problem(relation.label, f"{where}: its label", required=True)
            or _attrs_problem(relation.attrs, where))


def report_problem(report: Any) -> str | None:
    """Why a ``Report`` (its text, its metadata) cannot be stored, or None."""
    problem = text_problem(report.text, "the report text")
    if problem:
        return problem
    if not report.text.strip():  # what ``import`` refuses ("contains no text"): a load or a bundle too
        return "the report text is empty" if not report.text else "the report text holds only spaces"
    for name in ("title", "source", "published", "url", "language"):
        problem = field_problem(getattr(report, name), f"the report's {name}")
        if problem:
            return problem
    return value_problem(dict(report.meta), "the report's metadata")


def _attrs_problem(attrs: Any, where: str) -> str | None:
    if not isinstance(attrs, dict):
        return f"{where}: its attributes are not an object"
    return value_problem(attrs, f"{where}: an attribute")


# -- whole collections at once: a corpus file holds half a million spans ---------------------------------
_SCALARS = (str, int, float, bool, type(None))


def storable_at_once(spans: Sequence[Any], relations: Sequence[Any] = ()) -> bool:
    """True when every span and relation can certainly be stored: what ``span_problem`` and
    ``relation_problem`` would say of each, screened in one pass. Every string field must be a plain
    ``str`` and every attribute value a flat JSON scalar; their text, joined, is checked for a NUL
    and for unpaired surrogates once (two C-level scans instead of five Python calls per span).

    False means "not certain", never "refused": the caller then asks ``span_problem`` and
    ``relation_problem`` one by one, so the sentence a bad value gets is the same as ever."""
    parts: list[str] = []
    add = parts.append
    for s in spans:
        sid, label, value, entity, resolution, attrs = s.id, s.label, s.value, s.entity, s.resolution, s.attrs
        if type(sid) is not str or type(label) is not str or not sid or not label or type(attrs) is not dict:
            return False
        add(sid)
        add(label)
        for optional in (value, entity, resolution):
            if optional is not None:
                if type(optional) is not str:
                    return False
                add(optional)
        if attrs and not _flat_into(attrs, add):
            return False
    for r in relations:
        rid, label, attrs = r.id, r.label, r.attrs
        if type(rid) is not str or type(label) is not str or not rid or not label or type(attrs) is not dict:
            return False
        add(rid)
        add(label)
        if attrs and not _flat_into(attrs, add):
            return False
    joined = "".join(parts)
    if "\x00" in joined:
        return False
    if not joined.isascii():
        try:
            joined.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def _flat_into(attrs: dict[Any, Any], add: Any) -> bool:
    """Add an attribute object's keys and string values to the screened text; False when it holds
    anything but string keys and flat scalars a database stores (``value_problem`` decides those)."""
    for key, value in attrs.items():
        if type(key) is not str or type(value) not in _SCALARS:
            return False
        add(key)
        if type(value) is str:
            add(value)
        elif type(value) is int:
            if not -_INT_LIMIT <= value < _INT_LIMIT:
                return False
        elif type(value) is float and not math.isfinite(value):
            return False
    return True
