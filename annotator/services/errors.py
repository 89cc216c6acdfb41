"""What any failure means to the person who met it: ONE sentence and what kind of failure it is, for
every shell (the command line prints the sentence and exits with the kind's status; the window shows
it). A bug is said to be one, never dressed up as the user's mistake."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.errors import (
    AnnotatorError,
    Conflict,
    DatabaseError,
    FormatError,
    NotFound,
    PermissionDenied,
    ReaderError,
    StorageError,
    UsageError,
    ValidationError,
)
from annotator.core.progress import Cancelled
from annotator.files.faults import STORAGE_ERRNOS, storage_error

PROBLEM = "problem"  # the step ran and found something the user must act on (a conflict, a full disk)
BAD_INPUT = "bad_input"  # bad usage or unreadable input
BUG = "bug"  # not the user's doing: the sentence asks for a report
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Described:
    sentence: str
    kind: str


# One mapping of error kinds to what they mean, by class (cli.md's exit statuses), never per command:
# a problem the command found in the data, the disk or the user's role; or a request (or an input file)
# that cannot be understood (an ``InvalidValue`` is both: typed, it is usage). Any other ``AnnotatorError``
# is taken as bad input.
PROBLEMS: tuple[type[AnnotatorError], ...] = (ValidationError, Conflict, PermissionDenied, StorageError)
BAD_INPUTS: tuple[type[AnnotatorError], ...] = (UsageError, NotFound, ReaderError, FormatError, DatabaseError)


def describe(exc: BaseException) -> Described:
    """The sentence and kind of ``exc`` (the sentence ends with a full stop)."""
    if isinstance(exc, BAD_INPUTS):  # first: an ``InvalidValue`` is also a ValidationError
        return Described(_sentence(str(exc)), BAD_INPUT)
    if isinstance(exc, PROBLEMS):
        return Described(_sentence(str(exc)), PROBLEM)
    if isinstance(exc, AnnotatorError):
        return Described(_sentence(str(exc)), BAD_INPUT)
    if isinstance(exc, Cancelled):
        return Described("Cancelled.", CANCELLED)
    if isinstance(exc, KeyboardInterrupt):
        return Described("Interrupted.", CANCELLED)
    if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
        text = str(storage_error(exc, exc.filename, nothing_written=False)) if exc.filename else \
            f"the disk refused to store data ({exc.strerror}); the failed step saved nothing"
        return Described(_sentence(text), PROBLEM)
    if isinstance(exc, MemoryError):
        return Described("the computer ran out of memory; nothing was saved (close other programs, or split the "
                         "input).", PROBLEM)
    return Described(f"unexpected {type(exc).__name__}: {exc} — this is a bug in annotator, nothing was saved by "
                     "the failed step; please report it.", BUG)


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."
