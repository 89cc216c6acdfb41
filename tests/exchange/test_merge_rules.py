"""The merge decisions of a bundle import, without a database."""

from __future__ import annotations

from annotator.exchange.merge import ADDED, OLDER, REPLACED, UNCHANGED, merge_entity, set_decision

from bundle_helpers import PLACE


def test_set_versions_decide() -> None:
    assert set_decision(None, 4) == ADDED
    assert set_decision(3, 4) == REPLACED
    assert set_decision(4, 4) == UNCHANGED
    assert set_decision(5, 4) == OLDER


def test_new_and_identical_entities() -> None:
    assert merge_entity(None, PLACE).status == "added"
    same = merge_entity(dict(PLACE), PLACE)
    assert (same.status, same.conflicts) == ("unchanged", {})


def test_missing_fields_fill_aliases_unite_and_differences_conflict() -> None:
    local = dict(PLACE, name="Deir al-Zor", lat=None, aliases=[{"name": "DeZ", "lang": None}], meta={"a": 1})
    merged = merge_entity(local, dict(PLACE, meta={"a": 2, "b": 3}))
    assert merged.status == "merged"
    assert merged.conflicts == {"name": {"local": "Deir al-Zor", "bundle": "Deir ez-Zor"}}
    assert merged.result["name"] == "Deir al-Zor" and merged.result["lat"] == PLACE["lat"]
    assert [a["name"] for a in merged.result["aliases"]] == ["DeZ", "Deir al-Zour", "دير الزور"]
    assert merged.result["meta"] == {"a": 1, "b": 3}
    again = merge_entity(merged.result, dict(PLACE, meta={"a": 2, "b": 3}))
    assert again.status == "unchanged" and "name" in again.conflicts
