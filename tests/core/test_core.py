"""The pure domain: identity, offsets, clusters, UTF-16 mapping, schema rules."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest
from annotator.core.annotation_set import Document
from annotator.core.errors import ValidationError
from annotator.core.flags import UNLINKED, flagged, is_true
from annotator.core.ids import annotator_name, report_id
from annotator.core.offsets import is_cluster_boundary, snap_to_clusters, snap_to_words, trim
from annotator.core.relations import Relation
from annotator.core.report import Report, text_direction
from annotator.core.schema import DEFAULT_SCHEMA, Schema
from annotator.core.scripts import has_arabic, is_arabic_char
from annotator.core.spans import Span, check_bounds, layers, nesting_depths, spans_at
from annotator.core.storable import relation_problem, span_problem, storable_at_once
from annotator.core.units import Utf16Map
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "🔴 Colonel أبو علي met IRGC officers in Deir al-Zour."


def test_report_identity_and_direction() -> None:
    r = Report.of(SENTENCE, title="x")
    assert r.id == report_id(SENTENCE) == "bc141c75c01e58c1a71b386433e329eff7afcb2087789afefd920f8d2a5f78cf"
    assert r.direction == "ltr" and r.language == "en"
    assert text_direction("قال مصدر إن اجتماعاً عُقد في دير الزور.") == "rtl"
    assert Report.of("قال مصدر إن اجتماعاً عُقد في دير الزور.").language == "ar"


def test_bounds() -> None:
    check_bounds(0, 1, 1)
    for s, e in [(-1, 1), (1, 1), (2, 1), (0, 2)]:
        with pytest.raises(ValidationError):
            check_bounds(s, e, 1)
    with pytest.raises(ValidationError):
        check_bounds(True, 1, 3)  # type: ignore[arg-type]


def test_nesting_and_layers() -> None:
    claim = Span("T1", 2, 35, "claim")
    actor = Span("T2", 2, 17, "actor")
    place = Span("T3", 39, 51, "place")
    cross = Span("T4", 30, 45, "actor")
    assert nesting_depths([place, actor, claim]) == {"T1": 0, "T2": 1, "T3": 0}
    assert [[s.id for s in layer] for layer in layers([claim, actor, place, cross])] == [
        ["T1", "T3"], ["T2", "T4"]]
    assert [s.id for s in spans_at([claim, actor, place], 5)] == ["T1", "T2"]


@pytest.mark.parametrize("text,pos,expected", [
    ("a\r\nb", 2, False), ("a\r\nb", 1, True), ("e\u0301x", 1, False),
    ("\u0628\u064e\u0627", 1, False),  # Arabic letter + fatha
    ("👨\u200d👩\u200d👧!", 2, False), ("👨\u200d👩\u200d👧!", 5, True),
    ("🇸🇾🇮🇶", 1, False), ("🇸🇾🇮🇶", 2, True), ("🇸🇾🇮🇶", 3, False),
    ("1\ufe0f\u20e3", 1, False), ("👍🏽x", 1, False),
])
def test_cluster_boundaries(text: str, pos: int, expected: bool) -> None:
    assert is_cluster_boundary(text, pos) is expected


def test_snapping_to_words_and_trimming() -> None:
    text = "officers met at Deir al-Zour, he said."
    s, e = snap_to_words(text, 3, 19)  # "icers met at Dei"
    assert text[s:e] == "officers met at Deir"
    s, e = snap_to_words(text, 16, 29)  # "Deir al-Zour," with trailing comma
    assert text[s:e] == "Deir al-Zour"
    assert trim(text, 12, 16) == (13, 15)
    arabic = "وصل العقيد أبو عليّ إلى دير الزور"
    s, e = snap_to_words(arabic, arabic.index("بو"), arabic.index("علي") + 2)
    assert arabic[s:e] == "أبو عليّ"  # the shadda stays with its letter
    assert snap_to_clusters("e\u0301x", 1, 1) == (0, 2)


def test_utf16_map_round_trip_and_surrogate_split() -> None:
    m = Utf16Map(SENTENCE)
    assert m.utf16_length == 53
    assert (m.to_utf16(2), m.to_utf16(35)) == (3, 36)
    assert (m.to_codepoint(3), m.to_codepoint(36)) == (2, 35)
    with pytest.raises(ValidationError, match="surrogate"):
        m.to_codepoint(1)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \r\nعلي\u064e🔴🇸🇾\u200d👨")), max_size=40))
def test_utf16_map_agrees_with_encoding(text: str) -> None:
    m = Utf16Map(text)
    for cp in range(len(text) + 1):
        u = len(text[:cp].encode("utf-16-le")) // 2
        assert m.to_utf16(cp) == u
        assert m.to_codepoint(u) == cp


def test_schema_default_and_validation() -> None:
    schema = Schema.default()
    assert schema.label_names == ("actor", "place", "date", "claim")
    assert schema.label_for_key("4").name == "claim"
    schema.check_span(Span("T1", 0, 1, "claim", {"status": "denied"}))
    with pytest.raises(ValidationError, match="status"):
        schema.check_span(Span("T1", 0, 1, "claim", {"status": "rumoured"}))
    spans = {"T1": Span("T1", 0, 5, "claim"), "T2": Span("T2", 0, 2, "actor")}
    schema.check_relation(Relation("R1", "T1", "T2", "source"), spans)
    with pytest.raises(ValidationError):
        schema.check_relation(Relation("R1", "T2", "T1", "source"), spans)
    assert Schema.from_dict(schema.to_dict()) == schema


def test_labels_and_relations_declare_their_part_in_the_record() -> None:
    roles = Schema.default().record_roles
    assert (roles.claims, roles.sources) == ({"claim"}, {"source"})
    assert roles.kinds == {"actor": "actor", "place": "place", "date": "date"}
    assert roles.entity_kind("place") == "place" and roles.entity_kind("date") is None
    ner = Schema.from_dict({"name": "ner", "version": 3, "labels": [
        {"name": "PER", "entity": "actor"}, {"name": "DATE", "value": "date"}, {"name": "CLAIM", "record": "claim"},
        {"name": "claim"}], "relations": [{"name": "said_by", "heads": ["CLAIM"], "tails": ["PER"], "record": "source"},
                                          {"name": "source", "heads": ["claim"], "tails": ["PER"]}]})
    assert (ner.record_roles.claims, ner.record_roles.sources) == ({"CLAIM"}, {"said_by"})  # names mean nothing
    assert ner.record_roles.kinds == {"PER": "actor", "DATE": "date"}
    assert Schema.from_dict(ner.to_dict()) == ner and ner.to_dict()["labels"][2]["record"] == "claim"
    assert ner.extended(ner.additions_in(ner)).record_roles == ner.record_roles


def test_older_schemas_keep_the_roles_their_names_meant() -> None:
    labels = [{"name": n} for n in ("actor", "place", "date", "claim", "CLAIM")]
    relations = [{"name": "source", "heads": ["claim"], "tails": ["actor"]}]
    legacy = Schema.from_dict({"name": "old", "labels": labels, "relations": relations})  # before version 2
    assert legacy.record_roles.kinds == {"actor": "actor", "place": "place", "date": "date"}
    assert (legacy.record_roles.claims, legacy.record_roles.sources) == ({"claim"}, {"source"})
    v2 = Schema.from_dict({"name": "v2", "version": 2, "labels": labels, "relations": relations})
    assert v2.record_roles.kinds == {} and v2.record_roles.claims == {"claim"}  # v2 declared entity/value
    v3 = Schema.from_dict({"name": "v3", "version": 3, "labels": labels, "relations": relations})
    assert (v3.record_roles.claims, v3.record_roles.sources) == (frozenset(), frozenset())


def test_the_events_section_reads_the_claim_and_source_roles_it_does_not_repeat_them() -> None:
    """Which spans report events and which relation names their source are the labels' record roles, so
    the events and the structured record cannot disagree; an older events section that still lists
    ``claim_labels`` / ``source_relations`` gives those labels and relations the roles."""
    shipped = json.loads((ROOT / "resources" / "schema" / "default.json").read_text(encoding="utf-8"))
    assert "claim_labels" not in shipped["events"] and "source_relations" not in shipped["events"]
    schema = Schema.from_dict(shipped)
    assert schema.events is not None
    assert (schema.events.claim_labels, schema.events.source_relations) == (("claim",), ("source",))
    labels = [{"name": "who", "entity": "actor"}, {"name": "report"}, {"name": "aside"}]
    relations = [{"name": "said_by", "heads": ["report"], "tails": ["who"]}]
    events = {"roles": [{"name": "actor1", "labels": ["who"]}], "types": [{"name": "raid"}]}
    older = Schema.from_dict({"name": "old", "version": 2, "labels": labels, "relations": relations,
                              "events": dict(events, claim_labels=["report"], source_relations=["said_by"])})
    assert older.events is not None
    assert (older.record_roles.claims, older.record_roles.sources) == ({"report"}, {"said_by"})
    assert (older.events.claim_labels, older.events.source_relations) == (("report",), ("said_by",))
    written = older.to_dict()
    assert written["labels"][1]["record"] == "claim" and "claim_labels" not in written["events"]
    assert Schema.from_dict(written) == older
    labels[2]["record"] = "claim"  # version 3: declared once, on the label; the events follow
    current = Schema.from_dict({"name": "v3", "version": 3, "labels": labels, "relations": relations,
                                "events": events})
    assert current.events is not None and current.events.claim_labels == ("aside",)
    assert current.events.is_claim(Span("T1", 0, 1, "aside"))
    assert not current.events.is_claim(Span("T2", 0, 1, "report"))


def test_the_code_default_schema_is_the_shipped_one_without_events() -> None:
    """``Schema.default()`` (records built without a project, a missing resources folder) and
    ``resources/schema/default.json`` are two spellings of one schema: they must not drift apart."""
    shipped = Schema.from_dict(json.loads((ROOT / "resources" / "schema" / "default.json").read_text(encoding="utf-8")))
    assert dataclasses.replace(shipped, events=None) == Schema.default()


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d.update(labels=[]), "no labels"),
    (lambda d: d["labels"].append(dict(d["labels"][0])), "twice"),
    (lambda d: d["labels"][1].update(key="1"), "share a key"),
    (lambda d: d["labels"][0].update(color="blue"), "colour"),
    (lambda d: d["relations"][0].update(tails=["weapon"]), "unknown label"),
    (lambda d: d.pop("labels"), "malformed"),
    (lambda d: d["labels"][0].update(entity="weapon"), "entity kind 'weapon'; the registry's kinds: actor, place"),
    (lambda d: d["labels"][3].update(record="event"), "record role 'event'; known roles: claim"),
    (lambda d: d["relations"][0].update(record="claim"), "relation 'source' declares record role 'claim'"),
    (lambda d: d.update(version="two"), "version 'two' is not a whole number"),
])
def test_bad_schemas_are_clear(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(DEFAULT_SCHEMA)
    mutate(data)
    with pytest.raises(ValidationError, match=message):
        Schema.from_dict(data)


def test_document_validation_names_the_span() -> None:
    r = Report.of("short")
    with pytest.raises(ValidationError, match="span T2 ends at 9"):
        Document(r, "a", (Span("T1", 0, 5, "actor"), Span("T2", 1, 9, "actor"))).validate()
    with pytest.raises(ValidationError, match="T9"):
        Document(r, "a", (Span("T1", 0, 5, "claim"),), (Relation("R1", "T1", "T9", "source"),)).validate()


def test_annotator_names() -> None:
    assert annotator_name(" alice ") == "alice"
    for bad in ("", "  ", "a/b", "x\ty", "a" * 65):
        with pytest.raises(ValidationError):
            annotator_name(bad)


def test_one_definition_of_arabic_script() -> None:
    """Direction, encoding plausibility and name matching share core.scripts (Arabic, its Supplement,
    Extended-A and both presentation-form blocks) — and nothing else claims to be Arabic."""
    assert all(is_arabic_char(c) for c in "دير\u0750\u08a0\ufb50\ufe70")
    assert not any(is_arabic_char(c) for c in "Deir ez-Zor\ufe00\u200f1")  # a variation selector, RLM: not letters
    assert has_arabic("Deir ez-Zor دير الزور") and not has_arabic("Deir ez-Zor")


STORABLE_CASES = [  # (span fields, relation attrs): each a value a database can or cannot store
    ({}, {}), ({"attrs": {"status": "unconfirmed", "n": 3, "ok": True, "x": None, "f": 1.5}}, {"why": "quoted"}),
    ({"id": "T\x001"}, {}), ({"label": "act\x00or"}, {}), ({"value": "\ud800"}, {}), ({"entity": 5}, {}),
    ({"resolution": "\udfff x"}, {}), ({"attrs": {"k": "a\x00"}}, {}), ({"attrs": {"\ud800": "v"}}, {}),
    ({"attrs": {"big": 10 ** 30}}, {}), ({"attrs": {"nan": float("nan")}}, {}), ({"attrs": {"inf": float("inf")}}, {}),
    ({"attrs": {"deep": [[{"a": ["b\x00"]}]]}}, {}), ({"attrs": {"deep": [[{"a": ["fine"]}]]}}, {}),
    ({"attrs": {1: "non-string key"}}, {}), ({"attrs": ["not", "an", "object"]}, {}), ({"id": ""}, {}),
    ({"label": None}, {}), ({}, {"k": "\x00"}), ({}, {"n": -(2 ** 63) - 1}), ({"attrs": {"t": (1, "x")}}, {}),
    ({"attrs": {"s": {1, 2}}}, {}), ({"value": "دير الزور"}, {"note": "قال"}),
]


@pytest.mark.parametrize("span_fields, relation_attrs", STORABLE_CASES)
def test_storable_at_once_agrees_with_the_checks_one_by_one(span_fields, relation_attrs) -> None:  # type: ignore[no-untyped-def]
    """The one-pass screen of a document's spans and relations says "storable" only when each span
    and relation check finds nothing, and ``validate`` names the same first problem either way."""
    fields = {"id": "T2", "start": 0, "end": 5, "label": "actor", "attrs": {}, **span_fields}
    spans = (Span("T1", 0, 3, "place"), Span(**fields))
    relations = (Relation("R1", "T1", "T1", "place", dict(relation_attrs)),)
    one_by_one = next(filter(None, [*map(span_problem, spans), *map(relation_problem, relations)]), None)
    at_once = storable_at_once(spans, relations)
    assert not (at_once and one_by_one)  # never "storable" where a check one by one refuses
    if one_by_one is None and not any(isinstance(v, (list, tuple, dict)) for v in fields["attrs"].values()) \
            and isinstance(fields["attrs"], dict):
        assert at_once  # flat values that are fine pass the screen (the fast path is taken)
    doc = Document(Report.of("short text"), "a", spans, relations)
    if one_by_one is None:
        doc.validate()
    else:
        with pytest.raises(ValidationError) as raised:
            doc.validate()
        assert str(raised.value) == one_by_one


def test_yes_no_attributes_read_one_way() -> None:
    """The record, the event prefill, the exports and the inspector's check boxes read a flag alike."""
    assert all(is_true(v) for v in (True, 1, "true", "True", "TRUE", " yes ", "1"))
    assert not any(is_true(v) for v in (False, 0, 2, 1.5, None, "", "false", "no", "0", ["true"], {"a": 1}))
    assert flagged({UNLINKED: "true"}, UNLINKED) and not flagged({}, UNLINKED) and not flagged(None, UNLINKED)
