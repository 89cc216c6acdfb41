"""The SQLite file itself: consistent online copies (SQLite's backup API), restoring one, and the
damage check at open.

Copies are written through ``files.atomic.atomic_path``: a copy is complete under its final name or
absent, whatever happens while it is written. The check at open runs SQLite's ``quick_check``
(0.7 s for a 120 MB database) unless the file is exactly as annotator last left it: a clean close
writes a stamp (size and modification time of the file) beside it, so repeated opens cost nothing,
while a file changed by anything else (a disk fault, another program, a killed run) is checked."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from functools import cache
from pathlib import Path
from typing import Any

from annotator.core.errors import MissingExtraError, StorageError
from annotator.files.atomic import atomic_path
from annotator.store.faults import CHECK_HINT, database_fault, not_a_database


@cache
def dbapi_errors() -> tuple[type[Exception], ...]:
    """sqlite3's errors, and SQLCipher's when the extra is installed (looked up when one is raised)."""
    try:
        import sqlcipher3  # noqa: PLC0415 (optional extra 'encryption')
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, sqlcipher3.Error)


def connect(path: Path | str, key: str | None = None) -> Any:
    """A DB-API connection to the file: the standard sqlite3, or SQLCipher (extra ``encryption``)
    with ``key`` for an encrypted database (the copy of one is encrypted with the same key)."""
    if key is None:
        return sqlite3.connect(path)
    try:
        import sqlcipher3  # noqa: PLC0415 (optional extra 'encryption')
    except ImportError:
        raise MissingExtraError(path, "an encrypted database", "encryption") from None
    conn = sqlcipher3.connect(str(path))
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our sentence, not SQLCipher's log
    conn.execute("PRAGMA key = '" + key.replace("'", "''") + "'")
    return conn


def copy_sqlite(source: Path, dest: Path, *, key: str | None = None) -> Path:
    """A consistent copy of a live SQLite file at ``dest`` (safe while others write), all or nothing."""
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise StorageError(f"the database {source} does not exist; there is nothing to copy")
    with atomic_path(dest) as tmp:
        try:
            _backup(source, tmp, key)
        except dbapi_errors() as exc:
            raise _copy_fault(exc, source, dest) from exc
    return dest


def _backup(source: Path, dest: Path, key: str | None = None) -> None:
    src = connect(source, key)
    try:
        dst = connect(dest, key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _copy_fault(exc: Exception, source: Path, dest: Path) -> StorageError:
    """A fault of the copy's disk names the copy; anything else is the source's fault."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name == "SQLITE_FULL":
        return StorageError(f"the disk holding {dest.parent} is full; nothing was written to {dest}", kind="full")
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN")):
        return StorageError(f"cannot write {dest} (is {dest.parent} read-only?); nothing was written", kind="readonly")
    if name.startswith("SQLITE_IOERR"):
        return StorageError(f"the disk holding {dest.parent} reported an input/output error; nothing was "
                            f"written to {dest}", kind="io")
    return database_fault(exc, str(source)) or StorageError(f"copying {source} failed ({exc}); nothing was "
                                                            f"written to {dest}")


def restore_into(backup: Path, live: Path, *, key: str | None = None) -> None:
    """Make ``live`` hold exactly what ``backup`` holds.

    Through the backup API when the live file can still be opened (SQLite locks it and writes it
    in one transaction, so other connections see before or after); when it is too damaged for
    that, the verified copy replaces the file by an atomic rename (its WAL files removed)."""
    try:
        _backup(backup, live, key)
        return
    except dbapi_errors() as exc:
        name = str(getattr(exc, "sqlite_errorname", "") or "")
        if not name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            raise database_fault(exc, str(live)) or StorageError(f"restoring {live} failed ({exc})") from exc
    with atomic_path(live) as tmp:
        _backup(backup, tmp, key)
        for side in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(live) + side)


# -- the damage check at open -------------------------------------------------------------------
def _stamp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.clean")


def _signature(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    wal = Path(str(path) + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    return [st.st_size, st.st_mtime_ns, wal_size]


def quick_check(path: Path, *, key: str | None = None) -> list[str]:
    """SQLite's quick_check of the file: [] when sound, else what it found (at most 20 lines)."""
    return _pragma_check(path, "quick_check(20)", key)


def integrity_problems(path: Path, *, key: str | None = None) -> list[str]:
    """SQLite's full integrity_check (indexes against tables too): [] when sound."""
    return _pragma_check(path, "integrity_check(100)", key)


def _pragma_check(path: Path, pragma: str, key: str | None) -> list[str]:
    try:
        conn = connect(path, key)
        try:
            rows = [line.strip() for r in conn.execute(f"PRAGMA {pragma}") for line in str(r[0]).splitlines()
                    if line.strip() and not line.startswith("*** in database")]
        finally:
            conn.close()
    except dbapi_errors() as exc:
        name = str(getattr(exc, "sqlite_errorname", "") or "")
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or (key is not None and "not a database" in str(exc)):
            return [str(exc)]
        raise database_fault(exc, str(path)) or StorageError(f"the database {path} cannot be read ({exc})") \
            from None  # a full, read-only or failing disk is not damage
    return [] if rows == ["ok"] else rows


def verify_at_open(path: Path, *, latest_backup: Path | None = None, key: str | None = None) -> None:
    """Refuse a damaged database file with one sentence naming ``annotator check`` and the backup."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    signature = _signature(path)
    with contextlib.suppress(OSError, ValueError):
        if json.loads(_stamp_path(path).read_text()) == signature and (key is None or _key_opens(path, key)):
            return  # as annotator left it (and, encrypted, this key opens it)
    problems = quick_check(path, key=key)
    if problems and key is not None:
        raise StorageError(f"the database {path} cannot be read with the key given: the key is wrong, or the file "
                           f"is damaged ({problems[0]})", kind="damaged")
    if problems:
        hint = (f"run `annotator check` to see what is affected, and restore the latest backup ({latest_backup}, "
                f"with `annotator backup --restore {latest_backup}`)") if latest_backup else CHECK_HINT
        if not _plain_sqlite(path):  # an encrypted file opened without its key reads the same as a damaged one
            raise StorageError(not_a_database(str(path), problems[0], hint), kind="damaged")
        raise StorageError(f"the database {path} is damaged ({problems[0]}); {hint}", kind="damaged")
    stamp_clean(path)


def _plain_sqlite(path: Path) -> bool:
    """Whether the file starts as every unencrypted SQLite database does (an encrypted one is noise)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return True  # unreadable: not ours to call encrypted


def _key_opens(path: Path, key: str) -> bool:
    try:
        conn = connect(path, key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except dbapi_errors():
        return False
    return True


def stamp_clean(path: Path) -> None:
    """Record that annotator left ``path`` sound (after a check, or a clean close)."""
    signature = _signature(path)
    if signature is None:
        return
    stamp = _stamp_path(path)
    tmp = stamp.with_name(stamp.name + f".{os.getpid()}")
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps(signature))
        os.replace(tmp, stamp)


def forget_clean(path: Path) -> None:
    with contextlib.suppress(OSError):
        _stamp_path(path).unlink()
