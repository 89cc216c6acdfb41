"""Identity: of reports (the SHA-256 of the UTF-8 bytes of the exact text), annotators and keys within a set."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from operator import itemgetter
from typing import NewType

from annotator.core.errors import InvalidValue

ReportId = NewType("ReportId", str)
AnnotatorName = NewType("AnnotatorName", str)

GOLD = AnnotatorName("gold")
# who the workflow's and curation's records name when a caller names nobody: the file's (or, on a
# server, the connecting login's) owner, acting as a supervisor. Never a person's name (``check_identity``)
OWNER = AnnotatorName("(owner)")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^[^\s\x00-\x1f/\\][^\x00-\x1f/\\]{0,63}$")


def report_id(text: str) -> ReportId:
    """The id of a report: identical texts from any file, encoding or workstation get the same id."""
    return ReportId(hashlib.sha256(text.encode("utf-8")).hexdigest())


def is_report_id(value: str) -> bool:
    return bool(_HEX64.match(value))


def annotator_name(value: str) -> AnnotatorName:
    """Validate an annotator name: 1-64 characters, no control characters or slashes, not blank."""
    name = value.strip() if isinstance(value, str) else ""
    if not name or not _NAME.match(name):
        raise InvalidValue(f"{str(value)[:80]!r} is not a usable annotator name "
                              "(1-64 characters, no slashes or control characters)")
    return AnnotatorName(name)


def key_number(key: str, prefix: int = 1) -> int | None:
    """The number of a key within a set (``T12`` -> 12; ``prefix``: how many characters come before it),
    or None when the rest is not a number. Decimal digits of any script count, as ``int`` reads them
    (``T٣`` -> 3); a superscript (``T²``), which ``str.isdigit`` accepts and ``int`` refuses, does not."""
    rest = key[prefix:]
    return int(rest) if rest.isdecimal() else None


def highest_key_number(keys: Iterable[str], prefix: int = 1) -> int:
    """The highest ``key_number`` among ``keys``, 0 when none has one: what a set's next key must pass.
    Walked in C (a load asks it of 600,000 keys)."""
    return max(map(int, filter(str.isdecimal, map(itemgetter(slice(prefix, None)), keys))), default=0)
