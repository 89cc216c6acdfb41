"""Bring a database to the current schema, safely.

A new database is created at head; an older one is upgraded after a backup copy (SQLite); a
database whose revision this program does not know (written by a newer version) is refused.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect

from annotator.core.errors import DatabaseError
from annotator.store.engine import sqlite_key, sqlite_path
from annotator.store.sqlite_file import copy_sqlite

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration (tests/store/test_migrations.py holds that it is alembic's head). A database
# already at it is opened without importing alembic or reading the migration scripts: that was a
# third of a second of every command, however small.
HEAD = "20261206_0007"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision, None when it has none (a new database). Read with plain SQL;
    alembic is asked only when the version table holds more than one row (it says why that is wrong)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = [row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
        if len(rows) <= 1:
            return rows[0] if rows else None
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def upgrade(engine: Engine, revision: str = "head", *, backup: bool = True) -> Path | None:
    """Upgrade to ``revision`` (default head) in ONE transaction. Returns the backup file made, if any.

    A kill at any moment leaves the database as it was before or as it is after, never between:
    SQLite runs the whole chain of migrations (tables, triggers, the ``alembic_version`` row) inside
    one explicit transaction, PostgreSQL has transactional DDL anyway. A database whose only tables
    are ours and empty, without a version row (left by a version of annotator killed while creating
    it), is finished as a new one; a database with our version row is always ours to upgrade."""
    current = current_revision(engine)
    if current == HEAD and revision in ("head", HEAD):
        return None  # the common case: nothing to do, and nothing of alembic's to load
    if current is not None and current not in known_revisions():
        raise DatabaseError(f"the database is at schema revision '{current}', newer than this version "
                            "of annotator understands; update annotator to open it")
    target = head_revision() if revision == "head" else revision
    if current == target:
        return None
    copy = None
    if backup and current is not None:
        copy = _backup_sqlite(engine, current)
    elif current is None and _has_foreign_tables(engine):
        if not _unfinished_creation(engine):
            raise DatabaseError("the database holds tables that are not annotator's; "
                                "choose an empty database or an annotator database")
        _drop_unfinished(engine)
    config = alembic_config()
    if engine.dialect.name == "sqlite":
        _upgrade_sqlite(engine, config, revision)
    else:
        from alembic import command

        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    return copy


def _upgrade_sqlite(engine: Engine, config: Config, revision: str) -> None:
    """The migrations inside one explicit SQLite transaction (Python's sqlite3 would otherwise run
    each CREATE/ALTER in autocommit), with foreign keys off while tables are rebuilt in batch mode
    and checked before the commit."""
    with engine.connect() as base:
        conn = base.execution_options(isolation_level="AUTOCOMMIT")  # we send BEGIN/COMMIT ourselves
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            from alembic import command

            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise DatabaseError(f"upgrading the database would leave {len(broken)} dangling references "
                                    f"(first in table {broken[0][0]}); nothing was changed")
            conn.exec_driver_sql("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                conn.exec_driver_sql("ROLLBACK")
            raise
        finally:
            with contextlib.suppress(Exception):
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def _has_foreign_tables(engine: Engine) -> bool:
    return bool(set(inspect(engine).get_table_names()) - {"alembic_version"})


def _our_tables() -> set[str]:
    from annotator.store import models  # noqa: F401 - registers the tables on the metadata
    from annotator.store.base import Base

    return set(Base.metadata.tables) | {"alembic_version"}


def _unfinished_creation(engine: Engine) -> bool:
    """Only our tables, every one empty, no version row: a creation that was killed half-way."""
    from annotator.store.search_repository import is_search_index_table

    names = {n for n in inspect(engine).get_table_names() if not is_search_index_table(n)}
    if not names <= _our_tables():
        return False
    with engine.connect() as conn:
        return all(conn.exec_driver_sql(f'SELECT 1 FROM "{name}" LIMIT 1').first() is None for name in names)


def _drop_unfinished(engine: Engine) -> None:
    from sqlalchemy import MetaData

    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        meta.drop_all(conn)
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS reports_text_immutable")


def _backup_sqlite(engine: Engine, revision: str) -> Path | None:
    """Copy a SQLite database aside with the backup API (consistent even in WAL mode)."""
    path = sqlite_path(str(engine.url))
    if path is None or not path.exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    dest = path.with_name(f"{path.name}.rev{revision}-{stamp}.bak")
    return copy_sqlite(path, dest, key=sqlite_key(engine.url.render_as_string(hide_password=False)))
