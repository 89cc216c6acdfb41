"""Declarative base with a naming convention, so constraint names agree on SQLite and PostgreSQL
(batch migrations on SQLite need named constraints)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import MetaData, Table
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # every mapping here is to one Table (SQLAlchemy types ``__table__`` as any FromClause, which has no
    # insert() and is no DML target); the declaration its maintainers give for that case
    __table__: ClassVar[Table]


def conflict_insert(dialect: str, table: Any) -> PgInsert | SqliteInsert:
    """``insert(table)`` in the dialect of the database ``dialect`` names, which can say ``ON CONFLICT``
    (``on_conflict_do_nothing``, ``on_conflict_do_update``): the generic ``insert`` cannot."""
    return pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
