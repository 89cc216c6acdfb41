"""Yes/no attributes, read one way everywhere.

A schema's attribute values are strings (``"true"``/``"false"``), while spans and relations imported
from other tools or written by older versions may carry JSON booleans, ``"yes"`` or ``1``.  The record,
the event prefill and the exports must agree on what counts as set, so there is one reading.

``unlinked`` is the product's own flag (the inspector's *Unlink*): on a relation from a claim it removes
that one participant from the claim; on a span it removes the span from every claim it lies in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

UNLINKED = "unlinked"
_YES = frozenset({"true", "yes", "1"})


def is_true(value: Any) -> bool:
    """Whether an attribute value means yes: JSON ``true`` or ``1``, or the words true/yes/1 in any case."""
    if isinstance(value, str):
        return value.strip().lower() in _YES
    return value is True or (type(value) is int and value == 1)


def flagged(attrs: Mapping[str, Any] | None, name: str) -> bool:
    """Whether ``attrs`` (a span's or relation's, possibly empty) sets the yes/no attribute ``name``."""
    return attrs is not None and is_true(attrs.get(name))
