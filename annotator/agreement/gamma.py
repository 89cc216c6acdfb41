"""γ (Mathet, Widlöcher & Métivier 2015) as pygamma-agreement defines it (agreement.md §7).

γ aligns the units of all annotators and chance-corrects the cost of the best alignment, which handles
partial overlap, nesting, split/merge and label disagreement at once.  pygamma is ~800 MB of dependencies,
so this is an own implementation:

* **Observed disorder δ_o** is deterministic and exact: a min-cost assignment
  (``scipy.optimize.linear_sum_assignment``) for two annotators; for more, the candidate unitary alignments
  are enumerated with branch-and-bound pruning (a unitary alignment costing more than leaving its units alone
  is never in an optimum) and the exact cover is solved as a mixed-integer program (``scipy.optimize.milp``).
* **Expected disorder δ_e** is the mean δ_o of random continua.  Randomness comes from an explicit
  ``numpy.random.Generator`` seeded by the caller; the seed, the sampler, the number of samples and the
  dissimilarity parameters are part of every result, so a figure can be reproduced (with the same
  numpy/scipy) — but it will not equal pygamma's, which draws from numpy's legacy global generator.

scipy is imported inside the functions, so ``import annotator.agreement`` stays light.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement.spans import as_spans

MAX_CANDIDATES = 200_000
TIE_BREAK = 1e-7
SAMPLERS = {"statistical": "StatisticalContinuumSampler", "shuffle": "ShuffleContinuumSampler"}

SpanT = tuple[float, float, str]  # a unit on the continuum: a sampled one may start between characters
Slot = SpanT | None
Alignment = list[tuple[Slot, ...]]


class Dissimilarity:
    """``d = α·d_pos + β·d_cat``; any pair involving the empty unit ∅ — also ∅ with ∅ — costs Δ∅, which is
    pygamma's convention and what its published observed disorders rest on."""

    def __init__(self, alpha: float = 1.0, beta: float = 1.0, delta_empty: float = 1.0) -> None:
        self.alpha, self.beta, self.delta_empty = float(alpha), float(beta), float(delta_empty)

    @classmethod
    def of(cls, spec: Mapping[str, Any] | None) -> Dissimilarity:
        """From a test case's ``dissimilarity``: the weights it sets; keys that only describe it (a
        ``categorical`` note, say) are ignored, not errors."""
        spec = spec or {}
        return cls(**{k: spec[k] for k in ("alpha", "beta", "delta_empty") if k in spec})

    def positional(self, u: SpanT, v: SpanT) -> float:
        total = (u[1] - u[0]) + (v[1] - v[0])
        if total == 0:
            return 0.0 if (u[0], u[1]) == (v[0], v[1]) else self.delta_empty
        return ((abs(u[0] - v[0]) + abs(u[1] - v[1])) / total) ** 2 * self.delta_empty

    def categorical(self, u: SpanT, v: SpanT) -> float:
        return 0.0 if u[2] == v[2] else self.delta_empty

    def __call__(self, u: Slot, v: Slot) -> float:
        if u is None or v is None:
            return self.delta_empty
        return self.alpha * self.positional(u, v) + self.beta * self.categorical(u, v)

    def params(self) -> dict[str, float]:
        return {"alpha": self.alpha, "beta": self.beta, "delta_empty": self.delta_empty}


def best_alignment(units: list[list[SpanT]], d: Dissimilarity) -> tuple[float | None, Alignment, str | None]:
    """(sum of unitary disorders of the cheapest alignment, the alignment, reason if it could not be found)."""
    if len(units) < 2:
        return None, [], "γ needs at least two annotators"
    if sum(len(u) for u in units) == 0:
        return 0.0, [], None
    if len(units) == 2:
        total, aligned = _two_annotators(units[0], units[1], d)
        return total, aligned, None
    return _partition(units, d)


def _two_annotators(a: list[SpanT], b: list[SpanT], d: Dissimilarity) -> tuple[float, Alignment]:
    """Min-cost assignment on the (|A|+|B|)² matrix of §7: pair u with v for d(u, v), or leave a unit alone
    for Δ∅ (diagonal of the off blocks, +∞ elsewhere), ∅–∅ for free."""
    from scipy.optimize import linear_sum_assignment  # noqa: PLC0415 (slow import, only for gamma)

    na, nb = len(a), len(b)
    size = na + nb
    big = 1e12
    cost = np.zeros((size, size))
    if na and nb:
        cost[:na, :nb] = [[d(u, v) for v in b] for u in a]
    cost[:na, nb:] = big
    cost[na:, :nb] = big
    cost[np.arange(na), nb + np.arange(na)] = d.delta_empty
    cost[na + np.arange(nb), np.arange(nb)] = d.delta_empty
    rows, cols = linear_sum_assignment(cost)
    aligned: Alignment = []
    total = 0.0
    for r, c in zip(rows.tolist(), cols.tolist(), strict=False):
        if r < na and c < nb:
            aligned.append((a[r], b[c]))
        elif r < na:
            aligned.append((a[r], None))
        elif c < nb:
            aligned.append((None, b[c]))
        else:
            continue
        total += float(cost[r, c])
    return total, aligned


def _candidates(units: list[list[SpanT]], d: Dissimilarity) -> tuple[list[tuple[int, ...]], list[float]] | None:
    """Unitary alignments that can be part of an optimum: sum of pair costs ≤ C(n,2)·k·Δ∅ (k real units; a
    singleton costs exactly Δ∅).  Branch and bound over annotators; ``None`` beyond ``MAX_CANDIDATES``."""
    n = len(units)
    c2n = n * (n - 1) / 2
    pair = {}
    for i, j in combinations(range(n), 2):
        m = np.full((len(units[i]) + 1, len(units[j]) + 1), d.delta_empty)
        for x, u in enumerate(units[i]):
            for y, v in enumerate(units[j]):
                m[x, y] = d(u, v)
        pair[(i, j)] = m  # index len(units[i]) is ∅
    combos: list[tuple[int, ...]] = []
    costs: list[float] = []
    choice = [0] * n
    eps = 1e-9

    def rec(i: int, partial: float, k: int) -> bool:
        if partial > c2n * (k + n - i) * d.delta_empty + eps:  # cannot get under the bound any more
            return True
        if i == n:
            if k == 0 or partial > c2n * k * d.delta_empty + eps:
                return True
            combos.append(tuple(choice))
            costs.append(partial / c2n)
            return len(combos) <= MAX_CANDIDATES
        for x in range(len(units[i]) + 1):
            real = x < len(units[i])
            add = sum(float(pair[(j, i)][choice[j], x]) for j in range(i))
            choice[i] = x
            if not rec(i + 1, partial + add, k + real):
                return False
        return True

    if not rec(0, 0.0, 0):
        return None
    return combos, costs


def _partition(units: list[list[SpanT]], d: Dissimilarity) -> tuple[float | None, Alignment, str | None]:
    """Exact minimum-cost partition of all units into unitary alignments (set partitioning MILP)."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: PLC0415 (slow import, only for gamma)

    found = _candidates(units, d)
    if found is None:
        return None, [], (f"more than {MAX_CANDIDATES:,} candidate unitary alignments; split the continuum "
                          "into smaller pieces")
    combos, costs = found
    row: dict[tuple[int, int], int] = {}
    for i, us in enumerate(units):
        for x in range(len(us)):
            row[(i, x)] = len(row)
    matrix = np.zeros((len(row), len(combos)))
    for col, combo in enumerate(combos):
        for i, x in enumerate(combo):
            if x < len(units[i]):
                matrix[row[(i, x)], col] = 1.0
    # among equal-cost partitions prefer fewer unitary alignments (deterministic, and what pygamma reports);
    # the solver must then close the gap completely, not stop at its default relative gap of 1e-4
    c = np.asarray(costs) + TIE_BREAK * d.delta_empty
    res = milp(c=c, constraints=LinearConstraint(matrix, 1, 1), integrality=np.ones(len(c), dtype=int),
               bounds=Bounds(0, 1), options={"mip_rel_gap": 0.0})
    if not res.success or res.x is None:
        return None, [], f"the alignment solver failed: {res.message}"
    chosen = np.flatnonzero(res.x > 0.5)
    aligned = [tuple(units[i][x] if x < len(units[i]) else None for i, x in enumerate(combos[col]))
               for col in chosen.tolist()]
    return float(sum(costs[col] for col in chosen.tolist())), aligned, None


def observed_disorder(units: list[list[SpanT]], d: Dissimilarity) -> tuple[float | None, Alignment, str | None]:
    """δ_o = (sum of unitary disorders of the best alignment) / mean number of units per annotator."""
    total, aligned, reason = best_alignment(units, d)
    if total is None:
        return None, aligned, reason
    mean_units = sum(len(u) for u in units) / len(units)
    if mean_units == 0:
        return None, aligned, "no units"
    return total / mean_units, aligned, None


def cat_disorder(aligned: Alignment, d: Dissimilarity) -> float:
    """γ_cat's disorder (Mathet 2018 §4.2.5, as pygamma computes it): the label dissimilarity of every pair
    of units aligned together, weighted by positional confidence max(0, 1 − α·d_pos) and by
    1/(units in the unitary alignment − 1); a unit paired with ∅ adds Δ∅² with weight Δ∅ (pygamma's
    "unaligned" case)."""
    total = weight_sum = 0.0
    any_pair = False
    for slots in aligned:
        real = sum(1 for u in slots if u is not None)
        base = 1.0 / (real - 1) if real >= 2 else 0.0
        for u, v in combinations(slots, 2):
            if u is None or v is None:
                if u is not None or v is not None:
                    total += d.delta_empty * d.delta_empty
                    weight_sum += d.delta_empty
                continue
            any_pair = True
            weight = base * max(0.0, 1.0 - d.alpha * d.positional(u, v))
            total += d.categorical(u, v) * weight
            weight_sum += weight
    if not any_pair:
        return 1.0 if weight_sum == 0 else 0.0
    return 0.0 if total == 0 else total / weight_sum


def _units(annotators: Mapping[str, Sequence[Any]]) -> tuple[list[str], list[list[SpanT]]]:
    names = list(annotators)
    return names, [sorted(as_spans(annotators[n])) for n in names]


def gamma_observed_disorder(*, annotators: Mapping[str, Sequence[Any]],
                            dissimilarity: Mapping[str, float] | None = None, **_ignored: Any) -> dict[str, Any]:
    """δ_o of the best alignment, the number of unitary alignments and every pairwise dissimilarity
    (``"[s,e)label-[s,e)label"``), with the dissimilarity parameters."""
    d = Dissimilarity.of(dissimilarity)
    names, units = _units(annotators)
    value, aligned, reason = observed_disorder(units, d)
    examples = {}
    for (_i, a), (_j, b) in combinations(list(enumerate(units)), 2):
        for u in a:
            for v in b:
                examples[f"[{u[0]},{u[1]}){u[2]}-[{v[0]},{v[1]}){v[2]}"] = d(u, v)
                examples[f"[{v[0]},{v[1]}){v[2]}-[{u[0]},{u[1]}){u[2]}"] = d(u, v)
    out: dict[str, Any] = {"observed_disorder": value, "n_unitary_alignments": len(aligned), "annotators": names,
                           "units_per_annotator": {n: len(u) for n, u in zip(names, units, strict=False)},
                           "alignment": [[list(u) if u else None for u in slots] for slots in aligned],
                           "pair_dissimilarities_examples": examples, **d.params()}
    if reason:
        out["reason"] = reason
    return out


# ------------------------------------------------------------------------------------------ sampling


def shuffle_sample(units: list[list[SpanT]], rng: np.random.Generator, *, int_pivot: bool = True) -> list[list[SpanT]]:
    """Mathet et al. 2015 §5.2 (pygamma's ``ShuffleContinuumSampler``): each sampled annotator is a randomly
    chosen real annotator's units shifted by a random pivot (wrapping round the continuum), the pivots kept
    at least half a mean unit length apart."""
    every = [u for us in units for u in us]
    lo, hi = float(min(0, min(u[0] for u in every))), float(max(u[1] for u in every))
    min_dist = sum(u[1] - u[0] for u in every) / len(every) / 2
    sources = [us for us in units]
    while True:
        available = [(lo, hi)]
        sample: list[list[SpanT]] = []
        for _ in range(len(units)):
            if available:
                weights = np.array([e - s for s, e in available], dtype=float)
                if weights.sum() > 0:
                    s, e = available[int(rng.choice(len(available), p=weights / weights.sum()))]
                    pivot = float(rng.uniform(s, e))
                    if int_pivot:
                        pivot = float(int(pivot))
                else:
                    pivot = 1.0
                available = _remove_around(available, pivot, min_dist)
            else:
                pivot = float(rng.uniform(lo, hi))
            source = sources[int(rng.integers(len(sources)))]
            shifted = []
            for s, e, lab in source:
                if s + pivot > hi:
                    shifted.append((s + pivot + lo - hi, e + pivot + lo - hi, lab))
                else:
                    shifted.append((s + pivot, e + pivot, lab))
            sample.append(sorted(shifted))
        if any(sample):
            return sample


def _remove_around(segments: list[tuple[float, float]], pivot: float, dist: float) -> list[tuple[float, float]]:
    out = []
    for s, e in segments:
        if s >= pivot - dist:
            if e > pivot + dist:
                out.append((pivot + dist, e))
        else:
            out.append((s, pivot - dist))
            if e > pivot + dist:
                out.append((pivot + dist, e))
    return out


def statistical_sample(units: list[list[SpanT]], rng: np.random.Generator) -> list[list[SpanT]]:
    """pygamma's default ``StatisticalContinuumSampler``: per annotator a number of units, gaps, lengths and
    labels drawn from normal / categorical distributions fitted to the real continuum."""
    every = [u for us in units for u in us]
    counts = [len(us) for us in units]
    gaps = [0.0]
    for us in units:
        if us and us[0][0] > 0:
            gaps.append(float(us[0][0]))
        gaps += [float(b[0] - a[1]) for a, b in zip(us, us[1:], strict=False)]
    lengths = [float(u[1] - u[0]) for u in every]
    labels = sorted({u[2] for u in every})
    weights = np.array([sum(1 for u in every if u[2] == lab) for lab in labels], dtype=float)
    weights /= weights.sum()
    mc, sc = float(np.mean(counts)), float(np.std(counts))
    mg, sg = float(np.mean(gaps)), float(np.std(gaps))
    ml, sl = float(np.mean(lengths)), float(np.std(lengths))
    sample: list[list[SpanT]] = []
    for _ in units:
        n = abs(int(rng.normal(mc, sc)))
        if not any(sample):
            n = max(1, n)
        last = 0.0
        mine: list[SpanT] = []
        for _ in range(n):
            start = last + float(rng.normal(mg, sg))
            length = abs(float(rng.normal(ml, sl)))
            while length <= 1e-9:
                length = abs(float(rng.normal(ml, sl)))
            mine.append((start, start + length, labels[int(rng.choice(len(labels), p=weights))]))
            last = start + length
        sample.append(sorted(mine))
    return sample


def _sampler_key(sampler: str) -> str:
    s = sampler.lower()
    return "shuffle" if s.startswith("shuffle") else "statistical"


def gamma(*, annotators: Mapping[str, Sequence[Any]], dissimilarity: Mapping[str, float] | None = None,
          sampler: str = "StatisticalContinuumSampler", seed: int = 0, n_samples: int = 30,
          precision_level: float | None = None, **_ignored: Any) -> dict[str, Any]:
    """γ and γ_cat: δ_o of the real continuum against the mean δ_o of ``n_samples`` random continua.

    With ``precision_level`` p, the sample count is raised after the first batch to ⌈(cv·1.96/p)²⌉ (cv = the
    coefficient of variation of the sample disorders), as pygamma does.  ``seed`` seeds a
    ``numpy.random.default_rng``; result keys ``seed``, ``sampler``, ``samples``, ``alpha``, ``beta``,
    ``delta_empty`` record everything needed to repeat the run.
    """
    d = Dissimilarity.of(dissimilarity)
    names, units = _units(annotators)
    key = _sampler_key(sampler)
    out: dict[str, Any] = {"gamma": None, "gamma_cat": None, "observed_disorder": None,
                           "expected_disorder": None, "n_unitary_alignments": 0, "annotators": names,
                           "units_per_annotator": {n: len(u) for n, u in zip(names, units, strict=False)},
                           "sampler": SAMPLERS[key], "seed": seed, "samples": 0,
                           "precision_level": precision_level, **d.params()}
    observed, aligned, reason = observed_disorder(units, d)
    out["observed_disorder"] = observed
    out["n_unitary_alignments"] = len(aligned)
    if observed is None:
        out["reason"] = reason or "no units"
        return out
    observed_cat = cat_disorder(aligned, d)
    out["observed_cat_disorder"] = observed_cat
    rng = np.random.default_rng(seed)

    def draw() -> list[list[SpanT]]:
        return shuffle_sample(units, rng) if key == "shuffle" else statistical_sample(units, rng)

    disorders: list[float] = []
    cat_disorders: list[float] = []

    def take(k: int) -> str | None:
        for _ in range(k):
            value, sample_aligned, why = observed_disorder(draw(), d)
            if value is None:
                return why
            disorders.append(value)
            cat_disorders.append(cat_disorder(sample_aligned, d))
        return None

    why = take(n_samples)
    if why is None and precision_level:
        mean = float(np.mean(disorders))
        cv = float(np.std(disorders)) / mean if mean else 0.0
        needed = math.ceil((cv * 1.96 / precision_level) ** 2)
        why = take(max(0, needed - len(disorders)))
    out["samples"] = len(disorders)
    if why is not None:
        out["reason"] = f"a sampled continuum could not be aligned: {why}"
        return out
    expected = float(np.mean(disorders))
    expected_cat = float(np.mean(cat_disorders))
    out["expected_disorder"] = expected
    out["expected_cat_disorder"] = expected_cat
    if observed == 0:
        out["gamma"] = 1.0  # identical annotations: γ = 1 for any sampling
    elif expected > 0:
        out["gamma"] = 1.0 - observed / expected
    else:
        out["reason"] = "the sampled continua have no disorder: γ is undefined"
    if observed_cat == 0:
        out["gamma_cat"] = 1.0
    elif expected_cat > 0:
        out["gamma_cat"] = 1.0 - observed_cat / expected_cat
    else:
        out["gamma_cat_reason"] = "the sampled continua have no categorical disorder"
    return out
