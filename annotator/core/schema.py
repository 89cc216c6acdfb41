"""The annotation schema: labels (with keys and colours), relation types and attributes.

It is data: the default below is the product's, and a project may load another (``Schema.from_dict``;
``annotator schema import``). Everything that checks a span or relation asks the schema, never a
hard-coded label list, and so does everything that gives a label's spans a meaning:

- ``"entity": "actor"`` / ``"place"`` on a label: its spans link to registry entities of that kind
  (resolution, candidates, the record's ``actors``/``places``). The kinds are the registry's own fixed
  vocabulary, ``ENTITY_KINDS``, not the project's: the registry is shared by every project on a database
  and its entries (``actor:irgc``, ``place:geonames:…``) are exchanged between projects, so a project
  maps its labels onto the kinds (``{"name": "PER", "entity": "actor"}``) rather than inventing kinds.
- ``"value": "date"`` on a label: its spans carry a normalised ISO 8601 value (``VALUE_KINDS``), filled
  automatically and listed in the record's ``dates``.
- ``"record": "claim"`` on a label: its spans are the claims of the structured record (``LABEL_ROLES``);
  ``"record": "source"`` on a relation type: it links a claim to the actor who makes it
  (``RELATION_ROLES``). ``Schema.record_roles`` gathers these for ``records.record``.

Versions: a schema without ``version`` predates all three and meant them by label name (``actor``,
``place``, ``date``, ``claim``, relation ``source``); one of version 2 declared ``entity``/``value`` but
not ``record``, so its ``claim`` label and ``source`` relation keep their roles. Version 3 declares all.
"""

from __future__ import annotations

import colorsys
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any

from annotator.core.errors import ValidationError, failure_detail
from annotator.core.event_schema import EventSchema
from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.core.storable import relation_problem, span_problem
from annotator.core.wording import with_article

ENTITY_KINDS = ("actor", "place")  # the registry's kinds (fixed: the registry is shared across projects)
VALUE_KINDS = ("date",)  # normalised values a label may carry
LABEL_ROLES = ("claim",)  # what a label's spans are in the structured record
RELATION_ROLES = ("source",)  # what a relation type is in the structured record


@dataclass(frozen=True)
class Label:
    name: str
    key: str  # the keyboard key that applies it ("1".."9")
    color: str  # "#rrggbb"
    description: str = ""
    entity: str | None = None  # spans link to registry entities of this kind (ENTITY_KINDS)
    value: str | None = None  # spans carry a normalised value of this kind ("date": ISO 8601)
    record: str | None = None  # the spans' role in the structured record (LABEL_ROLES: "claim")


@dataclass(frozen=True)
class RelationType:
    name: str
    heads: tuple[str, ...]  # labels allowed at the head
    tails: tuple[str, ...]  # labels allowed at the tail
    description: str = ""
    record: str | None = None  # the relation's role in the structured record (RELATION_ROLES: "source")


@dataclass(frozen=True)
class AttributeDef:
    name: str
    labels: tuple[str, ...]  # labels that carry it
    values: tuple[str, ...] = ()  # allowed values; empty = free text; ("true","false") = flag
    default: str | None = None


SCHEMA_VERSION = 3  # 2: labels declare their entity kind and value kind; 3: record roles

DEFAULT_SCHEMA: dict[str, Any] = {
    "name": "conflict-reports",
    "version": SCHEMA_VERSION,
    "labels": [
        {"name": "actor", "key": "1", "color": "#2f7fd1", "description": "a person, group, state or outlet",
         "entity": "actor"},
        {"name": "place", "key": "2", "color": "#2a9d5b", "description": "a named location", "entity": "place"},
        {"name": "date", "key": "3", "color": "#c77d10", "description": "a date or time expression",
         "value": "date"},
        {"name": "claim", "key": "4", "color": "#b0479a", "description": "a statement attributed to a source",
         "record": "claim"},
    ],
    "relations": [
        {"name": "source", "heads": ["claim"], "tails": ["actor"], "description": "who makes the claim",
         "record": "source"},
        {"name": "actor", "heads": ["claim"], "tails": ["actor"], "description": "an actor in the claim"},
        {"name": "place", "heads": ["claim"], "tails": ["place"], "description": "where the claim happens"},
        {"name": "date", "heads": ["claim"], "tails": ["date"], "description": "when the claim happens"},
    ],
    "attributes": [
        {"name": "status", "labels": ["claim"],
         "values": ["reported", "confirmed", "unconfirmed", "denied", "speculative"], "default": "reported"},
        {"name": "kind", "labels": ["actor"],
         "values": ["person", "organisation", "state", "armed group", "media"]},
        {"name": "negated", "labels": ["claim", "actor", "place", "date"], "values": ["true", "false"]},
        {"name": "note", "labels": ["claim", "actor", "place", "date"], "values": []},
        {"name": "reliability", "labels": ["actor", "claim"], "values": list("ABCDEF")},  # Admiralty (core.grading)
        {"name": "credibility", "labels": ["claim"], "values": list("123456")},
    ],
}


@dataclass(frozen=True)
class Schema:
    name: str
    labels: tuple[Label, ...]
    relations: tuple[RelationType, ...] = ()
    attributes: tuple[AttributeDef, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    events: EventSchema | None = None  # event types and roles (core.event_schema), when the project has them

    @classmethod
    def default(cls) -> Schema:
        return cls.from_dict(DEFAULT_SCHEMA)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Schema:
        """Build and validate a schema; every problem is one clear ``ValidationError``."""
        try:
            legacy = "version" not in data
            unroled = legacy or _version(data["version"]) < 3
            labels = tuple(Label(str(d["name"]), str(d.get("key", "")), str(d.get("color", "#888888")),
                                 str(d.get("description", "")),
                                 _opt(d.get("entity", _LEGACY_ENTITY.get(d["name"]) if legacy else None)),
                                 _opt(d.get("value", _LEGACY_VALUE.get(d["name"]) if legacy else None)),
                                 _opt(d.get("record", _LEGACY_LABEL_ROLE.get(d["name"]) if unroled else None)))
                           for d in data["labels"])
            relations = tuple(RelationType(str(d["name"]), tuple(d.get("heads", ())),
                                           tuple(d.get("tails", ())), str(d.get("description", "")),
                                           _opt(d.get("record", _LEGACY_RELATION_ROLE.get(d["name"])
                                                      if unroled else None)))
                              for d in data.get("relations", ()))
            attributes = tuple(AttributeDef(str(d["name"]), tuple(d.get("labels", ())),
                                            tuple(str(v) for v in d.get("values", ())), d.get("default"))
                               for d in data.get("attributes", ()))
        except (KeyError, TypeError, AttributeError) as exc:  # said in the file's terms, not Python's
            raise ValidationError(f"the schema is malformed: {failure_detail(exc)}") from None
        events = EventSchema.from_dict(data["events"]) if data.get("events") else None
        if events is not None:
            labels, relations, events = _roles_from_events(labels, relations, events)
        schema = cls(str(data.get("name", "schema")), labels, relations, attributes, events=events)
        schema._check()
        return schema

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": SCHEMA_VERSION,
            "labels": [{"name": lbl.name, "key": lbl.key, "color": lbl.color, "description": lbl.description,
                        **({"entity": lbl.entity} if lbl.entity else {}), **({"value": lbl.value} if lbl.value else {}),
                        **({"record": lbl.record} if lbl.record else {})}
                       for lbl in self.labels],
            "relations": [{"name": r.name, "heads": list(r.heads), "tails": list(r.tails),
                           "description": r.description, **({"record": r.record} if r.record else {})}
                          for r in self.relations],
            "attributes": [{"name": a.name, "labels": list(a.labels), "values": list(a.values),
                            "default": a.default} for a in self.attributes],
            **({"events": self.events.to_dict()} if self.events is not None else {}),
        }

    def _check(self) -> None:
        names = [lbl.name for lbl in self.labels]
        if not names:
            raise ValidationError("the schema defines no labels")
        if len(set(names)) != len(names):
            raise ValidationError("the schema defines a label twice")
        keys = [lbl.key for lbl in self.labels if lbl.key]
        if len(set(keys)) != len(keys):
            raise ValidationError("two labels of the schema share a key")
        for lbl in self.labels:
            if not lbl.name or any(c.isspace() for c in lbl.name):
                raise ValidationError(f"label '{lbl.name}' must be one word")
            if not (len(lbl.color) == 7 and lbl.color.startswith("#")):
                raise ValidationError(f"label '{lbl.name}' has colour '{lbl.color}', expected #rrggbb")
            if lbl.value is not None and lbl.value not in VALUE_KINDS:
                raise ValidationError(f"label '{lbl.name}' declares value '{lbl.value}'; "
                                      f"known values: {', '.join(VALUE_KINDS)}")
            if lbl.entity is not None and lbl.entity not in ENTITY_KINDS:
                raise ValidationError(f"label '{lbl.name}' declares entity kind '{lbl.entity}'; "
                                      f"the registry's kinds: {', '.join(ENTITY_KINDS)}")
            if lbl.record is not None and lbl.record not in LABEL_ROLES:
                raise ValidationError(f"label '{lbl.name}' declares record role '{lbl.record}'; "
                                      f"known roles: {', '.join(LABEL_ROLES)}")
        for r in self.relations:
            if r.record is not None and r.record not in RELATION_ROLES:
                raise ValidationError(f"relation '{r.name}' declares record role '{r.record}'; "
                                      f"known roles: {', '.join(RELATION_ROLES)}")
            for lab in (*r.heads, *r.tails):
                if lab not in names:
                    raise ValidationError(f"relation '{r.name}' names unknown label '{lab}'")
        for a in self.attributes:
            for lab in a.labels:
                if lab not in names:
                    raise ValidationError(f"attribute '{a.name}' names unknown label '{lab}'")
        if self.events is not None:
            self.events.check(names, [r.name for r in self.relations])

    # -- queries -------------------------------------------------------------------------------
    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(lbl.name for lbl in self.labels)

    def label(self, name: str) -> Label:
        for lbl in self.labels:
            if lbl.name == name:
                return lbl
        raise ValidationError(f"'{name}' is not a label of schema '{self.name}' "
                              f"(labels: {', '.join(self.label_names)})")

    def entity_kind(self, label: str) -> str | None:
        """The registry kind a label's spans link to (None: the label links to nothing)."""
        found = next((lbl for lbl in self.labels if lbl.name == label), None)
        return found.entity if found else None

    def value_kind(self, label: str) -> str | None:
        """The kind of normalised value a label's spans carry (``"date"``), or None."""
        found = next((lbl for lbl in self.labels if lbl.name == label), None)
        return found.value if found else None

    @cached_property
    def record_roles(self) -> RecordRoles:
        """What the structured record reads from this schema (computed once: records ask per span)."""
        return RecordRoles(frozenset(lbl.name for lbl in self.labels if lbl.record == "claim"),
                           {lbl.name: kind for lbl in self.labels if (kind := lbl.value or lbl.entity)},
                           frozenset(r.name for r in self.relations if r.record == "source"))

    def label_for_key(self, key: str) -> Label | None:
        return next((lbl for lbl in self.labels if lbl.key == key), None)

    def relation_type(self, name: str) -> RelationType:
        for r in self.relations:
            if r.name == name:
                return r
        raise ValidationError(f"'{name}' is not a relation type of schema '{self.name}'")

    def relation_types_for(self, head_label: str, tail_label: str) -> list[RelationType]:
        return [r for r in self.relations if head_label in r.heads and tail_label in r.tails]

    def allows(self, relation: str, head_label: str, tail_label: str) -> bool:
        """Whether a ``relation`` from a ``head_label`` span to a ``tail_label`` span is in the schema."""
        rtype = next((r for r in self.relations if r.name == relation), None)
        return rtype is not None and (not rtype.heads or head_label in rtype.heads) \
            and (not rtype.tails or tail_label in rtype.tails)

    def attributes_for(self, label: str) -> list[AttributeDef]:
        return [a for a in self.attributes if label in a.labels]

    # -- validation ----------------------------------------------------------------------------
    def check_span(self, span: Span) -> None:
        """A span an edit may store: a schema label, allowed attribute values, storable fields."""
        self.label(span.label)
        problem = self.attribute_problem(span) or span_problem(span)
        if problem:
            raise ValidationError(problem)

    def attribute_problem(self, span: Span) -> str | None:
        """Why an attribute value is not allowed by the schema, or None (imports warn, edits refuse)."""
        for key, value in span.attrs.items():
            defs = [a for a in self.attributes_for(span.label) if a.name == key]
            if defs and defs[0].values and str(value).lower() not in {v.lower() for v in defs[0].values}:
                return (f"attribute '{key}' of a {span.label} cannot be '{value}' "
                        f"(allowed: {', '.join(defs[0].values)})")
        return None

    def check_relation(self, relation: Relation, spans: Mapping[str, Span]) -> None:
        """Refuse a relation that cannot be stored, or whose type, ends or their labels the schema refuses."""
        rtype = self.relation_type(relation.label)
        problem = relation_problem(relation)
        if problem:
            raise ValidationError(problem)
        self._check_ends(relation, rtype, spans)

    def check_relation_ends(self, relation: Relation, spans: Mapping[str, Span]) -> None:
        """``check_relation`` for a relation known to be storable (a document read from a file has passed
        ``Document.validate``; a corpus load holds 100,000 relations): its type, ends and their labels. A
        refusal names "the file's relation", so it is not read as a statement about the file's rules."""
        self._check_ends(relation, self.relation_type(relation.label), spans, "the file's relation")

    def _check_ends(self, relation: Relation, rtype: RelationType, spans: Mapping[str, Span],
                    what: str = "relation") -> None:
        head, tail = spans.get(relation.head), spans.get(relation.tail)
        if head is None or tail is None:
            missing = relation.head if head is None else relation.tail
            raise ValidationError(f"relation {relation.id} names span {missing}, which does not exist")
        if relation.head == relation.tail:
            raise ValidationError(f"relation {relation.id} links span {relation.head} to itself")
        for end, span, allowed in (("start at", head, rtype.heads), ("point to", tail, rtype.tails)):
            if allowed and span.label not in allowed:
                raise ValidationError(
                    f"{what} {relation.id} ('{rtype.name}', from {head.label} span {head.id} to {tail.label} "
                    f"span {tail.id}) breaks the schema's rule: a '{rtype.name}' relation must {end} "
                    f"{with_article(' or '.join(allowed))}, not {with_article(span.label)}")

    # -- extension -----------------------------------------------------------------------------
    def extended(self, additions: SchemaAdditions) -> Schema:
        """This schema with ``additions`` (new labels and relation types, widened relation types);
        checked like any schema, so a label that is not one word is one clear error."""
        widened = {r.name: r for r in additions.widened}
        relations = [RelationType(r.name, _union(r.heads, widened[r.name].heads),
                                  _union(r.tails, widened[r.name].tails), r.description, r.record)
                     if r.name in widened else r for r in self.relations]
        schema = Schema(self.name, (*self.labels, *additions.labels), (*relations, *additions.relations),
                        self.attributes, dict(self.extra), self.events)
        schema._check()
        return schema

    def additions_in(self, newer: Schema) -> SchemaAdditions:
        """What ``newer`` has that this schema lacks, as ``SchemaAdditions`` (for summaries)."""
        mine = {r.name: r for r in self.relations}
        return SchemaAdditions(
            tuple(lbl for lbl in newer.labels if lbl.name not in self.label_names),
            tuple(r for r in newer.relations if r.name not in mine),
            tuple(RelationType(r.name, tuple(h for h in r.heads if h not in mine[r.name].heads),
                               tuple(t for t in r.tails if t not in mine[r.name].tails))
                  for r in newer.relations if r.name in mine and (set(r.heads) - set(mine[r.name].heads)
                                                                   or set(r.tails) - set(mine[r.name].tails))))


@dataclass(frozen=True)
class RecordRoles:
    """Which labels and relation types play which part in the structured record (``records.record``),
    as the schema declares them: the labels whose spans are claims, each mention label's kind (a registry
    kind of ``ENTITY_KINDS`` or a value kind of ``VALUE_KINDS``; a value wins over an entity on a label
    declaring both, as automatic filling does) and the relation types that name a claim's source."""

    claims: frozenset[str]
    kinds: Mapping[str, str]
    sources: frozenset[str]

    def entity_kind(self, label: str) -> str | None:
        """The registry kind ``label``'s spans resolve against, or None."""
        kind = self.kinds.get(label)
        return kind if kind in ENTITY_KINDS else None


@lru_cache(maxsize=1)
def default_record_roles() -> RecordRoles:
    """The record roles of the product's default schema (for records built without a project)."""
    return Schema.default().record_roles


@dataclass(frozen=True)
class SchemaAdditions:
    """What a file would add to a schema: new labels (a generated colour, no key until the user gives
    one), new relation types (allowing the head and tail labels the file uses) and existing relation
    types widened to head/tail labels they did not allow (only the added labels are listed)."""

    labels: tuple[Label, ...] = ()
    relations: tuple[RelationType, ...] = ()
    widened: tuple[RelationType, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.labels or self.relations or self.widened)

    def to_json(self) -> dict[str, Any]:
        return {"labels": [{"name": lbl.name, "color": lbl.color, "key": lbl.key} for lbl in self.labels],
                "relations": [{"name": r.name, "heads": list(r.heads), "tails": list(r.tails)}
                              for r in self.relations],
                "widened": [{"name": r.name, "heads": list(r.heads), "tails": list(r.tails)}
                            for r in self.widened]}


def schema_additions(schema: Schema, labels: Iterable[str],
                     relation_uses: Iterable[tuple[str, str, str]]) -> SchemaAdditions:
    """The additions that make ``labels`` and ``relation_uses`` (relation type, head label, tail label)
    valid under ``schema``, in the order the file first uses them."""
    known = set(schema.label_names)
    colors = [lbl.color for lbl in schema.labels]
    new_labels: list[Label] = []
    for name in dict.fromkeys(labels):
        if name not in known:
            known.add(name)
            color = generated_color(name, colors)
            colors.append(color)
            new_labels.append(Label(name, "", color, "added from an imported file"))
    types = {r.name: r for r in schema.relations}
    new_types: dict[str, tuple[list[str], list[str]]] = {}
    widened: dict[str, tuple[list[str], list[str]]] = {}
    for name, head, tail in relation_uses:
        rtype = types.get(name)
        if rtype is None:
            heads, tails = new_types.setdefault(name, ([], []))
        else:
            heads, tails = widened.setdefault(name, ([], []))
            if rtype.heads == () or head in rtype.heads:
                head = ""
            if rtype.tails == () or tail in rtype.tails:
                tail = ""
        if head and head not in heads:
            heads.append(head)
        if tail and tail not in tails:
            tails.append(tail)
    return SchemaAdditions(
        tuple(new_labels),
        tuple(RelationType(n, tuple(h), tuple(t), "added from an imported file") for n, (h, t) in new_types.items()),
        tuple(RelationType(n, tuple(h), tuple(t)) for n, (h, t) in widened.items() if h or t))


# Colours for added labels: distinct, readable under black text and on white, tried in order.
_PALETTE = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46a0a0", "#f032e6", "#9a6324",
            "#808000", "#008080", "#800000", "#000075", "#bcbd22", "#17becf", "#aa6e28", "#6a3d9a")


def generated_color(name: str, taken: Iterable[str] = ()) -> str:
    """A colour for a new label: the first palette colour not yet used, else one derived from the name
    (stable: the same name always gets the same colour)."""
    used = {c.lower() for c in taken}
    for color in _PALETTE:
        if color not in used:
            return color
    hue = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:2], "big") / 65536
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.65)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*a, *b)))


# Schemas written before labels declared their semantics (no "version") meant these by name; those
# before version 3 meant the record roles by name.
_LEGACY_ENTITY = {"actor": "actor", "place": "place"}
_LEGACY_VALUE = {"date": "date"}
_LEGACY_LABEL_ROLE = {"claim": "claim"}
_LEGACY_RELATION_ROLE = {"source": "source"}


def _roles_from_events(labels: tuple[Label, ...], relations: tuple[RelationType, ...], events: EventSchema
                       ) -> tuple[tuple[Label, ...], tuple[RelationType, ...], EventSchema]:
    """One source for which spans are claims and which relation names a claim's source: the labels' and
    relation types' ``record`` roles.  An events section may still list ``claim_labels`` /
    ``source_relations`` (schemas written before version 3 did): the labels and relation types it names take
    the role, and the events section then reads the roles back, so the record and the events always agree."""
    claims, sources = set(events.claim_labels), set(events.source_relations)
    labels = tuple(replace(lbl, record="claim") if lbl.name in claims and lbl.record is None else lbl
                   for lbl in labels)
    relations = tuple(replace(r, record="source") if r.name in sources and r.record is None else r
                      for r in relations)
    unknown = [*(n for n in claims if n not in {lbl.name for lbl in labels}),
               *(n for n in sources if n not in {r.name for r in relations})]
    if unknown:  # EventSchema.check names it in one sentence
        return labels, relations, events
    return labels, relations, replace(
        events, claim_labels=tuple(lbl.name for lbl in labels if lbl.record == "claim"),
        source_relations=tuple(r.name for r in relations if r.record == "source"))


def _version(value: Any) -> int:
    """A schema's ``version`` as a number; anything else is one clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdecimal():
        raise ValidationError(f"the schema's version '{value}' is not a whole number")
    return int(value)


def _opt(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


