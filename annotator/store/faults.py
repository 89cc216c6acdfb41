"""Database faults as one sentence each: a lock held too long, a full disk, a read-only or damaged
file, a server that went away. Classified by SQLite's extended error name and PostgreSQL's SQLSTATE,
never by the wording of a message, so a translated server message changes nothing.

Each becomes a ``StorageError`` (exit status 1 in the CLI: something the user must act on), with
``retry`` set when the same edit can simply be made again later (a lock, a server outage)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from annotator.core.errors import PermissionDenied, StorageError
from annotator.core.storable import json_kind
from annotator.files.json_input import decode_failure

BUSY_TIMEOUT_S = 10  # how long SQLite waits for another writer (PRAGMA busy_timeout)
CHECK_HINT = "run `annotator check` to see what is affected, and restore the latest backup " \
             "(`annotator backup --list` shows them)"


def stored_json(raw: str | bytes, where: str | None = None) -> Any:
    """A JSON column's value as SQLite stores it (plain text), parsed: one that no longer parses (edited
    by hand, a bad disk) is a sentence naming ``annotator check`` (which names the row) in whichever
    command reads it; ``export`` stopped on it with exit 3, "unexpected JSONDecodeError". The engine
    decodes JSON columns with it, and so do the bulk reads that skip the ORM (``stored_object``).
    PostgreSQL refuses such a value on the way in."""
    try:
        return json.loads(raw)
    except ValueError as exc:
        database = f"the database {where}" if where else "the database"
        raise StorageError(f"{database} holds a stored value that is not valid JSON ({decode_failure(exc)}); "
                           f"{CHECK_HINT}", kind="damaged") from None


def stored_object(raw: Any) -> dict[str, Any]:
    """A JSON column that holds an object (attributes, metadata), as the driver returned it: text from a
    bulk read, a value from the ORM, NULL for none. Anything but an object (a number or a list put there
    by hand) is the same sentence as JSON that does not parse, not a TypeError in whichever command."""
    if raw is None or raw == "{}":
        return {}
    value = stored_json(raw) if isinstance(raw, (str, bytes)) else raw
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StorageError(f"the database holds a stored value that is not a JSON object where one belongs "
                           f"({json_kind(value)}); {CHECK_HINT}", kind="damaged")
    return dict(value)


def _sqlite_name(orig: BaseException) -> str:
    return str(getattr(orig, "sqlite_errorname", "") or "")


def _detail(orig: BaseException) -> str:
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__


def database_fault(exc: BaseException, where: str) -> StorageError | None:
    """The sentence for a storage fault in ``exc`` (a DBAPI error, raw or wrapped by SQLAlchemy) on
    the database ``where`` (as people read it); None when ``exc`` is not a storage fault."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error) or type(orig).__module__.startswith("sqlcipher3"):
        return _sqlite_fault(orig, where)
    return _postgres_fault(exc, orig, where)


def server_refusal(exc: BaseException, login: str | None) -> PermissionDenied | None:
    """The sentence for a change the PostgreSQL server's own rules refused (SQLSTATE 42501: a missing
    grant, or a row row-level security does not let this login write); None for anything else.

    The services refuse what a role does not allow before the server sees it; this is what is left (a
    path they do not check, or SQL the server judges by rows they cannot see). It is the user's role, not
    a fault of the data or the program: exit 1, never the raw server message."""
    orig = getattr(exc, "orig", None) or exc
    if str(getattr(orig, "sqlstate", "") or "") != "42501":
        return None
    who = f" ({login})" if login else ""
    return PermissionDenied(f"the server's rules do not let this login{who} make that change: on a team server "
                            "each login writes only the work of the annotator it is mapped to, and only a "
                            "supervisor's login the rest; nothing was saved")


def not_a_database(where: str, detail: str, hint: str = CHECK_HINT) -> str:
    """SQLite's "file is not a database": damage, or an encrypted database opened without its key. It was
    called damaged, with advice to restore a backup, which would have replaced a sound encrypted file."""
    return (f"the database {where} cannot be read as a SQLite database ({detail}): if it is an encrypted "
            "database, open it with its key (ANNOTATOR_DB_KEY) and do not restore a backup over it; if it is not, "
            f"it is damaged: {hint}")


def _sqlite_fault(orig: BaseException, where: str) -> StorageError | None:
    name = _sqlite_name(orig)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StorageError(f"the database {where} is locked by another program (waited {BUSY_TIMEOUT_S} s); "
                            "nothing was saved: close the other program or try again", kind="locked", retry=True)
    if name == "SQLITE_FULL":
        return StorageError(f"the disk holding the database {where} is full; nothing was saved "
                            "(free some space and try again)", kind="full")
    if name.startswith("SQLITE_READONLY") or name == "SQLITE_PERM":
        return StorageError(f"the database {where} is read-only (check the permissions of the file and its "
                            "folder); nothing was saved", kind="readonly")
    if name == "SQLITE_NOTADB":
        return StorageError(not_a_database(where, _detail(orig)), kind="damaged")
    if name.startswith("SQLITE_CORRUPT"):
        return StorageError(f"the database {where} is damaged ({_detail(orig)}); {CHECK_HINT}", kind="damaged")
    if name == "SQLITE_IOERR_NOMEM" or name == "SQLITE_NOMEM":
        return StorageError(f"the computer ran out of memory while using the database {where}; nothing was "
                            "saved", kind="other")
    if name.startswith("SQLITE_IOERR"):
        return StorageError(f"the disk holding the database {where} reported an input/output error "
                            f"({_detail(orig)}: is it full, failing or removed?); nothing was saved", kind="io")
    if name.startswith("SQLITE_CANTOPEN"):
        return StorageError(f"the database {where} cannot be opened: its folder is read-only, missing or not "
                            "writable by this user (SQLite writes its journal beside the file)", kind="readonly")
    return None


def _postgres_fault(exc: BaseException, orig: BaseException, where: str) -> StorageError | None:
    state = str(getattr(orig, "sqlstate", "") or "")
    lost = bool(getattr(exc, "connection_invalidated", False))
    if state.startswith("08") or state in ("57P01", "57P02", "57P03") or lost or (
            not state and type(orig).__name__ in ("OperationalError", "InterfaceError")
            and type(orig).__module__.startswith("psycopg")):
        return StorageError(f"the database server {where} cannot be reached ({_detail(orig)}); the change was "
                            "not saved: it can be made again when the server is back", kind="unreachable",
                            retry=True)
    if state in ("53100",):
        return StorageError(f"the disk of the database server {where} is full; nothing was saved", kind="full")
    if state.startswith("53"):
        return StorageError(f"the database server {where} is out of resources ({_detail(orig)}); nothing was "
                            "saved", kind="other", retry=True)
    if state in ("55P03", "40P01", "40001"):
        return StorageError(f"the database server {where} could not get a lock in time ({_detail(orig)}); "
                            "nothing was saved: try again", kind="locked", retry=True)
    if state in ("25006",):
        return StorageError(f"the database server {where} is read-only; nothing was saved", kind="readonly")
    if state.startswith("XX"):
        return StorageError(f"the database server {where} reports damaged data ({_detail(orig)}); ask its "
                            "administrator to check it and restore a backup", kind="damaged")
    return None
