"""The one check of ISO 8601 dates: a calendar day (``YYYY-MM-DD``), and the values a date span carries.

Every layer reads dates from outside (a ``--published`` option, an HTML page's metadata, a stored span's
value, an edit's timestamp), so the check lives here, in core, where the readers, records, agreement and
services may all import it; each caller keeps its own sentence for a refusal.

Digits are ASCII only: ``\\d`` would also take Arabic-Indic digits (``٢٠٢٤-٠٤-٠٧``), which no ISO consumer
reads. Day, month and year are checked against the calendar (``2024-02-30`` is not a date).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SINGLE = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?"
_VALUE = re.compile(rf"{_SINGLE}(?:/{_SINGLE})?")


def iso_day(value: object, *, prefix: bool = False) -> date | None:
    """The calendar day ``value`` names as ``YYYY-MM-DD``, or None. With ``prefix`` only the start must be
    one (a timestamp ``2024-04-07T10:00:00+00:00``, a page's ``2024-04-07 10:00``)."""
    if not isinstance(value, str):
        return None
    found = (_DAY.match if prefix else _DAY.fullmatch)(value)
    if found is None:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def is_iso_value(value: object) -> bool:
    """True for the values a date span carries: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (a real month and
    day) or an interval ``start/end`` of two of those."""
    return isinstance(value, str) and _is_iso_value(value)


@lru_cache(maxsize=4096)  # records ask for every date mention, and a corpus repeats its dates
def _is_iso_value(value: str) -> bool:
    found = _VALUE.fullmatch(value)
    return found is not None and _real(*found.group(1, 2, 3)) and (found.group(4) is None
                                                                   or _real(*found.group(4, 5, 6)))


def _real(year: str, month: str | None, day: str | None) -> bool:
    if month is None:
        return True
    if day is None:
        return 1 <= int(month) <= 12
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True
