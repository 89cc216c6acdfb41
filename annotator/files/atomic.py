"""THE way annotator writes a file or folder for a user: all of it, or nothing under its name.

Every output (corpus exports, bundles, the entity registry, backups, records, the label schema, the
GUI's dashboard exports) is written under a temporary name in the same folder, flushed to the disk
(fsync), then renamed over the final name, which is atomic on one filesystem. On any error or
cancel the temporary is removed; a run killed outright (power cut, SIGKILL) cannot remove it, so
the next write of the same output removes the temporaries that no live writer holds.

Temporaries are named ``.<name>.<8 random chars>.part`` beside ``<name>``. A writer holds an
advisory lock on its temporary (POSIX ``flock``) for as long as it writes, which tells a later run
whether a temporary belongs to a live export (kept) or to a killed one (removed). On Windows an open
file cannot be deleted or renamed, which gives the same answer without a lock.

OS errors while writing become one ``StorageError`` sentence (``files.faults``): "the disk holding
X is full; nothing was written to Y".

An output that already exists as a stream (a device such as ``/dev/null`` or ``/dev/stdout``, a named
pipe, a socket) is written straight into: renaming a temporary over it would replace the device with a
plain file (``--out /dev/null`` run as root once turned the machine's ``/dev/null`` into one), and a stream
has no "all or nothing" to keep.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import FormatError, UsageError
from annotator.files.faults import storage_error

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".part"


def temp_prefix(path: Path) -> str:
    return f".{path.name}."


def is_temporary_of(path: Path, candidate: str) -> bool:
    """Whether ``candidate`` (a name in ``path``'s folder) is a temporary of an output ``path``."""
    return re.fullmatch(re.escape(temp_prefix(path)) + r"[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX),
                        candidate) is not None


# -- locks: a live writer holds one on its temporary --------------------------------------------
def _try_lock(fd: int) -> bool:
    """Take an exclusive advisory lock without waiting; False when another process holds it."""
    if fcntl is None:  # pragma: no cover - Windows: open files cannot be removed, see module doc
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # a filesystem without flock: treat as unlocked (same as before this module)
        return True
    return True


def remove_stale_temporaries(path: Path | str) -> list[Path]:
    """Remove the temporaries of ``path`` left by killed runs; returns what was removed.

    A temporary whose writer is still running is locked (POSIX) or open (Windows) and is kept."""
    path = Path(path)
    return _remove_stale(path.parent if str(path.parent) else Path("."), lambda name: is_temporary_of(path, name))


def remove_stale_temporaries_in(folder: Path | str) -> list[Path]:
    """Remove every temporary in ``folder`` left by a killed run (for folders whose outputs get a
    new name each time, such as rolling backups)."""
    pattern = re.compile(r"\..+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))
    return _remove_stale(Path(folder), lambda name: pattern.fullmatch(name) is not None)


def _remove_stale(folder: Path, matches: Callable[[str], bool]) -> list[Path]:
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if not matches(name):
            continue
        stale = folder / name
        try:
            fd = os.open(stale, os.O_RDONLY)
        except OSError:
            continue
        try:
            if not _try_lock(fd):
                continue
            if stale.is_dir():
                if fcntl is None:  # pragma: no cover - a folder in use cannot be renamed on Windows
                    aside = stale.with_name(name + ".old")
                    os.rename(stale, aside)
                    stale = aside
                shutil.rmtree(stale, ignore_errors=True)
            else:
                os.unlink(stale)
            removed.append(folder / name)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def is_stream(path: Path) -> bool:
    """Whether ``path`` (followed through links) exists as something other than a file or folder: a
    device, a named pipe or a socket, which is written into, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def require_folder_of(path: Path | str, option: str = "the output") -> None:
    """Refuse an output a user named in a folder that does not exist. The writers below make missing
    folders (the app's own data and backup folders need that), so a mistyped ``--out`` wrote a whole
    corpus into new folders at the filesystem's root without a word; the file itself, or a format's
    new folder, is still made inside an existing one."""
    folder = Path(path).expanduser().absolute().parent
    nearest = next(f for f in (folder, *folder.parents) if f.exists())
    if nearest != folder and nearest.is_dir():  # (a file on the way is the writer's storage fault to name)
        raise UsageError(f"{option} {path}: the folder {folder} does not exist (create it first; nothing was "
                         "written)")


def _prepare(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, path) from None
    remove_stale_temporaries(path)


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no folder handles to flush."""
    if os.name != "posix":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _ours(exc: OSError, *places: Path) -> bool:
    """Whether an OSError came from writing our output (not from something the caller read)."""
    if exc.filename is None:
        return True
    name = Path(os.fsdecode(exc.filename))
    return any(name == p or p in name.parents for p in places)


def _new_temp_file(path: Path) -> tuple[int, Path]:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path), suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise storage_error(exc, path) from None
    _try_lock(fd)
    return fd, Path(tmp)


def _commit_file(fd: int, tmp: Path, path: Path) -> None:
    """fsync, then rename over ``path``: while still holding the lock on POSIX (so no cleanup can
    take the temporary between close and rename), after closing on Windows (open files stay put)."""
    os.fsync(fd)
    if os.name == "posix":
        os.replace(tmp, path)
        os.close(fd)
    else:  # pragma: no cover
        os.close(fd)
        os.replace(tmp, path)
    _fsync_folder(path.parent)


@contextlib.contextmanager
def atomic_file(path: Path | str, mode: str = "w", *, encoding: str = "utf-8",
                newline: str = "") -> Iterator[IO[Any]]:
    """Open a temporary beside ``path`` for writing; it becomes ``path`` when the block completes.

    On any error (including ``Cancelled``) the temporary is removed and ``path`` is untouched. A stream
    (``is_stream``) is written straight into: what was written before an error stays written."""
    path = Path(path)
    if is_stream(path):
        try:
            stream: IO[Any] = (open(path, mode) if "b" in mode  # noqa: SIM115 (closed by the with below)
                               else open(path, mode, encoding=encoding, newline=newline))  # noqa: SIM115
            with stream:
                yield stream
        except OSError as exc:
            if _ours(exc, path):
                raise storage_error(exc, path) from exc
            raise
        return
    _prepare(path)
    fd, tmp = _new_temp_file(path)
    dup = os.dup(fd)  # the file object closes its own descriptor; ours keeps the lock until the rename
    try:
        if "b" in mode:
            fh: IO[Any] = os.fdopen(dup, mode)
        else:
            fh = os.fdopen(dup, mode, encoding=encoding, newline=newline)
        with fh:
            yield fh
            fh.flush()
        _commit_file(fd, tmp, path)
    except BaseException as exc:
        _discard_file(fd, tmp)
        if isinstance(exc, OSError) and _ours(exc, tmp, path):
            raise storage_error(exc, path) from exc
        raise


def write_atomic(path: Path | str, data: str | bytes) -> Path:
    """Write a whole text or byte string to ``path`` atomically (the one-call form)."""
    with atomic_file(path, "wb" if isinstance(data, bytes) else "w") as fh:
        fh.write(data)
    return Path(path)


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary file name beside ``path`` for a writer that opens files by name (SQLite's backup
    API); flushed and renamed to ``path`` when the block completes, removed on any error. A stream
    (``is_stream``) is refused: such a writer needs a file it can reopen."""
    path = Path(path)
    if is_stream(path):
        raise FormatError(path, None, "is a device or pipe, not a file; give a file name")
    _prepare(path)
    fd, tmp = _new_temp_file(path)
    try:
        yield tmp
        _commit_file(fd, tmp, path)
    except BaseException as exc:
        _discard_file(fd, tmp)
        for extra in (tmp.with_name(tmp.name + "-journal"), tmp.with_name(tmp.name + "-wal"),
                      tmp.with_name(tmp.name + "-shm")):
            with contextlib.suppress(OSError):
                extra.unlink()
        if isinstance(exc, OSError) and _ours(exc, tmp, path):
            raise storage_error(exc, path) from exc
        raise


def _discard_file(fd: int, tmp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    with contextlib.suppress(OSError):
        os.close(fd)


@contextlib.contextmanager
def atomic_dir(path: Path | str) -> Iterator[Path]:
    """A temporary folder beside ``path`` renamed to ``path`` when complete. An existing non-empty
    folder is refused (never merged into), so an export never mixes with older files."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise FormatError(path, None, "exists and is not an empty folder; choose a new folder")
    with _scratch(path) as (tmp, _fd):
        yield tmp
        try:
            _flush_tree(tmp)
            if path.exists():
                path.rmdir()
            os.replace(tmp, path)
        except OSError as exc:
            raise storage_error(exc, path) from exc
        _fsync_folder(path.parent)


@contextlib.contextmanager
def scratch_dir(path: Path | str) -> Iterator[Path]:
    """A locked working folder beside ``path`` for files an export assembles before writing
    ``path`` (e.g. zip members); always removed, and removed by a later run if this one is killed."""
    with _scratch(Path(path)) as (tmp, _fd):
        yield tmp


@contextlib.contextmanager
def _scratch(path: Path) -> Iterator[tuple[Path, int]]:
    _prepare(path)
    try:
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=temp_prefix(path), suffix=TEMP_SUFFIX))
        fd = os.open(tmp, os.O_RDONLY)
    except OSError as exc:
        raise storage_error(exc, path) from None
    _try_lock(fd)
    try:
        yield tmp, fd
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError) and _ours(exc, tmp, path):
            raise storage_error(exc, path) from exc
        raise
    else:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already when it became ``path``
    finally:
        os.close(fd)


def _flush_tree(folder: Path) -> None:
    """Put every file under ``folder`` on the disk before the folder is renamed: one ``syncfs`` of
    the filesystem on Linux (an fsync per file costs ~3 ms, 20,000 files a minute), else per file."""
    if _syncfs(folder):
        return
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _syncfs(folder: Path) -> bool:
    if not hasattr(os, "sync") or os.name != "posix":  # pragma: no cover
        return False
    try:
        import ctypes  # noqa: PLC0415 (Linux syncfs only, when a folder is synced)
        import ctypes.util  # noqa: PLC0415 (Linux syncfs only, when a folder is synced)

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        os.sync()
        return True
    fd = os.open(folder, os.O_RDONLY)
    try:
        synced: bool = syncfs(fd) == 0  # a foreign function: untyped
        return synced
    finally:
        os.close(fd)
