"""Throw-away databases on the PostgreSQL test server (one per test keeps tests independent)."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

import pytest
import sqlalchemy as sa
from annotator.services.database import open_database
from annotator.store.migrate import MIGRATIONS

PG_ENV = "ANNOTATOR_TEST_PG_URL"


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def fresh_pg_database(*, migrated: bool = False) -> str:
    """A new database on the test server (one per test keeps tests independent): empty, or
    ``migrated``, a copy of a database annotator has just created (``_migrated_template``)."""
    base = pg_url()
    assert base is not None
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        template = f' TEMPLATE "{_migrated_template(conn)}"' if migrated else ""
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{template}'))
    admin.dispose()
    return _database_url(name)


def _database_url(name: str) -> str:
    base = pg_url()
    assert base is not None
    return str(sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False))


def _migrated_template(admin: sa.Connection) -> str:
    """A database ``open_database`` created (every migration run), made once per server and schema
    (named for a digest of the migrations) for the tests whose context opens a new database: copying
    it is a tenth of the 0.2 s the migrations take, over 175 PostgreSQL tests. Tests of creating and
    migrating a database take an empty one."""
    name = _template_name()
    admin.execute(sa.text("SELECT pg_advisory_lock(424242)"))  # one xdist worker makes it, the others wait
    try:
        if admin.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
            building = f"{name}_building"
            admin.execute(sa.text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
            admin.execute(sa.text(f'CREATE DATABASE "{building}"'))
            open_database(_database_url(building)).close()  # closes its pool: nobody is connected to copy it
            admin.execute(sa.text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
    finally:
        admin.execute(sa.text("SELECT pg_advisory_unlock(424242)"))
    return name


@cache
def _template_name() -> str:
    """The template's name: a digest of the migrations, so a new migration makes a new template."""
    digest = hashlib.sha256()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")) + [MIGRATIONS / "env.py"]:
        digest.update(path.read_bytes())
    return f"template_{digest.hexdigest()[:16]}"


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
