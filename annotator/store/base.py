"""Declarative base with a naming convention, so constraint names agree on SQLite and PostgreSQL
(batch migrations on SQLite need named constraints)."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import MetaData, Table
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
