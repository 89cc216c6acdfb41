"""Canonical entities (actors and places) and the starter registry shipped in resources/entities.

An entity is data: ``id`` (``actor:irgc``, ``place:geonames:170794``), ``kind`` (actor|place), ``name``,
``type`` (actors: state, armed forces, intelligence, armed group, media, person, organisation;
places: city, region, country, site), ``aliases`` in several scripts, and for places ``lat``/``lon``,
``country`` (ISO 3166 alpha-2), ``admin1`` (region name) and ``parent`` (an entity id). Fields the model has
no room for (population, approximate, notes, ...) are kept in ``meta``.

Nothing is read at import time: ``load_entities(path)`` reads one JSON file when asked, and
``starter_paths()`` names the files of the shipped starter set.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import FormatError
from annotator.core.schema import ENTITY_KINDS

_FIELDS = {"id", "kind", "name", "type", "aliases", "lat", "lon", "country", "admin1", "parent"}


@dataclass(frozen=True)
class Alias:
    name: str
    lang: str | None = None


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str  # ENTITY_KINDS: actor | place
    name: str
    type: str | None = None
    aliases: tuple[Alias, ...] = ()
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    parent: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def names(self) -> Iterator[str]:
        """The canonical name, then every alias, each once."""
        seen = {self.name}
        yield self.name
        for a in self.aliases:
            if a.name not in seen:
                seen.add(a.name)
                yield a.name

    def summary(self) -> dict[str, Any]:
        """The ``entity`` object of a record: id, name, type, and for places lat/lon where known."""
        out: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        if self.kind == "place":
            if self.lat is not None and self.lon is not None:
                out["lat"], out["lon"] = self.lat, self.lon
            if self.country:
                out["country"] = self.country
            if self.admin1:
                out["admin1"] = self.admin1
            if self.meta.get("approximate"):
                out["approximate"] = True  # coordinates stand for an area (exports lower geo precision)
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "name": self.name, "type": self.type,
                               "aliases": [{"name": a.name, "lang": a.lang} for a in self.aliases]}
        if self.kind == "place":
            out.update(lat=self.lat, lon=self.lon, country=self.country, admin1=self.admin1,
                       parent=self.parent)
        elif self.parent:
            out["parent"] = self.parent
        if self.country and self.kind != "place":
            out["country"] = self.country
        out.update(self.meta)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Entity:
        """Build from the JSON shape; raises ``ValueError``/``KeyError``/``TypeError`` on bad data."""
        kind = str(d["kind"])
        if kind not in ENTITY_KINDS:
            raise ValueError(f"kind must be {' or '.join(ENTITY_KINDS)}, not {kind!r}")
        aliases = []
        for a in d.get("aliases") or ():
            if isinstance(a, str):
                aliases.append(Alias(a))
            else:
                aliases.append(Alias(str(a["name"]), a.get("lang")))
        lat, lon = d.get("lat"), d.get("lon")
        return cls(id=str(d["id"]), kind=kind, name=str(d["name"]), type=d.get("type"),
                   aliases=tuple(aliases),
                   lat=float(lat) if lat is not None else None, lon=float(lon) if lon is not None else None,
                   country=d.get("country"), admin1=d.get("admin1"), parent=d.get("parent"),
                   meta={k: v for k, v in d.items() if k not in _FIELDS})


def entities_from_json(data: Any, *, source: str = "<data>") -> list[Entity]:
    """Entities from a parsed document: ``{"entities": [...]}`` or a bare list."""
    items = data.get("entities") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FormatError(source, None, "expected a list of entities or {\"entities\": [...]}")
    out: list[Entity] = []
    seen: set[str] = set()
    for i, item in enumerate(items, 1):
        try:
            entity = Entity.from_dict(item)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise FormatError(source, None, f"entity {i} is malformed: {exc}") from None
        if entity.id in seen:
            raise FormatError(source, None, f"entity id {entity.id} appears twice")
        seen.add(entity.id)
        out.append(entity)
    return out


def load_entities(path: str | Path) -> list[Entity]:
    """Read one registry file (UTF-8 JSON); errors are ``FormatError`` naming the file."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        raise FormatError(path, None, f"cannot be read ({exc.strerror or exc})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(path, getattr(exc, "lineno", None), f"is not valid JSON: {exc}") from None
    return entities_from_json(data, source=str(path))


def starter_paths(resources: str | Path | None = None) -> list[Path]:
    """The shipped starter registry: ``resources/entities/{actors,places}.json``.

    ``resources`` defaults to the repository's ``resources`` folder (next to the package)."""
    base = Path(resources) if resources is not None else Path(__file__).resolve().parents[2] / "resources"
    return [base / "entities" / "actors.json", base / "entities" / "places.json"]


def load_starter_entities(resources: str | Path | None = None) -> list[Entity]:
    out: list[Entity] = []
    for p in starter_paths(resources):
        out.extend(load_entities(p))
    return out


def index_by_id(entities: Iterable[Entity]) -> dict[str, Entity]:
    return {e.id: e for e in entities}
