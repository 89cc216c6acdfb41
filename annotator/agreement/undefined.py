"""The "undefined" convention shared by every measure.

A coefficient whose formula divides 0 by 0 (no data, no variation, nothing to compare) is reported as
``None`` together with a human-readable ``reason``; it is never NaN, never an exception and never a silent
1.0 or 0.0.  Keeping the helpers in one place means every measure treats undefined results the same way, and
averages say how many undefined entries they skipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator`` as a plain float, or ``None`` when the denominator is 0 (or the result is
    not finite)."""
    if denominator == 0:
        return None
    value = float(numerator) / float(denominator)
    return value if math.isfinite(value) else None


def summarise(values: Sequence[float | None]) -> dict[str, Any]:
    """Unweighted mean of the defined entries with how many were used (``n``) and skipped (``skipped``, the
    ``None`` entries), and a ``reason`` when nothing was defined."""
    used = [v for v in values if v is not None]
    out: dict[str, Any] = {"mean": (sum(used) / len(used)) if used else None, "n": len(used),
                           "skipped": len(values) - len(used)}
    if not used:
        out["reason"] = "no defined value to average" if values else "nothing to average"
    return out
