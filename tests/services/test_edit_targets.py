"""The shared edit path: every edit names its set and the version seen, one user action is one
transaction, and who acts belongs to the database. On SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from annotator.core.errors import PermissionDenied, StaleEdit, ValidationError
from annotator.core.report import Report
from annotator.core.schema import Schema
from annotator.services import adjudicate, annotate, identity, records
from annotator.services.database import save_schema
from annotator.services.reports import store_report
from annotator.store.curation_repository import CurationRepository

TEXT = "Deirezzor24 claimed that IRGC officers met in Deir ez-Zor on 7 April 2024."


@pytest.fixture
def rid(ctx) -> str:  # type: ignore[no-untyped-def]
    report = Report.of(TEXT, title="IRGC", published="2024-04-09")
    store_report(ctx, report)
    return report.id


def test_an_edit_against_a_stale_version_writes_nothing(ctx, rid) -> None:  # type: ignore[no-untyped-def]
    span, change = annotate.create_span(ctx, rid, 0, 11, "actor", annotator="alice", expect_version=0)
    assert change.version == 1
    annotate.update_span(ctx, rid, span.id, annotator="alice", label="place", expect_version=1, expect=span)
    before = annotate.get_set(ctx, rid, "alice")
    with pytest.raises(StaleEdit, match="changed elsewhere since they were shown .version 1, now 2"):
        annotate.delete_span(ctx, rid, span.id, annotator="alice", expect_version=1)
    with pytest.raises(StaleEdit, match="not the one shown"):  # the span as it was before the relabel
        annotate.update_span(ctx, rid, span.id, annotator="alice", label="date", expect_version=2, expect=span)
    assert annotate.get_set(ctx, rid, "alice") == before


def test_create_with_its_automatic_values_is_one_edit(ctx, rid) -> None:  # type: ignore[no-untyped-def]
    s = TEXT.index("Deir ez-Zor")
    place, change = records.create_span_with_values(ctx, rid, s, s + 11, "place", annotator="alice")
    assert (place.entity, place.resolution, change.version) == ("place:geonames:170794", "automatic", 1)
    d = TEXT.index("7 April 2024")
    date, change = records.create_span_with_values(ctx, rid, d, d + 12, "date", annotator="alice")
    assert (date.value, date.resolution, change.version) == ("2024-04-07", "automatic", 2)
    # undo then redo (restore) brings back exactly the same span, value and link
    deleted, _ = annotate.delete_span(ctx, rid, place.id, annotator="alice", expect=place, expect_version=2)
    annotate.restore_span(ctx, rid, deleted, annotator="alice", expect_version=3)
    assert annotate.get_set(ctx, rid, "alice").by_id()[place.id] == place


def test_the_schema_decides_which_labels_resolve(ctx, rid) -> None:  # type: ignore[no-untyped-def]
    save_schema(ctx, Schema.from_dict({"name": "ner", "version": 2, "labels": [
        {"name": "PER", "key": "1", "color": "#2f7fd1", "entity": "actor"},
        {"name": "LOC", "key": "2", "color": "#2a9d5b", "entity": "place"},
        {"name": "DATE", "key": "3", "color": "#c77d10", "value": "date"},
        {"name": "place", "key": "4", "color": "#888888"}]}))
    s = TEXT.index("Deir ez-Zor")
    loc, _ = records.create_span_with_values(ctx, rid, s, s + 11, "LOC", annotator="alice")
    assert loc.entity == "place:geonames:170794"
    plain, _ = records.create_span_with_values(ctx, rid, s, s + 11, "place", annotator="bob")
    assert plain.entity is None  # named "place", but this schema links it to nothing
    d = TEXT.index("7 April 2024")
    assert records.create_span_with_values(ctx, rid, d, d + 12, "DATE", annotator="alice")[0].value == "2024-04-07"


def test_accepting_a_set_into_gold_is_all_or_nothing(ctx, rid, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for start, end, label in ((0, 11, "actor"), (25, 29, "actor"), (46, 57, "place")):
        annotate.create_span(ctx, rid, start, end, label, annotator="bob")

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValidationError("the disk hiccuped after the spans were written")

    # the spans are in the transaction by then: the whole step must roll back
    monkeypatch.setattr(CurationRepository, "replace_decisions", failing)
    with pytest.raises(ValidationError):
        adjudicate.accept_set(ctx, rid, "bob")
    assert annotate.get_set(ctx, rid, "gold").spans == ()  # not some of three: nothing
    monkeypatch.undo()
    added, change = adjudicate.accept_set(ctx, rid, "bob")
    assert added == 3 and change.annotator == "gold"
    with pytest.raises(PermissionDenied):
        adjudicate.accept_set(ctx, rid, "bob", annotator="alice")


def test_identity_belongs_to_the_database(ctx) -> None:  # type: ignore[no-untyped-def]
    assert identity.default_annotator(ctx) is None
    assert identity.set_default_annotator(ctx, "  leila ") == "leila"
    assert identity.default_annotator(ctx) == "leila" and "leila" in identity.annotators(ctx)
    with pytest.raises(ValidationError, match="adjudicated set"):
        identity.set_default_annotator(ctx, "gold")
    assert identity.default_annotator(ctx) == "leila"
