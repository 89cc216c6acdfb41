"""Alembic: a linear chain, models equal to migrations, and upgrades that keep data."""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from annotator.services import annotate, events, roles, workflow
from annotator.services.database import open_database
from annotator.store import migrate
from annotator.store.base import Base
from annotator.store.engine import make_engine
from annotator.store.search_repository import is_search_index, is_search_index_table

TEXT = "On 7 April, the site deirezzor24 reported that Russian and Iranian officers met."


def test_revision_chain_is_linear() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = list(script.walk_revisions())
    assert len(script.get_heads()) == 1
    downs = [r.down_revision for r in revisions]
    assert downs.count(None) == 1
    assert len(set(downs)) == len(downs)


def test_models_match_migrations(db_url) -> None:
    ctx = open_database(db_url)
    try:
        with ctx.engine.connect() as conn:
            # the search indexes are the migrations', not a model's: SQLite's FTS5 (a virtual table and its
            # shadow tables), PostgreSQL's pg_trgm GIN index (only where the server has the extension)
            opts = {"compare_type": True,
                    "include_name": lambda name, kind, _parent: not (kind == "table" and is_search_index_table(name))
                    and not (kind == "index" and is_search_index(name))}
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    finally:
        ctx.close()
    assert diff == []


def test_upgrade_from_first_revision_keeps_data(db_url, tmp_path) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0001", backup=False)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO reports (id, text, chars, title, direction, meta, imported_at) "
            "VALUES (:id, :text, :chars, 'old report', 'ltr', '{}', CURRENT_TIMESTAMP)"),
            {"id": "a" * 64, "text": TEXT, "chars": len(TEXT)})
        conn.execute(sa.text("INSERT INTO annotators (name, created_at) VALUES ('alice', CURRENT_TIMESTAMP)"))
        conn.execute(sa.text("INSERT INTO annotation_sets (report_id, annotator_id, updated_at) "
                             "SELECT :id, id, CURRENT_TIMESTAMP FROM annotators"), {"id": "a" * 64})
        conn.execute(sa.text('INSERT INTO spans (set_id, key, start, "end", label, attrs) '
                             "SELECT id, 'T1', 47, 54, 'actor', '{}' FROM annotation_sets"))
    engine.dispose()

    ctx = open_database(db_url)  # upgrades to head
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        if db_url.startswith("sqlite"):
            assert ctx.backup is not None and ctx.backup.exists()
        s = annotate.get_set(ctx, "a" * 64, "alice")
        assert [(x.id, x.start, x.end, x.label) for x in s.spans] == [("T1", 47, 54, "actor")]
        assert s.version == 0
        new, change = annotate.create_span(ctx, "a" * 64, 0, 2, "actor", annotator="alice")
        assert new.id == "T2" and change.version == 1  # numbering continues after old keys
    finally:
        ctx.close()


def test_upgrade_from_entities_revision_adds_events(db_url) -> None:
    """20261205_0004 follows 0003: existing sets get event tables and can hold events at once."""
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0003", backup=False)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO reports (id, text, chars, title, direction, meta, imported_at) "
            "VALUES (:id, :text, :chars, 'old report', 'ltr', '{}', CURRENT_TIMESTAMP)"),
            {"id": "b" * 64, "text": TEXT, "chars": len(TEXT)})
    engine.dispose()
    ctx = open_database(db_url)
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        assert "20261205_0004" in migrate.known_revisions()
        claim, _ = annotate.create_span(ctx, "b" * 64, 0, 40, "claim", annotator="alice")
        event, _ = events.create_event(ctx, "b" * 64, "meeting", annotator="alice", claims=(claim.id,))
        assert events.get_events(ctx, "b" * 64, "alice") == [event]
    finally:
        ctx.close()
    engine = _downgraded(db_url, "0003")
    assert {"events", "event_arguments", "incidents"}.isdisjoint(sa.inspect(engine).get_table_names())
    engine.dispose()


def test_upgrade_from_events_revision_adds_the_workflow(db_url) -> None:
    """20261205_0005 follows 20261205_0004: annotators keep their names and get the annotator role, and the
    workflow tables arrive empty; downgrading takes them out again and keeps everything else."""
    engine = make_engine(db_url)
    migrate.upgrade(engine, "20261205_0004", backup=False)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO reports (id, text, chars, title, direction, meta, imported_at) "
            "VALUES (:id, :text, :chars, 'old report', 'ltr', '{}', CURRENT_TIMESTAMP)"),
            {"id": "c" * 64, "text": TEXT, "chars": len(TEXT)})
        conn.execute(sa.text("INSERT INTO annotators (name, created_at) VALUES ('alice', CURRENT_TIMESTAMP)"))
    engine.dispose()
    ctx = open_database(db_url)
    try:
        assert roles.people(ctx) == [{"name": "alice", "role": "annotator", "login": None}]
        ctx.actor = "alice"
        annotate.create_span(ctx, "c" * 64, 47, 54, "actor", annotator="alice")
        assert workflow.status_of(ctx, "c" * 64, "alice").status == "in_progress"
    finally:
        ctx.close()
    engine = _downgraded(db_url, "20261205_0004")
    inspector = sa.inspect(engine)
    assert {"assignments", "status_changes", "comments", "curation_decisions"}.isdisjoint(inspector.get_table_names())
    assert {c["name"] for c in inspector.get_columns("annotators")} == {"id", "name", "created_at"}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM spans")).scalar() == 1
    engine.dispose()


def _downgraded(db_url: str, revision: str):  # type: ignore[no-untyped-def]
    """The database migrated down to ``revision`` (Alembic's own downgrade); its engine."""
    engine = make_engine(db_url)
    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
    return engine


def test_the_chain_read_without_alembic_is_alembics(db_url) -> None:  # type: ignore[no-untyped-def]
    """Opening a current database reads the chain from the migration files and the version row with one
    query (importing Alembic was a third of a command's start-up): both readings agree with Alembic's."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.revision_chain() == {r.revision: r.down_revision for r in script.walk_revisions()}
    assert migrate.head_revision() == script.get_current_head()
    assert migrate.known_revisions() == {r.revision for r in script.walk_revisions()}
    engine = make_engine(db_url)
    try:
        assert migrate.current_revision(engine) is None  # a new database
        open_database(db_url).close()
        with engine.connect() as conn:
            assert migrate.current_revision(engine) == MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def test_a_command_on_a_current_database_does_not_import_alembic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "a.sqlite3"
    open_database(db).close()
    code = ("import sys\nfrom annotator.services.database import open_database\n"
            f"open_database({str(db)!r}).close()\nprint('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


def _entity_index(engine: sa.Engine) -> str:
    """The definition of the spans' entity index as the database holds it."""
    query = ("SELECT sql FROM sqlite_master WHERE name = 'ix_spans_entity_id'" if engine.dialect.name == "sqlite"
             else "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_spans_entity_id'")
    with engine.connect() as conn:
        return str(conn.execute(sa.text(query)).scalar_one())


def test_upgrade_makes_the_entity_index_partial_and_keeps_serving_entity_queries(db_url) -> None:
    """20261206_0008: the spans' entity index holds only spans that name an entity; a database from
    0007 gets it on upgrade, and the index is still the one an entity's mentions are found by."""
    engine = make_engine(db_url)
    migrate.upgrade(engine, "20261206_0007", backup=False)
    assert "NOT NULL" not in _entity_index(engine).upper()
    engine.dispose()
    ctx = open_database(db_url)
    try:
        assert "ENTITY_ID IS NOT NULL" in _entity_index(ctx.engine).upper()
        if ctx.engine.dialect.name == "sqlite":
            with ctx.engine.connect() as conn:
                plan = " ".join(str(row) for row in conn.execute(sa.text(
                    "EXPLAIN QUERY PLAN SELECT id FROM spans WHERE entity_id = 'actor:irgc'")))
            assert "ix_spans_entity_id" in plan
    finally:
        ctx.close()
    engine = _downgraded(db_url, "20261206_0007")
    assert "NOT NULL" not in _entity_index(engine).upper()
    engine.dispose()
