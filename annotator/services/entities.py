"""The entity registry: seeding from the starter set, search, edit, merge, import and export.

Registry entries are plain dicts (id, kind, name, type, aliases [{name, lang}], lat, lon, country,
admin1, parent, meta) — the shape of ``resources/entities/*.json`` and of registry exports."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anyascii import anyascii

from annotator.core.errors import Conflict, FormatError, NotFound, PermissionDenied, ValidationError
from annotator.core.schema import ENTITY_KINDS
from annotator.core.storable import value_problem
from annotator.files.atomic import atomic_file
from annotator.files.json_input import JsonInputError, load_json_file
from annotator.services.context import ServiceContext
from annotator.services.samples import resources_dir
from annotator.store.uow import UnitOfWork

SEEDED = "registry_seeded"
_ID = re.compile(r"^[A-Za-z0-9:_.\-]{1,128}$")


@dataclass
class RegistryImport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def starter_files() -> list[Path]:
    folder = resources_dir() / "entities"
    return [p for p in (folder / "places.json", folder / "actors.json") if p.exists()]


def _seed(uow: UnitOfWork, *, force: bool = False) -> int:
    """The starter registry, shipped with annotator and checked by its tests (as an import checks a file:
    ``test_the_starter_registry_passes_the_import_checks``), not at every seed: the checks were half of
    the 1.2 s a new database's first record or window spent seeding."""
    if uow.entities.count() and not force:
        return 0
    n = 0
    for path in starter_files():
        n += uow.entities.add_many(_read_json_entities(path))
    return n


def ensure_registry(ctx: ServiceContext) -> int:
    """Seed the starter registry once per database (a later empty registry stays empty).

    The seed and its "done" mark are one transaction, and the mark is written insert-or-ignore, so
    two callers at once (a start-up task and the first span's resolution, or two processes) never
    fail on each other: the second finds the registry seeded."""
    if ctx.registry_seeded:
        return 0
    with ctx.uow() as uow:
        if uow.settings.has(SEEDED):
            ctx.registry_seeded = True
            return 0
    try:
        with ctx.uow() as uow:
            if uow.settings.has(SEEDED):
                ctx.registry_seeded = True
                return 0
            added = _seed(uow)
            if not uow.settings.add_once(SEEDED, {"entries": added}):
                ctx.registry_seeded = True
                return 0  # another writer seeded meanwhile: theirs stands, this seed is rolled back
            uow.commit()
            ctx.registry_seeded = True
            return added
    except Conflict:  # another writer seeded the same entries first
        return 0
    except PermissionDenied:  # a team server's annotator login may not write the registry: it reads it as it is
        ctx.registry_seeded = True  # (the owner's or a supervisor's first run seeds it)
        return 0


def search_entities(ctx: ServiceContext, text: str = "", kind: str | None = None,
                    limit: int = 200) -> list[dict[str, Any]]:
    with ctx.uow() as uow:
        counts = uow.entities.mention_counts()
        found = uow.entities.search(text, kind, limit)
    for e in found:
        e["mentions"] = counts.get(e["id"], 0)
    return found


def get_entity(ctx: ServiceContext, entity_id: str) -> dict[str, Any]:
    with ctx.uow() as uow:
        return uow.entities.get(entity_id)


def entity_names(ctx: ServiceContext, ids: Iterable[str]) -> dict[str, str]:
    """Display names of registry entities (one query), for lists that show spans' entities."""
    with ctx.uow() as uow:
        return {eid: e["name"] for eid, e in uow.entities.get_many(ids).items()}


def save_entity(ctx: ServiceContext, data: dict[str, Any]) -> dict[str, Any]:
    """Create or edit one entity (validated); committed before returning."""
    (entity,) = _validated([data], "entity")
    with ctx.uow() as uow:
        uow.entities.upsert(entity)
        uow.commit()
        return uow.entities.get(entity["id"])


def new_entity_id(kind: str, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(name).lower()).strip("-")[:60] or "entity"
    return f"{kind}:local:{slug}"


def merge_entities(ctx: ServiceContext, keep: str, drop: str) -> int:
    """Merge ``drop`` into ``keep``: aliases join, mentions follow, ``drop`` disappears. One transaction."""
    if keep == drop:
        raise ValidationError("an entity cannot be merged into itself")
    with ctx.uow() as uow:
        kept = uow.entities.get(keep)
        dropped = uow.entities.get(drop)
        if kept["kind"] != dropped["kind"]:
            raise ValidationError(f"cannot merge the {dropped['kind']} '{dropped['name']}' into the "
                                  f"{kept['kind']} '{kept['name']}'")
        names = {a["name"] for a in kept["aliases"]} | {kept["name"]}
        extra = [{"name": dropped["name"], "lang": None}] + dropped["aliases"]
        kept["aliases"] = kept["aliases"] + [a for a in extra if a["name"] not in names]
        meta = dict(kept.get("meta") or {})
        meta.setdefault("merged", []).append(drop)
        kept["meta"] = meta
        uow.entities.upsert(kept)
        moved = uow.entities.repoint_mentions(drop, keep)
        uow.entities.delete(drop)
        uow.commit()
        return moved


def export_registry(ctx: ServiceContext, out: Path, *, fmt: str | None = None) -> int:
    """Write the registry as JSON (a list) or CSV (one row per entity; aliases joined by ' | ')."""
    out = Path(out)
    fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "json")
    n = 0
    with ctx.uow() as uow, atomic_file(out) as fh:
        if fmt == "csv":
            writer = csv.writer(fh)
            writer.writerow(["id", "kind", "name", "type", "lat", "lon", "country", "admin1", "parent", "aliases"])
            for e in uow.entities.iter_all():
                writer.writerow([e["id"], e["kind"], e["name"], e["type"] or "", _num(e["lat"]), _num(e["lon"]),
                                 e["country"] or "", e["admin1"] or "", e["parent"] or "",
                                 " | ".join(f"{a['name']}@{a['lang']}" if a["lang"] else a["name"]
                                            for a in e["aliases"])])
                n += 1
        else:
            fh.write("[\n")
            for e in uow.entities.iter_all():
                fh.write((",\n" if n else "") + json.dumps(e, ensure_ascii=False))
                n += 1
            fh.write("\n]\n")
    return n


def import_registry(ctx: ServiceContext, path: Path) -> RegistryImport:
    """Merge entries by id from JSON or CSV; validated first, stored in one transaction."""
    path = Path(path)
    if not path.exists():
        raise FormatError(path, None, "does not exist")
    items = _read_csv_entities(path) if path.suffix.lower() == ".csv" else _read_json_entities(path)
    entries = _validated(items, path)
    result = RegistryImport()
    with ctx.uow() as uow:
        for status in uow.entities.upsert_many(entries):
            setattr(result, status, getattr(result, status) + 1)
        uow.commit()
    return result


def _num(v: float | None) -> str:
    return "" if v is None else repr(v)


def _read_json_entities(path: Path) -> list[dict[str, Any]]:
    try:
        data = load_json_file(path)
    except JsonInputError as exc:
        raise FormatError(path, exc.line, f"is not a JSON registry: it {exc.detail}") from None
    if isinstance(data, dict):
        data = data.get("entities", [])
    if not isinstance(data, list):
        raise FormatError(path, None, "must hold a list of entities")
    return data


def _read_csv_entities(path: Path) -> list[dict[str, Any]]:
    try:
        return _csv_rows(path)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise FormatError(path, None, f"is not a readable CSV registry ({exc})") from None
    except OSError as exc:
        raise FormatError(path, None, f"cannot be read ({exc.strerror or exc})") from None


def _csv_rows(path: Path) -> list[dict[str, Any]]:
    items = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            try:
                aliases = []
                for part in (row.get("aliases") or "").split(" | "):
                    if part.strip():
                        name, _, lang = part.strip().rpartition("@") if "@" in part else (part.strip(), "", "")
                        aliases.append({"name": name or part.strip(), "lang": lang or None})
                items.append({"id": row["id"], "kind": row["kind"], "name": row["name"],
                              "type": row.get("type") or None,
                              "lat": float(row["lat"]) if row.get("lat") else None,
                              "lon": float(row["lon"]) if row.get("lon") else None,
                              "country": row.get("country") or None, "admin1": row.get("admin1") or None,
                              "parent": row.get("parent") or None, "aliases": aliases, "_line": i})
            except (KeyError, ValueError) as exc:
                raise FormatError(path, i, f"bad registry row ({exc})") from None
    return items


def _validated(items: Iterable[Any], where: object) -> list[dict[str, Any]]:
    out = []
    for i, raw in enumerate(items):
        line = raw.get("_line") if isinstance(raw, dict) else None
        label = f"entry {i + 1}"
        if not isinstance(raw, dict):
            raise FormatError(where, line, f"{label} is not an object")
        e = {k: v for k, v in raw.items() if k != "_line"}
        if not isinstance(e.get("id"), str) or not _ID.match(e["id"]):
            raise FormatError(where, line, f"{label} has a missing or malformed id {e.get('id')!r}")
        if e.get("kind") not in ENTITY_KINDS:
            raise FormatError(where, line, f"{e['id']}: kind must be {' or '.join(ENTITY_KINDS)}, "
                                           f"not {e.get('kind')!r}")
        if not isinstance(e.get("name"), str) or not e["name"].strip():
            raise FormatError(where, line, f"{e['id']}: has no name")
        for coord, bound in (("lat", 90), ("lon", 180)):
            v = e.get(coord)
            if v is not None and (not isinstance(v, (int, float)) or abs(v) > bound):
                raise FormatError(where, line, f"{e['id']}: {coord} {v!r} is not a coordinate")
        aliases = e.get("aliases") or []
        if not isinstance(aliases, list):
            raise FormatError(where, line, f"{e['id']}: aliases must be a list")
        if any(isinstance(a, dict) and not isinstance(a.get("name"), str) for a in aliases):
            raise FormatError(where, line, f"{e['id']}: an alias has no name")
        e["aliases"] = [a if isinstance(a, dict) else {"name": str(a), "lang": None} for a in aliases]
        problem = value_problem(e, e["id"])
        if problem:
            raise FormatError(where, line, problem)
        out.append(e)
    return out


def require_entity(ctx: ServiceContext, entity_id: str) -> None:
    with ctx.uow() as uow:
        if uow.entities.find(entity_id) is None:
            raise NotFound(f"entity '{entity_id}' is not in the registry")
