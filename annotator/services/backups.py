"""Backups of the embedded SQLite database: on request, rolling (at start-up and every N minutes of
editing, keeping the last K), listing and restoring.

Every copy is an online backup through SQLite's backup API (consistent while edits go on) written
atomically (``files.atomic``), so a backup is complete or absent. Rolling backups live in a folder
beside the database, ``<database>.backups/``, named by their UTC time so they sort by age. A
PostgreSQL team server is backed up by its administrator (``pg_dump``): these functions say so.

Restoring first checks the copy, then saves the current state as one more backup (so a restore can
be undone), then writes the copy into the live database in one transaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.errors import DatabaseError, StorageError, UsageError
from annotator.files.atomic import remove_stale_temporaries_in
from annotator.services.context import ServiceContext
from annotator.store import migrate
from annotator.store.engine import make_engine, sqlite_key, sqlite_path
from annotator.store.sqlite_file import copy_sqlite, quick_check, restore_into, stamp_clean

DEFAULT_EVERY_MINUTES = 10
DEFAULT_KEEP = 10
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_SUFFIX = ".sqlite3"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime  # UTC
    size: int

    def to_json(self) -> dict[str, object]:
        return {"path": str(self.path), "created": self.created.isoformat(timespec="seconds"), "size": self.size}


def _database_file(ctx: ServiceContext) -> Path:
    path = sqlite_path(ctx.url)
    if path is None:
        raise DatabaseError("backups here copy the embedded SQLite database; a PostgreSQL server is backed "
                            "up by its administrator (pg_dump)")
    return path


def backup_folder(database: Path) -> Path:
    """Where the rolling backups of ``database`` live: a folder beside it."""
    return database.with_name(database.name + ".backups")


def backup(ctx: ServiceContext, out: Path | str) -> Path:
    """An online, consistent copy of the database at ``out`` (``annotator backup --out``)."""
    return copy_sqlite(_database_file(ctx), Path(out), key=sqlite_key(ctx.url))


def rolling_backup(ctx: ServiceContext, *, keep: int = DEFAULT_KEEP, tag: str = "") -> BackupInfo | None:
    """One more backup in the database's backup folder, keeping only the newest ``keep``; None on a
    PostgreSQL server (nothing to copy here)."""
    path = sqlite_path(ctx.url)
    if path is None or not path.exists():
        return None
    folder = backup_folder(path)
    now = datetime.now(UTC)
    name = f"{path.stem}-{now.strftime(_STAMP)}{('-' + tag) if tag else ''}{_SUFFIX}"
    out = copy_sqlite(path, folder / name, key=sqlite_key(ctx.url))
    _prune(folder, path, keep)
    return BackupInfo(out, now, out.stat().st_size)


def list_backups(ctx: ServiceContext) -> list[BackupInfo]:
    """The rolling backups of this database, newest first ([] on a PostgreSQL server)."""
    path = sqlite_path(ctx.url)
    return [] if path is None else _backups_of(path)


def latest_backup(database: Path) -> Path | None:
    found = _backups_of(database)
    return found[0].path if found else None


def latest_backup_of_target(target: str | Path | None) -> Path | None:
    """The newest rolling backup of the database a user named (a path, a URL or the default), or None
    (a server, or no backup yet) — what a damaged file at start-up can be restored from."""
    from annotator.services.database import resolve_target  # noqa: PLC0415 (import cycle: services.database imports backups)

    path = sqlite_path(resolve_target(target))
    return None if path is None else latest_backup(path)


def _backups_of(database: Path) -> list[BackupInfo]:
    folder = backup_folder(database)
    if not folder.is_dir():
        return []
    out: list[BackupInfo] = []
    prefix = database.stem + "-"
    for item in folder.iterdir():
        if not (item.name.startswith(prefix) and item.name.endswith(_SUFFIX)) or not item.is_file():
            continue
        stamp = item.name[len(prefix):-len(_SUFFIX)].split("-", 1)[0]
        try:
            created = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        out.append(BackupInfo(item, created, item.stat().st_size))
    return sorted(out, key=lambda b: b.created, reverse=True)


def _prune(folder: Path, database: Path, keep: int) -> None:
    remove_stale_temporaries_in(folder)  # copies a killed run left half-written
    for old in _backups_of(database)[max(keep, 1):]:
        try:
            old.path.unlink()
        except OSError:
            continue


def restore_backup(ctx: ServiceContext, source: Path | str) -> BackupInfo | None:
    """Make the database hold what the backup ``source`` holds.

    The copy is checked first (a damaged or foreign file is refused and nothing changes); the current
    state is then saved as a backup tagged ``before-restore`` (returned, so the restore can itself be
    undone) when it can still be read. Other windows on the same file should be closed first: they
    would go on showing what they had loaded."""
    database = _database_file(ctx)
    source = Path(source)
    if not source.is_file():
        raise UsageError(f"the backup {source} does not exist")
    key = sqlite_key(ctx.url)
    problems = quick_check(source, key=key)
    if problems:
        raise StorageError(f"the backup {source} is damaged ({problems[0]}); choose another one", kind="damaged")
    engine = make_engine(ctx.url.replace(str(database), str(source)) if key else source)
    try:
        revision = migrate.current_revision(engine)
    except Exception:  # noqa: BLE001 - whatever a foreign file raises, it is not ours
        revision = None
    finally:
        engine.dispose()
    if revision is None or revision not in migrate.known_revisions():
        raise DatabaseError(f"{source} is not a backup of an annotator database this version can read")
    saved: BackupInfo | None = None
    try:
        saved = rolling_backup(ctx, keep=DEFAULT_KEEP + 1, tag="before-restore")
    except StorageError as exc:
        if exc.kind != "damaged":
            raise
    ctx.engine.dispose()  # our own pooled connections must not hold the file while it is rewritten
    restore_into(source, database, key=key)
    migrate.upgrade(ctx.engine)  # a backup from an older version is brought up to date
    stamp_clean(database)
    return saved


class AutoBackup:
    """Rolling backups while someone works: one at start-up, then one after an edit whenever
    ``every_minutes`` have passed since the last. Plain Python: the GUI calls ``started()`` once
    and ``edited()`` after each committed edit (cheap when no backup is due) on its database lane."""

    def __init__(self, ctx: ServiceContext, *, every_minutes: float = DEFAULT_EVERY_MINUTES,
                 keep: int = DEFAULT_KEEP, clock: Callable[[], float] = time.monotonic) -> None:
        self.ctx = ctx
        self.every_s = every_minutes * 60
        self.keep = keep
        self._clock = clock
        self._last: float | None = None

    def started(self) -> BackupInfo | None:
        return self._take()

    def edited(self) -> BackupInfo | None:
        if self._last is not None and self._clock() - self._last < self.every_s:
            return None
        return self._take()

    def _take(self) -> BackupInfo | None:
        made = rolling_backup(self.ctx, keep=self.keep)
        self._last = self._clock()
        return made
