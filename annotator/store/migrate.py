"""Bring a database to the current schema, safely.

A new database is created at head; an older one is upgraded after a backup copy (SQLite); a
database whose revision this program does not know (written by a newer version) is refused.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, MetaData, inspect

from annotator.core.errors import DatabaseError
from annotator.store import models  # noqa: F401 - registers the tables on the metadata
from annotator.store.base import Base
from annotator.store.engine import sqlite_key, sqlite_path
from annotator.store.search_repository import is_search_index_table
from annotator.store.sqlite_file import copy_sqlite

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# Alembic is imported only to change a schema: opening a database that is current (every command,
# every start of the window) reads the chain from the migration files' ``revision`` / ``down_revision``
# lines and the version row with one query, instead of a third of a command's start-up spent importing
# Alembic (tests/store/test_migrations.py holds both readings equal).
_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=\n]*)?=\s*(?:"([^"]*)"|'([^']*)'|(None))\s*$""", re.M)


def alembic_config() -> Config:
    from alembic.config import Config  # noqa: PLC0415 (slow import, only to migrate a schema)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@lru_cache(maxsize=1)
def revision_chain() -> dict[str, str | None]:
    """revision → the revision it follows, of every migration file (a linear chain)."""
    chain: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = {m.group(1): m.group(2) or m.group(3) for m in _LINE.finditer(path.read_text(encoding="utf-8"))}
        if "revision" not in found or "down_revision" not in found:
            raise DatabaseError(f"the migration {path.name} names no revision it follows")
        chain[str(found["revision"])] = found["down_revision"]
    return chain


def head_revision() -> str:
    chain = revision_chain()
    heads = set(chain) - set(chain.values())
    if len(heads) != 1:
        raise DatabaseError(f"the migrations have {len(heads)} heads; this version of annotator is broken")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision (its ``alembic_version`` row), or None for a new database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = [row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    if len(rows) > 1:
        raise DatabaseError(f"the database names {len(rows)} schema revisions at once; it is not annotator's")
    return rows[0] if rows else None


def known_revisions() -> set[str]:
    return set(revision_chain())


def refuse_unknown(revision: str | None) -> None:
    """A revision this program does not know was written by a newer version of annotator: every
    command refuses it with this sentence (``check`` too: it would judge tables it does not know)."""
    if revision is not None and revision not in known_revisions():
        raise DatabaseError(f"the database is at schema revision '{revision}', newer than this version "
                            "of annotator understands; update annotator to open it")


def never_finished(engine: Engine) -> bool:
    """No version row and nothing but our own empty tables, or no table at all: a database whose
    creation never finished (killed half-way, or an empty file). Opening it with any command finishes
    creating it (``upgrade``); it holds nothing to lose."""
    return current_revision(engine) is None and (not _has_foreign_tables(engine) or _unfinished_creation(engine))


def upgrade(engine: Engine, revision: str = "head", *, backup: bool = True) -> Path | None:
    """Upgrade to ``revision`` (default head) in ONE transaction. Returns the backup file made, if any.

    A kill at any moment leaves the database as it was before or as it is after, never between:
    SQLite runs the whole chain of migrations (tables, triggers, the ``alembic_version`` row) inside
    one explicit transaction, PostgreSQL has transactional DDL anyway. A database whose only tables
    are ours and empty, without a version row (left by a version of annotator killed while creating
    it), is finished as a new one; a database with our version row is always ours to upgrade."""
    current = current_revision(engine)
    refuse_unknown(current)
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
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            _alembic_upgrade(config, revision)
    return copy


def _alembic_upgrade(config: Config, revision: str) -> None:
    """The one place Alembic's command module is imported (it is slow to import; see above)."""
    from alembic import command  # noqa: PLC0415 (slow import, only to migrate a schema)

    command.upgrade(config, revision)


def _upgrade_sqlite(engine: Engine, config: Config, revision: str) -> None:
    """The migrations inside one explicit SQLite transaction (Python's sqlite3 would otherwise run
    each CREATE/ALTER in autocommit), with foreign keys off while tables are rebuilt in batch mode
    and checked before the commit."""
    with engine.connect() as base:
        conn = base.execution_options(isolation_level="AUTOCOMMIT")  # we send BEGIN/COMMIT ourselves
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            config.attributes["connection"] = conn
            _alembic_upgrade(config, revision)
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
    return set(Base.metadata.tables) | {"alembic_version"}


def _unfinished_creation(engine: Engine) -> bool:
    """Only our tables, every one empty, no version row: a creation that was killed half-way."""
    names = {n for n in inspect(engine).get_table_names() if not is_search_index_table(n)}
    if not names <= _our_tables():
        return False
    with engine.connect() as conn:
        return all(conn.exec_driver_sql(f'SELECT 1 FROM "{name}" LIMIT 1').first() is None for name in names)


def _drop_unfinished(engine: Engine) -> None:
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
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    dest = path.with_name(f"{path.name}.rev{revision}-{stamp}.bak")
    return copy_sqlite(path, dest, key=sqlite_key(engine.url.render_as_string(hide_password=False)))
