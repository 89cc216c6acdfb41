"""Operating-system storage faults as one sentence each (a full disk, a read-only folder, ...).

A fault while writing an output is never the user's input being wrong: it gets its own sentence
naming the file and the disk, and the exit status of a problem to act on (``StorageError``)."""

from __future__ import annotations

import errno
from pathlib import Path

from annotator.core.errors import StorageError

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM}
STORAGE_ERRNOS = frozenset(_FULL | _DENIED | {errno.EROFS, errno.EIO, errno.EFBIG})


def storage_error(exc: OSError, target: Path | str, *, nothing_written: bool = True) -> StorageError:
    """The sentence for ``exc`` raised while writing ``target``."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    tail = f"; nothing was written to {target}" if nothing_written else ""
    code = exc.errno
    if code in _FULL:
        return StorageError(f"the disk holding {folder} is full{tail}", kind="full")
    if code == errno.EROFS:
        return StorageError(f"the disk holding {folder} is read-only{tail}", kind="readonly")
    if code in _DENIED:
        culprit = exc.filename if exc.filename and Path(exc.filename) == target else folder
        return StorageError(f"cannot write {target}: permission denied on {culprit}{tail}", kind="readonly")
    if code == errno.EIO:
        return StorageError(f"the disk holding {folder} reported an input/output error (is it failing or "
                            f"was it removed?){tail}", kind="io")
    if code == errno.EFBIG:
        return StorageError(f"{target} would be larger than the disk holding {folder} allows{tail}", kind="full")
    if code == errno.ENAMETOOLONG:
        return StorageError(f"the name {target} is too long for its disk{tail}")
    if code in (errno.ENOTDIR, errno.ENOENT):
        return StorageError(f"cannot write {target}: a part of {folder} is not a folder{tail}")
    if code == errno.EISDIR or (code == errno.EBUSY and target.is_dir()):  # "." is busy, not a folder, to rename
        return StorageError(f"cannot write {target}: it is a folder{tail}")
    return StorageError(f"cannot write {target} ({exc.strerror or exc}){tail}")
