"""Coefficients for *coded* units: Cohen's κ (plain and weighted), Fleiss' κ and Krippendorff's α.

Coded units are the classic reliability setting: every unit is a thing that each coder put into one category
(agreement.md §1–§3).  The span report needs them for "positions as units" and per-label figures, and the
published reference values (Artstein & Poesio, Fleiss 1971, Krippendorff 2011, ...) pin the formulas down.

Every function returns a plain, JSON-serialisable dict with the coefficient, the raw counts it rests on and a
``reason`` whenever a value is undefined (``undefined.py``).  numpy does the arithmetic; nothing here needs
scipy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.undefined import ratio

LEVELS = ("nominal", "ordinal", "interval", "ratio")


# --------------------------------------------------------------------------------------------- helpers


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _ordered_categories(values: Iterable[Any], declared: Sequence[Any] | None = None) -> list[Any]:
    """Declared categories first (in their order), then unseen values in natural order when sortable."""
    seen = list(dict.fromkeys(v for v in values if not _is_missing(v)))
    if declared is not None:
        out = list(declared)
        extra = [v for v in seen if v not in set(out)]
        return out + _sorted_if_possible(extra)
    return _sorted_if_possible(seen)


def _sorted_if_possible(values: list[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=repr)


def _key(value: Any) -> str:
    """JSON object keys are strings; ``1`` and ``"1"`` both become ``"1"``."""
    return str(value)


# ----------------------------------------------------------------------------------------- Cohen's κ


def _table_from_input(*, table: Mapping[str, Any] | Sequence[Sequence[float]] | None = None,
                      units: Sequence[Sequence[Any]] | None = None, a: Sequence[Any] | None = None,
                      b: Sequence[Any] | None = None, categories: Sequence[Any] | None = None,
                      categories_in_order: Sequence[Any] | None = None) -> tuple[NDArray[Any], list[Any], int]:
    """The K×K count table (rows coder A, columns coder B), its categories and how many units were dropped.

    Accepts ``table`` (``{"counts": ..., "categories": ...}`` or a bare matrix), ``units`` (pairs) or two
    parallel lists ``a`` / ``b``.  Units missing for either coder are dropped listwise (§1).
    """
    declared = list(categories_in_order) if categories_in_order is not None else (
        list(categories) if categories is not None else None)
    if table is not None:
        counts = table.get("counts") if isinstance(table, Mapping) else table
        if isinstance(table, Mapping) and declared is None and table.get("categories") is not None:
            declared = list(table["categories"])
        matrix = np.asarray(counts if counts is not None else [], dtype=float)
        if matrix.size == 0:
            return np.zeros((0, 0)), declared or [], 0
        k = matrix.shape[0]
        cats = declared if declared is not None and len(declared) == k else list(range(k))
        return matrix, cats, 0
    if units is None:
        units = list(zip(a or [], b or [], strict=False))
    pairs = [(u[0], u[1]) for u in units]
    kept = [(x, y) for x, y in pairs if not _is_missing(x) and not _is_missing(y)]
    cats = _ordered_categories([v for p in kept for v in p], declared)
    index = {c: i for i, c in enumerate(cats)}
    matrix = np.zeros((len(cats), len(cats)))
    for x, y in kept:
        matrix[index[x], index[y]] += 1
    return matrix, cats, len(pairs) - len(kept)


def _kappa_parts(matrix: NDArray[Any]) -> dict[str, Any]:
    n = float(matrix.sum())
    if n == 0:
        return {"n_units": 0}
    p = matrix / n
    a = p.sum(axis=1)
    b = p.sum(axis=0)
    return {"n_units": int(round(n)) if float(n).is_integer() else n, "p": p, "a": a, "b": b,
            "P_o": float(np.trace(p)), "P_e": float(a @ b)}


def cohen_kappa(*, table: Any = None, units: Sequence[Sequence[Any]] | None = None,
                a: Sequence[Any] | None = None, b: Sequence[Any] | None = None,
                categories: Sequence[Any] | None = None, categories_in_order: Sequence[Any] | None = None,
                **_ignored: Any) -> dict[str, Any]:
    """Cohen's κ for two coders, with the companion figures a reader needs to judge it.

    Besides κ (each coder keeps their own marginals) it reports Scott's π (pooled marginals), Bennett's S
    (uniform chance over the K declared categories) and Krippendorff's nominal α on the same pairs, because
    the differences between them show how much the chance model matters.
    """
    matrix, cats, dropped = _table_from_input(table=table, units=units, a=a, b=b, categories=categories,
                                              categories_in_order=categories_in_order)
    parts = _kappa_parts(matrix)
    out: dict[str, Any] = {"kappa": None, "observed_agreement": None, "chance_agreement": None,
                           "scott_pi": None, "bennett_S": None, "krippendorff_alpha_nominal": None,
                           "n_units": parts["n_units"], "n_dropped_missing": dropped,
                           "categories": [c for c in cats], "counts": matrix.tolist()}
    if parts["n_units"] == 0:
        out["reason"] = "no unit coded by both coders"
        return out
    p_o, p_e = parts["P_o"], parts["P_e"]
    out["observed_agreement"] = p_o
    out["chance_agreement"] = p_e
    out["kappa"] = ratio(p_o - p_e, 1.0 - p_e) if not math.isclose(p_e, 1.0) else None
    pooled = (parts["a"] + parts["b"]) / 2
    p_e_pi = float(pooled @ pooled)
    out["scott_pi"] = ratio(p_o - p_e_pi, 1.0 - p_e_pi) if not math.isclose(p_e_pi, 1.0) else None
    k = len(cats)
    out["bennett_S"] = ratio(p_o - 1.0 / k, 1.0 - 1.0 / k) if k >= 2 else None
    n = matrix.sum()
    coincidence = matrix + matrix.T  # two values per unit, one pair each way
    out["krippendorff_alpha_nominal"] = _nominal_alpha_from_coincidence(coincidence, n * 2)
    if out["kappa"] is None:
        out["reason"] = ("both coders used one and the same category for every unit (chance agreement 1): "
                         "kappa is 0/0")
    return out


def _nominal_alpha_from_coincidence(o: NDArray[Any], n: float) -> float | None:
    n_c = o.sum(axis=1)
    expected = n * n - float(n_c @ n_c)
    if expected <= 0 or n < 2:
        return None
    observed = float(n) - float(np.trace(o))
    return float(1.0 - (float(n) - 1) * observed / expected)


def _weight_matrix(kind: str, k: int) -> NDArray[Any]:
    idx = np.arange(k, dtype=float)
    diff: NDArray[Any] = np.abs(idx[:, None] - idx[None, :])
    if kind == "linear":
        return diff
    if kind == "quadratic":
        squared: NDArray[Any] = diff ** 2
        return squared
    flat: NDArray[Any] = (diff > 0).astype(float)
    return flat


def _weighted_kappa(p: NDArray[Any], a: NDArray[Any], b: NDArray[Any], w: NDArray[Any]) -> float | None:
    expected = float((w * np.outer(a, b)).sum())
    if expected == 0:
        return None
    return 1.0 - float((w * p).sum()) / expected


def cohen_kappa_weighted(*, table: Any = None, units: Sequence[Sequence[Any]] | None = None,
                         a: Sequence[Any] | None = None, b: Sequence[Any] | None = None,
                         categories_in_order: Sequence[Any] | None = None,
                         weights: str | Sequence[Sequence[float]] | None = None,
                         **_ignored: Any) -> dict[str, Any]:
    """Weighted κ (Cohen 1968): unweighted, linear and quadratic, plus an optional custom weight matrix.

    The category index comes from ``categories_in_order`` (the *declared* order), not from the values that
    happen to occur — otherwise an unused middle category silently shrinks the distances (§9).  ``weights``
    may name one scheme (``"linear"``/``"quadratic"``) or give a K×K disagreement matrix; its result is
    ``weighted``.
    """
    matrix, cats, dropped = _table_from_input(table=table, units=units, a=a, b=b,
                                              categories_in_order=categories_in_order)
    parts = _kappa_parts(matrix)
    out: dict[str, Any] = {"unweighted": None, "linear": None, "quadratic": None, "n_units": parts["n_units"],
                           "n_dropped_missing": dropped, "categories": cats, "observed_agreement": None}
    if weights is not None:
        out["weighted"] = None
    if parts["n_units"] == 0:
        out["reason"] = "no unit coded by both coders"
        return out
    p, ra, cb = parts["p"], parts["a"], parts["b"]
    k = p.shape[0]
    out["observed_agreement"] = parts["P_o"]
    for kind, key in (("nominal", "unweighted"), ("linear", "linear"), ("quadratic", "quadratic")):
        out[key] = _weighted_kappa(p, ra, cb, _weight_matrix(kind, k))
    if weights is not None:
        w = _weight_matrix(weights, k) if isinstance(weights, str) else np.asarray(weights, dtype=float)
        out["weighted"] = _weighted_kappa(p, ra, cb, w) if w.shape == (k, k) else None
        if w.shape != (k, k):
            out["reason"] = f"weight matrix has shape {w.shape}, expected {(k, k)}"
    if out["unweighted"] is None:
        out.setdefault("reason", "no expected disagreement (one category used by both coders): kappa is 0/0")
    return out


# ----------------------------------------------------------------------------------------- Fleiss' κ


def fleiss_kappa(*, counts: Sequence[Sequence[float]] | None = None, raw_units: Sequence[Sequence[Any]] | None = None,
                 categories: Sequence[Any] | None = None, raters_per_unit: int | None = None,
                 **_ignored: Any) -> dict[str, Any]:
    """Fleiss' κ for a fixed number n of raters per unit, with P̄, P̄_e and Fleiss' per-category κ_j.

    ``counts`` is units × categories; ``raw_units`` (one row of ratings per unit) is converted.  Units with a
    rating count other than n are excluded and counted, because the formula silently breaks on them (§2).
    With ``raw_units`` whose columns are the same coders, Davies & Fleiss (1982) κ — NLTK's ``multi_kappa`` —
    is added as ``davies_fleiss`` / ``nltk_multi_kappa_davies_fleiss``.
    """
    davies = None
    if counts is None and raw_units is not None:
        cats = _ordered_categories([v for row in raw_units for v in row], categories)
        index = {c: i for i, c in enumerate(cats)}
        matrix: NDArray[Any] = np.zeros((len(raw_units), len(cats)))
        for i, row in enumerate(raw_units):
            for v in row:
                if not _is_missing(v):
                    matrix[i, index[v]] += 1
        davies = _davies_fleiss(raw_units, cats)
    else:
        matrix = np.asarray(counts if counts is not None else [], dtype=float)
        if matrix.ndim != 2:
            matrix = matrix.reshape(0, 0)
        cats = list(categories) if categories is not None and len(categories) == matrix.shape[1] \
            else list(range(matrix.shape[1]))
    out: dict[str, Any] = {"kappa": None, "P_bar": None, "P_bar_e": None, "per_category": {},
                           "categories": cats, "n_units": int(matrix.shape[0]), "raters_per_unit": None,
                           "n_units_excluded": 0}
    if davies is not None:
        out["davies_fleiss"] = davies
        out["nltk_multi_kappa_davies_fleiss"] = davies
    if matrix.shape[0] == 0:
        out["reason"] = "no units"
        return out
    per_unit = matrix.sum(axis=1)
    n = raters_per_unit
    if n is None:
        values, freq = np.unique(per_unit, return_counts=True)
        n = int(values[np.argmax(freq)])
    keep = per_unit == n
    out["n_units_excluded"] = int((~keep).sum())
    out["raters_per_unit"] = int(n)
    m = matrix[keep]
    big_n = m.shape[0]
    out["n_units"] = int(big_n)
    if big_n == 0 or n < 2:
        out["reason"] = "fewer than two raters per unit" if n < 2 else f"no unit has exactly {n} ratings"
        return out
    p_j = m.sum(axis=0) / (big_n * n)
    p_i = ((m * m).sum(axis=1) - n) / (n * (n - 1))
    p_bar = float(p_i.mean())
    p_bar_e = float(p_j @ p_j)
    out["P_bar"] = p_bar
    out["P_bar_e"] = p_bar_e
    out["observed_agreement"] = p_bar
    out["category_shares"] = {_key(c): float(x) for c, x in zip(cats, p_j, strict=False)}
    if math.isclose(p_bar_e, 1.0):
        out["reason"] = "every rating is in one category (chance agreement 1): kappa is 0/0"
    else:
        out["kappa"] = (p_bar - p_bar_e) / (1.0 - p_bar_e)
    undefined_cats = []
    for j, c in enumerate(cats):
        denom = big_n * n * (n - 1) * p_j[j] * (1 - p_j[j])
        if denom == 0:
            out["per_category"][_key(c)] = None
            undefined_cats.append(_key(c))
        else:
            out["per_category"][_key(c)] = 1.0 - float((m[:, j] * (n - m[:, j])).sum()) / denom
    if undefined_cats:
        out["per_category_reason"] = ("undefined for categories used by nobody or by every rating: "
                                      + ", ".join(undefined_cats))
    return out


def _davies_fleiss(raw_units: Sequence[Sequence[Any]], cats: list[Any]) -> float | None:
    """Davies & Fleiss (1982) as NLTK's ``multi_kappa``: mean pairwise agreement against mean pairwise
    chance agreement with each coder's own marginals (columns are coders; complete data only)."""
    rows = [r for r in raw_units if not any(_is_missing(v) for v in r)]
    if not rows:
        return None
    c = len(rows[0])
    if c < 2 or any(len(r) != c for r in rows):
        return None
    index = {v: i for i, v in enumerate(cats)}
    codes = np.array([[index[v] for v in r] for r in rows])
    n_items = codes.shape[0]
    ao_sum = 0.0
    ae_sum = 0.0
    shares = [np.bincount(codes[:, j], minlength=len(cats)) / n_items for j in range(c)]
    pairs = 0
    for x in range(c):
        for y in range(x + 1, c):
            ao_sum += float((codes[:, x] == codes[:, y]).mean())
            ae_sum += float(shares[x] @ shares[y])
            pairs += 1
    ao, ae = ao_sum / pairs, ae_sum / pairs
    return None if math.isclose(ae, 1.0) else (ao - ae) / (1.0 - ae)


# ----------------------------------------------------------------------------------- Krippendorff's α


class Coincidences:
    """The coincidence matrix of §3 for one data set, built once and reused for every level.

    ``values`` are the distinct pairable values in rank order, ``o`` the K×K coincidences, ``n_c`` the
    pairable values per category and ``n`` their total.
    """

    __slots__ = ("values", "o", "n_c", "n", "n_units", "n_pairable_units", "n_values")

    def __init__(self, values: list[Any], o: NDArray[Any], n_units: int, n_pairable_units: int,
                 n_values: int) -> None:
        self.values = values
        self.o = o
        self.n_c = o.sum(axis=1)
        self.n = float(self.n_c.sum())
        self.n_units = n_units
        self.n_pairable_units = n_pairable_units
        self.n_values = n_values


def coincidences_from_codes(codes: NDArray[Any], k: int, values: list[Any]) -> Coincidences:
    """Coincidences from an integer units × coders matrix (``-1`` = not coded), fully vectorised.

    ``o = Nᵀ·diag(1/(m_u − 1))·N − diag(Σ_u n_uc/(m_u − 1))`` with N the units × categories count matrix —
    the same as adding ``1/(m_u − 1)`` for every ordered pair of values from different coders.
    """
    codes = np.asarray(codes)
    n_units = int(codes.shape[0]) if codes.ndim == 2 else 0
    n_values = int((codes >= 0).sum()) if codes.size else 0
    if codes.size == 0 or k == 0:
        return Coincidences(values, np.zeros((k, k)), n_units, 0, n_values)
    rows, cols = np.nonzero(codes >= 0)
    cats = codes[rows, cols]
    # units × categories counts (np.bincount: np.add.at is an order of magnitude slower on large corpora)
    counts = np.bincount(rows * k + cats, minlength=codes.shape[0] * k).reshape(codes.shape[0], k).astype(float)
    m_u = counts.sum(axis=1)
    pairable = m_u >= 2
    counts = counts[pairable]
    inv = 1.0 / (m_u[pairable] - 1.0)
    o = (counts * inv[:, None]).T @ counts
    o[np.diag_indices(k)] -= (counts * inv[:, None]).sum(axis=0)
    return Coincidences(values, o, n_units, int(pairable.sum()), n_values)


def coincidences(units: Sequence[Sequence[Any]], order: Sequence[Any] | None = None) -> Coincidences:
    """Coincidences of a units × coders matrix with ``None``/NaN for "not coded"."""
    flat = [v for row in units for v in row if not _is_missing(v)]
    values = _ordered_categories(flat, order)
    index = {v: i for i, v in enumerate(values)}
    width = max((len(r) for r in units), default=0)
    codes = np.full((len(units), width), -1, dtype=np.int64)
    for i, row in enumerate(units):
        for j, v in enumerate(row):
            if not _is_missing(v):
                codes[i, j] = index[v]
    return coincidences_from_codes(codes, len(values), values)


def _delta2(level: str, co: Coincidences) -> NDArray[Any] | None:
    """δ²(c, k) for every pair of ranked values, or ``None`` when the level does not apply to the values."""
    k = len(co.values)
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        n_c = co.n_c
        cum = np.concatenate([[0.0], np.cumsum(n_c)])
        i = np.arange(k)
        lo = np.minimum(i[:, None], i[None, :])
        hi = np.maximum(i[:, None], i[None, :])
        between = cum[hi + 1] - cum[lo]
        ordinal: NDArray[Any] = (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2
        return ordinal
    if not all(_is_number(v) for v in co.values):
        return None
    x = np.asarray(co.values, dtype=float)
    if level == "interval":
        interval: NDArray[Any] = (x[:, None] - x[None, :]) ** 2
        return interval
    if level == "ratio":
        s = x[:, None] + x[None, :]
        d = x[:, None] - x[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(s == 0, 0.0, d / np.where(s == 0, 1.0, s))
        return r ** 2
    raise ValueError(f"unknown level of measurement {level!r}; use one of {LEVELS}")


def alpha_from_coincidences(co: Coincidences, level: str = "nominal") -> dict[str, Any]:
    """α = 1 − D_o/D_e at one level, with D_o, D_e, counts and a reason when undefined."""
    out: dict[str, Any] = {"alpha": None, "level": level, "D_o": None, "D_e": None,
                           "pairable_values_n": int(round(co.n)), "n_units": co.n_units,
                           "n_pairable_units": co.n_pairable_units, "n_values": co.n_values,
                           "observed_agreement": (float(np.trace(co.o)) / co.n) if co.n else None}
    if co.n_pairable_units == 0 or co.n < 2:
        out["reason"] = "no unit has values from two or more coders (nothing pairable)"
        return out
    d2 = _delta2(level, co)
    if d2 is None:
        out["reason"] = f"{level} level needs numeric values"
        return out
    n = co.n
    d_o = float((co.o * d2).sum()) / n
    d_e = float((np.outer(co.n_c, co.n_c) * d2).sum()) / (n * (n - 1))
    out["D_o"], out["D_e"] = d_o, d_e
    if d_e == 0:
        out["reason"] = ("all pairable values are identical (no variation): D_o = D_e = 0, alpha is 0/0; "
                         "observed agreement is 100 %")
        return out
    out["alpha"] = 1.0 - d_o / d_e
    return out


def binarised_alphas(co: Coincidences) -> dict[str, float | None]:
    """Per-category α on "is this value" vs "is not" (DKPro's category-specific α), from the same matrix.

    For category c: o_cc stays, the c/¬c cells are n_c − o_cc, so D_o ∝ 2(n_c − o_cc) and
    D_e ∝ 2·n_c·(n − n_c).
    """
    out: dict[str, float | None] = {}
    n = co.n
    for i, v in enumerate(co.values):
        n_c = float(co.n_c[i])
        denom = n_c * (n - n_c)
        out[_key(v)] = None if denom == 0 or n < 2 else 1.0 - (n - 1) * (n_c - float(co.o[i, i])) / denom
    return out


def krippendorff_alpha(*, units: Sequence[Sequence[Any]] | None = None, level: str | None = None,
                       order: Sequence[Any] | None = None, levels: Sequence[str] | None = None,
                       cases: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                       **_ignored: Any) -> dict[str, Any]:
    """Krippendorff's α for a units × coders matrix (``None`` = not coded) at one or several levels.

    With ``level`` the result holds ``alpha`` (and the same value under the level's name); without it every
    level that applies to the values is computed (``nominal``, ``ordinal``, ``interval``, ``ratio``), with
    ``<level>_D_o`` / ``<level>_D_e`` and the full per-level dicts under ``levels``.  ``order`` gives the rank
    order for ordinal string values.  The per-label binarised nominal α (§3) is always included.  ``cases``
    computes several named data sets at once (``{name: alpha}`` plus ``details``).
    """
    if cases is not None:
        details = {name: krippendorff_alpha(units=data, level=level or "nominal", order=order)
                   for name, data in cases.items()}
        result: dict[str, Any] = {name: d["alpha"] for name, d in details.items()}
        result["details"] = details
        return result
    co = coincidences(units or [], order)
    numeric = all(_is_number(v) for v in co.values)
    wanted = [level] if level else list(levels or (LEVELS if numeric else (
        ("nominal", "ordinal") if order is not None else ("nominal",))))
    out: dict[str, Any] = {"values": [v if _is_number(v) or isinstance(v, str) else repr(v) for v in co.values],
                           "pairable_values_n": int(round(co.n)), "n_units": co.n_units,
                           "n_pairable_units": co.n_pairable_units,
                           "observed_agreement": (float(np.trace(co.o)) / co.n) if co.n else None,
                           "levels": {}}
    for lv in wanted:
        res = alpha_from_coincidences(co, lv)
        out["levels"][lv] = res
        out[lv] = res["alpha"]
        out[f"{lv}_D_o"] = res["D_o"]
        out[f"{lv}_D_e"] = res["D_e"]
        if res["alpha"] is None:
            out.setdefault("reasons", {})[lv] = res.get("reason")
    if level:
        out["alpha"] = out[level]
        out["D_o"], out["D_e"] = out[f"{level}_D_o"], out[f"{level}_D_e"]
        if out["alpha"] is None:
            out["reason"] = out["levels"][level].get("reason")
    elif out.get("nominal") is None and "reasons" in out:
        out["reason"] = out["reasons"].get("nominal")
    out["coincidences"] = co.o.tolist()
    out["per_label_binarised_nominal"] = binarised_alphas(co)
    return out
