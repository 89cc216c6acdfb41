"""Engine construction: SQLite pragmas for durability, or a PostgreSQL URL.

Nothing is built at import time; each shell calls ``make_engine`` with its target.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from annotator.core.errors import DatabaseError


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


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers (GUI lists, exports) run beside the writer; synchronous=FULL makes each
    # commit durable before it returns, which is what "Saved" promises.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


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
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        try:
            return create_engine(url, echo=echo, pool_pre_ping=True)
        except ModuleNotFoundError:
            raise DatabaseError("a PostgreSQL database needs the optional extra 'postgres' "
                                "(pip install 'annotator[postgres]')") from None
    raise DatabaseError(f"'{target}': only SQLite files and PostgreSQL URLs are supported")
