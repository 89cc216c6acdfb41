"""Throw-away databases on the PostgreSQL test server (one per test keeps tests independent)."""

from __future__ import annotations

import os
import uuid

import sqlalchemy as sa

PG_ENV = "ANNOTATOR_TEST_PG_URL"


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def fresh_pg_database() -> str:
    """A new, empty database on the test server (one per test keeps tests independent)."""
    base = pg_url()
    assert base is not None
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False))


def drop_pg_database(url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(pg_url(), isolation_level="AUTOCOMMIT")  # type: ignore[arg-type]
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
