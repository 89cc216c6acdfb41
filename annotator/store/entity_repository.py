"""Entity registry rows (actors, places and their aliases) in core-friendly dicts. Never commits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from annotator.core.errors import NotFound
from annotator.store.faults import stored_object
from annotator.store.models import AliasRow, EntityRow, SpanRow, utcnow

_IDS_PER_QUERY = 500
_ENTITY_COLUMNS = ("id", "kind", "name", "type", "lat", "lon", "country", "admin1", "parent_id", "meta")


def entity_to_dict(row: EntityRow) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "name": row.name, "type": row.type, "lat": row.lat, "lon": row.lon,
            "country": row.country, "admin1": row.admin1, "parent": row.parent_id, "meta": stored_object(row.meta),
            "aliases": [{"name": a.name, "lang": a.lang} for a in sorted(row.aliases, key=lambda a: a.id or 0)]}


class EntityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(EntityRow)) or 0

    def get(self, entity_id: str) -> dict[str, Any]:
        row = self.session.get(EntityRow, entity_id, options=[selectinload(EntityRow.aliases)])
        if row is None:
            raise NotFound(f"entity '{entity_id}' is not in the registry")
        return entity_to_dict(row)

    def find(self, entity_id: str) -> dict[str, Any] | None:
        row = self.session.get(EntityRow, entity_id, options=[selectinload(EntityRow.aliases)])
        return None if row is None else entity_to_dict(row)

    def get_many(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self.session.scalars(select(EntityRow).options(selectinload(EntityRow.aliases))
                                    .where(EntityRow.id.in_(wanted)))
        return {r.id: entity_to_dict(r) for r in rows}

    def stamp(self) -> tuple[int, str]:
        """What changes whenever the registry does (its size and latest edit): the resolver's cache key."""
        n, latest = self.session.execute(select(func.count(), func.max(EntityRow.updated_at))).one()
        return int(n or 0), str(latest)

    def iter_all(self, kind: str | None = None, batch: int = 2000) -> Iterator[dict[str, Any]]:
        """Every entity (of ``kind``) as ``entity_to_dict`` gives it, by id. Two streamed Core queries
        (entities, aliases) merged as they arrive: building the resolver reads the whole registry, and
        ORM objects for tens of thousands of aliases took longer than the query."""
        entities = select(*(EntityRow.__table__.c[name] for name in _ENTITY_COLUMNS)).order_by(EntityRow.id)
        aliases = select(AliasRow.entity_id, AliasRow.name, AliasRow.lang).order_by(AliasRow.entity_id, AliasRow.id)
        if kind:
            entities = entities.where(EntityRow.kind == kind)
            aliases = aliases.join(EntityRow, EntityRow.id == AliasRow.entity_id).where(EntityRow.kind == kind)
        streamed = {"yield_per": batch}
        groups = groupby(self.session.execute(aliases, execution_options=streamed), key=itemgetter(0))
        owner, names = next(groups, (None, iter(())))
        for eid, kind_, name, type_, lat, lon, country, admin1, parent, meta in self.session.execute(
                entities, execution_options=streamed):
            found: list[dict[str, Any]] = []
            if owner == eid:  # both streams follow entity id order; an entity without aliases has no group
                found = [{"name": n, "lang": lang} for _eid, n, lang in names]
                owner, names = next(groups, (None, iter(())))
            yield {"id": eid, "kind": kind_, "name": name, "type": type_, "lat": lat, "lon": lon, "country": country,
                   "admin1": admin1, "parent": parent, "meta": dict(meta or {}), "aliases": found}

    def search(self, text: str, kind: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        like = f"%{text.strip()}%"
        q = (select(EntityRow).options(selectinload(EntityRow.aliases))
             .outerjoin(AliasRow, AliasRow.entity_id == EntityRow.id)
             .where(or_(EntityRow.name.ilike(like), AliasRow.name.ilike(like), EntityRow.id.ilike(like)))
             .distinct().order_by(EntityRow.name).limit(limit))
        if kind:
            q = q.where(EntityRow.kind == kind)
        return [entity_to_dict(r) for r in self.session.scalars(q)]

    def upsert(self, data: dict[str, Any]) -> str:
        """Insert or replace an entity and its aliases; returns "added", "updated" or "unchanged"."""
        row = self.session.get(EntityRow, data["id"], options=[selectinload(EntityRow.aliases)])
        if row is not None and _same(entity_to_dict(row), data):
            return "unchanged"
        status = "updated"
        if row is None:
            row = EntityRow(id=data["id"], meta={}, updated_at=utcnow())
            self.session.add(row)
            status = "added"
        row.kind = data.get("kind") or "actor"
        row.name = data.get("name") or data["id"]
        row.type = data.get("type")
        row.lat, row.lon = data.get("lat"), data.get("lon")
        row.country, row.admin1 = data.get("country"), data.get("admin1")
        row.parent_id = data.get("parent")
        row.meta = dict(data.get("meta") or {})
        row.updated_at = utcnow()
        wanted: dict[str, str | None] = {}
        for alias in data.get("aliases") or []:
            name = ((alias.get("name") if isinstance(alias, dict) else str(alias)) or "").strip()[:300]
            if name and name not in wanted:
                wanted[name] = alias.get("lang") if isinstance(alias, dict) else None
        # keep rows whose name stays (the unique (entity, name) key must never be inserted twice
        # before the old row is deleted), drop the others, add the new names
        for old_row in list(row.aliases):
            if old_row.name in wanted:
                old_row.lang = wanted.pop(old_row.name)
            else:
                row.aliases.remove(old_row)
        self.session.flush()
        for name, lang in wanted.items():
            row.aliases.append(AliasRow(name=name, lang=lang))
        self.session.flush()
        return status

    def upsert_many(self, items: Sequence[dict[str, Any]]) -> list[str]:
        """``upsert`` of each item, in order; the statuses. The stored entities are read once per 500 ids
        and new ones inserted together (``add_many``): one ``upsert`` costs two queries, and a registry
        import of thousands of entities, most unchanged, took seconds per thousand. An id met twice, and
        an entity that changed, go through ``upsert``, after the new ones before them are inserted."""
        ids = list(dict.fromkeys(item["id"] for item in items))
        stored: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), _IDS_PER_QUERY):
            stored.update(self.get_many(ids[start:start + _IDS_PER_QUERY]))
        statuses: list[str] = []
        new: list[dict[str, Any]] = []
        met: set[str] = set()
        for item in items:
            old = stored.get(item["id"]) if item["id"] not in met else None
            if item["id"] not in met and old is None:
                new.append(item)
                statuses.append("added")
            elif old is not None and _same(old, item):
                statuses.append("unchanged")
            else:
                self.add_many(new)
                new = []
                statuses.append(self.upsert(item))
            met.add(item["id"])
        self.add_many(new)
        return statuses

    def add_many(self, items: Iterable[dict[str, Any]]) -> int:
        """Fast bulk insert for seeding an empty registry."""
        n = 0
        entity_rows, alias_rows = [], []
        now = utcnow()
        for d in items:
            entity_rows.append({"id": d["id"], "kind": d.get("kind") or "actor", "name": d.get("name") or d["id"],
                                "type": d.get("type"), "lat": d.get("lat"), "lon": d.get("lon"),
                                "country": d.get("country"), "admin1": d.get("admin1"),
                                "parent_id": d.get("parent"), "meta": dict(d.get("meta") or {}), "updated_at": now})
            seen: set[str] = set()
            for a in d.get("aliases") or []:
                name = ((a.get("name") or "") if isinstance(a, dict) else str(a)).strip()[:300]
                if name and name not in seen:  # as ``upsert`` keeps them: the first of each name as stored
                    seen.add(name)
                    alias_rows.append({"entity_id": d["id"], "name": name,
                                       "lang": a.get("lang") if isinstance(a, dict) else None})
            n += 1
        if entity_rows:
            self.session.execute(EntityRow.__table__.insert(), entity_rows)
        if alias_rows:
            self.session.execute(AliasRow.__table__.insert(), alias_rows)
        return n

    def delete(self, entity_id: str) -> None:
        self.session.execute(delete(EntityRow).where(EntityRow.id == entity_id))

    def repoint_mentions(self, old: str, new: str) -> int:
        """Spans linked to ``old`` now link to ``new`` (merging duplicates); returns how many."""
        # an UPDATE gives a CursorResult (which has rowcount); Session.execute is typed as any Result
        result = cast(CursorResult[Any], self.session.execute(
            update(SpanRow).where(SpanRow.entity_id == old).values(entity_id=new)))
        return result.rowcount or 0

    def mention_counts(self) -> dict[str, int]:
        q = select(SpanRow.entity_id, func.count()).where(SpanRow.entity_id.is_not(None)).group_by(SpanRow.entity_id)
        return {eid: n for eid, n in self.session.execute(q) if eid is not None}  # the query has none: for the type


def _same(stored: dict[str, Any], data: dict[str, Any]) -> bool:
    for key in ("kind", "name", "type", "lat", "lon", "country", "admin1"):
        if stored.get(key) != data.get(key):
            return False
    if stored.get("parent") != data.get("parent"):
        return False
    a = sorted((x["name"], x.get("lang")) for x in stored.get("aliases") or [])
    b = sorted((((x.get("name") or "") if isinstance(x, dict) else str(x)).strip(),
                x.get("lang") if isinstance(x, dict) else None) for x in data.get("aliases") or [])
    return a == sorted(set(b))
