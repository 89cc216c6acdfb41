"""Exchange bundles between two workstations (two databases), on SQLite and on PostgreSQL.

Workstation A is always a SQLite file; workstation B is the parametrised backend (``db_url``), so the
PostgreSQL run moves work from a SQLite file into the server."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from annotator.core.errors import NotFound
from annotator.core.progress import Cancelled, CancelToken
from annotator.core.report import Report
from annotator.exchange.bundle_format import SETS, BundleError
from annotator.services import annotate
from annotator.services.bundles import export_bundle, import_bundle
from annotator.services.context import ServiceContext
from annotator.services.database import open_database
from annotator.services.entities import get_entity, save_entity
from annotator.services.reports import store_report

from bundle_helpers import PLACE, TEXTS, replace_in_sets, rezip

ACTOR = {"id": "actor:irgc", "kind": "actor", "name": "IRGC", "type": "armed group",
         "aliases": [{"name": "Revolutionary Guards", "lang": "en"}]}
TABLES = {
    "reports": "SELECT id, title, published, source, language, direction, chars FROM reports ORDER BY id",
    "sets": "SELECT x.report_id, a.name, x.version FROM annotation_sets x JOIN annotators a "
            "ON a.id = x.annotator_id ORDER BY 1, 2",
    "spans": 'SELECT x.report_id, a.name, s.key, s.start, s."end", s.label, s.entity_id, s.resolution FROM spans s '
             "JOIN annotation_sets x ON x.id = s.set_id JOIN annotators a ON a.id = x.annotator_id ORDER BY 1, 2, 3",
    "relations": "SELECT x.report_id, r.key, h.key, t.key, r.label FROM relations r "
                 "JOIN annotation_sets x ON x.id = r.set_id JOIN spans h ON h.id = r.head_id "
                 "JOIN spans t ON t.id = r.tail_id ORDER BY 1, 2",
    "edits": "SELECT set_id, version, op, annotator FROM edits ORDER BY id",
    "entities": "SELECT id, kind, name, type, lat, lon FROM entities ORDER BY id",
    "aliases": "SELECT entity_id, name, lang FROM entity_aliases ORDER BY 1, 2",
}


def dump(ctx: ServiceContext) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a bundle import could touch, for before/after comparisons."""
    with ctx.engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(sa.text(q))] for name, q in TABLES.items()}


@pytest.fixture
def workstation_a(tmp_path: Path) -> Iterator[ServiceContext]:
    ctx = open_database(tmp_path / "workstation-a.sqlite3")
    try:
        yield ctx
    finally:
        ctx.close()


def annotate_reports(ctx: ServiceContext, who: str = "alice") -> list[str]:
    """Two reports; ``who`` marks a claim, a place linked to the registry and a source relation."""
    ids = []
    save_entity(ctx, PLACE)
    save_entity(ctx, ACTOR)
    for k, text in enumerate(TEXTS):
        report = Report.of(text, title=f"Report {k}", published="2024-04-09", source="wire")
        store_report(ctx, report)
        place = text.index("Deir")
        claim, _ = annotate.create_span(ctx, report.id, 0, len(text) - 1, "claim", annotator=who)
        where, _ = annotate.create_span(ctx, report.id, place, place + 11, "place", annotator=who,
                                        entity=PLACE["id"], resolution="confirmed")
        annotate.create_relation(ctx, report.id, claim.id, where.id, "place", annotator=who)
        if "IRGC" in text:
            at = text.index("IRGC")
            actor, _ = annotate.create_span(ctx, report.id, at, at + 4, "actor", annotator=who, entity=ACTOR["id"])
            annotate.create_relation(ctx, report.id, claim.id, actor.id, "actor", annotator=who)
        ids.append(report.id)
    return ids


def sets_of(ctx: ServiceContext, report_ids: list[str], who: str) -> list[Any]:
    return [annotate.get_set(ctx, rid, who) for rid in report_ids]


def test_round_trip_between_two_workstations(workstation_a: ServiceContext, ctx: ServiceContext,
                                             tmp_path: Path) -> None:
    ids = annotate_reports(workstation_a)
    out = tmp_path / "alice.annbundle"
    exported = export_bundle(workstation_a, "alice", out)
    assert (exported.sets, exported.spans, exported.relations, exported.entities) == (2, 5, 3, 2)
    result = import_bundle(ctx, out)
    assert (result.reports_new, result.reports_existing, result.sets_added) == (2, 0, 2)
    assert (result.entities_added, result.entity_conflicts) == (2, [])
    assert sets_of(ctx, ids, "alice") == sets_of(workstation_a, ids, "alice")  # spans, relations, versions
    a, b = dump(workstation_a), dump(ctx)
    for table in ("reports", "sets", "spans", "relations", "entities", "aliases"):
        assert b[table] == a[table], table
    with ctx.uow() as uow:
        row = uow.repo.set_row(ids[0], "alice")
        assert row is not None
        last = uow.repo.edits(row)[-1]
        assert (last.op, last.version, last.annotator) == ("bundle_import", row.version, "alice")
        assert uow.repo.report(ids[0]).text == TEXTS[0]
    # the work continues on B from the imported version
    _span, change = annotate.create_span(ctx, ids[0], 0, 5, "actor", annotator="alice")
    assert change.version == sets_of(workstation_a, ids, "alice")[0].version + 1


def test_importing_the_same_bundle_twice_changes_nothing(workstation_a: ServiceContext, ctx: ServiceContext,
                                                         tmp_path: Path) -> None:
    annotate_reports(workstation_a)
    out = tmp_path / "alice.annbundle"
    export_bundle(workstation_a, "alice", out)
    import_bundle(ctx, out)
    before = dump(ctx)
    again = import_bundle(ctx, out)
    assert dump(ctx) == before
    assert (again.reports_new, again.reports_existing, again.sets_added, again.sets_replaced,
            again.sets_unchanged, again.entities_unchanged) == (0, 2, 0, 0, 2, 2)
    assert not again.changed and again.diverged == []


def test_same_report_from_another_workstation_is_recognised_by_its_text(
        workstation_a: ServiceContext, ctx: ServiceContext, tmp_path: Path) -> None:
    ids = annotate_reports(workstation_a)
    store_report(ctx, Report.of(TEXTS[0], title="B's own title"))
    out = tmp_path / "alice.annbundle"
    export_bundle(workstation_a, "alice", out)
    result = import_bundle(ctx, out)
    assert (result.reports_new, result.reports_existing) == (1, 1)
    with ctx.uow() as uow:
        assert uow.repo.report(ids[0]).title == "B's own title"  # the local report is kept as it is


def test_newer_bundle_replaces_only_that_annotators_older_sets(
        workstation_a: ServiceContext, ctx: ServiceContext, tmp_path: Path) -> None:
    ids = annotate_reports(workstation_a)
    first = tmp_path / "alice-1.annbundle"
    export_bundle(workstation_a, "alice", first)
    import_bundle(ctx, first)
    annotate_reports(ctx, who="bob")  # B's own annotator works on the same reports
    bob_before = sets_of(ctx, ids, "bob")
    deleted = annotate.get_set(workstation_a, ids[0], "alice").spans[-1]
    annotate.delete_span(workstation_a, ids[0], deleted.id, annotator="alice")
    annotate.relabel_span(workstation_a, ids[1], "T2", "place", annotator="alice")
    second = tmp_path / "alice-2.annbundle"
    export_bundle(workstation_a, "alice", second)
    result = import_bundle(ctx, second)
    assert (result.sets_replaced, result.sets_unchanged, result.sets_added) == (2, 0, 0)
    assert sets_of(ctx, ids, "alice") == sets_of(workstation_a, ids, "alice")
    assert sets_of(ctx, ids, "bob") == bob_before
    with ctx.uow() as uow:
        row = uow.repo.set_row(ids[0], "alice")
        assert row is not None
        last = uow.repo.edits(row)[-1]
        assert last.op == "bundle_import" and deleted.id in {s["id"] for s in last.before["spans"]}


def test_older_bundle_is_skipped_and_reported(workstation_a: ServiceContext, ctx: ServiceContext,
                                              tmp_path: Path) -> None:
    ids = annotate_reports(workstation_a)
    old = tmp_path / "alice-old.annbundle"
    export_bundle(workstation_a, "alice", old)
    annotate.create_span(workstation_a, ids[0], 2, 9, "actor", annotator="alice")
    new = tmp_path / "alice-new.annbundle"
    export_bundle(workstation_a, "alice", new)
    import_bundle(ctx, new)
    before = dump(ctx)
    result = import_bundle(ctx, old)
    assert (result.sets_skipped_older, result.sets_unchanged) == (1, 1)
    v_new = annotate.get_set(workstation_a, ids[0], "alice").version
    assert result.skipped_older == [{"report": ids[0], "local_version": v_new, "bundle_version": v_new - 1}]
    assert dump(ctx) == before


def test_entity_registry_merges_by_id_and_reports_conflicts(
        workstation_a: ServiceContext, ctx: ServiceContext, tmp_path: Path) -> None:
    annotate_reports(workstation_a)
    save_entity(ctx, dict(PLACE, name="Dayr az-Zawr", lat=None,
                          aliases=[{"name": "Dayr az Zawr", "lang": "en"}]))
    out = tmp_path / "alice.annbundle"
    export_bundle(workstation_a, "alice", out)
    result = import_bundle(ctx, out)
    assert (result.entities_added, result.entities_merged) == (1, 1)
    assert result.entity_conflicts == [{"id": PLACE["id"], "name": "Dayr az-Zawr",
                                        "fields": {"name": {"local": "Dayr az-Zawr", "bundle": "Deir ez-Zor"}}}]
    merged = get_entity(ctx, PLACE["id"])
    assert merged["name"] == "Dayr az-Zawr" and merged["lat"] == PLACE["lat"]  # local kept, gap filled
    assert {a["name"] for a in merged["aliases"]} == {"Dayr az Zawr", "Deir al-Zour", "دير الزور"}
    assert get_entity(ctx, ACTOR["id"])["name"] == "IRGC"
    before = dump(ctx)
    again = import_bundle(ctx, out)
    assert dump(ctx) == before and len(again.entity_conflicts) == 1


def test_tampered_bundle_is_refused_and_changes_nothing(workstation_a: ServiceContext, ctx: ServiceContext,
                                                        tmp_path: Path) -> None:
    annotate_reports(workstation_a)
    annotate_reports(ctx, who="bob")
    good = tmp_path / "alice.annbundle"
    export_bundle(workstation_a, "alice", good)
    before = dump(ctx)
    tampered = rezip(good, tmp_path / "tampered.annbundle", replace_in_sets("IRGC", "IRGX"))
    with pytest.raises(BundleError, match="altered or damaged: the SHA-256 checksum of sets.jsonl"):
        import_bundle(ctx, tampered)
    assert dump(ctx) == before


def test_path_traversal_bundle_is_refused_and_changes_nothing(
        workstation_a: ServiceContext, ctx: ServiceContext, tmp_path: Path) -> None:
    annotate_reports(workstation_a)
    good = tmp_path / "alice.annbundle"
    export_bundle(workstation_a, "alice", good)
    before = dump(ctx)
    slip = rezip(good, tmp_path / "slip.annbundle", lambda d: d.update({"../../evil.txt": b"pwned"}))
    with pytest.raises(BundleError, match="unsafe path .*zip-slip"):
        import_bundle(ctx, slip)
    assert dump(ctx) == before
    assert not (tmp_path.parent / "evil.txt").exists() and not (tmp_path.parent.parent / "evil.txt").exists()


def test_cancelled_import_leaves_the_database_as_it_was(workstation_a: ServiceContext, ctx: ServiceContext,
                                                        tmp_path: Path) -> None:
    annotate_reports(workstation_a)
    out = tmp_path / "alice.annbundle"
    export_bundle(workstation_a, "alice", out)
    before = dump(ctx)
    token = CancelToken()

    def progress(done: int, total: int | None, message: str = "") -> None:
        if total and done >= 0:
            token.cancel()  # cancelled once the merge has started

    with pytest.raises(Cancelled):
        import_bundle(ctx, out, progress=progress, cancel=token)
    assert dump(ctx) == before


def test_bundle_with_labels_unknown_here_is_refused(workstation_a: ServiceContext, ctx: ServiceContext,
                                                    tmp_path: Path) -> None:
    annotate_reports(workstation_a)
    good = tmp_path / "alice.annbundle"
    export_bundle(workstation_a, "alice", good)
    odd = rezip(good, tmp_path / "odd.annbundle", replace_in_sets('"label":"place"', '"label":"weapon"'),
                reseal=True)
    before = dump(ctx)
    with pytest.raises(BundleError, match="uses labels weapon that this database's schema does not have"):
        import_bundle(ctx, odd)
    assert dump(ctx) == before


def test_export_needs_work_of_that_annotator(ctx: ServiceContext, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="'carol' has no annotation sets"):
        export_bundle(ctx, "carol", tmp_path / "carol.annbundle")
    assert not (tmp_path / "carol.annbundle").exists()


def test_export_takes_only_that_annotators_sets(workstation_a: ServiceContext, tmp_path: Path) -> None:
    annotate_reports(workstation_a)
    annotate_reports(workstation_a, who="bob")
    out = tmp_path / "bob.annbundle"
    summary = export_bundle(workstation_a, "bob", out)
    assert summary.sets == 2
    with zipfile.ZipFile(out) as z:
        body = z.read(SETS).decode()
    assert '"annotator":"bob"' in body and '"annotator":"alice"' not in body


def test_parents_of_linked_places_travel_and_missing_entries_are_named(
        workstation_a: ServiceContext, ctx: ServiceContext, tmp_path: Path) -> None:
    ids = annotate_reports(workstation_a)
    save_entity(workstation_a, {"id": "place:syria", "kind": "place", "name": "Syria", "parent": "place:nowhere"})
    save_entity(workstation_a, dict(PLACE, parent="place:syria"))
    annotate.create_span(workstation_a, ids[1], 0, 3, "actor", annotator="alice", entity="actor:ghost")
    out = tmp_path / "alice.annbundle"
    summary = export_bundle(workstation_a, "alice", out)
    assert summary.missing_entities == ["actor:ghost", "place:nowhere"]
    assert summary.entities == 3
    import_bundle(ctx, out)
    assert get_entity(ctx, "place:syria")["name"] == "Syria"
    assert annotate.get_set(ctx, ids[1], "alice") == annotate.get_set(workstation_a, ids[1], "alice")
