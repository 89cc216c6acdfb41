"""Typed errors shared by every layer.

Each error's ``str()`` is one sentence a user can act on; the CLI prints it and the GUI shows it,
so the wording lives here once.
"""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base of every error the application reports to a user."""


class ValidationError(AnnotatorError):
    """An edit or a piece of data breaks a rule of the model (offsets, labels, relations), or the state of
    the data does not allow what was asked (work already done, a report not assigned). The request was
    understood: the command ran and found a problem to act on (exit 1)."""


class UsageError(AnnotatorError):
    """What was asked cannot be understood as asked: an option's syntax, a value outside its choices, a
    name this database does not know, an input file that is not there. Nothing was looked at or
    changed; the same command spelled right can run (exit 2, as argparse's own refusals).

    The line from ``ValidationError``: a usage error is wrong whatever the database holds; a validation
    error is about what the database (or the file's data) holds."""


class ReaderError(AnnotatorError):
    """A report file could not be read; names the file."""

    def __init__(self, path: object, detail: str) -> None:
        self.path = str(path)
        self.detail = detail
        super().__init__(f"{self.path}: {detail}")


class MissingExtraError(ReaderError):
    """A feature needs an optional dependency that is not installed."""

    def __init__(self, path: object, what: str, extra: str) -> None:
        self.extra = extra
        super().__init__(path, f"reading {what} needs the optional extra '{extra}' "
                               f"(pip install 'annotator[{extra}]')")


class FormatError(AnnotatorError):
    """A corpus file breaks its format; names the file and, where known, the line and span."""

    def __init__(self, file: object, line: int | None, detail: str) -> None:
        self.file = str(file)
        self.line = line
        self.detail = detail
        where = f"{self.file} line {line}" if line is not None else self.file
        super().__init__(f"{where}: {detail}")


class InvalidValue(UsageError, ValidationError):
    """A value that is not one of its kind: an annotator name, a status, a curation rule, a role, a
    ``--label-map`` entry. Typed on the command line it is bad usage (exit 2: ``describe`` looks at
    ``UsageError`` first); read from a file, the readers catch it as the ``ValidationError`` it also is and
    name the file and line."""


class NotFound(UsageError):
    """A report, span, annotator or entity does not exist (a name or id given that names nothing)."""


class Conflict(AnnotatorError):
    """An edit lost a race with another writer, or two sources disagree."""


class StaleEdit(Conflict):
    """An edit was made against a set (or a span) that is no longer what the user saw: another
    window, process or import changed it, or the edit names another report. Nothing was written."""


class DatabaseError(AnnotatorError):
    """The database cannot be opened, migrated or trusted (e.g. newer than this program)."""


class StorageError(AnnotatorError):
    """The disk or the database could not store or read what was asked: a full disk, a read-only file
    or folder, a database locked by another program, a damaged file, a server that went away.

    Nothing partial is left behind (outputs are written under a temporary name, edits are one
    transaction). ``kind`` names the fault (``full``, ``readonly``, ``locked``, ``damaged``,
    ``unreachable``, ``io`` or ``other``); ``retry`` is True when the same action can succeed later
    unchanged (a lock, a server outage), so a shell may offer to try again."""

    def __init__(self, message: str, *, kind: str = "other", retry: bool = False) -> None:
        self.kind = kind
        self.retry = retry
        super().__init__(message)


class PermissionDenied(AnnotatorError):
    """An annotator tried to change a set that is not theirs (or ``gold`` outside adjudication)."""


def failure_detail(exc: BaseException) -> str:
    """What a parser's own exception says, short, for the sentence a reader turns it into. Python's
    own complaints about a value's type or shape (``unhashable type: 'list'``, ``'int' object is not
    iterable``, a missing key) speak of our code, not of the file: they are said in the file's terms."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to be read"
    if isinstance(exc, KeyError):
        return f"a field {exc.args[0]!r:.60} it needs is missing" if exc.args else "a field it needs is missing"
    if isinstance(exc, (TypeError, AttributeError, IndexError)):
        return "a value in it has a type that does not belong in its place (e.g. a number where a list is expected)"
    return bug_detail(exc)


def bug_detail(exc: BaseException) -> str:
    """An exception as a programmer reads it (its type and first line), for a message reporting a bug."""
    text = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
