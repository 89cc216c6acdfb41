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
    """(codes, values): one row per distinct position per document, one column per annotator.

    Rows come in document order, then position order; a value's code is the order it is first met in,
    reading the rows in turn and each row in the order the document lists its annotators."""
    if missing not in ("empty", "null"):
        raise ValueError("missing must be 'empty' or 'null'")
    documents = list(documents)
    fast = _unstacked_positions(documents, annotators, missing)
    return fast if fast is not None else _positions_row_by_row(documents, annotators, missing)


def _positions_row_by_row(documents: Sequence[Mapping[str, Sequence[SpanT]]], annotators: Sequence[str],
                          missing: str) -> tuple[NDArray[Any], list[str]]:
    """``positions_as_units`` position by position in Python: the definition, and the way for stacked labels
    (one annotator giving one position several labels, which become one composite value)."""
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


def _unstacked_positions(documents: Sequence[Mapping[str, Sequence[SpanT]]], annotators: Sequence[str],
                         missing: str) -> tuple[NDArray[Any], list[str]] | None:
    """``positions_as_units`` with numpy sorts instead of a dictionary per position: the corpus report's
    141,000 spans made its Python walk a tenth of the report. ``None`` (use ``_positions_row_by_row``) when
    an annotator stacks labels at one position or a label is spelt like the empty value."""
    col = {a: i for i, a in enumerate(annotators)}
    width = len(annotators)
    starts: list[int] = []
    ends: list[int] = []
    labels: list[str] = []
    runs: list[tuple[int, int, int]] = []  # (document, column, spans) of each annotator's spans
    present = np.zeros((len(documents), width), dtype=bool)
    rank = np.zeros((len(documents), width), dtype=np.int64)  # where a column is read in its document's rows
    for d, sets in enumerate(documents):
        for r, who in enumerate(a for a in sets if a in col):
            c = col[who]
            present[d, c] = True
            rank[d, c] = r
            spans = sets[who]
            if spans:
                s_, e_, l_ = zip(*spans, strict=True)
                starts.extend(s_)
                ends.extend(e_)
                labels.extend(l_)
                runs.append((d, c, len(spans)))
    label_ids = {lab: i for i, lab in enumerate(dict.fromkeys(labels))}
    if EMPTY in label_ids:
        return None
    if not labels:
        return np.zeros((0, width), dtype=np.int64), []
    run = np.asarray(runs, dtype=np.int64).reshape(len(runs), 3)
    doc = np.repeat(run[:, 0], run[:, 2])
    column = np.repeat(run[:, 1], run[:, 2])
    s_arr = np.asarray(starts, dtype=np.int64)
    e_arr = np.asarray(ends, dtype=np.int64)
    low = min(int(s_arr.min()), int(e_arr.min()), 0)
    span = max(int(s_arr.max()), int(e_arr.max())) - low + 1
    if len(documents) * span * span * max(width, 1) < 2 ** 62:  # one integer key sorts faster than four
        order = np.argsort(((doc * span + (s_arr - low)) * span + (e_arr - low)) * width + column, kind="stable")
    else:
        order = np.lexsort((column, e_arr, s_arr, doc))  # by document, position, then column
    doc, s_arr, e_arr, column = doc[order], s_arr[order], e_arr[order], column[order]
    same_position = (doc[1:] == doc[:-1]) & (s_arr[1:] == s_arr[:-1]) & (e_arr[1:] == e_arr[:-1])
    if (same_position & (column[1:] == column[:-1])).any():
        return None  # stacked labels
    row = np.concatenate(([0], np.cumsum(~same_position)))
    n_rows = int(row[-1]) + 1
    row_doc = np.zeros(n_rows, dtype=np.int64)
    row_doc[row] = doc
    empty_id = len(label_ids)
    raw = np.where(present[row_doc], empty_id if missing == "empty" else -1, -1)
    raw[row, column] = np.fromiter(map(label_ids.__getitem__, labels), dtype=np.int64, count=len(labels))[order]
    # codes in the order values are first met: rows in turn, each row in its document's annotator order
    cells_row, cells_col = np.nonzero(raw >= 0)
    read_at = cells_row * width + rank[row_doc[cells_row], cells_col]
    met = raw[cells_row, cells_col][np.argsort(read_at, kind="stable")]
    ids, first = np.unique(met, return_index=True)
    in_order = ids[np.argsort(first)]
    code_of = np.full(empty_id + 1, -1, dtype=np.int64)
    code_of[in_order] = np.arange(len(in_order))
    names = [*label_ids, EMPTY]
    codes = np.where(raw >= 0, code_of[np.clip(raw, 0, None)], -1)
    return codes, [names[i] for i in in_order.tolist()]


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
