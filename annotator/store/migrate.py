"""Bring a database to the current schema, safely.

A new database is created at head; an older one is upgraded after a backup copy (SQLite); a
database whose revision this program does not know (written by a newer version) is refused.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from annotator.core.errors import DatabaseError
from annotator.store.engine import sqlite_path

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def upgrade(engine: Engine, revision: str = "head", *, backup: bool = True) -> Path | None:
    """Upgrade to ``revision`` (default head). Returns the backup file made, if any."""
    current = current_revision(engine)
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
        raise DatabaseError("the database holds tables that are not annotator's; "
                            "choose an empty database or an annotator database")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return copy


def _has_foreign_tables(engine: Engine) -> bool:
    return bool(set(inspect(engine).get_table_names()) - {"alembic_version"})


def _backup_sqlite(engine: Engine, revision: str) -> Path | None:
    """Copy a SQLite database aside with the backup API (consistent even in WAL mode)."""
    path = sqlite_path(str(engine.url))
    if path is None or not path.exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    dest = path.with_name(f"{path.name}.rev{revision}-{stamp}.bak")
    copy_sqlite(path, dest)
    return dest


def copy_sqlite(source: Path, dest: Path) -> None:
    """A consistent copy of a live SQLite file (SQLite's online backup: safe while others write)."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
