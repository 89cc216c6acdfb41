"""Span data recoded as coded units — "positions as units" (agreement.md §3, recipe b).

Kappa- and alpha-type coefficients need units; spans do not come with them.  The recipe used by INCEpTION is
to take every distinct ``(start, end)`` used by any annotator of a document as a unit and the label an
annotator gave there as their value.  Two conventions for an annotator who has no span at that position:

* ``"null"`` (INCEpTION): the value is missing — boundary disagreements disappear, which is optimistic;
* ``"empty"``: an explicit value ``∅`` — boundary disagreements count as label disagreements.

Stacked labels at one position by one annotator become one composite value (the sorted labels joined by
``+``).  Annotators without a set on a document are missing there under both conventions.  The output is an
integer units × coders matrix (``-1`` = missing) ready for ``coding.coincidences_from_codes``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.coding import alpha_from_coincidences, coincidences_from_codes
from annotator.agreement.spans import SpanT

EMPTY = "∅"


def positions_as_units(documents: Iterable[Mapping[str, Sequence[SpanT]]], annotators: Sequence[str],
                       missing: str = "empty") -> tuple[NDArray[Any], list[str]]:
    """(codes, values): one row per distinct position per document, one column per annotator."""
    if missing not in ("empty", "null"):
        raise ValueError("missing must be 'empty' or 'null'")
    col = {a: i for i, a in enumerate(annotators)}
    values: dict[str, int] = {}
    rows: list[list[int]] = []
    width = len(annotators)
    for sets in documents:
        at: dict[tuple[int, int], dict[str, list[str]]] = {}
        present = [a for a in sets if a in col]
        for who in present:
            for s, e, lab in sets[who]:
                at.setdefault((s, e), {}).setdefault(who, []).append(lab)
        for pos in sorted(at):
            row = [-1] * width
            given = at[pos]
            for who in present:
                labs = given.get(who)
                if labs:
                    value = labs[0] if len(labs) == 1 else "+".join(sorted(labs))
                elif missing == "empty":
                    value = EMPTY
                else:
                    continue
                code = values.get(value)
                if code is None:
                    code = values[value] = len(values)
                row[col[who]] = code
            rows.append(row)
    codes = np.asarray(rows, dtype=np.int64).reshape(len(rows), width)
    return codes, list(values)


def positions_alpha(documents: Sequence[Mapping[str, Sequence[SpanT]]], annotators: Sequence[str],
                    labels: Iterable[str] | None = None) -> dict[str, Any]:
    """Nominal α on positions as units under both conventions, plus per-label binarised α (``empty``)."""
    out: dict[str, Any] = {"unit": "distinct (start, end) per document; value = label, stacked labels joined by '+'"}
    empty_codes, empty_values = positions_as_units(documents, annotators, "empty")
    for missing in ("empty", "null"):
        codes, values = (empty_codes, empty_values) if missing == "empty" else _without_empty(empty_codes,
                                                                                            empty_values)
        co = coincidences_from_codes(codes, len(values), values)
        res = alpha_from_coincidences(co, "nominal")
        out[f"alpha_missing_as_{missing}"] = res["alpha"]
        if res["alpha"] is None:
            out[f"reason_missing_as_{missing}"] = res.get("reason")
        out[f"details_missing_as_{missing}"] = {k: v for k, v in res.items() if k != "alpha"}
        if missing == "empty":
            out["n_units"] = res["n_units"]
            per_label: dict[str, Any] = {}
            for lab in sorted(set(labels) if labels is not None else {v for x in values for v in x.split("+")}
                              - {EMPTY}):
                has = np.array([lab in v.split("+") for v in values], dtype=np.int64)
                binary = np.where(codes >= 0, has[np.clip(codes, 0, None)] if len(values) else 0, -1)
                bco = coincidences_from_codes(binary, 2, [0, 1])
                per_label[lab] = alpha_from_coincidences(bco, "nominal")["alpha"]
            out["per_label_binarised"] = per_label
    return out


def _without_empty(codes: NDArray[Any], values: list[str]) -> tuple[NDArray[Any], list[str]]:
    """The ``null`` convention from the ``empty`` one: ∅ becomes missing and the codes after it close up
    (exactly what ``positions_as_units(..., "null")`` builds, without a second pass over the spans)."""
    if EMPTY not in values:
        return codes, values
    k = values.index(EMPTY)
    out = np.where(codes == k, -1, np.where(codes > k, codes - 1, codes))
    return out, values[:k] + values[k + 1:]
