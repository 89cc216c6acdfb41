"""The store on real databases: SQLite files and the PostgreSQL test server (parametrised)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from annotator.core.errors import AnnotatorError, DatabaseError, NotFound, ValidationError
from annotator.core.ids import report_id
from annotator.core.report import Report
from annotator.services import annotate
from annotator.services.database import check, open_database
from annotator.services.reports import store_report
from annotator.store import migrate

TEXT = "🔴 Colonel أبو علي met IRGC officers in Deir al-Zour."


def test_new_database_is_at_head(db_url) -> None:
    ctx = open_database(db_url)
    try:
        assert ctx.created
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        with ctx.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
    finally:
        ctx.close()
    assert {"reports", "annotators", "annotation_sets", "spans", "relations", "edits", "entities"} <= tables


def test_sqlite_pragmas_make_commits_durable(sqlite_ctx) -> None:
    with sqlite_ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_reopening_does_not_recreate(db_url) -> None:
    first = open_database(db_url)
    store_report(first, Report.of(TEXT, title="t"))
    first.close()
    second = open_database(db_url)
    try:
        assert not second.created
        with second.uow() as uow:
            assert uow.repo.report(report_id(TEXT)).text == TEXT
    finally:
        second.close()


def test_report_id_is_sha256_and_import_is_idempotent(ctx) -> None:
    r = Report.of(TEXT, title="t")
    assert r.id == "bc141c75c01e58c1a71b386433e329eff7afcb2087789afefd920f8d2a5f78cf"
    assert store_report(ctx, r) == "new"
    assert store_report(ctx, Report.of(TEXT, title="another title")) == "existing"
    with ctx.uow() as uow:
        assert uow.repo.report(r.id).title == "t"


def test_report_text_is_immutable_in_the_database(ctx) -> None:
    r = Report.of(TEXT)
    store_report(ctx, r)
    with pytest.raises(AnnotatorError), ctx.uow() as uow:
        uow.session.execute(sa.text("UPDATE reports SET text = 'changed' WHERE id = :id"), {"id": r.id})
        uow.commit()
    with ctx.uow() as uow:
        assert uow.repo.report(r.id).text == TEXT


def test_span_offsets_are_validated_and_nothing_is_stored(ctx) -> None:
    r = Report.of(TEXT)
    store_report(ctx, r)
    for start, end in [(-1, 3), (5, 5), (7, 3), (40, len(TEXT) + 1)]:
        with pytest.raises(ValidationError):
            annotate.create_span(ctx, r.id, start, end, "actor", annotator="alice")
    with pytest.raises(ValidationError):
        annotate.create_span(ctx, r.id, 2, 17, "weapon", annotator="alice")
    assert annotate.get_set(ctx, r.id, "alice").spans == ()


def test_database_refuses_bad_offsets_directly(ctx) -> None:
    r = Report.of(TEXT)
    store_report(ctx, r)
    annotate.create_span(ctx, r.id, 2, 17, "actor", annotator="alice")
    with pytest.raises(AnnotatorError), ctx.uow() as uow:
        uow.session.execute(sa.text('UPDATE spans SET "end" = start'))
        uow.commit()


def test_edits_are_logged_and_versioned(ctx) -> None:
    r = Report.of(TEXT)
    store_report(ctx, r)
    claim, c1 = annotate.create_span(ctx, r.id, 2, 35, "claim", annotator="alice")
    actor, c2 = annotate.create_span(ctx, r.id, 2, 17, "actor", annotator="alice")
    rel, c3 = annotate.create_relation(ctx, r.id, claim.id, actor.id, "source", annotator="alice")
    moved, c4 = annotate.move_span(ctx, r.id, actor.id, 10, 17, annotator="alice")
    assert [c.version for c in (c1, c2, c3, c4)] == [1, 2, 3, 4]
    s = annotate.get_set(ctx, r.id, "alice")
    assert s.version == 4
    assert [(x.id, x.start, x.end, x.label) for x in s.spans] == [("T1", 2, 35, "claim"), ("T2", 10, 17, "actor")]
    assert [(x.head, x.tail, x.label) for x in s.relations] == [("T1", "T2", "source")]
    with ctx.uow() as uow:
        row = uow.repo.set_row(r.id, "alice")
        edits = [(e.version, e.op, e.target, e.annotator, e.before, e.after) for e in uow.repo.edits(row)]
    assert [e[:4] for e in edits] == [
        (1, "create_span", "T1", "alice"), (2, "create_span", "T2", "alice"),
        (3, "create_relation", rel.id, "alice"), (4, "move_span", "T2", "alice")]
    assert edits[3][4]["start"] == 2 and edits[3][5]["start"] == 10


def test_delete_and_restore_keep_identity_and_relations(ctx) -> None:
    r = Report.of(TEXT)
    store_report(ctx, r)
    claim, _ = annotate.create_span(ctx, r.id, 2, 35, "claim", annotator="alice")
    actor, _ = annotate.create_span(ctx, r.id, 2, 17, "actor", annotator="alice")
    annotate.create_relation(ctx, r.id, claim.id, actor.id, "source", annotator="alice")
    deleted, _ = annotate.delete_span(ctx, r.id, actor.id, annotator="alice")
    after_delete = annotate.get_set(ctx, r.id, "alice")
    assert [s.id for s in after_delete.spans] == [claim.id] and after_delete.relations == ()
    annotate.restore_span(ctx, r.id, deleted, annotator="alice")
    restored = annotate.get_set(ctx, r.id, "alice")
    assert restored.span(actor.id) == actor
    assert [(x.head, x.tail) for x in restored.relations] == [(claim.id, actor.id)]


def test_each_annotator_has_own_set_and_gold_is_protected(ctx) -> None:
    r = Report.of(TEXT)
    store_report(ctx, r)
    annotate.create_span(ctx, r.id, 2, 17, "actor", annotator="alice")
    annotate.create_span(ctx, r.id, 39, 51, "place", annotator="bob")
    assert [s.label for s in annotate.get_set(ctx, r.id, "alice").spans] == ["actor"]
    assert [s.label for s in annotate.get_set(ctx, r.id, "bob").spans] == ["place"]
    with pytest.raises(AnnotatorError):
        annotate.create_span(ctx, r.id, 2, 17, "actor", annotator="gold")
    annotate.create_span(ctx, r.id, 2, 17, "actor", annotator="gold", adjudicating=True)
    with pytest.raises(NotFound):
        annotate.delete_span(ctx, r.id, "T99", annotator="alice")


def test_relation_rules_come_from_the_schema(ctx) -> None:
    r = Report.of(TEXT)
    store_report(ctx, r)
    claim, _ = annotate.create_span(ctx, r.id, 2, 35, "claim", annotator="alice")
    place, _ = annotate.create_span(ctx, r.id, 39, 51, "place", annotator="alice")
    with pytest.raises(ValidationError):
        annotate.create_relation(ctx, r.id, claim.id, place.id, "source", annotator="alice")
    with pytest.raises(ValidationError):
        annotate.create_relation(ctx, r.id, place.id, claim.id, "place", annotator="alice")
    annotate.create_relation(ctx, r.id, claim.id, place.id, "place", annotator="alice")
    with pytest.raises(ValidationError):
        annotate.create_relation(ctx, r.id, claim.id, place.id, "place", annotator="alice")


def test_check_reports_a_healthy_database(ctx) -> None:
    store_report(ctx, Report.of(TEXT))
    result = check(ctx)
    assert result.ok, result.problems
    assert result.reports == 1


def test_newer_database_is_refused(db_url) -> None:
    first = open_database(db_url)
    with first.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    first.close()
    with pytest.raises(DatabaseError, match="newer than this version"):
        open_database(db_url)


def test_foreign_database_is_refused(tmp_path) -> None:
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="not annotator's"):
        open_database(path)


def test_folder_as_database_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(DatabaseError, match="folder"):
        open_database(tmp_path)
