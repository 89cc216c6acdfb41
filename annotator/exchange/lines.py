"""The lines of a bundle's members, both ways: sets (native JSONL + ``version``) and registry entries.

Parsing checks everything a database constraint or a later edit would otherwise trip over (the id is
the hash of the text, offsets fit and repeat the text, relations name spans of the same set), so a
bundle that parses can be stored without surprises, and one that does not is refused whole."""

from __future__ import annotations

import math
import re
from typing import Any, TypeGuard

from annotator.core.annotation_set import AnnotationSet
from annotator.core.errors import ValidationError
from annotator.core.events import Incident, events_of_line
from annotator.core.ids import report_id
from annotator.core.native import REPORT_META, native_record
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.schema import ENTITY_KINDS
from annotator.core.spans import Span, check_bounds
from annotator.core.storable import relation_problem, report_problem, span_problem, text_problem, value_problem
from annotator.core.titles import retitled
from annotator.exchange.bundle_format import BundleSet
from annotator.files.json_input import JsonInputError, expect, parse_json
from annotator.files.json_output import compact_json_bytes

ENTITY_FIELDS = ("kind", "name", "type", "lat", "lon", "country", "admin1", "parent")
_ENTITY_ID = re.compile(r"^[A-Za-z0-9:_.\-]{1,128}$")


class LineError(ValueError):
    """One line is malformed; the reader adds the file, member and line number."""


def dumps(obj: dict[str, Any]) -> bytes:
    """One JSONL line: UTF-8, no ASCII escaping (Arabic stays readable), ``\\n`` terminated."""
    return compact_json_bytes(obj) + b"\n"


# -- sets ------------------------------------------------------------------------------------------
def set_to_record(report: Report, aset: AnnotationSet, incidents: tuple[Incident, ...] = ()) -> dict[str, Any]:
    """The JSON object of one set: a native JSONL line plus the set's edit counter ``version``."""
    record = native_record(report, aset.annotator, aset.spans, aset.relations, aset.events, incidents)
    record["version"] = aset.version
    return record


def parse_set(raw: bytes, annotator: str) -> BundleSet:
    """A set line, fully checked; raises ``LineError`` with one sentence."""
    obj = _object(raw)
    text = obj.get("text")
    if not isinstance(text, str):
        raise LineError("has no 'text' string")
    problem = text_problem(text, "its text")
    if problem:
        raise LineError(problem)
    rid = report_id(text)
    if obj.get("id") != rid:
        raise LineError(f"id {str(obj.get('id'))[:16]}… is not the SHA-256 of the line's text")
    if obj.get("annotator") != annotator:
        raise LineError(f"belongs to annotator {obj.get('annotator')!r}, not {annotator!r} named by the manifest")
    version = obj.get("version")
    if not _is_int(version) or version < 0:
        raise LineError(f"version {version!r} is not a non-negative integer")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise LineError("'meta' is not an object")
    spans = tuple(_span(d, text) for d in _list(obj.get("spans"), "spans"))
    ids = [s.id for s in spans]
    if len(set(ids)) != len(ids):
        raise LineError("uses a span id twice")
    relations = tuple(_relation(d, set(ids)) for d in _list(obj.get("relations"), "relations"))
    if len({r.id for r in relations}) != len(relations):
        raise LineError("uses a relation id twice")
    try:
        events, incidents = events_of_line(obj, ids)
    except ValidationError as exc:
        raise LineError(str(exc)) from None
    report = _report(text, rid, meta)
    problem = report_problem(report) or next(filter(None, map(span_problem, spans)), None) \
        or next(filter(None, map(relation_problem, relations)), None)
    if problem:
        raise LineError(problem)
    return BundleSet(report, AnnotationSet(rid, annotator, spans, relations, version, events), incidents)


def _report(text: str, rid: str, meta: dict[str, Any]) -> Report:
    rest = {k: v for k, v in meta.items() if k not in REPORT_META}
    try:
        title = expect(meta.get("title") or "", str, "the report's title")
    except JsonInputError as exc:
        raise LineError(exc.detail) from None
    return retitled(Report(id=rid, text=text, title=title,  # type: ignore[arg-type]
                           source=_opt_str(meta.get("source")), published=_opt_str(meta.get("published")),
                           url=_opt_str(meta.get("url")), language=_opt_str(meta.get("language")),
                           direction="rtl" if meta.get("direction") == "rtl" else "ltr", meta=rest))


def _span(d: Any, text: str) -> Span:
    if not isinstance(d, dict):
        raise LineError(f"span {d!r:.40} is not an object")
    sid = d.get("id")
    if not isinstance(sid, str) or not sid:
        raise LineError(f"a span has no id ({d!r:.60})")
    start, end = d.get("start"), d.get("end")
    try:
        check_bounds(start, end, len(text), what=f"span {sid}")
    except ValidationError as exc:
        raise LineError(str(exc)) from None
    assert isinstance(start, int) and isinstance(end, int)  # check_bounds refused anything else
    if "text" in d and d["text"] != text[start:end]:
        raise LineError(f"span {sid} says {str(d['text'])[:30]!r} but the text there is {text[start:end][:30]!r}")
    label = d.get("label")
    if not isinstance(label, str) or not label:
        raise LineError(f"span {sid} has no label")
    attrs = d.get("attrs") or {}
    if not isinstance(attrs, dict):
        raise LineError(f"span {sid}: 'attrs' is not an object")
    for key in ("value", "entity", "resolution"):
        if d.get(key) is not None and not isinstance(d[key], str):
            raise LineError(f"span {sid}: '{key}' is not a string")
    return Span(sid, start, end, label, dict(attrs), d.get("value"), d.get("entity"), d.get("resolution"))


def _relation(d: Any, span_ids: set[str]) -> Relation:
    if not isinstance(d, dict):
        raise LineError(f"relation {d!r:.40} is not an object")
    for key in ("id", "head", "tail", "label"):
        if not isinstance(d.get(key), str) or not d[key]:
            raise LineError(f"a relation has no '{key}' ({d!r:.60})")
    for end in ("head", "tail"):
        if d[end] not in span_ids:
            raise LineError(f"relation {d['id']} names span {d[end]}, which is not in the set")
    attrs = d.get("attrs") or {}
    if not isinstance(attrs, dict):
        raise LineError(f"relation {d['id']}: 'attrs' is not an object")
    return Relation(d["id"], d["head"], d["tail"], d["label"], dict(attrs))


# -- registry entries ------------------------------------------------------------------------------
def entity_record(data: dict[str, Any]) -> dict[str, Any]:
    """The canonical shape of a registry entry (also what ``parse_entity`` returns)."""
    aliases = []
    seen: set[str] = set()
    for a in data.get("aliases") or []:
        name = (a.get("name") if isinstance(a, dict) else str(a)) or ""
        name = name.strip()
        if name and name not in seen:
            seen.add(name)
            aliases.append({"name": name, "lang": a.get("lang") if isinstance(a, dict) else None})
    out: dict[str, Any] = {"id": data["id"]}
    out.update({key: data.get(key) for key in ENTITY_FIELDS})
    out["meta"] = dict(data.get("meta") or {})
    out["aliases"] = aliases
    return out


def parse_entity(raw: bytes) -> dict[str, Any]:
    obj = _object(raw)
    eid = obj.get("id")
    if not isinstance(eid, str) or not _ENTITY_ID.match(eid):
        raise LineError(f"entity id {eid!r:.60} is missing or malformed")
    if obj.get("kind") not in ENTITY_KINDS:
        raise LineError(f"entity {eid}: kind must be {' or '.join(ENTITY_KINDS)}, not {obj.get('kind')!r:.30}")
    if not isinstance(obj.get("name"), str) or not obj["name"].strip():
        raise LineError(f"entity {eid} has no name")
    for key in ("type", "country", "admin1", "parent"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise LineError(f"entity {eid}: '{key}' is not a string")
    for key, bound in (("lat", 90), ("lon", 180)):
        v = obj.get(key)
        if v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool)
                              or not math.isfinite(v) or abs(v) > bound):
            raise LineError(f"entity {eid}: {key} {v!r:.30} is not a coordinate")
    if not isinstance(obj.get("aliases") or [], list) or not isinstance(obj.get("meta") or {}, dict):
        raise LineError(f"entity {eid}: 'aliases' must be a list and 'meta' an object")
    for a in obj.get("aliases") or []:
        if not isinstance(a, (dict, str)) or (isinstance(a, dict) and not isinstance(a.get("name"), str)):
            raise LineError(f"entity {eid}: alias {a!r:.40} is not a name")
    record = entity_record(obj)
    problem = value_problem(record, f"entity {eid}")
    if problem:
        raise LineError(problem)
    return record


# -- helpers ---------------------------------------------------------------------------------------
def _object(raw: bytes) -> dict[str, Any]:
    try:
        obj = parse_json(raw)
    except JsonInputError as exc:
        raise LineError(exc.detail) from None
    if not isinstance(obj, dict):
        raise LineError("is not a JSON object")
    return obj


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise LineError(f"'{what}' is not a list")
    return value


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
