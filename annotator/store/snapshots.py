"""One snapshot of the database read by two connections (two processes splitting a long read).

Each connection reads in a transaction of its own; the two must see the same committed state, or a
record or export made in halves could join the state before an edit to the state after it.

- PostgreSQL shares a snapshot outright: the first reader exports it (``pg_export_snapshot`` in a
  REPEATABLE READ transaction) and the second imports it (``SET TRANSACTION SNAPSHOT``).
- SQLite has no such call in Python. In WAL mode a reader's snapshot is fixed by its first read, so
  both readers take theirs while a third connection holds the write lock (``commits_held``): no commit
  can land in between. A writer (the window saving an edit) waits those few milliseconds on its
  busy timeout, as it waits for any other writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from annotator.store.faults import BUSY_TIMEOUT_S

_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")  # what pg_export_snapshot returns
_HOLD_WAIT_MS = 500  # how long to wait for another writer before reading in one process instead


@contextmanager
def commits_held(engine: Engine) -> Iterator[bool]:
    """While inside, no other connection can commit (SQLite: this one holds the write lock; PostgreSQL
    needs no hold). Yields False where the lock cannot be had at once (a read-only file, or another
    writer busy for more than half a second): the caller then reads in one transaction."""
    if engine.dialect.name != "sqlite":
        yield True
        return
    conn = engine.connect()
    try:
        try:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={_HOLD_WAIT_MS}")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except DBAPIError:
            held = False
        else:
            held = True
        try:
            yield held
        finally:
            dbapi = conn.connection.dbapi_connection
            if dbapi is not None and dbapi.in_transaction:
                conn.exec_driver_sql("ROLLBACK")
            conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    finally:
        conn.close()


def pin_snapshot(session: Session) -> str:
    """Start this session's read transaction and fix its snapshot now; returns the token another
    session passes to ``join_snapshot`` (PostgreSQL's snapshot id; "" on SQLite, whose second reader
    pins its own while ``commits_held``). Call first in the session."""
    if session.get_bind().dialect.name == "postgresql":
        conn = session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
    _begin_sqlite_read(session)
    return ""


def join_snapshot(session: Session, token: str) -> None:
    """Read in this session from the snapshot ``pin_snapshot`` returned ``token`` for (on SQLite: the
    state now, which is the same while the first reader's ``commits_held`` is held). Call first."""
    if session.get_bind().dialect.name == "postgresql":
        if not _SNAPSHOT_ID.fullmatch(token):  # a utility statement takes no parameters: checked, then spelt in
            raise ValueError(f"not a PostgreSQL snapshot id: {token!r}")
        conn = session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{token}'")
        return
    _begin_sqlite_read(session)


def _begin_sqlite_read(session: Session) -> None:
    """BEGIN and one read: Python's sqlite3 sends no BEGIN before a SELECT, and a read transaction's
    snapshot is taken at its first read, not at BEGIN."""
    conn = session.connection()
    conn.exec_driver_sql("BEGIN")
    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
