"""Engine construction: SQLite pragmas for durability, or a PostgreSQL URL.

Nothing is built at import time; each shell calls ``make_engine`` with its target.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from annotator.core.errors import DatabaseError
from annotator.store.faults import BUSY_TIMEOUT_S, stored_json


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL for ``target``: a URL is kept, anything else is a SQLite file path."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite+pysqlite:///{Path(text).expanduser().resolve()}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def sqlite_key(url: str) -> str | None:
    """The key of an encrypted (SQLCipher) database URL, ``sqlite+pysqlcipher://:KEY@/path``."""
    u = make_url(url)
    return u.password if u.drivername == "sqlite+pysqlcipher" and u.password else None


def url_username(url: str) -> str | None:
    """The login a server URL connects as (None for a file or no user)."""
    return make_url(url).username or None


def url_has_password(url: str) -> bool:
    return bool(make_url(url).password)


def postgres_url(*, host: str, port: int, database: str, user: str, password: str = "") -> str:
    """A psycopg 3 URL with every part quoted (a password may hold '@' or '/')."""
    return URL.create("postgresql+psycopg", username=user or None, password=password or None, host=host or None,
                      port=port, database=database).render_as_string(hide_password=False)


def sqlcipher_url(path: Path, key: str) -> str:
    """The URL of a SQLCipher-encrypted file opened with ``key`` (extra ``encryption``)."""
    return URL.create("sqlite+pysqlcipher", username="", password=key, database=str(path)).render_as_string(
        hide_password=False)


def on_commit(engine: Engine, listener: Callable[[object], None]) -> None:
    """Call ``listener`` after every commit on this engine (a context learns that it wrote)."""
    event.listen(engine, "commit", listener)


def display_target(url: str) -> str:
    """The database as people read it: a file path, or the server URL without its password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers (GUI lists, exports) run beside the writer; synchronous=FULL makes each
    # commit durable before it returns, which is what "Saved" promises.
    cursor = dbapi_connection.cursor()
    if type(dbapi_connection).__module__.startswith("sqlcipher3"):
        cursor.execute("PRAGMA cipher_log_level = NONE")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def _begin_before_savepoint(conn, _name) -> None:  # type: ignore[no-untyped-def]
    """Open a real transaction before the first SAVEPOINT of one (SQLite only).

    Python's sqlite3 (legacy transaction control, Python < 3.12) sends BEGIN only before an INSERT,
    UPDATE or DELETE. A SAVEPOINT sent first starts a transaction of its own, and its RELEASE then
    COMMITS everything: a failed load kept the annotator and the empty set it had created inside a
    savepoint. BEGIN IMMEDIATE also takes the write lock at once, waiting for another writer
    (busy_timeout) instead of failing half-way through the transaction."""
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(target: str | Path, *, echo: bool = False) -> Engine:
    url = database_url(target)
    try:
        backend = make_url(url).get_backend_name()
    except Exception as exc:  # noqa: BLE001 - any parse failure is the user's URL
        raise DatabaseError(f"'{target}' is not a database path or URL ({exc})") from None
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            if path.exists() and path.is_dir():
                raise DatabaseError(f"{path} is a folder, not a database file")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create the folder for {path} ({exc.strerror})") from None
        try:
            engine = create_engine(url, echo=echo, json_deserializer=partial(stored_json, where=display_target(url)))
        except ModuleNotFoundError:
            raise DatabaseError("an encrypted database needs the optional extra 'encryption' "
                                "(pip install 'annotator[encryption]')") from None
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _begin_before_savepoint)
        return engine
    if backend == "postgresql":
        try:
            return create_engine(url, echo=echo, pool_pre_ping=True)
        except ModuleNotFoundError:
            raise DatabaseError("a PostgreSQL database needs the optional extra 'postgres' "
                                "(pip install 'annotator[postgres]')") from None
    raise DatabaseError(f"'{target}': only SQLite files and PostgreSQL URLs are supported")
