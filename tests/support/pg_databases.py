"""Throw-away databases on the PostgreSQL test server (one per test keeps tests independent)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pytest
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


@contextmanager
def team_logins(names: Iterable[str] = ("sam", "alice", "bob")) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh database and one login per name on the test server (named ``NAME_<suffix>``, so tests
    running at once never share one), all dropped afterwards; skipped without a server (failed under CI)."""
    if pg_url() is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {PG_ENV} is not set: .ci/run must start the PostgreSQL test server")
        pytest.skip(f"PostgreSQL test server not running: set {PG_ENV} (scripts/pg-test-server starts one)")
    url = fresh_pg_database()
    suffix = uuid.uuid4().hex[:8]
    logins = {name: f"{name}_{suffix}" for name in names}
    admin = sa.create_engine(pg_url(), isolation_level="AUTOCOMMIT")  # type: ignore[arg-type]
    with admin.connect() as conn:
        for login in logins.values():
            conn.execute(sa.text(f'CREATE ROLE "{login}" LOGIN'))
    try:
        yield url, logins
    finally:
        drop_pg_database(url)
        with admin.connect() as conn:
            for login in logins.values():
                conn.execute(sa.text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()
